import PedregalYAML

/// Whether a live object is doing its job, by kind.
public enum Health {
    /// The verdict, with the state it rests on.
    public struct Verdict: Sendable, Equatable {
        /// Whether it does its job.
        public var healthy: Bool
        /// The state shown to people (`Active`, `RunningHealthy`), if the kind has one.
        public var detail: String?

        /// Creates a verdict.
        public init(healthy: Bool, detail: String?) {
            self.healthy = healthy
            self.detail = detail
        }
    }

    /// Namespaces must be Active; SparkApplications (Spark Connect servers and
    /// streaming jobs) running healthily; ScheduledSparkApplications not
    /// failing validation; everything else is healthy when present.
    public static func evaluate(_ live: YAMLValue, group: String, kind: String) -> Verdict {
        switch (group, kind) {
        case ("", "Namespace"):
            let phase = live["status"]?["phase"]?.string ?? ""
            return Verdict(healthy: phase == "Active", detail: phase.isEmpty ? "no phase yet" : phase)
        case (JobState.apacheGroup, "SparkApplication"):
            let state = JobState.apache(live["status"])
            return Verdict(healthy: state.state == "RunningHealthy", detail: describe(state))
        case (JobState.kubeflowGroup, "SparkApplication"):
            let state = JobState.kubeflow(live["status"])
            return Verdict(healthy: state.state == "RUNNING", detail: describe(state))
        case (JobState.kubeflowGroup, "ScheduledSparkApplication"):
            let state = live["status"]?["scheduleState"]?.string ?? ""
            let reason = live["status"]?["reason"]?.string ?? ""
            return Verdict(
                healthy: state != "FailedValidation",
                detail: state.isEmpty ? nil : (reason.isEmpty ? state : "\(state): \(reason)"))
        default:
            return Verdict(healthy: true, detail: nil)
        }
    }

    private static func describe(_ state: JobState) -> String {
        let name = state.state.isEmpty ? "no state yet" : state.state
        guard let reason = state.reason else { return name }
        return "\(name): \(reason)"
    }
}
