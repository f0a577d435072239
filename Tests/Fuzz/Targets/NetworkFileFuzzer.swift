import SkiffModel

/// One resource file in a site folder, through everything `skiff validate` runs on it: YAML
/// limits, parsing, schema validation, the resource model and the whole-network checks.
enum NetworkFileFuzzer {
    static func run(_ input: [UInt8]) -> FuzzOutcome {
        let (network, diagnostics) = Network.load([NetworkFile(path: "west/fuzz.yaml", bytes: input)])
        // Every finding must render as the one line a user sees.
        let lines = diagnostics.map { "\($0)" }
        if let error = diagnostics.errors.first { return FuzzOutcome(accepted: false, detail: "\(error)") }
        return FuzzOutcome(accepted: network.resourceCount > 0, detail: "\(network.resourceCount) resources, \(lines.count) findings")
    }
}
