import Foundation
import PedregalYAML

/// A stand-in for the Apache Spark Kubernetes operator in the fake API
/// server: when a SparkApplication is created it decides the run's outcome
/// (from the application, so a retry with more memory can succeed where the
/// first attempt failed) and records it as the operator and the kubelet do:
/// the state history ending in a terminal state, the driver's last observed
/// status, the driver pod it retains after a failure (resourceRetainPolicy
/// OnFailure) with its container's termination and log, and events.
enum FakeSparkOperator {
    /// How a run ends.
    enum Outcome {
        case succeeded
        /// The application runs (a streaming job, healthy).
        case running
        /// The driver's container exits with `exitCode` after writing `log`.
        case driverFails(exitCode: Int, log: String)
        /// The kubelet kills the driver for memory (OOMKilled, exit code 137) after it wrote `log`.
        case driverOOMKilled(log: String)
        /// The operator could not create the driver pod (the API server refused it).
        case schedulingFailure(message: String)
    }

    /// Runs every SparkApplication of `spark.apache.org` created in `fake` to `outcome(application)`.
    static func install(on fake: FakeKubernetes, _ outcome: @escaping @Sendable (YAMLValue) -> Outcome) {
        fake.addController { fake, application in
            guard application["apiVersion"]?.string == "spark.apache.org/v1", application["kind"]?.string == "SparkApplication",
                let namespace = application["metadata"]?["namespace"]?.string, let name = application["metadata"]?["name"]?.string
            else { return }
            run(application, name: name, namespace: namespace, outcome: outcome(application), on: fake)
        }
    }

    static let stamp = "2026-06-01T00:00:00Z"
    static let failedMessage = "Driver has one or more failed critical container(s), refer last observed status for details."

    static func state(_ summary: String, _ message: String, driver: YAMLValue? = nil) -> YAMLValue {
        .object([
            "currentStateSummary": .string(summary), "lastTransitionTime": .string(stamp), "message": .string(message),
            "lastObservedDriverStatus": driver ?? .null,
        ])
    }

    static func run(_ application: YAMLValue, name: String, namespace: String, outcome: Outcome, on fake: FakeKubernetes) {
        var history: [YAMLValue] = [
            state("Submitted", "Spark application has been created on Kubernetes Cluster."),
            state("DriverRequested", "Requested driver from resource scheduler."),
        ]
        let driver = "\(name)-0-driver"
        var terminal = "ResourceReleased"
        switch outcome {
        case .schedulingFailure(let message):
            history.append(state("SchedulingFailure", "Failed to request driver from scheduler backend. StackTrace: \(message)"))
        case .succeeded:
            pod(application, driver, namespace: namespace, exitCode: 0, reason: "Completed", on: fake)
            history += [
                state("DriverStarted", "Driver has started running."), state("DriverReady", "Driver has reached ready state."),
                state("RunningHealthy", "Application is running healthy."),
                state("Succeeded", "Spark application completed successfully."),
            ]
        case .running:
            pod(application, driver, namespace: namespace, exitCode: nil, reason: "", on: fake)
            history += [
                state("DriverStarted", "Driver has started running."), state("DriverReady", "Driver has reached ready state."),
            ]
            terminal = "RunningHealthy"
        case .driverFails(let exitCode, let log):
            let status = pod(application, driver, namespace: namespace, exitCode: exitCode, reason: "Error", on: fake)
            fake.setLogLocked(namespace: namespace, pod: driver, container: "spark-kubernetes-driver", log)
            history += [
                state("DriverStarted", "Driver has started running."), state("DriverReady", "Driver has reached ready state."),
                state("Failed", failedMessage, driver: status),
            ]
            terminal = "TerminatedWithoutReleaseResources"
        case .driverOOMKilled(let log):
            let status = pod(application, driver, namespace: namespace, exitCode: 137, reason: "OOMKilled", on: fake)
            fake.setLogLocked(namespace: namespace, pod: driver, container: "spark-kubernetes-driver", log)
            history += [state("DriverStarted", "Driver has started running."), state("Failed", failedMessage, driver: status)]
            terminal = "TerminatedWithoutReleaseResources"
        }
        var entries = YAMLMap()
        for (index, entry) in history.enumerated() { entries[String(index)] = entry }
        let message =
            terminal == "ResourceReleased"
            ? "Spark application resources released." : terminal == "RunningHealthy" ? "Application is running healthy." : failedMessage
        let current = state(terminal, message)
        fake.setStatusLocked(
            "spark.apache.org/v1", "SparkApplication", namespace: namespace, name: name,
            .object([
                "currentState": current, "stateTransitionHistory": .map(entries),
                "currentAttemptSummary": .object(["attemptInfo": .object(["id": 0])]),
            ]))
    }

    /// The driver pod, terminated, labelled as Spark and the run's template label it; its status.
    @discardableResult
    static func pod(_ application: YAMLValue, _ name: String, namespace: String, exitCode: Int?, reason: String, on fake: FakeKubernetes)
        -> YAMLValue
    {
        var labels = application["spec"]?["driverSpec"]?["podTemplateSpec"]?["metadata"]?["labels"]?.mapValue ?? YAMLMap()
        let app = application["metadata"]?["name"]?.string ?? ""
        labels["spark-role"] = "driver"
        labels["spark-app-selector"] = .string("\(app)-0")
        labels["spark.operator/spark-app-name"] = .string(app)
        let state: YAMLValue =
            exitCode.map { ["terminated": ["exitCode": .int($0), "reason": .string(reason), "startedAt": .string(stamp)]] }
            ?? ["running": ["startedAt": .string(stamp)]]
        let status: YAMLValue = .object([
            "phase": .string(exitCode == nil ? "Running" : exitCode == 0 ? "Succeeded" : "Failed"),
            "containerStatuses": [
                [
                    "name": "spark-kubernetes-driver", "ready": .bool(exitCode == nil), "restartCount": 0, "state": state,
                    "lastState": .map(YAMLMap()),
                ]
            ],
        ])
        fake.seedLocked(
            .object([
                "apiVersion": "v1", "kind": "Pod",
                "metadata": .object(["name": .string(name), "namespace": .string(namespace), "labels": .map(labels)]),
                "spec": ["containers": [["name": "spark-kubernetes-driver", "image": "apache/spark:4.0.1"]], "restartPolicy": "Never"],
                "status": status,
            ]))
        return status
    }

    /// A core/v1 Event about the pod `object`.
    static func event(namespace: String, name: String, reason: String, object: String, message: String, type: String = "Warning")
        -> YAMLValue
    {
        .object([
            "apiVersion": "v1", "kind": "Event", "metadata": .object(["name": .string(name), "namespace": .string(namespace)]),
            "involvedObject": .object(["kind": "Pod", "name": .string(object), "namespace": .string(namespace)]),
            "reason": .string(reason), "message": .string(message), "type": .string(type), "count": 1,
            "firstTimestamp": .string(stamp), "lastTimestamp": .string(stamp),
        ])
    }
}
