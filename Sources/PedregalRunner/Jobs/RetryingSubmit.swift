import PedregalConsole
import PedregalKubernetes
import PedregalManifests
import PedregalRemediation
import PedregalYAML

extension Jobs {
    /// `submit --retry auto`: submits, follows the run, and when it fails,
    /// classifies the failure and retries what is retryable with the remedy
    /// applied, until an attempt succeeds or the chain stops (and says why).
    ///
    /// Attempt `n` is the run `<job>-<h>-<n>`: every runner names it alike,
    /// so a runner that restarts, or two racing, follow one chain and never
    /// submit an attempt twice.
    public func submitRetrying(
        _ template: JobTemplate, token: String?, args: [String]?, logical: LogicalTime?, history: HistorySource = HistorySource(),
        options: RetryOptions
    ) async throws -> RetryChainReport {
        let token = token ?? RunToken.random()
        let maxAttempts = options.attempts(for: template.object)
        let chain = [Vocabulary.retryPolicy: "auto", Vocabulary.maxAttempts: String(maxAttempts), Vocabulary.attempt: "1"]
        let first = try await create(template, token: token, args: args, logical: logical, history: history, annotations: chain)
        session.output.line(first.line)
        var report = RetryChainReport(submit: first, maxAttempts: maxAttempts)
        if first.skipped {
            report.outcome = .skipped
            session.output.document(report.json)
            return report
        }
        guard let resource = try await session.discovery.resource(apiVersion: first.apiVersion, kind: "SparkApplication") else {
            throw RunnerError.failure("the cluster no longer serves \(first.apiVersion) SparkApplication")
        }
        var (run, attempt) = try await latestAttempt(of: first.run, resource: resource, token: token, template: template)
        if attempt > 1 { session.output.line("following attempt \(attempt) of the chain: \(run) (an earlier runner retried already)") }
        while true {
            var current = AttemptReport(run: run, attempt: attempt)
            guard let (state, object) = try await follow(run, resource: resource, every: options.pollInterval) else {
                current.removed = true
                report.attempts.append(current)
                report.outcome = .removed
                session.output.line("\(run): removed while followed (cancelled, or replaced by a newer run); the chain stops")
                break
            }
            current.state = state
            current.changes = RetryChain.pairs(object["metadata"]?["annotations"]?[Vocabulary.remedy]?.string)
            if state.phase == .succeeded {
                report.attempts.append(current)
                report.outcome = .succeeded
                break
            }
            let diagnosis = try await diagnose(run, object: object, resource: resource, options: options)
            current.diagnosis = diagnosis
            report.attempts.append(current)
            for line in diagnosis.lines(stop: false) { session.output.line(line) }
            guard case .retry(let changes, let wait, let note)? = diagnosis.decision else {
                if case .stop(let reason)? = diagnosis.decision { report.stopReason = reason }
                session.output.line("\(run): \(report.stopReason ?? "not retried")")
                report.outcome = .failed
                break
            }
            if wait > 0 {
                session.output.line("waiting \(DurationText.seconds(wait)) before attempt \(attempt + 1)")
                try await Task.sleep(for: .seconds(wait))
            }
            let next = try await createAttempt(
                attempt + 1, of: template, token: token, logical: logical, after: object, changes: changes,
                diagnosis: diagnosis, resource: resource)
            let what = changes.isEmpty ? "unchanged" : changes.map(\.description).joined(separator: ", ")
            session.output.line("retrying: attempt \(attempt + 1) of \(maxAttempts) as \(next), \(what) (\(note))")
            (run, attempt) = (next, attempt + 1)
        }
        session.output.document(report.json)
        return report
    }

    /// The newest attempt of the token's chain (the first when there is no other).
    private func latestAttempt(of first: RunID, resource: APIResource, token: String, template: JobTemplate) async throws -> (RunID, Int) {
        let selector = "\(Vocabulary.job)=\(RunToken.job(of: template.object)),\(Vocabulary.runToken)=\(RunToken.hash(token))"
        let items = try await session.api.list(resource.collectionPath(namespace: first.namespace), labelSelector: selector)
        var latest = (first, 1)
        for item in items where item["metadata"]?["annotations"]?[Vocabulary.runToken]?.string == token {
            let attempt = RetryChain.attempt(of: item)
            if attempt > latest.1, let name = item["metadata"]?["name"]?.string {
                latest = (RunID(namespace: first.namespace, name: name), attempt)
            }
        }
        return latest
    }

    /// Reads `run` until the operator is done with it, printing each new
    /// state; nil when it disappears.
    private func follow(_ run: RunID, resource: APIResource, every interval: Duration) async throws -> (JobState, YAMLValue)? {
        var last = ""
        while true {
            guard let object = try await session.api.getIfPresent(resource.objectPath(namespace: run.namespace, name: run.name)) else {
                return nil
            }
            let state = JobState.of(object, group: resource.group)
            let line = "\(run): \(JobsReporting.describe(state))"
            if line != last {
                session.output.line(line)
                last = line
            }
            if state.final { return (state, object) }
            try await Task.sleep(for: interval)
        }
    }

    /// Creates attempt `attempt`: the failed attempt again with the remedy's
    /// changes, annotated with why and with every change the chain made so
    /// far; an attempt another runner created already is followed instead.
    private func createAttempt(
        _ attempt: Int, of template: JobTemplate, token: String, logical: LogicalTime?, after failed: YAMLValue,
        changes: [SettingChange], diagnosis: FailureDiagnosis, resource: APIResource
    ) async throws -> RunID {
        let previous = failed["metadata"]?["annotations"]
        var remedy = RetryChain.pairs(previous?[Vocabulary.remedy]?.string)
        var baseline = RetryChain.pairs(previous?[Vocabulary.remedyBaseline]?.string)
        for change in changes {
            remedy[change.key] = change.to
            if baseline[change.key] == nil { baseline[change.key] = change.from }
        }
        // The attempt that failed, again (what pre-submit sizing chose, its arguments and
        // macros as expanded), under the template's metadata, with this retry's changes.
        var base = template.object
        if case .map(var root) = base, let spec = failed["spec"] {
            root["spec"] = spec
            base = .map(root)
        }
        var object = try RunToken.run(from: base, token: token, args: nil, logical: logical?.seconds, attempt: attempt)
        object = RunSettings.applying(changes.map { ($0.key, $0.to) }, to: object, group: resource.group)
        let failedName = failed["metadata"]?["name"]?.string ?? ""
        var annotations = [
            Vocabulary.retryPolicy: "auto", Vocabulary.attempt: String(attempt), Vocabulary.retryOf: failedName,
            Vocabulary.retryReason: String(diagnosis.classification.summary.prefix(250)),
            Vocabulary.maxAttempts: previous?[Vocabulary.maxAttempts]?.string ?? String(attempt),
        ]
        if !remedy.isEmpty {
            annotations[Vocabulary.remedy] = RetryChain.text(remedy)
            annotations[Vocabulary.remedyBaseline] = RetryChain.text(baseline)
        }
        object = RetryChain.annotating(object, annotations)
        let name = object["metadata"]?["name"]?.string ?? ""
        guard let namespace = object["metadata"]?["namespace"]?.string else {
            throw RunnerError.io("the template '\(template.file)' names no namespace")
        }
        let run = RunID(namespace: namespace, name: name)
        do {
            _ = try await session.api.create(resource.collectionPath(namespace: namespace), object: object, dryRun: false)
        } catch let error as APIError where error.code == 409 && error.reason == "AlreadyExists" {
            // A racing runner retried first: the same name means the same attempt, if the same token made it.
            guard let existing = try await existingRun(run, resource: resource, token: token) else {
                throw RunnerError.failure("attempt \(attempt) \(run) existed but was deleted while retrying; submit again")
            }
            session.output.line(
                "attempt \(attempt) exists already (another runner retried first): following \(run), \(JobsReporting.describe(existing))")
        }
        return run
    }
}
