import ArgumentParser
import Foundation
import PedregalCompiler
import PedregalDiff

/// `pedregal diff`: what a change to teams/ or templates/ does to each cluster.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show what a change to teams/ or templates/ does to each cluster.",
        discussion: """
            Compiles both sides (the base read from git without touching the work tree, or from another folder) and compares the objects by cluster, API group and kind, namespace and name. Key order and formatting never count as changes.

            Exit status: 0 no change; 1 changes; 2 a side does not compile (its problems are printed); 64 bad usage or an unknown revision.

            Examples:
              pedregal diff --base-ref origin/main
              pedregal diff --base-ref HEAD~1 --format markdown > comment.md
              pedregal diff --base ../platform-config-before --format json
            """)

    @OptionGroup var root: RootOptions

    @Option(name: .customLong("base-ref"), help: ArgumentHelp("Git revision to compare against.", valueName: "gitref"))
    var baseRef: String?

    @Option(help: ArgumentHelp("Root folder to compare against.", valueName: "dir"))
    var base: String?

    @Option(help: "text (coloured on a terminal), markdown (a pull-request comment) or json.")
    var format: DiffFormatter.Style = .text

    @Option(help: "Detail lines per cluster in markdown before truncating.")
    var maxLines: Int = 200

    @Option(help: "Colour text output: auto (on a terminal, unless NO_COLOR is set), always or never.")
    var color: ColourChoice = .auto

    func validate() throws {
        guard (baseRef == nil) != (base == nil) else { throw ValidationError("give exactly one of --base-ref and --base") }
        guard maxLines > 0 else { throw ValidationError("--max-lines must be positive") }
    }

    func run() throws {
        if let base {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: base, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw failure("--base '\(base)' is not a folder", .usage)
            }
        }
        let sides = DiffSides(
            root: root.rootURL,
            base: baseRef.map(DiffSides.Base.gitRevision) ?? .folder(URL(fileURLWithPath: base!, isDirectory: true)))
        let outcome: DiffSides.Outcome
        do {
            outcome = try sides.compare()
        } catch {
            throw failure("\(error)", .usage)
        }
        switch outcome {
        case .invalid(let side, let diagnostics):
            standardError.error(side == "head" ? "the change does not compile:" : "the base (\(sides.baseLabel)) does not compile:")
            let reporter = DiagnosticOptions(format: .text, color: color)
            if side == "head" {
                reporter.report(diagnostics, root: root)
            } else if let baseRef {
                reporter.report(diagnostics, display: { "\(baseRef):\($0)" })
            } else {
                reporter.report(diagnostics, root: RootOptions(root: base!))
            }
            throw ExitCode(.uncompilable)
        case .report(let report):
            let colour = format == .text && color.enabled(for: STDOUT_FILENO)
            let formatter = DiffFormatter(
                style: format, colour: colour, maxLinesPerCluster: maxLines,
                baseLabel: sides.baseLabel, headLabel: "working tree")
            print(formatter.format(report), terminator: "")
            if report.hasChanges { throw ExitCode(.failure) }
        }
    }
}

extension DiffFormatter.Style: ExpressibleByArgument {}
