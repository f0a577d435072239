/// A single linear pass over a YAML file's bytes that bounds nesting depth and alias count *before*
/// the file reaches the composer: Yams composes recursively (deep nesting would exhaust the stack)
/// and hashes mapping keys (an aliased key would expand exponentially).
///
/// The pass is conservative: it over-estimates depth and alias count, never under-estimates.
/// Comments, quoted strings and block scalars are skipped, so ordinary files are never refused.
struct YAMLPrescan {
    struct Finding: Error, Equatable {
        var line: Int
        var column: Int
        var message: String
    }

    static func check(_ bytes: [UInt8], limits: YAMLLimits) -> Finding? {
        var scanner = YAMLPrescan(limits: limits)
        return scanner.run(bytes)
    }

    private let limits: YAMLLimits
    private var indentStack: [Int] = []
    private var flowDepth = 0
    private var aliases = 0
    private var quote: UInt8? = nil
    /// Indentation of the line that opened a block scalar (`|` or `>`); deeper lines are its text.
    private var blockScalarIndent: Int? = nil

    private init(limits: YAMLLimits) {
        self.limits = limits
    }

    private mutating func run(_ bytes: [UInt8]) -> Finding? {
        var lineNumber = 0
        var start = 0
        while start <= bytes.count {
            lineNumber += 1
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
            if let finding = scanLine(bytes[start..<end], number: lineNumber) { return finding }
            start = end + 1
        }
        return nil
    }

    private mutating func scanLine(_ line: ArraySlice<UInt8>, number: Int) -> Finding? {
        var index = line.startIndex
        while index < line.endIndex, line[index] == UInt8(ascii: " ") { index += 1 }
        let indent = index - line.startIndex
        let blank = index == line.endIndex || line[index] == UInt8(ascii: "#") || line[index] == UInt8(ascii: "\r")
        if let blockIndent = blockScalarIndent {
            if blank || indent > blockIndent { return nil }
            blockScalarIndent = nil
        }
        if blank { return nil }

        var depth = 0
        if quote == nil && flowDepth == 0 {
            while let last = indentStack.last, last > indent { indentStack.removeLast() }
            if indentStack.last != indent { indentStack.append(indent) }
            depth = indentStack.count
        }
        var previous = UInt8(ascii: " ")
        var lastSignificant = UInt8(ascii: " ")
        while index < line.endIndex {
            let byte = line[index]
            defer { previous = byte; index += 1 }
            if let open = quote {
                if byte == open {
                    if open == UInt8(ascii: "'"), index + 1 < line.endIndex, line[index + 1] == open {
                        index += 1
                    } else {
                        quote = nil
                    }
                } else if byte == UInt8(ascii: "\\"), open == UInt8(ascii: "\"") {
                    index += 1
                }
                continue
            }
            let atTokenStart = Self.isSeparator(previous)
            switch byte {
            case UInt8(ascii: "#") where atTokenStart:
                index = line.endIndex - 1
                continue
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                if atTokenStart { quote = byte }
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                flowDepth += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                flowDepth = max(0, flowDepth - 1)
            case UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":"):
                let next = index + 1 < line.endIndex ? line[index + 1] : UInt8(ascii: " ")
                if Self.isSeparator(next), byte != UInt8(ascii: ":") || !atTokenStart { depth += 1 }
            case UInt8(ascii: "*") where atTokenStart:
                aliases += 1
                if aliases > limits.maxAliases {
                    return Finding(line: number, column: index - line.startIndex + 1,
                                   message: "more than \(limits.maxAliases) aliases in one file; expand them by hand")
                }
            default:
                break
            }
            if byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\r") { lastSignificant = byte }
            if depth + flowDepth > limits.maxDepth {
                return Finding(line: number, column: index - line.startIndex + 1,
                               message: "nesting deeper than \(limits.maxDepth) levels")
            }
        }
        if quote == nil, lastSignificant == UInt8(ascii: "|") || lastSignificant == UInt8(ascii: ">")
            || Self.endsWithBlockIndicator(line)
        {
            blockScalarIndent = indent
        }
        return nil
    }

    private static func isSeparator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "[")
            || byte == UInt8(ascii: "{") || byte == UInt8(ascii: ",")
    }

    /// `key: |-`, `key: >+2` and friends: a block scalar header with chomping or indentation indicators.
    private static func endsWithBlockIndicator(_ line: ArraySlice<UInt8>) -> Bool {
        var index = line.endIndex
        while index > line.startIndex, [UInt8(ascii: " "), UInt8(ascii: "\r")].contains(line[index - 1]) { index -= 1 }
        var sawIndicator = false
        while index > line.startIndex {
            let byte = line[index - 1]
            if byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || (byte >= 0x30 && byte <= 0x39) {
                sawIndicator = true
                index -= 1
                continue
            }
            let before = index - 1 > line.startIndex ? line[index - 2] : UInt8(ascii: " ")
            return sawIndicator && (byte == UInt8(ascii: "|") || byte == UInt8(ascii: ">")) && before == UInt8(ascii: " ")
        }
        return false
    }
}
