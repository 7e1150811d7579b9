import PedregalConsole
import PedregalKubernetes
import PedregalManifests
import PedregalYAML

/// How one object of a folder stands in the cluster.
public struct ObjectStatus: Sendable, Equatable {
    /// The object.
    public var id: ResourceID
    /// Whether the cluster has it.
    public var present: Bool
    /// Fields of the manifest the live object does not hold.
    public var differences: [Drift.Difference]
    /// Whether it is doing its job (false when missing).
    public var health: Health.Verdict
    /// Why it could not be checked, if it could not.
    public var problem: String?
    /// The exit status the problem deserves (`.refused` for 401/403).
    public var problemStatus: ExitStatus = .success
    /// For a Spark Connect server past its expiry: when it expired. It is
    /// not expected in the cluster any more.
    public var expiredAt: String?

    /// Present, in sync and healthy (or expired, and so not expected).
    public var ok: Bool { expiredAt != nil || (present && differences.isEmpty && health.healthy && problem == nil) }

    /// `ok`, `expired`, `missing`, `drifted`, `unhealthy` or `failed`.
    public var word: String {
        if expiredAt != nil { return "expired" }
        if problem != nil { return "failed" }
        if !present { return "missing" }
        if !differences.isEmpty { return "drifted" }
        return health.healthy ? "ok" : "unhealthy"
    }

    var line: String {
        var text = Output.column(word) + id.description
        var details: [String] = []
        if let problem { details.append(problem) }
        if !differences.isEmpty {
            let shown = differences.prefix(3).map(\.description).joined(separator: "; ")
            details.append(differences.count > 3 ? "\(shown); and \(differences.count - 3) more" : shown)
        }
        if let detail = health.detail { details.append(detail) }
        if !details.isEmpty { text += " (\(details.joined(separator: "; ")))" }
        return text
    }

    var json: YAMLValue {
        var map = id.json.mapValue ?? YAMLMap()
        for entry in [
            YAMLMap.Entry(key: "state", value: .string(word)), .init(key: "present", value: .bool(present)),
            .init(key: "inSync", value: .bool(present && differences.isEmpty)),
            .init(key: "healthy", value: .bool(present && health.healthy)),
            .init(key: "health", value: .optional(health.detail)),
            .init(
                key: "drift",
                value: .list(
                    differences.map { difference in
                        .object([
                            "path": .string(difference.path), "want": .string(difference.want),
                            "have": .optional(difference.have),
                        ])
                    })),
            .init(key: "problem", value: .optional(problem)),
        ] { map.entries.append(entry) }
        return .map(map)
    }
}

/// The result of `pedregal status`.
public struct StatusReport: Sendable {
    /// The cluster (the folder's name).
    public var cluster: String
    /// One state per object of the folder.
    public var objects: [ObjectStatus]
    /// Whether `--wait` ran out of time.
    public var timedOut: Bool
    /// Why the check stopped early, if it did.
    public var error: String?
    /// The exit status: the worst of every result.
    public var status: ExitStatus

    func count(_ word: String) -> Int { objects.filter { $0.word == word }.count }

    /// `sk8-us-west-2: 150 objects, 148 ok, 1 missing, 0 drifted, 1 unhealthy`.
    public var summary: String {
        var text =
            "\(cluster): \(Output.counted(objects.count, "object")), \(count("ok")) ok, \(count("missing")) missing, "
            + "\(count("drifted")) drifted, \(count("unhealthy")) unhealthy"
        if count("failed") > 0 { text += ", \(count("failed")) not checked" }
        if count("expired") > 0 { text += ", \(count("expired")) expired" }
        if timedOut { text += "; timed out waiting" }
        return text
    }

    var json: YAMLValue {
        .object([
            "cluster": .string(cluster), "objects": .list(objects.map(\.json)), "timedOut": .bool(timedOut),
            "error": .optional(error), "summary": .string(summary), "exitStatus": .int(Int(status.rawValue)),
        ])
    }
}

/// Compares a folder with the cluster: present or missing, in sync or
/// drifted, healthy or not; optionally waits until all are fine.
public struct StatusChecker: Sendable {
    /// The cluster, and where results go.
    public var session: ClusterSession
    /// Pause between checks when waiting.
    public var interval: Duration
    /// The current time, RFC 3339, for expired Spark Connect servers.
    public var now: String?

    /// Creates a checker.
    public init(session: ClusterSession, interval: Duration = .seconds(2), now: String? = nil) {
        self.session = session
        self.interval = interval
        self.now = now
    }

    /// Checks every object once, or with `timeout` until all are fine or the
    /// time is up; exit status 0 only when all are present, in sync and healthy.
    public func check(_ folder: ManifestFolder, timeout: Duration?) async -> StatusReport {
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now + $0 }
        var report = StatusReport(cluster: folder.cluster, objects: [], timedOut: false, error: nil, status: .success)
        var lastWaiting: [ResourceID] = []
        while true {
            do {
                report.objects = try await checkAll(folder)
            } catch {
                let failure = error.runnerFailure
                report.error = failure.message
                report.status = failure.status
                break
            }
            let notReady = report.objects.filter { !$0.ok }
            guard let deadline, !notReady.isEmpty else { break }
            if clock.now + interval > deadline {
                report.timedOut = true
                break
            }
            if notReady.map(\.id) != lastWaiting {
                lastWaiting = notReady.map(\.id)
                let shown = notReady.prefix(3).map { "\($0.id) \($0.word)" }.joined(separator: ", ")
                session.output.line(
                    "waiting for \(notReady.count) of \(report.objects.count) objects: \(shown)\(notReady.count > 3 ? ", …" : "")"
                )
            }
            do {
                try await Task.sleep(for: interval)
            } catch {
                break
            }
        }
        if report.error == nil {
            let worst = report.objects.contains { !$0.ok } ? ExitStatus.failure : .success
            report.status = report.objects.map(\.problemStatus).reduce(worst, max)
        }
        for object in report.objects { session.output.line(object.line) }
        session.output.line(report.summary)
        if let error = report.error { session.output.error(error) }
        session.output.document(report.json)
        return report
    }

    private func checkAll(_ folder: ManifestFolder) async throws -> [ObjectStatus] {
        var states: [ObjectStatus] = []
        for manifest in folder.manifests {
            states.append(try await checkOne(manifest))
        }
        return states
    }

    private func checkOne(_ manifest: Manifest) async throws -> ObjectStatus {
        let id = manifest.id
        let missing = Health.Verdict(healthy: false, detail: nil)
        if let expiresAt = ConnectServerExpiry.expiry(of: manifest, now: now) {
            return ObjectStatus(
                id: id, present: false, differences: [],
                health: Health.Verdict(healthy: true, detail: "expired at \(expiresAt); not expected"), problem: nil,
                expiredAt: expiresAt)
        }
        do {
            guard let resource = try await session.discovery.resource(apiVersion: id.apiVersion, kind: id.kind) else {
                return ObjectStatus(
                    id: id, present: false, differences: [],
                    health: Health.Verdict(healthy: false, detail: "the cluster does not serve \(id.kind) in \(id.apiVersion)"),
                    problem: nil)
            }
            guard let live = try await session.api.getIfPresent(resource.objectPath(namespace: id.namespace, name: id.name)) else {
                return ObjectStatus(id: id, present: false, differences: [], health: missing, problem: nil)
            }
            return ObjectStatus(
                id: id, present: true,
                differences: Drift.differences(desired: StreamingRemedy.desired(manifest.object, live: live, group: id.group), live: live),
                health: Health.evaluate(live, group: id.group, kind: id.kind), problem: nil)
        } catch  where isFatal(error) {
            throw error
        } catch {
            let failure = error.runnerFailure
            return ObjectStatus(
                id: id, present: false, differences: [], health: missing, problem: failure.message, problemStatus: failure.status)
        }
    }
}
