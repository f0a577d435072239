/// Splits a YAML file into its documents by their `---` lines, without parsing: so each document
/// can be read on its own and, when its text is the same at two commits, read once.
///
/// In YAML a line that starts with `---` followed by a space, a tab or the end of the line is a
/// document marker wherever it stands — inside block scalars, quoted scalars and flow collections
/// too (YAML 1.2, `c-forbidden`; libyaml implements it so) — so cutting there separates what the
/// parser separates. A file with directives (`%YAML`, `%TAG`) or `...` markers is not split: a
/// directive belongs to the document after it, and a chunk cut before it would not parse alone.
enum YAMLDocumentSplit {
    struct Chunk: Equatable {
        var range: Range<Int>
        /// Lines of the file before the chunk: add to a line number within the chunk.
        var lineOffset: Int
    }

    /// The chunks of `bytes`, in order, covering it all; nil when the file must be read whole.
    static func chunks(_ bytes: [UInt8]) -> [Chunk]? {
        var chunks: [Chunk] = []
        var chunkStart = 0, chunkLine = 0
        var lineStart = 0, line = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            switch marker(bytes, at: lineStart, end: lineEnd) {
            case .document where lineStart > chunkStart:
                chunks.append(Chunk(range: chunkStart..<lineStart, lineOffset: chunkLine))
                chunkStart = lineStart
                chunkLine = line
            case .unsplittable:
                return nil
            default:
                break
            }
            lineStart = lineEnd + 1
            line += 1
        }
        if chunkStart < bytes.count || chunks.isEmpty { chunks.append(Chunk(range: chunkStart..<bytes.count, lineOffset: chunkLine)) }
        return chunks
    }

    private enum Marker { case none, document, unsplittable }

    private static func marker(_ bytes: [UInt8], at start: Int, end: Int) -> Marker {
        guard start < end else { return .none }
        if bytes[start] == UInt8(ascii: "%") { return .unsplittable }
        for (indicator, marker) in [(UInt8(ascii: "-"), Marker.document), (UInt8(ascii: "."), Marker.unsplittable)] {
            guard end - start >= 3, bytes[start] == indicator, bytes[start + 1] == indicator, bytes[start + 2] == indicator else { continue }
            if end - start == 3 || [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r")].contains(bytes[start + 3]) { return marker }
        }
        return .none
    }
}
