import SkiffModel

/// Loads a network from (path, text) pairs, as if read from a repository.
func load(_ files: [(String, String)], limits: YAMLLimits = .defaults) -> (Network, [Diagnostic]) {
    Network.load(files.map { NetworkFile(path: $0.0, bytes: Array($0.1.utf8)) }, limits: limits)
}

/// Diagnostic lines as the user sees them.
func lines(_ diagnostics: [Diagnostic]) -> [String] {
    diagnostics.map(\.description)
}
