import PedregalConsole
import PedregalManifests
import PedregalRemediation
import PedregalYAML

/// One attempt of a retry chain.
public struct AttemptReport: Sendable {
    /// The attempt's run.
    public var run: RunID
    /// Its number, 1 for the first.
    public var attempt: Int
    /// How it ended (nil when it disappeared before it could be read).
    public var state: JobState?
    /// It disappeared while followed (cancelled, or replaced by a newer run).
    public var removed = false
    /// The Spark properties it runs with that differ from the template.
    public var changes: [String: String] = [:]
    /// Why it failed and what came next, for a failed attempt.
    public var diagnosis: FailureDiagnosis?

    var json: YAMLValue {
        .object([
            "attempt": .int(attempt), "run": .string(run.description), "state": state.map(JobsReporting.json) ?? .null,
            "removed": .bool(removed), "changes": .sortedStrings(changes), "failure": diagnosis?.json ?? .null,
        ])
    }
}

/// The result of `pedregal submit --retry auto`.
public struct RetryChainReport: Sendable {
    /// How the chain ended.
    public enum Outcome: String, Sendable {
        /// An attempt succeeded.
        case succeeded
        /// An attempt failed and no retry followed (not retryable, the quota, or the last attempt).
        case failed
        /// An attempt's run disappeared while followed.
        case removed
        /// Nothing was started: an earlier run of the job is active and its policy is Forbid.
        case skipped
    }

    /// The first attempt's submit.
    public var submit: SubmitReport
    /// The most attempts.
    public var maxAttempts: Int
    /// Every attempt followed, in order.
    public var attempts: [AttemptReport] = []
    /// How it ended.
    public var outcome: Outcome = .failed
    /// Why no retry followed, when the chain stopped on a failure.
    public var stopReason: String?

    /// 0 when an attempt succeeded (or nothing was started, as with submit); 1 otherwise.
    public var status: ExitStatus { outcome == .succeeded || outcome == .skipped ? .success : .failure }

    var json: YAMLValue {
        .object([
            "submit": submit.json, "retryPolicy": "auto", "maxAttempts": .int(maxAttempts), "attempts": .list(attempts.map(\.json)),
            "outcome": .string(outcome.rawValue), "stopReason": .optional(stopReason), "exitStatus": .int(Int(status.rawValue)),
        ])
    }
}

/// The annotations a retry chain keeps on its runs, read and written.
enum RetryChain {
    /// `object` with `annotations` added.
    static func annotating(_ object: YAMLValue, _ annotations: [String: String]) -> YAMLValue {
        guard !annotations.isEmpty, case .map(var root) = object else { return object }
        var metadata = root["metadata"]?.mapValue ?? YAMLMap()
        var existing = metadata["annotations"]?.mapValue ?? YAMLMap()
        for (key, value) in annotations.sorted(by: { $0.key < $1.key }) { existing[key] = .string(value) }
        metadata["annotations"] = .map(existing)
        root["metadata"] = .map(metadata)
        return .map(root)
    }

    /// The chain's annotations.
    static let keys = [
        Vocabulary.retryPolicy, Vocabulary.maxAttempts, Vocabulary.attempt, Vocabulary.retryOf, Vocabulary.retryReason,
        Vocabulary.remedy, Vocabulary.remedyBaseline,
    ]

    /// `object` without the chain's annotations (a template carries the job's policy).
    static func withoutChain(_ object: YAMLValue) -> YAMLValue {
        guard case .map(var root) = object, case .map(var metadata)? = root["metadata"],
            case .map(var annotations)? = metadata["annotations"]
        else { return object }
        annotations.entries.removeAll { keys.contains($0.key) }
        metadata["annotations"] = annotations.isEmpty ? nil : .map(annotations)
        root["metadata"] = .map(metadata)
        return .map(root)
    }

    /// `key=value,…` as written in `pedregal.io/remedy`.
    static func pairs(_ text: String?) -> [String: String] {
        var result: [String: String] = [:]
        for part in (text ?? "").split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2 { result[String(pair[0])] = String(pair[1]) }
        }
        return result
    }

    /// `pairs` written back, keys sorted.
    static func text(_ pairs: [String: String]) -> String {
        pairs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    /// The attempt number of a run (1 when it carries none).
    static func attempt(of object: YAMLValue) -> Int {
        object["metadata"]?["annotations"]?[Vocabulary.attempt]?.string.flatMap { Int($0) } ?? 1
    }
}
