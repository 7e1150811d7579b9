import PedregalConsole
import PedregalYAML

/// The result of `pedregal submit`.
public struct SubmitReport: Sendable {
    /// The run.
    public var run: RunID
    /// False when a run with the same token already existed, or none was
    /// started (`skipped`).
    public var created: Bool
    /// The token the run was made with.
    public var token: String
    /// The SparkApplication API the run lives in.
    public var apiVersion: String
    /// The existing run's state (nil for a new run).
    public var state: JobState?
    /// The run's logical time, when its macros were expanded.
    public var logical: LogicalTime?
    /// The job's concurrency policy.
    public var policy: ConcurrencyPolicy
    /// Runs of the job that were still active.
    public var active: [ActiveRun] = []
    /// Whether no run was started because of them (policy Forbid).
    public var skipped = false
    /// Active runs deleted first (policy Replace).
    public var replaced: [RunID] = []
    /// What pre-submit sizing chose, when the job asks for it.
    public var sizing: PreSubmitSizing.Decision? = nil

    var line: String {
        if skipped {
            let runs = active.map { "\($0.run) \(JobsReporting.describe($0.state))" }.joined(separator: ", ")
            return "not submitted: a previous run of this job is still active (\(runs)) and its concurrency policy is "
                + "Forbid; token \(token) started nothing"
        }
        if created { return "submitted \(run) (\(apiVersion) SparkApplication, token \(token))" }
        let phase = state.map { " (\(JobsReporting.describe($0)))" } ?? ""
        return "already submitted: \(run) exists for token \(token)\(phase)"
    }

    var json: YAMLValue {
        .object([
            "run": .string(run.description), "namespace": .string(run.namespace), "name": .string(run.name),
            "created": .bool(created), "skipped": .bool(skipped), "token": .string(token), "apiVersion": .string(apiVersion),
            "state": state.map(JobsReporting.json) ?? .null, "concurrencyPolicy": .string(policy.rawValue),
            "activeRuns": .list(active.map(\.json)), "replaced": .list(replaced.map { .string($0.description) }),
            "logicalTime": .optional(logical?.text), "logicalTimeSource": .optional(logical?.source),
            "sizing": JobsReporting.json(sizing),
        ])
    }
}

/// The result of `pedregal job status`.
public struct JobStatusReport: Sendable {
    /// The run.
    public var run: RunID
    /// The SparkApplication API the run was found in.
    public var apiVersion: String?
    /// The last state read; nil when the run was never found.
    public var state: JobState?
    /// The run was seen, then disappeared (TTL after it stopped, or cancelled).
    public var removed: Bool
    /// The run in the Spark History Server, when the platform names one.
    public var historyLink: String? = nil
    /// What pre-submit sizing chose for the run, when it was sized.
    public var sizing: PreSubmitSizing.Decision? = nil
    /// Whether `--timeout` passed first.
    public var timedOut: Bool
    /// The exit status: the worst of every result.
    public var status: ExitStatus
    /// Why it failed and what a retry does, for a failed run.
    public var diagnosis: FailureDiagnosis? = nil
    /// The attempts of its retry chain, when it is part of one.
    public var chain: [ChainEntry] = []

    var line: String {
        if removed { return "\(run): finished (object removed)" }
        guard let state else { return "\(run): not found" }
        var lines = ["\(run): \(JobsReporting.describe(state))" + (timedOut ? "; timed out waiting" : "")]
        if let historyLink { lines.append("  history: \(historyLink)") }
        if let sizing { lines.append("  sizing: \(sizing.applied)" + (sizing.reason.isEmpty ? "" : "\n    \(sizing.reason)")) }
        if let diagnosis { lines += diagnosis.lines }
        if !chain.isEmpty {
            lines.append("  retry chain:")
            lines += chain.map { "    \($0.line)" }
        }
        return lines.joined(separator: "\n")
    }

    var json: YAMLValue {
        .object([
            "run": .string(run.description), "apiVersion": .optional(apiVersion),
            "phase": .optional(removed ? "finished" : state?.phase.rawValue), "state": state.map(JobsReporting.json) ?? .null,
            "removed": .bool(removed), "timedOut": .bool(timedOut), "exitStatus": .int(Int(status.rawValue)),
            "historyLink": .optional(historyLink), "sizing": JobsReporting.json(sizing), "failure": diagnosis?.json ?? .null,
            "retryChain": .list(chain.map(\.json)),
        ])
    }
}

enum JobsReporting {
    /// `failed (DriverStartTimedOut): driver did not start`.
    static func describe(_ state: JobState) -> String {
        var text = state.phase.rawValue
        if !state.state.isEmpty { text += " (\(state.state))" }
        if let reason = state.reason { text += ": \(reason)" }
        return text
    }

    static func json(_ sizing: PreSubmitSizing.Decision?) -> YAMLValue {
        guard let sizing else { return .null }
        return .object(["applied": .string(sizing.applied), "reason": .string(sizing.reason), "changed": .bool(sizing.changed)])
    }

    static func json(_ state: JobState) -> YAMLValue {
        .object([
            "phase": .string(state.phase.rawValue), "state": .string(state.state), "reason": .optional(state.reason),
            "final": .bool(state.final),
        ])
    }
}
