import PedregalManifests
import PedregalYAML

/// Where a run's event log shows in the Spark History Server: the server
/// from the run's `pedregal.io/history-server` annotation (the compiler puts
/// it on every template), the page `/history/<Spark application id>`.
enum HistoryLink {
    /// The link, or nil when the platform names no History Server.
    static func of(_ run: YAMLValue, group: String) -> String? {
        guard var server = run["metadata"]?["annotations"]?[Vocabulary.historyServer]?.string, !server.isEmpty else { return nil }
        while server.hasSuffix("/") { server.removeLast() }
        guard let id = applicationID(run, group: group) else { return server }
        return "\(server)/history/\(id)"
    }

    /// The Spark application id, as the operator gives it to spark-submit.
    ///
    /// Kubeflow reports it in `status.sparkApplicationId`. The Apache operator
    /// uses `<name>-<attempt>` (attempt 0 first, from
    /// `status.currentAttemptSummary.attemptInfo.id`), and a hash instead when
    /// that is longer than 46 characters; the hash is not worth guessing, so
    /// then the link is to the server's application list.
    static func applicationID(_ run: YAMLValue, group: String) -> String? {
        if group == JobState.kubeflowGroup {
            return run["status"]?["sparkApplicationId"]?.string.flatMap { $0.isEmpty ? nil : $0 }
        }
        guard let name = run["metadata"]?["name"]?.string, run["status"] != nil else { return nil }
        let attemptValue = run["status"]?["currentAttemptSummary"]?["attemptInfo"]?["id"]
        let attempt: Int
        switch attemptValue {
        case .int(let value)?: attempt = value
        case .string(let text)?: attempt = Int(text) ?? 0
        default: attempt = 0
        }
        let id = "\(name)-\(attempt)"
        return id.count <= 46 ? id : nil
    }
}
