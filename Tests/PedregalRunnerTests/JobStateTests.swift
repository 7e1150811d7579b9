import PedregalManifests
import PedregalRunner
import PedregalYAML
import Testing

/// How each operator's states map to pending, running, succeeded and failed.
@Suite struct JobStateTests {
    static func apache(_ state: String, message: String? = nil, history: [String] = []) -> YAMLValue {
        var current: YAMLMap = ["currentStateSummary": .string(state)]
        if let message { current["message"] = .string(message) }
        var transitions = YAMLMap()
        for (index, entry) in history.enumerated() {
            let parts = entry.split(separator: ":", maxSplits: 1).map(String.init)
            var item: YAMLMap = ["currentStateSummary": .string(parts[0])]
            if parts.count > 1 { item["message"] = .string(parts[1]) }
            transitions[String(index)] = .map(item)
        }
        return ["currentState": .map(current), "stateTransitionHistory": .map(transitions)]
    }

    static let apacheCases: [(YAMLValue?, JobState)] = [
        (nil, JobState(phase: .pending, state: "")),
        (apache("Submitted"), JobState(phase: .pending, state: "Submitted")),
        (apache("ScheduledToRestart"), JobState(phase: .pending, state: "ScheduledToRestart")),
        (apache("DriverRequested"), JobState(phase: .pending, state: "DriverRequested")),
        (apache("DriverStarted"), JobState(phase: .pending, state: "DriverStarted")),
        (apache("DriverReady"), JobState(phase: .running, state: "DriverReady")),
        (apache("InitializedBelowThresholdExecutors"), JobState(phase: .running, state: "InitializedBelowThresholdExecutors")),
        (apache("RunningHealthy"), JobState(phase: .running, state: "RunningHealthy")),
        (apache("RunningWithPartialCapacity"), JobState(phase: .running, state: "RunningWithPartialCapacity")),
        (apache("RunningWithBelowThresholdExecutors"), JobState(phase: .running, state: "RunningWithBelowThresholdExecutors")),
        (apache("Succeeded"), JobState(phase: .succeeded, state: "Succeeded")),
        (apache("Failed", message: "exit code 1"), JobState(phase: .failed, state: "Failed", reason: "exit code 1")),
        (apache("DriverStartTimedOut"), JobState(phase: .failed, state: "DriverStartTimedOut")),
        (apache("ExecutorsStartTimedOut"), JobState(phase: .failed, state: "ExecutorsStartTimedOut")),
        (apache("DriverReadyTimedOut"), JobState(phase: .failed, state: "DriverReadyTimedOut")),
        (
            apache("SchedulingFailure", message: "0/3 nodes"),
            JobState(phase: .failed, state: "SchedulingFailure", reason: "0/3 nodes")
        ),
        (apache("DriverEvicted"), JobState(phase: .failed, state: "DriverEvicted")),
        (
            apache("ResourceReleased", history: ["Submitted", "RunningHealthy", "Succeeded", "ResourceReleased"]),
            JobState(phase: .succeeded, state: "ResourceReleased", final: true)
        ),
        (
            apache("ResourceReleased", history: ["Submitted", "Failed:driver OOMKilled", "ResourceReleased"]),
            JobState(phase: .failed, state: "ResourceReleased", reason: "driver OOMKilled", final: true)
        ),
        // A failure, a restart, then success: the last outcome counts.
        (
            apache(
                "TerminatedWithoutReleaseResources",
                history: [
                    "Submitted", "DriverStartTimedOut", "ScheduledToRestart", "RunningHealthy", "Succeeded",
                    "TerminatedWithoutReleaseResources",
                ]),
            JobState(phase: .succeeded, state: "TerminatedWithoutReleaseResources", final: true)
        ),
        (
            apache("ResourceReleased", message: "released", history: ["Submitted", "ResourceReleased"]),
            JobState(phase: .failed, state: "ResourceReleased", reason: "released", final: true)
        ),
    ]

    @Test(arguments: apacheCases)
    func apacheStates(_ status: YAMLValue?, _ expected: JobState) {
        #expect(JobState.apache(status) == expected)
        #expect(JobState.of(status.map { ["status": $0] } ?? [:], group: "spark.apache.org") == expected)
    }

    @Test func historyIsReadInNumericOrder() {
        // "10" sorts before "2" as text; the outcome must be the later Failed.
        var transitions = YAMLMap()
        transitions["10"] = ["currentStateSummary": "Failed", "message": "late failure"]
        transitions["2"] = ["currentStateSummary": "Succeeded"]
        let status: YAMLValue = [
            "currentState": ["currentStateSummary": "ResourceReleased"], "stateTransitionHistory": .map(transitions),
        ]
        #expect(
            JobState.apache(status) == JobState(phase: .failed, state: "ResourceReleased", reason: "late failure", final: true))
    }

    static func kubeflow(_ state: String?, error: String? = nil) -> YAMLValue? {
        guard let state else { return nil }
        var application: YAMLMap = ["state": .string(state)]
        if let error { application["errorMessage"] = .string(error) }
        return ["applicationState": .map(application)]
    }

    static let kubeflowCases: [(YAMLValue?, JobState)] = [
        (nil, JobState(phase: .pending, state: "")),
        (kubeflow(""), JobState(phase: .pending, state: "")),
        (kubeflow("SUBMITTED"), JobState(phase: .pending, state: "SUBMITTED")),
        (kubeflow("PENDING_RERUN"), JobState(phase: .pending, state: "PENDING_RERUN")),
        (kubeflow("RUNNING"), JobState(phase: .running, state: "RUNNING")),
        (kubeflow("SUCCEEDING"), JobState(phase: .running, state: "SUCCEEDING")),
        (kubeflow("FAILING", error: "driver failed"), JobState(phase: .running, state: "FAILING", reason: "driver failed")),
        (kubeflow("INVALIDATING"), JobState(phase: .running, state: "INVALIDATING")),
        (kubeflow("SUSPENDED"), JobState(phase: .running, state: "SUSPENDED")),
        (kubeflow("UNKNOWN"), JobState(phase: .running, state: "UNKNOWN")),
        (kubeflow("COMPLETED"), JobState(phase: .succeeded, state: "COMPLETED", final: true)),
        (
            kubeflow("FAILED", error: "driver pod failed"),
            JobState(phase: .failed, state: "FAILED", reason: "driver pod failed", final: true)
        ),
        (
            kubeflow("SUBMISSION_FAILED", error: "webhook"),
            JobState(phase: .failed, state: "SUBMISSION_FAILED", reason: "webhook", final: false)
        ),
    ]

    @Test(arguments: kubeflowCases)
    func kubeflowStates(_ status: YAMLValue?, _ expected: JobState) {
        #expect(JobState.kubeflow(status) == expected)
        #expect(JobState.of(status.map { ["status": $0] } ?? [:], group: "sparkoperator.k8s.io") == expected)
    }
}
