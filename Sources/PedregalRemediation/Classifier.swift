/// Why a run failed, from all the evidence: the class, whether a retry can
/// help, what to do, and the lines that prove it.
public struct Classification: Sendable, Equatable {
    /// The class.
    public var failureClass: FailureClass
    /// The process it is about, when known.
    public var role: SparkRole?
    /// `executor tasks ran out of heap (OutOfMemoryError: Java heap space)`: what the deciding evidence says.
    public var detail: String
    /// `executor out of memory: executor tasks ran out of heap (OutOfMemoryError: Java heap space)`.
    public var summary: String
    /// Whether retrying (with the class's remedy) can help.
    public var retryable: Bool
    /// What to do, and who: the remedy a retry applies, or who must act.
    public var remediation: String
    /// Who must act when a retry cannot help.
    public var actor: Actor?
    /// The lines that prove it, strongest first.
    public var proof: [Proof]
    /// Other classes the evidence also showed (consequences, or weaker hints).
    public var alsoSeen: [FailureClass]
    /// Every finding of the class, for the retry planner.
    public var findings: [Finding]
}

/// Classifies failed runs. Pure: the same evidence gives the same answer.
public enum Classifier {
    /// Most proof lines shown.
    public static let maxProof = 6

    /// Every finding in `evidence`, in a fixed order: the cluster's records,
    /// the operator's messages, events, the driver's log, the event log.
    public static func findings(_ evidence: FailureEvidence) -> [Finding] {
        var found = ClusterRules.findings(evidence)
        if let application = evidence.application, !application.messages.isEmpty {
            found += TextRules.findings(in: application.messages, source: "SparkApplication status")
        }
        for event in evidence.events {
            found += TextRules.findings(
                in: ["\(event.reason): \(event.message)"], source: "event \(event.type) \(event.reason) on \(event.object)")
        }
        if let log = evidence.driverLog {
            found += TextRules.findings(in: log.lines, source: log.source)
        }
        if let eventLog = evidence.eventLog {
            for lines in [eventLog.taskFailures, eventLog.executorRemovals, eventLog.jobFailures] where !lines.isEmpty {
                found += TextRules.findings(in: lines, source: "event log \(eventLog.source)")
            }
        }
        // The operator's state names no cause: any other finding of its class explains it better.
        if let application = evidence.application { found += ClusterRules.state(application) }
        // A refused or unscheduled pod decides the class when the run never got going.
        if let state = evidence.application?.state, ClusterRules.startFailures.contains(state) {
            for index in found.indices where found[index].failureClass == .quotaOrCapacity { found[index].weak = false }
        }
        return found
    }

    /// The class of the failure `evidence` shows.
    public static func classify(_ evidence: FailureEvidence) -> Classification {
        let found = findings(evidence)
        let strong = found.filter { !$0.weak }
        let candidates = strong.isEmpty ? found : strong
        guard let winner = candidates.min(by: { $0.failureClass.rank < $1.failureClass.rank }) else {
            return unknown(evidence)
        }
        let kind = winner.failureClass
        let ofClass = found.filter { $0.failureClass == kind }.sorted { ($0.weak ? 1 : 0) < ($1.weak ? 1 : 0) }
        var proof: [Proof] = []
        for finding in ofClass where !proof.contains(finding.proof) && proof.count < maxProof { proof.append(finding.proof) }
        var also: [FailureClass] = []
        for finding in found.sorted(by: { $0.failureClass.rank < $1.failureClass.rank })
        where finding.failureClass != kind && !also.contains(finding.failureClass) {
            also.append(finding.failureClass)
        }
        let permanent =
            ofClass.contains { $0.permanent && !$0.weak } || (ofClass.allSatisfy(\.weak) && ofClass.contains(where: \.permanent))
        let advice = Advice.of(kind, role: winner.role, permanent: permanent, findings: ofClass)
        return Classification(
            failureClass: kind, role: winner.role, detail: winner.detail, summary: "\(kind.title): \(winner.detail)",
            retryable: advice.retryable,
            remediation: advice.text, actor: advice.actor, proof: proof, alsoSeen: also, findings: ofClass)
    }

    static func unknown(_ evidence: FailureEvidence) -> Classification {
        var seen: [String] = []
        if evidence.application != nil { seen.append("the SparkApplication's status") }
        if !evidence.pods.isEmpty { seen.append("\(evidence.pods.count) pod\(evidence.pods.count == 1 ? "" : "s")") }
        if !evidence.events.isEmpty { seen.append("\(evidence.events.count) event\(evidence.events.count == 1 ? "" : "s")") }
        if let log = evidence.driverLog { seen.append("\(log.lines.count) lines of the driver's log") }
        if evidence.eventLog != nil { seen.append("the event log") }
        let read = seen.isEmpty ? "nothing about the run could be read" : "nothing in " + seen.joined(separator: ", ") + " says why"
        var proof: [Proof] = []
        if let application = evidence.application {
            proof.append(
                Proof(
                    source: "SparkApplication status", line: ([application.state] + application.messages.suffix(1)).joined(separator: ": "))
            )
        }
        if let log = evidence.driverLog, let last = log.lines.last(where: { !$0.trimmingSpaces.isEmpty }) {
            proof.append(Proof(source: log.source, line: last))
        }
        let advice = Advice.of(.unknown, role: nil, permanent: false, findings: [])
        return Classification(
            failureClass: .unknown, role: nil, detail: read, summary: "unknown: \(read)", retryable: false, remediation: advice.text,
            actor: advice.actor, proof: proof, alsoSeen: [], findings: [])
    }
}
