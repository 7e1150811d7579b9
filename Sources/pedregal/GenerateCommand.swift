import ArgumentParser
import PedregalCompiler
import PedregalEmitter
import PedregalWorkspace

/// `pedregal generate`: the output folder, written all or nothing.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Validate, then write the manifests into the output folder.",
        discussion: """
            All or nothing: on any error nothing under the output folder changes. Files pedregal generated before and no longer produces are removed; other files are left alone.

            Examples:
              pedregal generate
              pedregal generate --root ../platform-config --out /tmp/generated
            """)

    @OptionGroup var root: RootOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var diagnostics: DiagnosticOptions

    func run() throws {
        let workspace = Workspace(root: root.rootURL, output: output.url(root: root), cache: Workspace.defaultCache(root: root.rootURL))
        do {
            let generation = try workspace.generate()
            let compilation = generation.compilation
            diagnostics.report(compilation.diagnostics, root: root)
            try diagnostics.exitOnErrors(compilation.diagnostics)
            guard let plan = generation.plan else { return }
            let whereText = output.display(root: root)
            if plan.changesNothing {
                diagnostics.say("\(whereText) is up to date (\(compilation.fileCount) files)")
            } else {
                diagnostics.say(
                    "wrote \(whereText): \(plan.added.count) added, \(plan.changed.count) changed, \(plan.removed.count) removed (\(compilation.fileCount) files)"
                )
            }
            for path in plan.unexpected {
                standardError.warning(
                    "\(whereText)/\(path) was not written by pedregal; Argo CD syncs and `apply` applies every file of a cluster folder, so `check` fails until it is removed"
                )
            }
        } catch let error as OutputDirectory.WriteError {
            throw failure("\(error)", .ioError)
        }
    }
}
