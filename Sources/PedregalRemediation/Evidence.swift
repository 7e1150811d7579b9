/// Everything the cluster holds about a failed run, as plain values: the
/// SparkApplication's status, its pods, the namespace's events, the tail of
/// the driver's log and the event log. The runner collects it; the
/// classifier only reads it, so rules are tested without a cluster.
public struct FailureEvidence: Sendable, Equatable {
    /// The SparkApplication's status, when the run's object was read.
    public var application: ApplicationEvidence?
    /// The run's driver and executor pods that still exist.
    public var pods: [PodEvidence]
    /// Events about the run and its pods.
    public var events: [EventEvidence]
    /// The last lines of the driver's log, when it could be read.
    public var driverLog: LogEvidence?
    /// What the run's Spark event log says, when it was reachable.
    public var eventLog: EventLogEvidence?

    /// Creates evidence; everything is optional.
    public init(
        application: ApplicationEvidence? = nil, pods: [PodEvidence] = [], events: [EventEvidence] = [],
        driverLog: LogEvidence? = nil, eventLog: EventLogEvidence? = nil
    ) {
        self.application = application
        self.pods = pods
        self.events = events
        self.driverLog = driverLog
        self.eventLog = eventLog
    }
}

/// A SparkApplication's state and what the operator said along the way.
public struct ApplicationEvidence: Sendable, Equatable {
    /// `RunningHealthy`, `Failed`, `FAILED`, `SUBMISSION_FAILED`, … (the operator's own words).
    public var state: String
    /// The operator's messages, oldest first (the state history's, then the current one).
    public var messages: [String]
    /// The driver container's termination as the operator last observed it
    /// (the Apache operator keeps the pod status in its state history), for
    /// when the pod is gone.
    public var driverTermination: Termination?

    /// Creates application evidence.
    public init(state: String, messages: [String] = [], driverTermination: Termination? = nil) {
        self.state = state
        self.messages = messages
        self.driverTermination = driverTermination
    }
}

/// A pod of the run.
public struct PodEvidence: Sendable, Equatable {
    /// The pod's name.
    public var name: String
    /// Driver or executor (its `spark-role` label), if known.
    public var role: SparkRole?
    /// `status.phase`: Pending, Running, Succeeded, Failed.
    public var phase: String
    /// `status.reason`, e.g. `Evicted`.
    public var reason: String?
    /// `status.message`.
    public var message: String?
    /// Its containers' states.
    public var containers: [ContainerEvidence]

    /// Creates pod evidence.
    public init(
        name: String, role: SparkRole?, phase: String, reason: String? = nil, message: String? = nil,
        containers: [ContainerEvidence] = []
    ) {
        self.name = name
        self.role = role
        self.phase = phase
        self.reason = reason
        self.message = message
        self.containers = containers
    }
}

/// One container's state: waiting (with why), terminated now, or terminated before a restart.
public struct ContainerEvidence: Sendable, Equatable {
    /// The container's name.
    public var name: String
    /// `state.waiting.reason` (`ImagePullBackOff`, `CreateContainerConfigError`).
    public var waitingReason: String?
    /// `state.waiting.message`.
    public var waitingMessage: String?
    /// `state.terminated`.
    public var terminated: Termination?
    /// `lastState.terminated`: how it ended before its last restart.
    public var lastTerminated: Termination?

    /// Creates container evidence.
    public init(
        name: String, waitingReason: String? = nil, waitingMessage: String? = nil, terminated: Termination? = nil,
        lastTerminated: Termination? = nil
    ) {
        self.name = name
        self.waitingReason = waitingReason
        self.waitingMessage = waitingMessage
        self.terminated = terminated
        self.lastTerminated = lastTerminated
    }
}

/// How a container ended: `terminated.reason` and `exitCode`.
public struct Termination: Sendable, Equatable {
    /// `OOMKilled`, `Error`, `Completed`, …
    public var reason: String?
    /// The process's exit status (137: SIGKILL, 143: SIGTERM, 52: Spark's JVM out-of-memory exit).
    public var exitCode: Int
    /// `terminated.message` (the termination log), if any.
    public var message: String?

    /// Creates a termination.
    public init(reason: String?, exitCode: Int, message: String? = nil) {
        self.reason = reason
        self.exitCode = exitCode
        self.message = message
    }
}

/// A Kubernetes event.
public struct EventEvidence: Sendable, Equatable {
    /// `Normal` or `Warning`.
    public var type: String
    /// `FailedScheduling`, `FailedMount`, `Failed`, `Evicted`, …
    public var reason: String
    /// What it says.
    public var message: String
    /// The kind and name of the object it is about (`Pod x-0-driver`).
    public var object: String

    /// Creates an event.
    public init(type: String, reason: String, message: String, object: String) {
        self.type = type
        self.reason = reason
        self.message = message
        self.object = object
    }
}

/// The last lines of a log, and where they came from.
public struct LogEvidence: Sendable, Equatable {
    /// Where they came from, for proof lines (`pod ns/x-0-driver`, a file).
    public var source: String
    /// The lines, oldest first.
    public var lines: [String]

    /// Creates log evidence.
    public init(source: String, lines: [String]) {
        self.source = source
        self.lines = lines
    }

    /// Splits `text` into lines (a log as the API or a file gives it).
    public init(source: String, text: String) {
        self.init(
            source: source,
            lines: text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
            })
    }
}

/// What a Spark event log says about failures: failed tasks, removed
/// executors and failed jobs, each as the text Spark recorded.
public struct EventLogEvidence: Sendable, Equatable {
    /// Where the log was read (a path or a History Server URL).
    public var source: String
    /// A failed task's reason: its kind (`ExceptionFailure`, `ExecutorLostFailure`,
    /// `FetchFailed`), the exception class and description or the loss reason.
    public var taskFailures: [String]
    /// `SparkListenerExecutorRemoved` reasons.
    public var executorRemovals: [String]
    /// Failed jobs' exception messages.
    public var jobFailures: [String]

    /// Creates event-log evidence.
    public init(source: String, taskFailures: [String] = [], executorRemovals: [String] = [], jobFailures: [String] = []) {
        self.source = source
        self.taskFailures = taskFailures
        self.executorRemovals = executorRemovals
        self.jobFailures = jobFailures
    }
}
