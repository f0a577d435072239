import ArgumentParser
import Foundation
import SkiffBuildInfo
import SkiffRouterAPI
import SkiffSource
import SkiffSupport

/// `skiff version`: this build, the libraries that matter to an operator, and a site's running router.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print Skiff's version and commit, its git and TLS libraries, and a site's running router.",
        discussion: """
            With --site, also asks that site's router which version it runs (a router keeps running across \
            upgrades of the binary until it is restarted). Every router announces its version to its peers; \
            `skiff status` shows each site's.

            Example: skiff version --site west --output json
            """
    )

    @Option(name: .long, help: ArgumentHelp("Also show the version of this site's running router.", valueName: "site"), completion: SiteCompletion.kind)
    var site: String?

    @Option(name: .long, help: ArgumentHelp(
        "The site's state directory. Default: $XDG_STATE_HOME/skiff/<site>, or /var/lib/skiff/<site> as root.", valueName: "dir"))
    var stateDir: String?

    @Option(name: .long, help: ArgumentHelp("Output format: text or json.", valueName: "format"))
    var output: ReportFormatOption = .text

    func validate() throws {
        if stateDir != nil, site == nil { throw ValidationError("--state-dir needs --site") }
    }

    /// What `--output json` prints.
    struct Report: Encodable {
        struct Router: Encodable {
            var site: String
            var running: Bool
            var version: String?
            var pid: Int32?
        }

        var formatVersion = 1
        var version = SkiffVersion.number
        var commit = SkiffVersion.commit
        var libgit2 = GitLibrary.version
        var tls = "BoringSSL"
        var packages = SkiffVersion.packages
        var router: Router?

        enum CodingKeys: String, CodingKey {
            case formatVersion = "format_version", version, commit, libgit2, tls, packages, router
        }
    }

    func run() throws {
        let report = Self.report(site: site, stateDirectory: site.map { StateDirectory(path: stateDir ?? StateDirectory.defaultPath(site: $0)) })
        switch output {
        case .json: print(try Self.json(report))
        case .text: print(Self.text(report))
        }
    }

    /// This build's report, with the router of `site` when one is named.
    static func report(site: String?, stateDirectory: StateDirectory?) -> Report {
        var report = Report()
        if let site, let stateDirectory {
            let supervisor = RouterSupervisor(stateDirectory: stateDirectory)
            let status = try? supervisor.client.status()
            report.router = Report.Router(site: site, running: status != nil, version: status?.version, pid: status == nil ? nil : supervisor.livePID)
        }
        return report
    }

    static func json(_ report: Report) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(report), as: UTF8.self)
    }

    static func text(_ report: Report) -> String {
        var rows = [("commit", report.commit), ("libgit2", report.libgit2)]
        let nioSSL = report.packages["swift-nio-ssl"].map { " in swift-nio-ssl \($0)" } ?? ""
        rows.append(("TLS", "\(report.tls)\(nioSSL) (TLS 1.3 only)"))
        rows += report.packages.sorted { $0.key < $1.key }.filter { $0.key != "swift-nio-ssl" }.map { ($0.key, $0.value) }
        if let router = report.router {
            let state = router.running ? (router.version ?? "unknown (it does not say)") + (router.pid.map { ", pid \($0)" } ?? "") : "not running"
            rows.append(("router of \(router.site)", state))
        }
        let width = rows.map(\.0.count).max() ?? 0
        return (["skiff \(SkiffVersion.description)"] + rows.map { "  " + $0.0.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.1 })
            .joined(separator: "\n")
    }
}
