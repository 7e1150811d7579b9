import PedregalConsole
import PedregalKubernetes
import PedregalRemediation
import PedregalYAML

extension Runner {
    /// Lines of a saved log classified (its end: a pod's log is read the same way).
    public static let savedLogLines = 5000

    /// `pedregal job classify --driver-log FILE --event-log PATH`: why a run
    /// failed, from its driver's log saved to a file (`kubectl logs`, a
    /// spark-submit's output) and its Spark event log (a file, a rolling
    /// `eventlog_v2_*` folder, or a folder holding one application's log),
    /// either or both, without a cluster. Exit 0 when they were read.
    public static func classify(driverLog path: String?, eventLog: String?, output: Output) -> ExitStatus {
        do {
            var evidence = FailureEvidence()
            var read: [String] = []
            var sources: [String] = []
            if let path {
                let bytes = try LocalFiles.bytes(path, what: "driver log")
                var log = LogEvidence(source: "driver log (\(path))", text: String(decoding: bytes, as: UTF8.self))
                if log.lines.last == "" { log.lines.removeLast() }
                let total = log.lines.count
                if total > savedLogLines { log.lines = Array(log.lines.suffix(savedLogLines)) }
                evidence.driverLog = log
                read.append(
                    "driver log (\(Output.counted(log.lines.count, "line"))\(total > log.lines.count ? ", the last of \(total)" : ""))")
                sources.append(path)
            }
            if let eventLog {
                do {
                    evidence.eventLog = try EventLogEvidence.read(eventLog)
                } catch {
                    throw RunnerError.io("event log: \(error)")
                }
                read.append("event log")
                sources.append(eventLog)
            }
            let diagnosis = FailureDiagnosis(
                classification: Classifier.classify(evidence), decision: nil, read: read, unread: [], inChain: false)
            let c = diagnosis.classification
            output.line(
                "\(sources.joined(separator: " and ")): \(c.failureClass.title) (\(c.failureClass.rawValue)), "
                    + (c.retryable ? "retryable" : "not retryable"))
            for line in diagnosis.lines { output.line(line) }
            output.document(
                .object([
                    "driverLog": .optional(path), "eventLog": .optional(eventLog), "failure": diagnosis.json,
                ]))
            return .success
        } catch {
            let failure = error.runnerFailure
            output.error(failure.message)
            return failure.status
        }
    }
}
