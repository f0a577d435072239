import Foundation

/// An OpenSSH `allowed_signers` file (ssh-keygen(1), "ALLOWED SIGNERS"), the file git's
/// `gpg.ssh.allowedSignersFile` names: one key per line with the principals it may sign for.
///
///     alice@example.com ssh-ed25519 AAAAC3Nza… alice's laptop
///     *@ops.example.com namespaces="git",valid-before="20271231Z" ecdsa-sha2-nistp256 AAAAE2Vj…
public struct AllowedSigners: Sendable {
    public struct Entry: Sendable {
        /// Patterns (`*` and `?` wildcards) the key may sign as.
        public var principals: [String]
        /// Namespaces the key may sign in (nil: any).
        public var namespaces: [String]?
        public var validAfter: Date?
        public var validBefore: Date?
        public var key: SSHPublicKey
        public var line: Int
    }

    public struct Failure: Error, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var message: String
        public var description: String { "\(file):\(line): \(message)" }
    }

    public var file: String
    public var entries: [Entry]

    public init(contentsOf path: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Failure(file: path, line: 0, message: "cannot read the allowed signers file")
        }
        try self.init(text, file: path)
    }

    public init(_ text: String, file: String) throws {
        self.file = file
        entries = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            do throws(LineProblem) {
                entries.append(try Self.entry(line, number: index + 1))
            } catch {
                throw Failure(file: file, line: index + 1, message: error.message)
            }
        }
        if entries.isEmpty { throw Failure(file: file, line: 0, message: "no signer in the file") }
    }

    /// The entries that list `key`.
    public func entries(for key: SSHPublicKey) -> [Entry] {
        entries.filter { $0.key == key }
    }

    static func entry(_ line: String, number: Int) throws(LineProblem) -> Entry {
        var fields = tokens(line)
        guard fields.count >= 3 else { throw LineProblem("expected: principals [options] key-type base64-key") }
        let principals = fields.removeFirst().split(separator: ",").map(String.init)
        var namespaces: [String]?, validAfter: Date?, validBefore: Date?
        // Options come before the key type when there are any; key types look like `ssh-…`, `ecdsa-…`, `sk-…`.
        let keyType = { (field: String) in ["ssh-", "ecdsa-", "sk-"].contains { field.hasPrefix($0) } }
        if !keyType(fields[0]) {
            for option in splitOptions(fields.removeFirst()) {
                let (name, value) = option.split(separator: "=", maxSplits: 1).map(String.init).pair
                switch name.lowercased() {
                case "namespaces": namespaces = value?.split(separator: ",").map(String.init)
                case "valid-after": validAfter = try time(value, option: name)
                case "valid-before": validBefore = try time(value, option: name)
                case "cert-authority": throw LineProblem("cert-authority keys are not supported: list each signer's key")
                default: throw LineProblem("unknown option \"\(name)\"")
                }
            }
        }
        guard fields.count >= 2 else { throw LineProblem("expected a key type and a base64 key after the options") }
        guard SSHPublicKey.Algorithm(rawValue: fields[0]) != nil else {
            throw LineProblem("key type \(fields[0]) is not supported (ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa)")
        }
        guard let key = SSHPublicKey(algorithm: fields[0], base64: fields[1]) else { throw LineProblem("the \(fields[0]) key is not valid base64 of such a key") }
        return Entry(principals: principals, namespaces: namespaces, validAfter: validAfter, validBefore: validBefore, key: key, line: number)
    }

    /// Whitespace-separated fields; double quotes group (options such as `namespaces="a,b"`).
    static func tokens(_ line: String) -> [String] {
        var fields: [String] = [], current = "", quoted = false
        for character in line {
            if character == "\"" { quoted.toggle(); current.append(character); continue }
            if character.isWhitespace, !quoted {
                if !current.isEmpty { fields.append(current); current = "" }
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { fields.append(current) }
        return fields
    }

    /// `a="x,y",b` → [`a="x,y"`, `b`]: commas inside quotes do not split.
    static func splitOptions(_ text: String) -> [String] {
        var options: [String] = [], current = "", quoted = false
        for character in text {
            if character == "\"" { quoted.toggle(); continue }
            if character == ",", !quoted { options.append(current); current = ""; continue }
            current.append(character)
        }
        options.append(current)
        return options.filter { !$0.isEmpty }
    }

    /// `YYYYMMDD[HHMM[SS]][Z]`: UTC with `Z`, else the local time zone (as ssh-keygen reads it).
    static func time(_ value: String?, option: String) throws(LineProblem) -> Date {
        guard var text = value else { throw LineProblem("\(option) needs a time") }
        var zone = TimeZone.current
        if text.hasSuffix("Z") || text.hasSuffix("z") { text.removeLast(); zone = TimeZone(identifier: "UTC")! }
        let digits = text.compactMap(\.wholeNumberValue)
        guard digits.count == text.count, [8, 12, 14].contains(digits.count) else { throw LineProblem("\(option)=\(value!) is not YYYYMMDD[HHMM[SS]][Z]") }
        func number(_ range: Range<Int>) -> Int { digits[range].reduce(0) { $0 * 10 + $1 } }
        var parts = DateComponents(timeZone: zone, year: number(0..<4), month: number(4..<6), day: number(6..<8))
        if digits.count >= 12 { parts.hour = number(8..<10); parts.minute = number(10..<12) }
        if digits.count == 14 { parts.second = number(12..<14) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        guard let date = calendar.date(from: parts) else { throw LineProblem("\(option)=\(value!) is not a valid time") }
        return date
    }

    /// Whether `principal` matches `pattern` (`*` any run, `?` one character), as OpenSSH matches.
    static func matches(_ principal: String, pattern: String) -> Bool {
        let text = Array(principal), glob = Array(pattern)
        func match(_ t: Int, _ g: Int) -> Bool {
            if g == glob.count { return t == text.count }
            if glob[g] == "*" { return (t...text.count).contains { match($0, g + 1) } }
            guard t < text.count, glob[g] == "?" || glob[g] == text[t] else { return false }
            return match(t + 1, g + 1)
        }
        return match(0, 0)
    }
}

/// What is wrong with one line (the file and line number are added by the caller).
struct LineProblem: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

extension Array where Element == String {
    fileprivate var pair: (String, String?) { (self.first ?? "", self.count > 1 ? self[1] : nil) }
}
