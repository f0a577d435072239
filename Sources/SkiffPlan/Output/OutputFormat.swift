/// How a report is printed: for people, for machines, or for a pull-request comment.
public enum OutputFormat: String, Sendable, CaseIterable {
    case text, json, markdown
}
