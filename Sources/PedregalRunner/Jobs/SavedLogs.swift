import PedregalRemediation
import PedregalYAML

extension Runner {
    /// Lines of a saved log classified (its end: a pod's log is read the same way).
    public static let savedLogLines = 5000

    /// `pedregal job classify --driver-log FILE`: why a run failed, from its
    /// driver's log saved to a file (`kubectl logs`, a spark-submit's
    /// output), without a cluster. Exit 0 when the file was read.
    public static func classify(driverLog path: String, output: Output) -> ExitStatus {
        do {
            let bytes = try LocalFiles.bytes(path, what: "driver log")
            var log = LogEvidence(source: "driver log (\(path))", text: String(decoding: bytes, as: UTF8.self))
            if log.lines.last == "" { log.lines.removeLast() }
            let total = log.lines.count
            if total > savedLogLines { log.lines = Array(log.lines.suffix(savedLogLines)) }
            let evidence = FailureEvidence(driverLog: log)
            let diagnosis = FailureDiagnosis(
                classification: Classifier.classify(evidence), decision: nil,
                read: ["driver log (\(Output.counted(log.lines.count, "line"))\(total > log.lines.count ? ", the last of \(total)" : ""))"],
                unread: [], inChain: false)
            let c = diagnosis.classification
            output.line("\(path): \(c.failureClass.title) (\(c.failureClass.rawValue)), \(c.retryable ? "retryable" : "not retryable")")
            for line in diagnosis.lines { output.line(line) }
            output.document(.object(["file": .string(path), "failure": diagnosis.json]))
            return .success
        } catch {
            let failure = error.runnerFailure
            output.error(failure.message)
            return failure.status
        }
    }
}
