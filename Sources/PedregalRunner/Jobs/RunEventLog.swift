import Foundation
import PedregalEventLog
import PedregalManifests
import PedregalRemediation
import PedregalYAML

extension EventLogEvidence {
    /// Most lines kept per kind of failure: a stage that fails 200 tasks the same way says it once.
    static let maxLines = 100

    /// What a run's event log says about failures, as lines the classifier's
    /// rules read: each failed task's reason (`ExceptionFailure
    /// java.lang.OutOfMemoryError: Java heap space`, `ExecutorLostFailure …:
    /// Command exited with code 52`, a Python worker's traceback), each
    /// removed executor's reason, and each failed job's and stage's.
    init(_ summary: ApplicationSummary, source: String) {
        var tasks: [String] = []
        for failure in summary.taskFailures {
            let reason = failure.reason
            let head: String
            switch reason.kind {
            case "FetchFailed": head = "FetchFailed(\(reason.message ?? ""))"
            case "ExecutorLostFailure": head = "ExecutorLostFailure (executor \(failure.executorID)): \(reason.message ?? "")"
            default:
                head = [reason.kind, reason.className.map { "\($0):" }, reason.message].compactMap { $0 }.joined(separator: " ")
            }
            let lines = ("task \(failure.stage).\(failure.index) on executor \(failure.executorID) failed: " + head)
                .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            // The same failure on many tasks is one piece of evidence.
            if !tasks.contains(where: { Self.sameFailure($0, lines[0]) }) { tasks += lines }
        }
        let removals = summary.executors.compactMap { executor in
            executor.removedReason.map { "executor \(executor.id) removed: \($0)" }
        }
        let jobs =
            summary.jobs.compactMap { job in job.failure.map { "job \(job.id) failed: \($0)" } }
            + summary.stages.compactMap { stage in stage.failureReason.map { "stage \(stage.id).\(stage.attempt) failed: \($0)" } }
        self.init(
            source: source, taskFailures: Array(tasks.prefix(Self.maxLines)), executorRemovals: Array(removals.prefix(Self.maxLines)),
            jobFailures: Array(jobs.flatMap { $0.split(separator: "\n").map(String.init) }.prefix(Self.maxLines)))
    }

    /// Two failure lines that differ only in which task and executor failed.
    private static func sameFailure(_ a: String, _ b: String) -> Bool {
        func reason(_ line: String) -> Substring { line.range(of: " failed: ").map { line[$0.upperBound...] } ?? Substring(line) }
        return reason(a) == reason(b)
    }

    /// The log at `path` (a file, a rolling `eventlog_v2_*` folder, or a
    /// folder holding exactly one application's log), read.
    static func read(_ path: String) throws -> EventLogEvidence {
        var location: EventLogLocation
        do {
            location = try EventLogLocation.at(path)
        } catch {
            // A folder of logs (spark.eventLog.dir) with one application in it is as good.
            let all = (try? EventLogLocation.all(in: path)) ?? []
            guard all.count == 1 else {
                guard !all.isEmpty else { throw error }
                throw EventLogError(
                    path, "holds the logs of \(all.count) applications (\(all.map(\.appID).joined(separator: ", "))); pass one of them")
            }
            location = all[0]
        }
        return EventLogEvidence(try EventLog(location: location).summary(), source: path)
    }
}

extension EvidenceReader {
    /// The run's event log, where the runner can read it: in a local
    /// `spark.eventLog.dir` (`file:`), or from the platform's Spark History
    /// Server (`pedregal.io/history-server`), by the run's application id.
    func readEventLog(_ object: YAMLValue, group: String, into collected: inout CollectedEvidence) async {
        let conf = RunSettings.settings(object, group: group).conf
        guard conf["spark.eventLog.enabled"]?.lowercased() == "true" else {
            collected.unread.append("event log: the run does not write one (spark.eventLog.enabled)")
            return
        }
        guard let appID = HistoryLink.applicationID(object, group: group) else {
            collected.unread.append("event log: the run's application id is not known (its status names none)")
            return
        }
        let dir = conf["spark.eventLog.dir"] ?? ""
        do {
            if let local = Self.localFolder(dir) {
                guard let location = try EventLogLocation.all(in: local).first(where: { $0.appID == appID }) else {
                    collected.unread.append("event log: no log of \(appID) in \(dir)")
                    return
                }
                collected.evidence.eventLog = EventLogEvidence(try EventLog(location: location).summary(), source: location.path)
            } else if let server = object["metadata"]?["annotations"]?[Vocabulary.historyServer]?.string, !server.isEmpty {
                let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("pedregal-eventlog-\(UUID().uuidString)").path
                try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(atPath: scratch) }
                guard let location = try await HistoryServer(server).download(appID: appID, into: scratch).first else {
                    collected.unread.append("event log: \(server) holds no log of \(appID)")
                    return
                }
                let summary = try EventLog(location: location).summary()
                collected.evidence.eventLog = EventLogEvidence(summary, source: "\(server) \(appID)")
            } else {
                collected.unread.append(
                    "event log: in \(dir.isEmpty ? "Spark's default folder" : dir), which the runner does not read; name a History Server (observability.historyServer) to read it there"
                )
                return
            }
            collected.read.append("event log")
        } catch {
            collected.unread.append("event log: \(error)")
        }
    }

    /// The local folder `dir` names (`file:///x`, `file:/x`, `/x`), if it is one.
    static func localFolder(_ dir: String) -> String? {
        if dir.hasPrefix("file://") { return String(dir.dropFirst("file://".count)) }
        if dir.hasPrefix("file:") { return String(dir.dropFirst("file:".count)) }
        return dir.hasPrefix("/") ? dir : nil
    }
}
