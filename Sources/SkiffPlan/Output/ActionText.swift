/// Plan actions as people read them, Terraform-style.
package enum ActionText {
    package static func symbol(_ verb: PlanAction.Verb) -> String {
        switch verb {
        case .create: "+"
        case .update: "~"
        case .delete: "-"
        }
    }

    /// `  + create Listener/backend (missing)` and, for creates and updates, one line per field.
    package static func lines(_ action: PlanAction, indent: String = "  ") -> [String] {
        var lines = ["\(indent)\(symbol(action.verb)) \(action)"]
        if action.verb != .delete {
            lines += action.changes.map { change in
                action.verb == .create ? "\(indent)      \(change.field): \(change.render(change.after))" : "\(indent)      \(change.summary)"
            }
        }
        return lines
    }
}
