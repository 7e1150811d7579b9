import ArgumentParser
import PedregalRunner

/// `pedregal cancel RUN`: stops a run.
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Stop a run started by `pedregal submit`.",
        discussion: """
            Deletes the run's SparkApplication; the operator stops its driver and executors. Objects that are not runs (no pedregal.io/run-token label) are refused.

            Exit status: 0 cancelled; 1 the run was not found or the request failed; 64 bad usage or not a run; 69 unreachable; 74 local files unreadable; 77 refused.

            Examples:
              pedregal cancel sjns-feature-eng-prod/daily-user-features-399034112c
            """)

    @Argument(help: ArgumentHelp("The run, as NAMESPACE/NAME.", valueName: "run"))
    var runID: String

    @OptionGroup var connection: ConnectionFlags

    func run() async throws {
        try await connection.execute { await Runner.cancel(run: runID, context: $0) }
    }
}
