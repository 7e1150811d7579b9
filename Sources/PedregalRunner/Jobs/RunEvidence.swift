import Foundation
import PedregalRemediation
import PedregalYAML

/// Reads what the API serves about a run (the SparkApplication's status,
/// pods, events) into the classifier's evidence values.
enum RunEvidence {
    /// The container Spark runs the driver in; the operators keep the name.
    static let driverContainer = "spark-kubernetes-driver"

    /// The application's state and messages, for either operator.
    static func application(_ object: YAMLValue, group: String) -> ApplicationEvidence? {
        let status = object["status"]
        if group == JobState.kubeflowGroup {
            let state = status?["applicationState"]
            guard let name = state?["state"]?.string else { return nil }
            let message = state?["errorMessage"]?.string
            return ApplicationEvidence(state: name, messages: message.map { $0.isEmpty ? [] : [$0] } ?? [])
        }
        guard let current = status?["currentState"], let name = current["currentStateSummary"]?.string else { return nil }
        // The state history, in order, then the current state: each with its
        // message and (for driver failures) the driver pod's status as last seen.
        let history =
            status?["stateTransitionHistory"]?.mapValue?.entries
            .compactMap { entry in Int(entry.key).map { ($0, entry.value) } }
            .sorted { $0.0 < $1.0 }.map(\.1) ?? []
        var messages: [String] = []
        var termination: Termination?
        for state in history + [current] {
            if let message = state["message"]?.string, !message.isEmpty, messages.last != message { messages.append(message) }
            if let driver = state["lastObservedDriverStatus"], let found = driverTermination(driver) { termination = found }
        }
        return ApplicationEvidence(state: name, messages: messages, driverTermination: termination)
    }

    /// The driver container's termination in a pod status.
    static func driverTermination(_ podStatus: YAMLValue) -> Termination? {
        let statuses = podStatus["containerStatuses"]?.listValue ?? []
        let driver = statuses.first { $0["name"]?.string == driverContainer } ?? statuses.first
        guard let driver else { return nil }
        return termination(driver["state"]?["terminated"]) ?? termination(driver["lastState"]?["terminated"])
    }

    static func termination(_ value: YAMLValue?) -> Termination? {
        guard let value, let code = int(value["exitCode"]) else { return nil }
        return Termination(reason: nonEmpty(value["reason"]?.string), exitCode: code, message: nonEmpty(value["message"]?.string))
    }

    /// A pod: its phase, reason and containers (init containers too, as they fail the pod the same way).
    static func pod(_ object: YAMLValue) -> PodEvidence? {
        guard let name = object["metadata"]?["name"]?.string else { return nil }
        let status = object["status"]
        let role = object["metadata"]?["labels"]?["spark-role"]?.string.flatMap(SparkRole.init(rawValue:))
        let statuses = (status?["initContainerStatuses"]?.listValue ?? []) + (status?["containerStatuses"]?.listValue ?? [])
        let containers = statuses.compactMap { item -> ContainerEvidence? in
            guard let container = item["name"]?.string else { return nil }
            return ContainerEvidence(
                name: container, waitingReason: nonEmpty(item["state"]?["waiting"]?["reason"]?.string),
                waitingMessage: nonEmpty(item["state"]?["waiting"]?["message"]?.string),
                terminated: termination(item["state"]?["terminated"]), lastTerminated: termination(item["lastState"]?["terminated"]))
        }
        return PodEvidence(
            name: name, role: role, phase: status?["phase"]?.string ?? "Unknown", reason: nonEmpty(status?["reason"]?.string),
            message: nonEmpty(status?["message"]?.string), containers: containers)
    }

    /// Whether a pod's containers show a failure (worth reading its events).
    static func failed(_ pod: PodEvidence) -> Bool {
        pod.phase == "Failed" || pod.reason != nil
            || pod.containers.contains { container in
                container.waitingReason != nil || (container.terminated.map { $0.exitCode != 0 } ?? false)
                    || container.lastTerminated != nil
            }
    }

    /// Events worth reading, oldest first: warnings, and the few normal
    /// events that say a pod was taken away.
    static func events(_ items: [YAMLValue]) -> [EventEvidence] {
        let normal: Set<String> = ["Preempted", "Preempting", "Killing", "NodeNotReady"]
        let kept = items.compactMap { item -> (String, String, EventEvidence)? in
            let type = item["type"]?.string ?? "Normal"
            guard let reason = item["reason"]?.string, type == "Warning" || normal.contains(reason) else { return nil }
            let involved = item["involvedObject"] ?? item["regarding"]
            let object = "\(involved?["kind"]?.string ?? "object") \(involved?["name"]?.string ?? "")"
            let time =
                item["lastTimestamp"]?.string ?? item["eventTime"]?.string ?? item["firstTimestamp"]?.string
                ?? item["metadata"]?["creationTimestamp"]?.string ?? ""
            let message = (item["message"]?.string ?? item["note"]?.string ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            return (
                time, item["metadata"]?["name"]?.string ?? "", EventEvidence(type: type, reason: reason, message: message, object: object)
            )
        }
        return kept.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
    }

    /// The container whose log tells the story: the driver's, else the one that failed, else the first.
    static func logContainer(_ pod: YAMLValue) -> (name: String, previous: Bool)? {
        let statuses = pod["status"]?["containerStatuses"]?.listValue ?? []
        let names = (pod["spec"]?["containers"]?.listValue ?? []).compactMap { $0["name"]?.string }
        let chosen =
            names.first { $0 == driverContainer }
            ?? statuses.first { int($0["state"]?["terminated"]?["exitCode"]).map { $0 != 0 } ?? false }?["name"]?.string
            ?? names.first
        guard let chosen else { return nil }
        let status = statuses.first { $0["name"]?.string == chosen }
        // A container that restarted holds its failed run's log as the previous one.
        let previous = status?["state"]?["terminated"] == nil && status?["lastState"]?["terminated"] != nil
        return (chosen, previous)
    }

    static func int(_ value: YAMLValue?) -> Int? {
        switch value {
        case .int(let number)?: return number
        case .string(let text)?: return Int(text)
        default: return nil
        }
    }

    static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }
}
