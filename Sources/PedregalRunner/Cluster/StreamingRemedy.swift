import PedregalKubernetes
import PedregalManifests
import PedregalRemediation
import PedregalYAML

/// Streaming jobs with `retry: {policy: auto}` on redeploy: when `apply`
/// finds the live job failing, it classifies the failure as `submit --retry
/// auto` does and, for what more memory (or a longer shuffle wait) can fix,
/// redeploys it with the remedy applied within the quota. The remedy stays
/// on later applies (and is no drift for `status`) until the team file sets
/// the property to something else.
struct StreamingRemedy {
    var session: ClusterSession

    /// What `apply` does with a streaming job.
    enum Plan {
        /// Apply this object (the manifest, with an earlier remedy kept); `note` says why, if anything is worth saying.
        case apply(YAMLValue, note: String?)
        /// Delete the failing job and create this one: a new attempt with the remedy.
        case redeploy(YAMLValue, note: String)
    }

    /// Whether `object` is a SparkApplication that retries.
    static func retries(_ object: YAMLValue) -> Bool {
        object["kind"]?.string == "SparkApplication"
            && object["metadata"]?["annotations"]?[Vocabulary.retryPolicy]?.string == "auto"
    }

    /// Operator states of a streaming job that failed and is (or is not) being restarted as it was.
    static func failing(_ live: YAMLValue, group: String) -> Bool {
        let state = JobState.of(live, group: group)
        if state.phase == .failed { return true }
        if group == JobState.kubeflowGroup { return ["PENDING_RERUN", "FAILING"].contains(state.state) }
        guard state.state == "ScheduledToRestart" else { return false }
        // Restarting after a failure, not after a clean stop.
        let history =
            live["status"]?["stateTransitionHistory"]?.mapValue?.entries
            .compactMap { entry in Int(entry.key).map { ($0, entry.value["currentStateSummary"]?.string ?? "") } }
            .sorted { $0.0 < $1.0 }.map(\.1) ?? []
        let outcome = history.last { $0 == "Succeeded" || JobState.apacheFailures.contains($0) }
        return outcome.map { JobState.apacheFailures.contains($0) } ?? false
    }

    func plan(_ manifest: YAMLValue, live: YAMLValue, resource: APIResource) async throws -> Plan {
        let kept = Self.desired(manifest, live: live, group: resource.group)
        guard Self.failing(live, group: resource.group), let namespace = live["metadata"]?["namespace"]?.string,
            let name = live["metadata"]?["name"]?.string
        else { return .apply(kept, note: nil) }
        let run = RunID(namespace: namespace, name: name)
        let diagnosis = try await Jobs(session: session).diagnose(run, object: live, resource: resource, options: RetryOptions())
        let kind = diagnosis.classification.failureClass
        guard case .retry(let changes, _, let note)? = diagnosis.decision, !changes.isEmpty else {
            var why = "failing: \(kind.rawValue)"
            if case .stop(let reason)? = diagnosis.decision { why += "; \(reason)" } else { why += "; the operator restarts it as it was" }
            return .apply(kept, note: why)
        }
        let annotations = live["metadata"]?["annotations"]
        var remedy = RetryChain.pairs(annotations?[Vocabulary.remedy]?.string)
        var baseline = RetryChain.pairs(annotations?[Vocabulary.remedyBaseline]?.string)
        for change in changes {
            remedy[change.key] = change.to
            if baseline[change.key] == nil { baseline[change.key] = change.from }
        }
        let attempt = RetryChain.attempt(of: live) + 1
        var object = RunSettings.applying(remedy.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, to: manifest, group: resource.group)
        object = RetryChain.annotating(
            object,
            [
                Vocabulary.attempt: String(attempt), Vocabulary.retryReason: String(diagnosis.classification.summary.prefix(250)),
                Vocabulary.remedy: RetryChain.text(remedy), Vocabulary.remedyBaseline: RetryChain.text(baseline),
            ])
        let what = changes.map(\.description).joined(separator: ", ")
        return .redeploy(object, note: "redeployed as attempt \(attempt) after \(kind.rawValue): \(what) (\(note))")
    }

    /// The manifest with the live job's remedy kept: each remedied property
    /// whose manifest value is still the one the remedy started from (a team
    /// that sets another value in its team file wins).
    static func desired(_ manifest: YAMLValue, live: YAMLValue, group: String) -> YAMLValue {
        guard retries(manifest) else { return manifest }
        let annotations = live["metadata"]?["annotations"]
        let remedy = RetryChain.pairs(annotations?[Vocabulary.remedy]?.string)
        guard !remedy.isEmpty else { return manifest }
        let baseline = RetryChain.pairs(annotations?[Vocabulary.remedyBaseline]?.string)
        let settings = RunSettings.settings(manifest, group: group)
        let kept = remedy.filter { key, _ in
            guard let first = baseline[key] else { return false }
            // A property the manifest leaves unset started from Spark's computed value.
            return (settings.conf[key] ?? first) == first
        }
        guard !kept.isEmpty else { return manifest }
        var keptBaseline = baseline.filter { kept[$0.key] != nil }
        if keptBaseline.isEmpty { keptBaseline = baseline }
        let object = RunSettings.applying(kept.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, to: manifest, group: group)
        var chain = [Vocabulary.remedy: RetryChain.text(kept), Vocabulary.remedyBaseline: RetryChain.text(keptBaseline)]
        for key in [Vocabulary.attempt, Vocabulary.retryReason] {
            if let value = annotations?[key]?.string { chain[key] = value }
        }
        return RetryChain.annotating(object, chain)
    }
}
