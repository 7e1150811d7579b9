/// Rules over what Kubernetes and the operators record as data: container
/// terminations and waits, pod eviction, the application's state. Their
/// messages and the events' go through the text rules too.
enum ClusterRules {
    /// Operator states in which the driver or its executors never started.
    static let startFailures: Set<String> = [
        "SchedulingFailure", "DriverStartTimedOut", "ExecutorsStartTimedOut", "DriverReadyTimedOut", "SUBMISSION_FAILED",
    ]

    /// What the containers and pods say (the operator's state alone is read by `state`, last: it says least).
    static func findings(_ evidence: FailureEvidence) -> [Finding] {
        var found: [Finding] = []
        if let application = evidence.application {
            if let termination = application.driverTermination {
                found += terminated(termination, role: .driver, source: "SparkApplication status (last observed driver)")
            }
        }
        for pod in evidence.pods {
            found += self.pod(pod)
        }
        return found
    }

    static func state(_ application: ApplicationEvidence) -> [Finding] {
        let source = "SparkApplication status"
        let proof = Proof(source: source, line: ([application.state] + application.messages.suffix(1)).joined(separator: ": "))
        switch application.state {
        case "DriverEvicted":
            return [Finding(.platform, role: .driver, detail: "the driver pod was evicted", proof: proof)]
        case "SchedulingFailure", "DriverStartTimedOut", "DriverReadyTimedOut":
            return [Finding(.quotaOrCapacity, role: .driver, detail: "the driver pod never started", proof: proof, weak: true)]
        case "ExecutorsStartTimedOut":
            return [Finding(.quotaOrCapacity, role: .executor, detail: "too few executors started in time", proof: proof, weak: true)]
        default:
            return []
        }
    }

    static func pod(_ pod: PodEvidence) -> [Finding] {
        let source = "pod \(pod.name)"
        var found: [Finding] = []
        if pod.reason == "Evicted" {
            let line = "Evicted: \(pod.message ?? "")"
            let disk = pod.message?.contains("ephemeral-storage") == true
            found.append(
                Finding(
                    disk ? .diskFull : .platform, role: pod.role,
                    detail: disk
                        ? "the \(name(pod.role)) pod was evicted for using too much local disk" : "the \(name(pod.role)) pod was evicted",
                    proof: Proof(source: source, line: line)))
        } else if let reason = pod.reason, ["Preempting", "NodeLost", "Terminated", "NodeShutdown", "Shutdown"].contains(reason) {
            found.append(
                Finding(
                    .platform, role: pod.role, detail: "the node took the \(name(pod.role)) pod away (\(reason))",
                    proof: Proof(source: source, line: "\(reason): \(pod.message ?? "")")))
        }
        for container in pod.containers {
            if let reason = container.waitingReason {
                let line = "container \(container.name) waiting: \(reason)" + (container.waitingMessage.map { ": \($0)" } ?? "")
                found += TextRules.findings(in: [line], source: source)
            }
            for termination in [container.terminated, container.lastTerminated].compactMap({ $0 }) {
                found += terminated(termination, role: pod.role, source: "\(source) container \(container.name)")
            }
        }
        return found
    }

    /// What a container's end says: OOMKilled, Spark's exit codes, signals.
    static func terminated(_ termination: Termination, role: SparkRole?, source: String) -> [Finding] {
        let line =
            "terminated: \(termination.reason ?? "no reason") (exit code \(termination.exitCode))"
            + (termination.message.map { ": \($0)" } ?? "")
        let proof = Proof(source: source, line: line)
        let who = name(role)
        var found: [Finding] = []
        if termination.reason == "OOMKilled" {
            found.append(
                Finding(
                    .containerMemory, role: role, detail: "the \(who) container went past its memory limit and was OOMKilled", proof: proof)
            )
        } else {
            switch termination.exitCode {
            case 52:
                found.append(
                    Finding(
                        role == .driver ? .driverOutOfMemory : .executorOutOfMemory, role: role ?? .executor,
                        detail: "the \(who) JVM exited with Spark's out-of-memory code 52", proof: proof))
            case 53:
                found.append(
                    Finding(.diskFull, role: role, detail: "the \(who) could not create its local directories (exit code 53)", proof: proof)
                )
            case 137:
                found.append(
                    Finding(
                        .containerMemory, role: role, detail: "the \(who) was killed with SIGKILL (exit code 137), likely for memory",
                        proof: proof, weak: true))
            case 143:
                found.append(
                    Finding(.platform, role: role, detail: "the \(who) was stopped with SIGTERM (exit code 143)", proof: proof, weak: true))
            default:
                break
            }
        }
        // A termination message (the JVM's last words, when the image writes them) is text evidence too.
        if let message = termination.message {
            found += TextRules.findings(in: message.split(separator: "\n").map(String.init), source: source)
        }
        return found
    }

    static func name(_ role: SparkRole?) -> String { role?.rawValue ?? "Spark" }
}
