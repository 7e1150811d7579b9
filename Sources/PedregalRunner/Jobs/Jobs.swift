import PedregalConsole
import PedregalKubernetes
import PedregalManifests
import PedregalYAML

/// Submits, follows and cancels runs of batch jobs.
public struct Jobs: Sendable {
    /// The cluster, and where results go.
    public var session: ClusterSession
    /// Pause between reads when waiting.
    public var interval: Duration

    /// Creates a job runner.
    public init(session: ClusterSession, interval: Duration = .seconds(5)) {
        self.session = session
        self.interval = interval
    }

    /// Creates a run from `template`, its macros expanded with `logical`.
    ///
    /// When the token's run already exists (a retry, or a racing submit) it
    /// reports that run instead, whatever the policy. Otherwise, unless the
    /// template's `ConcurrencyPolicy` is Allow, it looks for active runs of the
    /// same job first: Forbid then starts nothing (and succeeds), Replace
    /// deletes them and starts the new run.
    public func submit(
        _ template: JobTemplate, token: String?, args: [String]?, logical: LogicalTime? = nil, history: HistorySource = HistorySource()
    ) async throws -> SubmitReport {
        finish(try await create(template, token: token ?? RunToken.random(), args: args, logical: logical, history: history))
    }

    /// `submit` without printing its result: the run object, with
    /// `annotations` added, created unless its token's run exists or the
    /// policy forbids it.
    func create(
        _ template: JobTemplate, token: String, args: [String]?, logical: LogicalTime?, history: HistorySource = HistorySource(),
        annotations: [String: String] = [:]
    ) async throws -> SubmitReport {
        let policy = try ConcurrencyPolicy.of(template.object)
        var object = try RunToken.run(from: template.object, token: token, args: args, logical: logical?.seconds)
        // A run joins a retry chain only when its runner follows it; the template's policy alone does not.
        object = RetryChain.annotating(RetryChain.withoutChain(object), annotations)
        let id = Manifest(cluster: template.cluster ?? "", object: object, source: template.file).id
        guard let namespace = id.namespace else { throw RunnerError.io("the template '\(template.file)' names no namespace") }
        guard let resource = try await session.discovery.resource(apiVersion: id.apiVersion, kind: id.kind) else {
            throw RunnerError.failure(
                "the cluster does not serve SparkApplication in \(id.apiVersion); is the Spark operator's CustomResourceDefinition installed?"
            )
        }
        let run = RunID(namespace: namespace, name: id.name)
        var report = SubmitReport(
            run: run, created: true, token: token, apiVersion: resource.apiVersion, state: nil, logical: logical, policy: policy)
        if let logical { session.output.line("logical time \(logical.text) (\(logical.source))") }
        if let existing = try await existingRun(run, resource: resource, token: token) {
            report.created = false
            report.state = existing
            return report
        }
        if policy != .allow {
            let job = RunToken.job(of: object)
            report.active = try await activeRuns(of: job, in: namespace, resource: resource, excluding: run.name)
            if policy == .forbid && !report.active.isEmpty {
                report.created = false
                report.skipped = true
                return report
            }
            for active in report.active {
                do {
                    try await session.api.delete(resource.objectPath(namespace: namespace, name: active.run.name), dryRun: false)
                } catch let error as APIError where error.code == 404 {
                    // It finished and was removed meanwhile: replaced all the same.
                }
                report.replaced.append(active.run)
                session.output.line(
                    "replaced \(active.run) (\(JobsReporting.describe(active.state))): deleted, as the job's concurrency policy "
                        + "Replace asks")
            }
        }
        if PreSubmitSizing.wanted(object) {
            var source = history
            if source.eventLogFolder == nil && source.historyServer == nil {
                source.historyServer = object["metadata"]?["annotations"]?[Vocabulary.historyServer]?.string
            }
            let (sized, decision) = await PreSubmitSizing.apply(to: object, job: RunToken.job(of: object), history: source)
            object = sized
            report.sizing = decision
            if let decision {
                session.output.line("sizing: \(decision.applied)" + (decision.reason.isEmpty ? "" : "\n  \(decision.reason)"))
            }
        }
        do {
            _ = try await session.api.create(resource.collectionPath(namespace: namespace), object: object, dryRun: false)
        } catch let error as APIError where error.code == 409 && error.reason == "AlreadyExists" {
            guard let existing = try await existingRun(run, resource: resource, token: token) else {
                throw RunnerError.failure("run \(run) already existed but was deleted while submitting; submit again")
            }
            report.created = false
            report.state = existing
        }
        return report
    }

    /// The state of `run` when it exists and was made by `token`; nil when it
    /// does not exist; an error when another token made it.
    func existingRun(_ run: RunID, resource: APIResource, token: String) async throws -> JobState? {
        guard let existing = try await session.api.getIfPresent(resource.objectPath(namespace: run.namespace, name: run.name)) else {
            return nil
        }
        let existingToken = existing["metadata"]?["annotations"]?[Vocabulary.runToken]?.string
        guard existingToken == token else {
            throw RunnerError.failure(
                "\(run) exists but was not made by token '\(token)' (its token is '\(existingToken ?? "none")'); "
                    + "use another token")
        }
        return JobState.of(existing, group: resource.group)
    }

    private func finish(_ report: SubmitReport) -> SubmitReport {
        session.output.line(report.line)
        session.output.document(report.json)
        return report
    }

    /// Reads the run's state; with `wait`, until the operator is done with it
    /// (or `timeout`). Exit 0 when read; when waiting, 0 only if it succeeded.
    public func status(_ run: RunID, wait: Bool, timeout: Duration?) async throws -> JobStatusReport {
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now + $0 }
        var report = JobStatusReport(run: run, apiVersion: nil, state: nil, removed: false, timedOut: false, status: .success)
        var lastLine = ""
        var found: (APIResource, YAMLValue)?
        while true {
            if let (resource, object) = try await locate(run) {
                found = (resource, object)
                report.apiVersion = resource.apiVersion
                report.state = JobState.of(object, group: resource.group)
                report.historyLink = HistoryLink.of(object, group: resource.group)
                let annotations = object["metadata"]?["annotations"]
                report.sizing = annotations?[Vocabulary.sizingApplied]?.string.map {
                    PreSubmitSizing.Decision(
                        applied: $0, reason: annotations?[Vocabulary.sizingReason]?.string ?? "", changed: $0.contains("(written"))
                }
            } else if report.state != nil {
                report.removed = true
            } else {
                throw RunnerError.failure("run \(run) not found")
            }
            guard wait, !report.removed, let state = report.state, !state.final else { break }
            if let deadline, clock.now + interval > deadline {
                report.timedOut = true
                break
            }
            if report.line != lastLine {
                lastLine = report.line
                session.output.line(lastLine)
            }
            try await Task.sleep(for: interval)
        }
        if wait {
            report.status = !report.timedOut && !report.removed && report.state?.phase == .succeeded ? .success : .failure
        }
        if !report.removed, let (resource, object) = found {
            report.chain = try await chain(of: object, resource: resource)
            if report.state?.phase == .failed {
                report.diagnosis = try await diagnose(run, object: object, resource: resource, options: RetryOptions())
                // A later attempt exists: the chain shows what the retry did, not what it would do.
                if report.chain.contains(where: { $0.attempt > RetryChain.attempt(of: object) }) { report.diagnosis?.decision = nil }
            }
        }
        session.output.line(report.line)
        session.output.document(report.json)
        return report
    }

    /// Stops a run by deleting its SparkApplication (the operator then stops
    /// the driver and executors). Only runs made by `submit` are touched.
    public func cancel(_ run: RunID) async throws -> JobState {
        guard let (resource, object) = try await locate(run) else { throw RunnerError.failure("run \(run) not found") }
        guard object["metadata"]?["labels"]?[Vocabulary.runToken]?.string != nil else {
            throw RunnerError.usage(
                "\(run) is not a run made by `pedregal submit` (it has no \(Vocabulary.runToken) label); cancel only stops runs")
        }
        let state = JobState.of(object, group: resource.group)
        do {
            try await session.api.delete(resource.objectPath(namespace: run.namespace, name: run.name), dryRun: false)
        } catch let error as APIError where error.code == 404 {
            throw RunnerError.failure("run \(run) not found")
        }
        session.output.line("cancelled \(run); it was \(JobsReporting.describe(state))")
        session.output.document(
            .object([
                "run": .string(run.description), "cancelled": .bool(true), "apiVersion": .string(resource.apiVersion),
                "previousState": JobsReporting.json(state),
            ]))
        return state
    }

    /// The run's SparkApplication, looked up in every SparkApplication API the
    /// cluster serves (Apache first, then Kubeflow).
    func locate(_ run: RunID) async throws -> (APIResource, YAMLValue)? {
        let resources = try await session.sparkApplicationResources()
        for resource in resources {
            if let object = try await session.api.getIfPresent(resource.objectPath(namespace: run.namespace, name: run.name)) {
                return (resource, object)
            }
        }
        return nil
    }
}
