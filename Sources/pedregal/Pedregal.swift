import ArgumentParser
import PedregalCompiler

@main
struct Pedregal: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pedregal",
        abstract: "Compile teams/*.yaml and templates/ into the Kubernetes manifests of a Spark platform.",
        discussion: """
            Exit status: 0 success; 1 invalid input, a stale `check`, or changes found by `diff`;
            64 bad usage; 70 internal error; 74 input/output error.

            Examples:
              pedregal validate                 # check teams/ and templates/ in the current folder
              pedregal generate                 # write generated/
              pedregal check                    # CI: is generated/ current?
              pedregal diff --base-ref origin/main --format markdown   # what a pull request does
            """,
        version: PedregalVersion.current,
        subcommands: [Validate.self, Generate.self, Check.self, Diff.self, Schema.self])
}

/// Exit statuses, documented in `pedregal --help` and the README.
enum Status {
    static let invalid = ExitCode(1)
    static let usage = ExitCode(64)
    static let internalError = ExitCode(70)
    static let ioError = ExitCode(74)
}
