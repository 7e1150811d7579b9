import ArgumentParser
import PedregalCompiler
import PedregalEmitter
import PedregalWorkspace

/// `pedregal check`: whether the output folder is what `generate` would write (CI).
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Exit 0 when the output folder is exactly what `generate` would write.",
        discussion: """
            Otherwise exit 1 and list the files that differ (added, changed, removed) and every file that `generate` does not write (unexpected; only a README.md at the top is allowed), so CI fails on a stale generated/ and on hand-written files that Argo CD would sync.

            Examples:
              pedregal check
              pedregal check --out /tmp/generated
            """)

    @OptionGroup var root: RootOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var diagnostics: DiagnosticOptions

    func run() throws {
        let workspace = Workspace(root: root.rootURL, output: output.url(root: root), cache: Workspace.defaultCache(root: root.rootURL))
        let check = workspace.check()
        diagnostics.report(check.compilation.diagnostics, root: root)
        try diagnostics.exitOnErrors(check.compilation.diagnostics)
        guard let plan = check.difference else { return }
        let whereText = output.display(root: root)
        if plan.isEmpty {
            diagnostics.say("\(whereText) is up to date (\(check.compilation.fileCount) files)")
            return
        }
        let lines =
            (plan.added.map { ($0, "added:  ") } + plan.changed.map { ($0, "changed:") }
            + plan.removed.map { ($0, "removed:") } + plan.unexpected.map { ($0, "unexpected:") })
            .sorted { $0.0 < $1.0 }.map { "\($0.1) \($0.0)" }
        diagnostics.say(lines.joined(separator: "\n"))
        if !plan.changesNothing {
            diagnostics.say(
                "\(whereText) is stale: \(plan.added.count) to add, \(plan.changed.count) to change, \(plan.removed.count) to remove; run `pedregal generate`"
            )
        }
        if !plan.unexpected.isEmpty {
            diagnostics.say(
                "\(whereText) holds \(plan.unexpected.count) file(s) that `generate` does not write; Argo CD would sync them and `apply` would apply them: remove them (only a README.md or README at the top of the folder or of a cluster folder is allowed)"
            )
        }
        throw ExitCode(.failure)
    }
}
