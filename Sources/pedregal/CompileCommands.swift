import ArgumentParser
import Foundation
import PedregalCompiler

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check teams/ and templates/ and print every problem.",
        discussion: """
            Prints each problem as FILE:LINE:COLUMN: error: MESSAGE [code]. Exit 0 when the input is
            valid (warnings allowed), 1 when it is not.

            Examples:
              pedregal validate
              pedregal validate --root ../platform-config --format github
            """)

    @OptionGroup var root: RootOptions
    @OptionGroup var diagnostics: DiagnosticOptions

    func run() throws {
        let compilation = Compiler().compile(DiskSourceTree(root: root.rootURL))
        diagnostics.report(compilation.diagnostics, root: root)
        if compilation.hasErrors { throw Status.invalid }
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
