import ArgumentParser
import Foundation
import Logging
import SkiffPlan
import SkiffReconcile
import SkiffSupport

/// `skiff plan --output`: text, JSON, or markdown (for a CI comment, with --base).
enum OutputFormatOption: String, ExpressibleByArgument, CaseIterable {
    case text, json, markdown

    var format: OutputFormat {
        switch self {
        case .text: .text
        case .json: .json
        case .markdown: .markdown
        }
    }
}

/// `--output` of the commands that print a report as text or JSON (`validate`, `status`): their
/// `--help` lists only these, and ArgumentParser refuses anything else.
enum ReportFormatOption: String, ExpressibleByArgument, CaseIterable {
    case text, json

    var format: OutputFormat {
        switch self {
        case .text: .text
        case .json: .json
        }
    }
}

/// `--log-level`: swift-log's levels, parsed (and listed in `--help`) by ArgumentParser.
extension Logger.Level: @retroactive ExpressibleByArgument {}

/// `--http HOST:PORT`: where the daemon serves health, metrics, status and the webhook.
struct HTTPAddress: ExpressibleByArgument, CustomStringConvertible, Sendable {
    var host: String
    var port: Int

    /// A host is required: the daemon does not listen on every address unless told which.
    init?(argument: String) {
        guard let (host, port) = HostPort.parse(argument), !host.isEmpty else { return nil }
        self.host = host
        self.port = port
    }

    var description: String { HostPort.format(host, port) }
    var defaultValueDescription: String { description }
}
