/// Moving what was found in one document of a file to where that document stands in the file
/// (`DocumentCache`): line numbers change, columns and everything else do not. Line 0 means
/// "no line known" and stays 0.
extension SourceLocation {
    func shiftingLines(by offset: Int) -> SourceLocation {
        guard line > 0, offset != 0 else { return self }
        var moved = self
        moved.line += offset
        return moved
    }
}

extension Diagnostic {
    func shiftingLines(by offset: Int) -> Diagnostic {
        var moved = self
        moved.location = location.shiftingLines(by: offset)
        return moved
    }
}

extension Resource {
    func shiftingLines(by offset: Int) -> Resource {
        guard offset != 0 else { return self }
        var moved = self
        moved.location = location.shiftingLines(by: offset)
        moved.fieldLocations = fieldLocations.mapValues { $0.shiftingLines(by: offset) }
        return moved
    }
}

extension ResourceDecoder.Decoded {
    func shiftingLines(by offset: Int) -> Self {
        switch self {
        case .resource(let resource):
            return .resource(resource.shiftingLines(by: offset))
        case .secret(var secret):
            secret.location = secret.location.shiftingLines(by: offset)
            return .secret(secret)
        case .invalid, .skipped:
            return self
        }
    }
}
