import ArgumentParser
import PedregalRunner

/// `pedregal job classify --driver-log FILE`: a failure's class from a saved log.
struct JobClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Classify a failed run from its saved driver log, without a cluster.",
        discussion: """
            Reads the log (the output of `kubectl logs` on a driver pod, or of spark-submit; its last \(Runner.savedLogLines) lines) and applies the rules `pedregal job status` applies to a failed run's log: the class, whether a retry helps, what to do, and the lines that prove it. `job status` also reads the SparkApplication's status, the pods and the events, and plans the retry within the quota; this reads the log alone.

            Exit status: 0 the log was classified; 64 bad usage; 74 the file is unreadable.

            Examples:
              kubectl logs -n sjns-ds-prod daily-5e884898da-0-driver > driver.log
              pedregal job classify --driver-log driver.log
              pedregal job classify --driver-log driver.log --format json
            """)

    @Option(help: ArgumentHelp("The driver's log, saved to a file.", valueName: "file"))
    var driverLog: String

    @Option(help: "Output: text or json (one document).")
    var format: OutputFormat = .text

    func run() throws {
        let status = Runner.classify(driverLog: driverLog, output: .standard(format))
        if status != .success { throw ExitCode(status) }
    }
}
