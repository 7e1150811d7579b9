import Foundation
import PedregalEventLog
import PedregalManifests
import PedregalYAML

/// A job's past runs as the cluster holds them: the SparkApplications
/// `submit` created (labels `pedregal.io/team`, `pedregal.io/job` and
/// `pedregal.io/run-token`), each with its Spark application id and where
/// the platform sent its event log (`spark.eventLog.dir`, and the History
/// Server of `pedregal.io/history-server`).
public struct PastRun: Sendable, Equatable {
    /// The run.
    public var run: RunID
    /// `metadata.creationTimestamp`.
    public var created: String
    /// Its Spark application id, when the operator reported one.
    public var appID: String?
    /// The run's History Server.
    public var historyServer: String?
    /// The run's `spark.eventLog.dir`.
    public var eventLogDir: String?
    /// Where the operator has it.
    public var state: JobState
}

extension Jobs {
    /// The runs of `team`'s `job` in `namespace`, newest first, in every SparkApplication API the cluster serves.
    public func pastRuns(team: String, job: String, namespace: String) async throws -> [PastRun] {
        var result: [PastRun] = []
        let selector = "\(Vocabulary.team)=\(team),\(Vocabulary.job)=\(job),\(Vocabulary.runToken)"
        for resource in try await session.sparkApplicationResources() {
            for item in try await session.api.list(resource.collectionPath(namespace: namespace), labelSelector: selector) {
                guard let name = item["metadata"]?["name"]?.string else { continue }
                result.append(
                    PastRun(
                        run: RunID(namespace: namespace, name: name), created: item["metadata"]?["creationTimestamp"]?.string ?? "",
                        appID: HistoryLink.applicationID(item, group: resource.group),
                        historyServer: item["metadata"]?["annotations"]?[Vocabulary.historyServer]?.string,
                        eventLogDir: item["spec"]?["sparkConf"]?["spark.eventLog.dir"]?.string,
                        state: JobState.of(item, group: resource.group)))
            }
        }
        return result.sorted { ($0.created, $0.run.name) > ($1.created, $1.run.name) }
    }
}

extension HistorySource {
    /// The event logs of `runs` that succeeded (at most `limit`, newest first in, oldest first out),
    /// from this source when it names one, else from where each run sent its log: a local
    /// `spark.eventLog.dir` (a path or `file://`), else the run's History Server.
    public func runs(of runs: [PastRun], limit: Int) async throws -> (runs: [ApplicationSummary], described: String) {
        var summaries: [ApplicationSummary] = []
        var places: Set<String> = []
        for run in runs where run.state.phase == .succeeded {
            guard summaries.count < limit, let id = run.appID else { continue }
            if let folder = eventLogFolder ?? Self.localFolder(run.eventLogDir) {
                places.insert(folder)
                let matching = try EventLogLocation.all(in: folder).filter { $0.appID == id || $0.appID.hasPrefix(id + "_") }
                for location in matching where !location.inProgress { summaries.append(try EventLog(location: location).summary()) }
            } else if let url = historyServer ?? run.historyServer {
                places.insert(url)
                let server = try HistoryServer(url)
                let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pedregal-run-\(UUID().uuidString)").path
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(atPath: folder) }
                for location in try await server.download(appID: id, into: folder) where !location.inProgress {
                    summaries.append(try EventLog(location: location).summary())
                }
            }
        }
        summaries.sort { ($0.start ?? 0, $0.appID) < ($1.start ?? 0, $1.appID) }
        let described =
            "\(runs.count) run\(runs.count == 1 ? "" : "s") in the cluster, logs from "
            + (places.isEmpty ? "nowhere" : places.sorted().joined(separator: ", "))
        return (summaries, described)
    }

    /// `dir` when it is a folder on this machine (`/path` or `file:///path`).
    static func localFolder(_ dir: String?) -> String? {
        guard let dir else { return nil }
        if dir.hasPrefix("file://") { return String(dir.dropFirst("file://".count)) }
        return dir.hasPrefix("/") ? dir : nil
    }
}
