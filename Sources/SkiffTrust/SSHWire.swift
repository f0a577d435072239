/// Reads the SSH wire encoding (RFC 4251 §5): `uint32`, and `string` as a uint32 length and
/// that many bytes. Every read is bounds-checked: input comes from commits anyone can push.
struct SSHWireReader {
    private var bytes: ArraySlice<UInt8>

    init<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        self.bytes = ArraySlice(bytes)
    }

    var isAtEnd: Bool { bytes.isEmpty }

    mutating func readBytes(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, bytes.count >= count else { return nil }
        defer { bytes = bytes.dropFirst(count) }
        return bytes.prefix(count)
    }

    mutating func readUInt32() -> UInt32? {
        guard let four = readBytes(4) else { return nil }
        return four.reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func readString() -> [UInt8]? {
        guard let length = readUInt32(), length <= 1 << 20, let body = readBytes(Int(length)) else { return nil }
        return Array(body)
    }

    mutating func readText() -> String? {
        readString().map { String(decoding: $0, as: UTF8.self) }
    }

    /// An `mpint` as an unsigned big-endian number without leading zero bytes.
    mutating func readUnsignedMPInt() -> [UInt8]? {
        guard let value = readString() else { return nil }
        return Array(value.drop { $0 == 0 })
    }
}

/// Writes the SSH wire encoding (for the data an SSH signature covers).
struct SSHWireWriter {
    private(set) var bytes: [UInt8] = []

    mutating func write(raw: some Sequence<UInt8>) {
        bytes += raw
    }

    mutating func write(string: some Collection<UInt8>) {
        let count = UInt32(string.count)
        bytes += [UInt8(count >> 24), UInt8(count >> 16 & 0xff), UInt8(count >> 8 & 0xff), UInt8(count & 0xff)]
        bytes += string
    }
}
