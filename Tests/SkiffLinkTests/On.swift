/// Runs one event of a state machine inside `#expect` or `#require`, whose expansion takes a
/// method call apart and cannot call a `mutating` one: `#expect(on { machine.openStream() } == nil)`.
func on<T>(_ event: () throws -> T) rethrows -> T {
    try event()
}
