import ArgumentParser
import PedregalRunner

/// `pedregal job status RUN`: a run's phase.
struct JobStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a run's state: pending, running, succeeded or failed, with the failure reason.",
        discussion: """
            Maps the Apache operator's currentState and the Kubeflow operator's applicationState to four phases. --wait reads again until the operator is done with the run (or --timeout seconds pass); a run that disappears while waited for is reported as "finished (object removed)".

            A failed run is classified from everything the cluster holds: the SparkApplication's status and state history, its pods' terminations (OOMKilled, exit codes 52, 137, 143), the events about it and its pods, and the tail of the driver's log. The class (user-code, data-or-schema, permission-denied, configuration, driver-out-of-memory, executor-out-of-memory, container-memory, disk-full, shuffle-fetch-failure, quota-or-capacity, image, transient-dependency, platform, unknown), whether a retry helps, the remedy a retry applies within the namespace's quota or who must act, and the lines that prove it. Runs of a retry chain (`submit --retry auto`) list the chain.

            Exit status: 0 the state was read (with --wait: the run succeeded); 1 the run was not found (with --wait: it failed, disappeared or the timeout passed); 64 bad usage; 69 unreachable; 74 local files unreadable; 77 refused.

            Examples:
              pedregal job status sjns-feature-eng-prod/daily-user-features-399034112c
              pedregal job status sjns-feature-eng-prod/daily-user-features-399034112c \\
                --wait
            """)

    @Argument(help: ArgumentHelp("The run, as NAMESPACE/NAME.", valueName: "run"))
    var runID: String

    @Flag(help: "Read again until the run has finished.")
    var wait = false

    @Option(help: ArgumentHelp("Seconds --wait may take (default: no limit).", valueName: "seconds"))
    var timeout: Int?

    @OptionGroup var connection: ConnectionFlags

    func validate() throws {
        if let timeout, timeout <= 0 { throw ValidationError("--timeout must be positive") }
    }

    func run() async throws {
        try await connection.execute {
            await Runner.jobStatus(run: runID, wait: wait, timeout: timeout.map { .seconds($0) }, context: $0)
        }
    }
}
