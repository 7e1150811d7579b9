import PedregalConsole
import PedregalKubernetes
import PedregalManifests
import PedregalRemediation
import PedregalYAML

/// What could be read about a failed run, and what could not (and why).
public struct CollectedEvidence: Sendable {
    /// The evidence.
    public var evidence: FailureEvidence
    /// What was read: `SparkApplication status`, `2 pods`, `driver log (500 lines)`, …
    public var read: [String]
    /// What could not be read, each with the reason.
    public var unread: [String]
}

/// Reads a failed run's evidence from the cluster: its pods (by the
/// `pedregal.io/run` label every run's pods carry, else the operator's
/// application label), the events about the
/// run and its failed pods (`fieldSelector=involvedObject.name=…`), and the
/// tail of the driver's log (`pods/{name}/log?tailLines=…`), and the event
/// log where the runner can reach it. A read the
/// API refuses is noted, never fatal: classification uses what there is.
struct EvidenceReader {
    var session: ClusterSession
    /// Lines of the driver's log to read.
    var tailLines = 1000
    /// Most executor pods whose events are read.
    static let maxExecutors = 8

    func read(_ run: RunID, object: YAMLValue, group: String) async throws -> CollectedEvidence {
        var collected = CollectedEvidence(evidence: FailureEvidence(), read: [], unread: [])
        if let application = RunEvidence.application(object, group: group) {
            collected.evidence.application = application
            collected.read.append("SparkApplication status")
        }
        guard let pods = try await discover("Pod", &collected), let events = try await discover("Event", &collected) else {
            return collected
        }
        var podObjects: [YAMLValue] = []
        do {
            podObjects = try await session.api.list(
                pods.collectionPath(namespace: run.namespace), labelSelector: "\(Vocabulary.run)=\(run.name)")
            // Streaming jobs are no runs of submit's: their pods carry the operator's label only.
            if podObjects.isEmpty {
                podObjects = try await session.api.list(
                    pods.collectionPath(namespace: run.namespace), labelSelector: "\(Self.operatorLabel(group))=\(run.name)")
            }
            if group == JobState.kubeflowGroup, let driver = object["status"]?["driverInfo"]?["podName"]?.string,
                !podObjects.contains(where: { $0["metadata"]?["name"]?.string == driver }),
                let pod = try await session.api.getIfPresent(pods.objectPath(namespace: run.namespace, name: driver))
            {
                podObjects.append(pod)
            }
        } catch let error as APIError {
            collected.unread.append("pods: \(error)")
        }
        // The driver first, then the executors that failed, by name.
        let parsed = podObjects.compactMap { object in RunEvidence.pod(object).map { ($0, object) } }
            .sorted { ($0.0.role == .driver ? 0 : 1, $0.0.name) < ($1.0.role == .driver ? 0 : 1, $1.0.name) }
        let driver = parsed.first { $0.0.role == .driver }
        let failedExecutors = parsed.filter { $0.0.role != .driver && RunEvidence.failed($0.0) }.prefix(Self.maxExecutors)
        collected.evidence.pods = (driver.map { [$0.0] } ?? []) + failedExecutors.map(\.0)
        if podObjects.isEmpty {
            collected.unread.append("pods: none left (the operator deletes them after the run, or they never started)")
        } else {
            collected.read.append(Output.counted(collected.evidence.pods.count, "pod"))
        }

        var names = [run.name] + (driver.map { [$0.0.name] } ?? []) + failedExecutors.map(\.0.name)
        names = names.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
        var eventItems: [YAMLValue] = []
        for name in names {
            do {
                eventItems += try await session.api.list(
                    events.collectionPath(namespace: run.namespace), fieldSelector: "involvedObject.name=\(name)")
            } catch let error as APIError {
                collected.unread.append("events about \(name): \(error)")
                break
            }
        }
        collected.evidence.events = RunEvidence.events(eventItems)
        if !collected.evidence.events.isEmpty { collected.read.append(Output.counted(collected.evidence.events.count, "event")) }

        if let (pod, object) = driver {
            try await readLog(pod.name, object, pods: pods, namespace: run.namespace, into: &collected)
        } else if !podObjects.isEmpty {
            collected.unread.append("driver log: no driver pod")
        } else {
            collected.unread.append("driver log: the driver pod is gone")
        }
        await readEventLog(object, group: group, into: &collected)
        return collected
    }

    private func readLog(_ name: String, _ pod: YAMLValue, pods: APIResource, namespace: String, into collected: inout CollectedEvidence)
        async throws
    {
        guard let container = RunEvidence.logContainer(pod) else {
            collected.unread.append("driver log: pod \(name) has no containers")
            return
        }
        var query = [("container", container.name), ("tailLines", String(tailLines))]
        if container.previous { query.append(("previous", "true")) }
        do {
            let text = try await session.api.text(pods.objectPath(namespace: namespace, name: name) + "/log", query: query)
            var log = LogEvidence(source: "driver log (pod \(namespace)/\(name))", text: text)
            if log.lines.last == "" { log.lines.removeLast() }
            collected.evidence.driverLog = log
            collected.read.append("driver log (\(Output.counted(log.lines.count, "line")))")
        } catch let error as APIError {
            collected.unread.append("driver log of \(name): \(error)")
        }
    }

    /// The label each operator puts on an application's pods, with its name.
    static func operatorLabel(_ group: String) -> String {
        group == JobState.kubeflowGroup ? "sparkoperator.k8s.io/app-name" : "spark.operator/spark-app-name"
    }

    /// The core kind's API, or nil (noted) when the server does not serve it.
    private func discover(_ kind: String, _ collected: inout CollectedEvidence) async throws -> APIResource? {
        guard let resource = try await session.discovery.resource(group: "", kind: kind) else {
            collected.unread.append("\(kind.lowercased())s: the server does not serve core/v1 \(kind)")
            return nil
        }
        return resource
    }
}
