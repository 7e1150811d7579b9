import PedregalKubernetes
import PedregalManifests
import PedregalYAML

/// One attempt of a retry chain, as `job status` lists it.
public struct ChainEntry: Sendable, Equatable {
    /// Its number, 1 for the first.
    public var attempt: Int
    /// The attempt's run.
    public var run: RunID
    /// Where it stands.
    public var state: JobState
    /// The Spark properties the chain had changed for it.
    public var changes: String?
    /// Why the attempt before it failed.
    public var retriedBecause: String?

    /// `2 ns/x-2: succeeded (Succeeded); with spark.executor.memory=6g after executor out of memory: …`.
    var line: String {
        var text = "\(attempt) \(run): \(JobsReporting.describe(state))"
        if let changes { text += "; with \(changes)" }
        if let retriedBecause { text += "; retried after \(retriedBecause)" }
        return text
    }

    var json: YAMLValue {
        .object([
            "attempt": .int(attempt), "run": .string(run.description), "state": JobsReporting.json(state),
            "changes": .optional(changes), "retriedBecause": .optional(retriedBecause),
        ])
    }
}

extension Jobs {
    /// Every attempt of the retry chain `object` belongs to, in order; empty
    /// when it is not part of one (no retry policy and a first attempt).
    func chain(of object: YAMLValue, resource: APIResource) async throws -> [ChainEntry] {
        let metadata = object["metadata"]
        let annotations = metadata?["annotations"]
        guard annotations?[Vocabulary.retryPolicy]?.string != nil || annotations?[Vocabulary.attempt] != nil,
            let namespace = metadata?["namespace"]?.string, let hash = metadata?["labels"]?[Vocabulary.runToken]?.string,
            let token = annotations?[Vocabulary.runToken]?.string
        else { return [] }
        let selector = "\(Vocabulary.job)=\(RunToken.job(of: object)),\(Vocabulary.runToken)=\(hash)"
        let items: [YAMLValue]
        do {
            items = try await session.api.list(resource.collectionPath(namespace: namespace), labelSelector: selector)
        } catch let error as APIError where error.code == 403 {
            return []
        }
        return items.compactMap { item -> ChainEntry? in
            let itemAnnotations = item["metadata"]?["annotations"]
            guard itemAnnotations?[Vocabulary.runToken]?.string == token, let name = item["metadata"]?["name"]?.string else { return nil }
            return ChainEntry(
                attempt: RetryChain.attempt(of: item), run: RunID(namespace: namespace, name: name),
                state: JobState.of(item, group: resource.group), changes: itemAnnotations?[Vocabulary.remedy]?.string,
                retriedBecause: itemAnnotations?[Vocabulary.retryReason]?.string)
        }.sorted { ($0.attempt, $0.run.name) < ($1.attempt, $1.run.name) }
    }
}
