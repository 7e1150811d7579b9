import ArgumentParser
import Foundation
import PedregalCompiler
import PedregalEmitter
import PedregalLoader

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check teams/ and templates/ (or, with --manifests, a folder of manifests) and print every problem.",
        discussion: """
            Prints each problem as FILE:LINE:COLUMN: error: MESSAGE [code]. Exit 0 when the input is
            valid (warnings allowed), 1 when it is not. Every generated object is also checked against
            the schemas of templates/platform.yaml's kubernetesVersion and the CRDs in schemas/crds.

            --manifests DIR checks every *.yaml/*.yml file below DIR (multi-document files too)
            against the same schemas, as `kubeconform -strict` would, and reports each problem at
            the line of the offending field.

            Examples:
              pedregal validate
              pedregal validate --root ../platform-config --format github
              pedregal validate --manifests generated --cluster-depth 1
              pedregal validate --manifests extras/ --kubernetes-version 1.31 --ignore-missing-schemas
            """)

    // Not RootOptions: with --manifests the folder need not hold teams/ or templates/.
    @Option(help: ArgumentHelp("Folder holding teams/ and templates/.", valueName: "dir"))
    var root: String = "."
    @OptionGroup var diagnostics: DiagnosticOptions
    @OptionGroup var manifests: ManifestOptions

    func validate() throws {
        if manifests.folder == nil { try RootOptions(root: root).validate() }
    }

    func run() throws {
        let root = RootOptions(root: root)
        if let folder = manifests.folder { return try manifests.check(folder, root: root, diagnostics: diagnostics) }
        let compilation = Compiler().compile(DiskSourceTree(root: root.rootURL))
        diagnostics.report(compilation.diagnostics, root: root)
        try diagnostics.exitOnErrors(compilation.diagnostics)
        if diagnostics.format == .text {
            print("\(compilation.inputs.count) files valid, \(compilation.files.count) manifests")
        }
    }
}

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate, then write the manifests into the output folder.",
        discussion: """
            All or nothing: on any error nothing under the output folder changes. Files pedregal
            generated before and no longer produces are removed; other files are left alone.

            Examples:
              pedregal generate
              pedregal generate --root ../platform-config --out /tmp/generated
            """)

    @OptionGroup var root: RootOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var diagnostics: DiagnosticOptions

    func run() throws {
        let compilation = try diagnostics.compile(root)
        let directory = OutputDirectory(url: output.url(root: root))
        do {
            let plan = try directory.plan(compilation.files)
            try directory.apply(plan)
            let where_ = output.display(root: root)
            if plan.changesNothing {
                diagnostics.say("\(where_) is up to date (\(compilation.files.count) files)")
            } else {
                diagnostics.say("wrote \(where_): \(plan.added.count) added, \(plan.changed.count) changed, \(plan.removed.count) removed (\(compilation.files.count) files)")
            }
            for path in plan.unexpected {
                printWarning("\(where_)/\(path) was not written by pedregal; Argo CD syncs and `apply` applies every file of a cluster folder, so `check` fails until it is removed")
            }
        } catch {
            printError("\(error)")
            throw Status.ioError
        }
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Exit 0 when the output folder is exactly what `generate` would write.",
        discussion: """
            Otherwise exit 1 and list the files that differ (added, changed, removed) and every file
            that `generate` does not write (unexpected; only a README.md at the top is allowed), so CI
            fails on a stale generated/ and on hand-written files that Argo CD would sync.

            Examples:
              pedregal check
              pedregal check --out /tmp/generated
            """)

    @OptionGroup var root: RootOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var diagnostics: DiagnosticOptions

    func run() throws {
        let compilation = try diagnostics.compile(root)
        let plan: WritePlan
        do {
            plan = try OutputDirectory(url: output.url(root: root)).plan(compilation.files)
        } catch {
            printError("\(error)")
            throw Status.ioError
        }
        let where_ = output.display(root: root)
        if plan.isEmpty {
            diagnostics.say("\(where_) is up to date (\(compilation.files.count) files)")
            return
        }
        let lines = (plan.added.map { ($0.path, "added:  ") } + plan.changed.map { ($0.path, "changed:") }
            + plan.removed.map { ($0, "removed:") } + plan.unexpected.map { ($0, "unexpected:") })
            .sorted { $0.0 < $1.0 }.map { "\($0.1) \($0.0)" }
        diagnostics.say(lines.joined(separator: "\n"))
        if !plan.changesNothing {
            diagnostics.say("\(where_) is stale: \(plan.added.count) to add, \(plan.changed.count) to change, \(plan.removed.count) to remove; run `pedregal generate`")
        }
        if !plan.unexpected.isEmpty {
            diagnostics.say("\(where_) holds \(plan.unexpected.count) file(s) that `generate` does not write; Argo CD would sync them and `apply` would apply them: remove them (only a README.md or README at the top of the folder or of a cluster folder is allowed)")
        }
        throw Status.invalid
    }
}
