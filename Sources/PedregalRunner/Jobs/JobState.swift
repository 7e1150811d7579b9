import PedregalYAML

/// Where a Spark run stands, mapped from either operator's status.
public struct JobState: Sendable, Equatable {
    /// The four phases every operator's states fold into.
    public enum Phase: String, Sendable {
        case pending, running, succeeded, failed
    }

    /// The phase.
    public var phase: Phase
    /// The operator's own state (`RunningHealthy`, `COMPLETED`), empty before it reports one.
    public var state: String
    /// Why it failed (or what the operator last said), if anything.
    public var reason: String?
    /// Whether the operator is done with it: no later state can follow.
    public var final: Bool

    /// Creates a state.
    public init(phase: Phase, state: String, reason: String? = nil, final: Bool = false) {
        self.phase = phase
        self.state = state
        self.reason = reason
        self.final = final
    }

    /// API groups of the two operators.
    public static let apacheGroup = "spark.apache.org"
    /// API group of the Kubeflow operator.
    public static let kubeflowGroup = "sparkoperator.k8s.io"

    /// The state of a SparkApplication of either operator, by its API group.
    public static func of(_ object: YAMLValue, group: String) -> JobState {
        group == kubeflowGroup ? kubeflow(object["status"]) : apache(object["status"])
    }

    static let apachePending: Set<String> = ["Submitted", "ScheduledToRestart", "DriverRequested", "DriverStarted"]
    static let apacheRunning: Set<String> = [
        "DriverReady", "InitializedBelowThresholdExecutors", "RunningHealthy", "RunningWithPartialCapacity",
        "RunningWithBelowThresholdExecutors",
    ]
    static let apacheFailures: Set<String> = [
        "Failed", "DriverStartTimedOut", "ExecutorsStartTimedOut", "DriverReadyTimedOut", "SchedulingFailure",
        "DriverEvicted",
    ]
    static let apacheTerminal: Set<String> = ["ResourceReleased", "TerminatedWithoutReleaseResources"]

    /// Apache Spark operator (`spark.apache.org`): `.status.currentState`,
    /// and for terminal states the last outcome in `stateTransitionHistory`.
    public static func apache(_ status: YAMLValue?) -> JobState {
        let current = status?["currentState"]
        guard let state = current?["currentStateSummary"]?.string, !state.isEmpty else {
            return JobState(phase: .pending, state: "")
        }
        let message = nonEmpty(current?["message"]?.string)
        if apachePending.contains(state) { return JobState(phase: .pending, state: state, reason: message) }
        if apacheRunning.contains(state) { return JobState(phase: .running, state: state, reason: message) }
        if state == "Succeeded" { return JobState(phase: .succeeded, state: state, reason: message) }
        if apacheFailures.contains(state) { return JobState(phase: .failed, state: state, reason: message) }
        guard apacheTerminal.contains(state) else { return JobState(phase: .pending, state: state, reason: message) }

        // The outcome of a terminated run is its last Succeeded or failure state.
        let history =
            status?["stateTransitionHistory"]?.mapValue?.entries
            .compactMap { entry in Int(entry.key).map { ($0, entry.value) } }
            .sorted { $0.0 < $1.0 }.map(\.1) ?? []
        let outcome = history.last { entry in
            let summary = entry["currentStateSummary"]?.string ?? ""
            return summary == "Succeeded" || apacheFailures.contains(summary)
        }
        switch outcome?["currentStateSummary"]?.string {
        case "Succeeded"?:
            return JobState(phase: .succeeded, state: state, reason: nil, final: true)
        case let failure?:
            let reason = nonEmpty(outcome?["message"]?.string) ?? message ?? failure
            return JobState(phase: .failed, state: state, reason: reason, final: true)
        case nil:
            return JobState(phase: .failed, state: state, reason: message ?? "terminated without an outcome", final: true)
        }
    }

    static let kubeflowPending: Set<String> = ["", "SUBMITTED", "PENDING_RERUN"]
    static let kubeflowRunning: Set<String> = [
        "RUNNING", "SUCCEEDING", "FAILING", "INVALIDATING", "SUSPENDING", "SUSPENDED", "RESUMING", "UNKNOWN",
    ]

    /// Kubeflow Spark operator (`sparkoperator.k8s.io`): `.status.applicationState`.
    public static func kubeflow(_ status: YAMLValue?) -> JobState {
        let application = status?["applicationState"]
        let state = application?["state"]?.string ?? ""
        let reason = nonEmpty(application?["errorMessage"]?.string)
        switch state {
        case _ where kubeflowPending.contains(state): return JobState(phase: .pending, state: state, reason: reason)
        case _ where kubeflowRunning.contains(state): return JobState(phase: .running, state: state, reason: reason)
        case "COMPLETED": return JobState(phase: .succeeded, state: state, reason: reason, final: true)
        case "FAILED": return JobState(phase: .failed, state: state, reason: reason, final: true)
        // The operator retries a failed submission, or marks the run FAILED.
        case "SUBMISSION_FAILED": return JobState(phase: .failed, state: state, reason: reason, final: false)
        default: return JobState(phase: .pending, state: state, reason: reason)
        }
    }

    private static func nonEmpty(_ s: String?) -> String? {
        guard let s, !s.isEmpty else { return nil }
        return s
    }
}
