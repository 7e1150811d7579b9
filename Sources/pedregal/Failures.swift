import ArgumentParser
import PedregalConsole

/// Where the CLI prints its problems: standard error, as `pedregal: error: …`
/// and `pedregal: warning: …`, the same printer the runner's commands use.
let standardError = Output.standard(.text)

extension ExitCode {
    /// The process exit code of `status` (documented in `pedregal --help` and the README).
    init(_ status: ExitStatus) {
        self.init(status.rawValue)
    }
}

/// Prints `message` as an error and returns the exit code to throw for it.
func failure(_ message: String, _ status: ExitStatus) -> ExitCode {
    standardError.error(message)
    return ExitCode(status)
}
