import ArgumentParser
import SkiffPlan
import SkiffReconcile
import SkiffSupport

/// The site a command acts on, and where its state lives.
struct SiteOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Site to act on (its folder name).", valueName: "site"), completion: SiteCompletion.kind)
    var site: String

    @Option(name: .long, help: ArgumentHelp(
        "Site state directory. Default: $XDG_STATE_HOME/skiff/<site>, or /var/lib/skiff/<site> as root.", valueName: "dir"))
    var stateDir: String?

    var stateDirectory: StateDirectory {
        StateDirectory(path: stateDir ?? StateDirectory.defaultPath(site: site))
    }

    /// The state directory of a site that was applied; a clear error for one that never was.
    func existingStateDirectory() throws -> StateDirectory {
        let directory = stateDirectory
        guard directory.exists else { throw CommandFailure(directory.neverApplied(site: site)) }
        return directory
    }
}
