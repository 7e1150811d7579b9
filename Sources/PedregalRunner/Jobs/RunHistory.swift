import Foundation
import PedregalEventLog

/// Where a job's past runs' event logs are: a folder (what
/// `spark.eventLog.dir` holds, or a copy of it) or a Spark History Server.
/// `submit` takes the History Server from the template's
/// `pedregal.io/history-server` annotation unless a flag names one.
public struct HistorySource: Sendable, Equatable {
    /// A folder of event logs.
    public var eventLogFolder: String?
    /// A History Server URL.
    public var historyServer: String?

    /// A source; both nil: none.
    public init(eventLogFolder: String? = nil, historyServer: String? = nil) {
        self.eventLogFolder = eventLogFolder
        self.historyServer = historyServer
    }

    /// Whether a log belongs to `job`: the Apache operator names a run's
    /// application `<run>-<attempt>` where the run is `<job>-<hash>`, and
    /// `spark.app.name` is the run (or the job) itself.
    public static func matches(job: String, appID: String, name: String?) -> Bool {
        appID.hasPrefix(job + "-") || name == job || (name?.hasPrefix(job + "-") ?? false)
    }

    /// The summaries of `job`'s latest `limit` finished runs (every application's when `job` is nil),
    /// oldest first, and where they came from.
    public func runs(of job: String?, limit: Int) async throws -> (runs: [ApplicationSummary], described: String) {
        if let folder = eventLogFolder {
            let locations = try EventLogLocation.all(in: folder)
            var summaries: [ApplicationSummary] = []
            // Names first (cheap); reading every log only when no name says which job it is.
            let byID = job.map { job in locations.filter { $0.appID.hasPrefix(job + "-") } } ?? locations
            let candidates = byID.isEmpty ? locations : byID
            // Finished runs when there are any; else the logs still being written (a Spark Connect server's).
            let finished = candidates.filter { !$0.inProgress }
            for location in finished.isEmpty ? candidates : finished {
                let summary = try EventLog(location: location).summary()
                if job.map({ Self.matches(job: $0, appID: summary.appID, name: summary.name) }) ?? true || !byID.isEmpty {
                    summaries.append(summary)
                }
            }
            summaries.sort { ($0.start ?? 0, $0.appID) < ($1.start ?? 0, $1.appID) }
            return (Array(summaries.suffix(limit)), "event logs in \(folder)")
        }
        guard let url = historyServer else { return ([], "no history source") }
        let server = try HistoryServer(url)
        let candidates = try await server.applications().filter { application in
            (job.map { Self.matches(job: $0, appID: application.id, name: application.name) } ?? true)
                && application.attempts.contains(where: \.completed)
        }
        let latest = candidates.sorted { ($0.attempts.map(\.start).max() ?? 0) > ($1.attempts.map(\.start).max() ?? 0) }.prefix(limit)
        var summaries: [ApplicationSummary] = []
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pedregal-history-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (index, application) in latest.enumerated() {
            let target = (folder as NSString).appendingPathComponent(String(index))
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            for location in try await server.download(appID: application.id, into: target) {
                summaries.append(try EventLog(location: location).summary())
            }
        }
        summaries.sort { ($0.start ?? 0, $0.appID) < ($1.start ?? 0, $1.appID) }
        return (summaries, "History Server \(server.url)")
    }
}
