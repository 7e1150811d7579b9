import PedregalKubernetes
import PedregalManifests
import PedregalRemediation
import PedregalYAML

/// How `submit --retry auto` retries.
public struct RetryOptions: Sendable {
    /// The most attempts, the first included; nil: the job's (its
    /// template's `pedregal.io/max-attempts`), else 3.
    public var maxAttempts: Int?
    /// The first wait of a backoff (it doubles per attempt, up to 30 minutes).
    public var backoff: Duration
    /// Pause between reads of a running attempt: a chain follows a run for
    /// hours, and many scheduled jobs may follow theirs at once.
    public var pollInterval: Duration

    /// Creates options.
    public init(maxAttempts: Int? = nil, backoff: Duration = .seconds(60), pollInterval: Duration = .seconds(15)) {
        self.maxAttempts = maxAttempts
        self.backoff = backoff
        self.pollInterval = pollInterval
    }

    /// Attempts when neither the command nor the job says.
    public static let defaultAttempts = 3

    /// The most attempts for a run of `template`.
    func attempts(for template: YAMLValue) -> Int {
        maxAttempts ?? template["metadata"]?["annotations"]?[Vocabulary.maxAttempts]?.string.flatMap { Int($0) }
            ?? Self.defaultAttempts
    }
}

extension Jobs {
    /// Reads the failed run's evidence, classifies it, and plans the retry
    /// (within the namespace's quota) that `--retry auto` makes or would make.
    func diagnose(_ run: RunID, object: YAMLValue, resource: APIResource, options: RetryOptions) async throws -> FailureDiagnosis {
        var collected = try await EvidenceReader(session: session).read(run, object: object, group: resource.group)
        let classification = Classifier.classify(collected.evidence)
        let annotations = object["metadata"]?["annotations"]
        let inChain = annotations?[Vocabulary.retryPolicy]?.string == "auto"
        let attempt = annotations?[Vocabulary.attempt]?.string.flatMap { Int($0) } ?? 1
        var maxAttempts = annotations?[Vocabulary.maxAttempts]?.string.flatMap { Int($0) } ?? options.attempts(for: object)
        // Outside a chain the decision says what a retry would do, so allow one.
        if !inChain { maxAttempts = max(maxAttempts, attempt + 1) }
        var quota: QuotaLimit?
        if classification.retryable {
            quota = try await readQuota(run.namespace, unread: &collected.unread)
        }
        let context = RetryContext(
            attempt: attempt, maxAttempts: maxAttempts, settings: RunSettings.settings(object, group: resource.group),
            baseline: RetryChain.pairs(annotations?[Vocabulary.remedyBaseline]?.string), quota: quota,
            backoffSeconds: Int(options.backoff.components.seconds))
        return FailureDiagnosis(
            classification: classification, decision: RetryPlanner.plan(classification, context), read: collected.read,
            unread: collected.unread, inChain: inChain)
    }

    /// The namespace's tightest memory quota; nil (noted) when there is none or it cannot be read.
    private func readQuota(_ namespace: String, unread: inout [String]) async throws -> QuotaLimit? {
        guard let quotas = try await session.discovery.resource(group: "", kind: "ResourceQuota") else { return nil }
        do {
            let items = try await session.api.list(quotas.collectionPath(namespace: namespace), labelSelector: nil)
            return RunSettings.quota(items, namespace: namespace)
        } catch let error as APIError {
            unread.append("resource quotas: \(error) (the API server still refuses pods the quota cannot hold)")
            return nil
        }
    }
}
