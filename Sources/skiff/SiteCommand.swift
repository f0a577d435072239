import ArgumentParser
import Foundation
import SkiffPKI
import SkiffModel
import SkiffScaffold

/// `skiff site`: write a site's folder into the work tree.
struct SiteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "site",
        abstract: "Write (or remove) a site's Site resource as a file to review and commit.",
        discussion: """
            Like Skupper's verbs, but the result is YAML in the work tree, never a change to a running \
            site: commit it and let apply or the daemon act. Example: skiff site create west --enable-link-access --commit
            """,
        subcommands: [Create.self, Delete.self, CA.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write NAME/site.yaml: a Site named like its folder.",
            discussion: """
                --enable-link-access lets other sites link here (linkAccess: default: ports 55671 and 45671 on every \
                address); --bind-host and --subject-alternative-names also write a RouterAccess saying where.
                """
        )

        @Argument(help: ArgumentHelp("The site's name (and its folder's).", valueName: "name"))
        var name: String

        @Flag(name: [.customLong("enable-link-access"), .customLong("link-access")], help: "Let other sites link to this one.")
        var linkAccess = false

        @Flag(help: "An edge site: it links out to one interior site and accepts no links.")
        var edge = false

        @Option(name: .long, help: ArgumentHelp("Address the link ports bind (a RouterAccess). Default: every address.", valueName: "host"))
        var bindHost: String?

        @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp(
            "Names other sites dial this one by, put in its server certificate (a RouterAccess); comma- or space-separated.", valueName: "name"))
        var subjectAlternativeNames: [String] = []

        @Option(name: .customLong("setting"), help: ArgumentHelp(
            "A site setting, KEY=VALUE (repeatable): grant-server=HOST:PORT, grant-server-host=NAME (see the README).", valueName: "key=value"))
        var settings: [String] = []

        @OptionGroup var target: ScaffoldTarget
        @OptionGroup var create: CreateOptions

        var pairs: [(String, String)] {
            settings.map { setting in
                let parts = setting.split(separator: "=", maxSplits: 1).map(String.init)
                return (parts[0], parts.count > 1 ? parts[1] : "")
            }
        }

        var names: [String] { subjectAlternativeNames.flatMap { $0.split(separator: ",").map(String.init) } }

        func validate() throws {
            if (bindHost != nil || !names.isEmpty), !linkAccess {
                throw ValidationError("--bind-host and --subject-alternative-names say where links arrive: they need --enable-link-access")
            }
            if let bad = settings.first(where: { !$0.contains("=") || $0.hasPrefix("=") }) {
                throw ValidationError("--setting \(bad): expected KEY=VALUE")
            }
            if edge, linkAccess { throw ValidationError("an edge site accepts no links: use --edge or --enable-link-access, not both") }
        }

        func run() throws {
            var drafts = [try ResourceDraft.site(name, linkAccess: linkAccess, edge: edge, settings: pairs)]
            if bindHost != nil || !names.isEmpty {
                drafts.append(try .routerAccess(bindHost: bindHost, subjectAlternativeNames: names))
            }
            try create.create(drafts, site: name, target: target)
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove every Skupper resource in NAME's folder (other manifests there stay).",
            discussion: "Committed and applied, the site's router stops being configured by git; skiff stop --site NAME stops it."
        )

        @Argument(help: ArgumentHelp("The site's name.", valueName: "name"))
        var name: String

        @OptionGroup var target: ScaffoldTarget

        func run() throws {
            try target.perform(summary: "delete site \(name)") { try $0.deleteSite(name) }
        }
    }

    /// `skiff site ca`: the site's CA certificate, which is public: what applications and other
    /// sites trust to reach this site (never its key).
    struct CA: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ca",
            abstract: "Print the site's CA certificate (public, PEM): what clients of its listeners and other sites trust.",
            discussion: """
                The certificate only, checked to be the CA whose key the site holds; never the key. With --output, \
                written 0644. Example: skiff site ca --site west --output west-ca.crt
                """
        )

        @OptionGroup var siteOptions: SiteOptions

        @Option(name: .long, help: ArgumentHelp("Write it to this file instead of printing it.", valueName: "file"))
        var output: String?

        func run() throws {
            let pki = SitePKI(stateDirectory: siteOptions.stateDirectory.path)
            guard FileManager.default.fileExists(atPath: pki.caCertificatePath) else {
                throw CommandFailure("site \(siteOptions.site) has no CA yet at \(pki.caCertificatePath): `skiff apply --site \(siteOptions.site)` makes it")
            }
            // Loading the CA checks the certificate is a CA and matches the site's key.
            let pem = try pki.loadCA().certificate.serializeAsPEM().pemString + "\n"
            if let output {
                try Data(pem.utf8).write(to: URL(fileURLWithPath: output))
                chmod(output, 0o644)
                print("Wrote \(output): the CA of site \(siteOptions.site).")
            } else {
                print(pem, terminator: "")
            }
        }
    }
}
