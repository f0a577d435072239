/// A failure while a command runs (not a misuse of its arguments): printed as one line,
/// `Error: …`, exit 1, without the usage text ArgumentParser adds to a `ValidationError`.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
