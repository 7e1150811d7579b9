import PedregalRemediation
import PedregalYAML

/// Why a run failed and what a retry would do, with the evidence behind it:
/// what `job status` shows for a failed run and `submit --retry auto` acts on.
public struct FailureDiagnosis: Sendable {
    /// The classification.
    public var classification: Classification
    /// Whether a retry would run, with which changes, or why not; nil when
    /// the run's settings are unknown (logs classified from files).
    public var decision: RetryDecision?
    /// What was read, and what could not be (with why).
    public var read: [String]
    /// What could not be read.
    public var unread: [String]
    /// Whether the run is part of a retry chain (`submit --retry auto`):
    /// then the decision is what its runner does next, else what a retry would do.
    public var inChain: Bool

    /// Indented lines under the run's state line.
    var lines: [String] { lines(stop: true) }

    /// The lines, without why no retry follows when the caller says it itself (`stop` false).
    func lines(stop: Bool) -> [String] {
        let c = classification
        var lines = ["  why: \(c.failureClass.rawValue): \(c.detail)"]
        if c.retryable {
            lines.append("  retryable: yes; \(c.remediation)")
        } else {
            lines.append("  retryable: no; \(c.remediation)" + (c.actor.map { " (who: \(Self.who($0)))" } ?? ""))
        }
        switch decision {
        case nil:
            break
        case .retry(let changes, let wait, let note)?:
            let what = changes.isEmpty ? "unchanged" : changes.map(\.description).joined(separator: ", ")
            let after = wait > 0 && !changes.isEmpty ? ", after \(DurationText.seconds(wait))" : ""
            lines.append(inChain ? "  next attempt: \(what) (\(note)\(after))" : "  a retry would run: \(what) (\(note)\(after))")
        case .stop(let reason)?:
            if c.retryable && stop { lines.append(inChain ? "  next attempt: none; \(reason)" : "  a retry would not run: \(reason)") }
        }
        if !c.proof.isEmpty {
            lines.append("  proof:")
            lines += c.proof.map { "    \($0)" }
        }
        if !c.alsoSeen.isEmpty { lines.append("  also seen: " + c.alsoSeen.map(\.rawValue).joined(separator: ", ")) }
        var evidence = "  evidence: " + (read.isEmpty ? "none" : read.joined(separator: ", "))
        if !unread.isEmpty { evidence += "; not read: " + unread.joined(separator: "; ") }
        lines.append(evidence)
        return lines
    }

    static func who(_ actor: Actor) -> String {
        switch actor {
        case .team: return "the team that owns the job"
        case .platform: return "the platform team"
        case .upstream: return "the owner of the data (often the job that writes it)"
        }
    }

    var json: YAMLValue {
        let c = classification
        return .object([
            "class": .string(c.failureClass.rawValue), "title": .string(c.failureClass.title), "role": .optional(c.role?.rawValue),
            "summary": .string(c.summary), "retryable": .bool(c.retryable), "remediation": .string(c.remediation),
            "actor": .optional(c.actor?.rawValue),
            "proof": .list(c.proof.map { .object(["source": .string($0.source), "line": .string($0.line)]) }),
            "alsoSeen": .list(c.alsoSeen.map { .string($0.rawValue) }), "retry": decision.map(Self.json) ?? .null,
            "evidence": .object(["read": .list(read.map(YAMLValue.string)), "unread": .list(unread.map(YAMLValue.string))]),
        ])
    }

    static func json(_ decision: RetryDecision) -> YAMLValue {
        switch decision {
        case .retry(let changes, let wait, let note):
            return .object([
                "decision": "retry",
                "changes": .list(changes.map { .object(["key": .string($0.key), "from": .string($0.from), "to": .string($0.to)]) }),
                "waitSeconds": .int(wait), "note": .string(note),
            ])
        case .stop(let reason):
            return .object(["decision": "stop", "reason": .string(reason)])
        }
    }
}
