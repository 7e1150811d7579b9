import PedregalConsole
import PedregalKubernetes
import PedregalManifests
import PedregalYAML

/// What `submit` does while a previous run of the same job is still active.
///
/// A CronJob's own `concurrencyPolicy` only constrains its seconds-long
/// submit pod, never the Spark run that pod starts; this is the job's
/// policy for runs, read from the annotation `pedregal.io/concurrency-policy`
/// on the SparkApplication of its template (Forbid when absent).
public enum ConcurrencyPolicy: String, Sendable, CaseIterable {
    /// Start no new run; the submit reports it and succeeds (a CronJob must not retry).
    case forbid = "Forbid"
    /// Start the new run beside the active ones.
    case allow = "Allow"
    /// Delete the active runs, then start the new one.
    case replace = "Replace"

    /// The annotation on the template's SparkApplication.
    public static let annotation = Vocabulary.concurrencyPolicy

    /// The policy of `template`; exit 64 for a value that is not one.
    public static func of(_ template: YAMLValue) throws -> ConcurrencyPolicy {
        guard let text = template["metadata"]?["annotations"]?[annotation]?.string else { return .forbid }
        guard let policy = ConcurrencyPolicy(rawValue: text) else {
            let choices = allCases.map(\.rawValue).joined(separator: ", ")
            throw RunnerError.usage("the template's \(annotation) is '\(text)'; it must be one of \(choices)")
        }
        return policy
    }
}

/// A run of a job that the operator is not done with.
public struct ActiveRun: Sendable, Equatable {
    /// The run.
    public var run: RunID
    /// Where it stands.
    public var state: JobState

    var json: YAMLValue {
        .object(["run": .string(run.description), "state": JobsReporting.json(state)])
    }
}

extension Jobs {
    /// The runs of `job` in `namespace` (label `pedregal.io/job=<job>` and a
    /// `pedregal.io/run-token`) the operator is not done with, except `excluding`.
    /// A run being deleted (cancelled) is on its way out and does not count.
    func activeRuns(of job: String, in namespace: String, resource: APIResource, excluding: String) async throws -> [ActiveRun] {
        let selector = "\(Vocabulary.job)=\(job),\(Vocabulary.runToken)"
        let items = try await session.api.list(resource.collectionPath(namespace: namespace), labelSelector: selector)
        return items.compactMap { item -> ActiveRun? in
            let metadata = item["metadata"]
            guard let name = metadata?["name"]?.string, name != excluding, metadata?["deletionTimestamp"] == nil else {
                return nil
            }
            let state = JobState.of(item, group: resource.group)
            return state.final ? nil : ActiveRun(run: RunID(namespace: namespace, name: name), state: state)
        }.sorted { $0.run.name < $1.run.name }
    }
}
