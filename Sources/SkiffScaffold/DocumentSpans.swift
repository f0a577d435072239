import SkiffModel

/// A YAML file's documents as ranges of lines, so one document can be cut out and the rest kept
/// byte for byte (comments, order and formatting are the user's). A document starts at a `---`
/// line; comments above a document belong to it.
struct DocumentSpans {
    let lines: [Substring]
    /// Line ranges (0-based, half-open), one per document that has content.
    let spans: [Range<Int>]

    init(_ text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var raw: [Range<Int>] = []
        var start = 0
        for (index, line) in lines.enumerated() where index > start && Self.isSeparator(line) {
            raw.append(start..<index)
            start = index
        }
        raw.append(start..<lines.count)
        // Spans without content (a header of comments, a lone `---`) join the next span, or the
        // last one at the end of the file.
        var merged: [Range<Int>] = []
        var from: Int?
        for span in raw {
            let start = from ?? span.lowerBound
            if lines[span].contains(where: Self.isContent) {
                merged.append(start..<span.upperBound)
                from = nil
            } else {
                from = start
            }
        }
        if from != nil, let last = merged.popLast() { merged.append(last.lowerBound..<lines.count) }
        spans = merged
    }

    static func isSeparator(_ line: Substring) -> Bool {
        line == "---" || line.hasPrefix("--- ") || line.hasPrefix("---\t") || line.hasPrefix("---\r")
    }

    static func isContent(_ line: Substring) -> Bool {
        let trimmed = line.drop { $0 == " " || $0 == "\t" || $0 == "\r" }
        return !trimmed.isEmpty && !trimmed.hasPrefix("#") && !isSeparator(line) && trimmed != "..."
    }

    /// The span holding 1-based `line`.
    func span(containing line: Int) -> Int? {
        spans.firstIndex { $0.contains(line - 1) }
    }

    /// The text of one span.
    func text(of index: Int) -> String {
        lines[spans[index]].joined(separator: "\n")
    }

    /// The file without the spans at `removed` (the others byte for byte; a `---` that now leads
    /// the file is still valid YAML); nil when no document is left.
    func removing(_ removed: Set<Int>) -> String? {
        let kept = spans.indices.filter { !removed.contains($0) }
        guard !kept.isEmpty else { return nil }
        var text = kept.map { lines[spans[$0]].joined(separator: "\n") }.joined(separator: "\n")
        if !text.hasSuffix("\n") { text += "\n" }
        return text
    }
}
