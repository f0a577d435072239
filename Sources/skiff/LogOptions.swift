import ArgumentParser
import Foundation
import Logging

/// How a long-running command (`daemon`, `router`) logs: level and format.
struct LogOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    /// The variable that carries the format to the router a daemon starts.
    static let formatVariable = "SKIFF_LOG_FORMAT"

    @Option(name: .long, help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel: Logger.Level = .info

    @Option(name: .long, help: ArgumentHelp(
        "Log format: text (one readable line per event) or json (one JSON object per line, with the structured metadata, for journald and log shippers). Default: $SKIFF_LOG_FORMAT, else text.",
        valueName: "format"))
    var logFormat: Format?

    /// The format asked for, else the environment's, else text.
    var format: Format {
        logFormat ?? ProcessInfo.processInfo.environment[Self.formatVariable].flatMap(Format.init(rawValue:)) ?? .text
    }

    func validate() throws {
        if logFormat == nil, let value = ProcessInfo.processInfo.environment[Self.formatVariable], Format(rawValue: value) == nil {
            throw ValidationError("\(Self.formatVariable) must be text or json, got \"\(value)\"")
        }
    }

    /// Sends every logger of the process to standard error in the chosen level and format, and
    /// passes the format on to child processes (the router a daemon starts logs as its daemon does).
    func bootstrap() {
        let level = logLevel, format = self.format
        setenv(Self.formatVariable, format.rawValue, 1)
        LoggingSystem.bootstrap { label in
            switch format {
            case .text:
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            case .json:
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }
}
