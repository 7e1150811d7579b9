import ArgumentParser
import PedregalConsole
import PedregalRunner

/// `pedregal job classify --driver-log FILE --event-log PATH`: a failure's class from saved logs.
struct JobClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Classify a failed run from its saved driver log and event log, without a cluster.",
        discussion: """
            Reads the driver's log (the output of `kubectl logs` on a driver pod, or of spark-submit; its last \(Runner.savedLogLines) lines) and the run's Spark event log (a file, a rolling eventlog_v2_* folder, or a folder holding one application's log; zstd, lz4, snappy or plain), either or both, and applies the rules `pedregal job status` applies to a failed run: the class, whether a retry helps, what to do, and the lines that prove it. `job status` also reads the SparkApplication's status, the pods and the events, and plans the retry within the quota; this reads the logs alone.

            Exit status: 0 the logs were classified; 64 bad usage; 74 a file is unreadable or not an event log.

            Examples:
              kubectl logs -n sjns-ds-prod daily-5e884898da-0-driver > driver.log
              pedregal job classify --driver-log driver.log
              pedregal job classify --driver-log driver.log --format json
              pedregal job classify --driver-log driver.log \\
                --event-log /tmp/spark-events/eventlog_v2_app-20250115030000-0000
            """)

    @Option(help: ArgumentHelp("The driver's log, saved to a file.", valueName: "file"))
    var driverLog: String?

    @Option(
        help: ArgumentHelp("The run's Spark event log: a file, a rolling eventlog_v2_* folder, or a folder with one.", valueName: "path"))
    var eventLog: String?

    @Option(help: "Output: text or json (one document).")
    var format: OutputFormat = .text

    func validate() throws {
        if driverLog == nil && eventLog == nil { throw ValidationError("give --driver-log FILE, --event-log PATH, or both") }
    }

    func run() throws {
        let status = Runner.classify(driverLog: driverLog, eventLog: eventLog, output: .standard(format))
        if status != .success { throw ExitCode(status) }
    }
}
