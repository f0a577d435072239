import Foundation
import SkiffRouterAPI
import SkiffSupport
import SkiffTelemetry

/// The reconciler's last report on disk (`router/gitops.json`): a router restarted without a
/// reconciler running (a site run with `apply`) still tells the network what the site applied.
enum GitOpsFile {
    static func load(_ stateDirectory: String) -> GitOpsReport? {
        guard let data = FileManager.default.contents(atPath: RouterProcess.gitopsPath(stateDirectory)) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(GitOpsReport.self, from: data)
    }

    static func save(_ report: GitOpsReport, stateDirectory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try AtomicFile.write(try encoder.encode(report), to: RouterProcess.gitopsPath(stateDirectory), permissions: 0o600)
    }
}
