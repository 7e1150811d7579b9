import ArgumentParser
import Foundation
import PedregalCompiler

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
            if plan.isEmpty {
                diagnostics.say("\(where_) is up to date (\(compilation.files.count) files)")
            } else {
                diagnostics.say("wrote \(where_): \(plan.added.count) added, \(plan.changed.count) changed, \(plan.removed.count) removed (\(compilation.files.count) files)")
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
            Otherwise exit 1 and list the files that differ (added, changed, removed), so CI fails
            on a stale generated/.

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
        var lines = plan.added.map { "added:   \($0.path)" } + plan.changed.map { "changed: \($0.path)" }
            + plan.removed.map { "removed: \($0)" }
        lines.sort { $0.dropFirst(9) < $1.dropFirst(9) }
        diagnostics.say(lines.joined(separator: "\n"))
        diagnostics.say("\(where_) is stale: \(plan.added.count) to add, \(plan.changed.count) to change, \(plan.removed.count) to remove; run `pedregal generate`")
        throw Status.invalid
    }
}
