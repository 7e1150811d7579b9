/// One event of a Spark event log, decoded into what pedregal uses.
/// Events pedregal has no use for are `.other` with their name; their
/// lines are skipped without being parsed.
public enum SparkEvent: Sendable {
    /// `SparkListenerLogStart`: the Spark version that wrote the log.
    case logStart(sparkVersion: String)
    /// `SparkListenerApplicationStart`.
    case applicationStart(ApplicationStart)
    /// `SparkListenerApplicationEnd`, at this time (ms since 1970).
    case applicationEnd(time: Int)
    /// `SparkListenerEnvironmentUpdate`: the application's Spark properties.
    case environmentUpdate(sparkProperties: [String: String])
    /// `SparkListenerResourceProfileAdded`: what each executor of a profile asks for.
    case resourceProfileAdded(ResourceProfile)
    /// `SparkListenerExecutorAdded`.
    case executorAdded(ExecutorAdded)
    /// `SparkListenerExecutorRemoved`.
    case executorRemoved(ExecutorRemoved)
    /// `SparkListenerBlockManagerAdded`: an executor's (or the driver's) storage memory.
    case blockManagerAdded(BlockManagerAdded)
    /// `SparkListenerJobStart`.
    case jobStart(JobStart)
    /// `SparkListenerJobEnd`.
    case jobEnd(JobEnd)
    /// `SparkListenerStageSubmitted`.
    case stageSubmitted(StageInfo)
    /// `SparkListenerStageCompleted` (also a failed stage).
    case stageCompleted(StageInfo)
    /// `SparkListenerTaskEnd`: a task's timing, metrics and outcome.
    case taskEnd(TaskEnd)
    /// `SparkListenerStageExecutorMetrics` (with `spark.eventLog.logStageExecutorMetrics`):
    /// an executor's (or the driver's) peak memory during a stage.
    case stageExecutorMetrics(StageExecutorMetrics)
    /// Any other event, by name, not decoded.
    case other(name: String)
}

/// `SparkListenerApplicationStart`.
public struct ApplicationStart: Sendable, Equatable {
    /// `App Name`.
    public var name: String
    /// `App ID`.
    public var id: String?
    /// `App Attempt ID` (cluster mode with attempts).
    public var attemptID: String?
    /// `Timestamp`, ms since 1970.
    public var time: Int
    /// `User`.
    public var user: String?
}

/// `SparkListenerResourceProfileAdded`: the executor resources of one profile.
public struct ResourceProfile: Sendable, Equatable {
    /// `Resource Profile Id`.
    public var id: Int
    /// `cores` of the executor requests.
    public var executorCores: Int?
    /// `memory` (heap) in MiB.
    public var executorMemoryMiB: Int?
    /// `memoryOverhead` in MiB, when set.
    public var executorMemoryOverheadMiB: Int?
    /// `offHeap` in MiB, when set.
    public var executorOffHeapMiB: Int?
    /// `pyspark.memory` in MiB, when set.
    public var pysparkMemoryMiB: Int?
    /// `cpus` of the task requests.
    public var taskCPUs: Double?
}

/// `SparkListenerExecutorAdded`.
public struct ExecutorAdded: Sendable, Equatable {
    /// `Executor ID`.
    public var id: String
    /// `Timestamp`, ms since 1970.
    public var time: Int
    /// `Executor Info.Host`.
    public var host: String
    /// `Executor Info.Total Cores`.
    public var cores: Int
    /// `Executor Info.Resource Profile Id`.
    public var resourceProfileID: Int
}

/// `SparkListenerExecutorRemoved`.
public struct ExecutorRemoved: Sendable, Equatable {
    /// `Executor ID`.
    public var id: String
    /// `Timestamp`, ms since 1970.
    public var time: Int
    /// `Removed Reason`, as Spark words it (`Executor killed by driver.`, an exit code, a lost worker…).
    public var reason: String
}

/// `SparkListenerBlockManagerAdded`.
public struct BlockManagerAdded: Sendable, Equatable {
    /// `Block Manager ID.Executor ID` (`driver` for the driver).
    public var executorID: String
    /// `Timestamp`, ms since 1970.
    public var time: Int
    /// `Maximum Memory`: unified (execution + storage) memory in bytes.
    public var maxMemory: Int
    /// `Maximum Onheap Memory` in bytes, when written.
    public var maxOnHeapMemory: Int?
    /// `Maximum Offheap Memory` in bytes, when written.
    public var maxOffHeapMemory: Int?
}

/// `SparkListenerJobStart`.
public struct JobStart: Sendable, Equatable {
    /// `Job ID`.
    public var id: Int
    /// `Submission Time`, ms since 1970.
    public var time: Int
    /// `Stage IDs`.
    public var stageIDs: [Int]
    /// The SQL execution the job belongs to (`Properties.spark.sql.execution.id`), if any.
    public var sqlExecutionID: Int?
}

/// `SparkListenerJobEnd`.
public struct JobEnd: Sendable, Equatable {
    /// `Job ID`.
    public var id: Int
    /// `Completion Time`, ms since 1970.
    public var time: Int
    /// Whether `Job Result.Result` is `JobSucceeded`.
    public var succeeded: Bool
    /// `Job Result.Exception.Message` of a failed job.
    public var failure: String?
}

/// `Stage Info` of `SparkListenerStageSubmitted` and `SparkListenerStageCompleted`.
public struct StageInfo: Sendable, Equatable {
    /// `Stage ID`.
    public var id: Int
    /// `Stage Attempt ID`.
    public var attempt: Int
    /// `Stage Name` (the call site, e.g. `collect at job.py:12`).
    public var name: String
    /// `Number of Tasks`.
    public var taskCount: Int
    /// `Parent IDs`.
    public var parentIDs: [Int]
    /// `Submission Time`, ms since 1970.
    public var submitted: Int?
    /// `Completion Time`, ms since 1970.
    public var completed: Int?
    /// `Failure Reason` of a failed stage.
    public var failureReason: String?
}

/// `SparkListenerTaskEnd`.
public struct TaskEnd: Sendable, Equatable {
    /// `Stage ID`.
    public var stageID: Int
    /// `Stage Attempt ID`.
    public var stageAttempt: Int
    /// `Task Info.Task ID`.
    public var taskID: Int
    /// `Task Info.Index`: the partition within the stage.
    public var index: Int
    /// `Task Info.Attempt`.
    public var attempt: Int
    /// `Task Info.Executor ID`.
    public var executorID: String
    /// `Task Info.Launch Time`, ms since 1970.
    public var launchTime: Int
    /// `Task Info.Finish Time`, ms since 1970.
    public var finishTime: Int
    /// `Task Info.Speculative`.
    public var speculative: Bool
    /// `Task End Reason`.
    public var reason: TaskEndReason
    /// `Task Metrics`; zero when absent (some failures).
    public var metrics: TaskMetrics
    /// `Task Executor Metrics`: the executor's peaks while the task ran.
    public var executorMetrics: ExecutorPeaks

    /// Whether the task succeeded.
    public var succeeded: Bool { reason.kind == "Success" }
    /// Wall time from launch to finish, in ms.
    public var duration: Int { max(0, finishTime.minus(launchTime)) }
}

/// `Task End Reason`: `Success`, or why the task failed.
public struct TaskEndReason: Sendable, Equatable {
    /// `Reason`: `Success`, `ExceptionFailure`, `FetchFailed`, `ExecutorLostFailure`,
    /// `TaskKilled`, `TaskResultLost`, `TaskCommitDenied`, `Resubmitted`, `UnknownReason`.
    public var kind: String
    /// `Class Name` of an exception.
    public var className: String?
    /// `Description` of an exception, `Kill Reason` of a kill, `Loss Reason` of a lost executor,
    /// `Message` of a fetch failure.
    public var message: String?
    /// The first lines of `Full Stack Trace` (at most 20).
    public var stackTrace: String?
    /// `Exit Caused By App` of a lost executor.
    public var exitCausedByApp: Bool?

    /// A successful task.
    public static let success = TaskEndReason(kind: "Success")
}

/// `Task Metrics`: what a task did (times in ms unless named otherwise).
public struct TaskMetrics: Sendable, Equatable {
    /// `Executor Run Time`.
    public var runTime = 0
    /// `Executor CPU Time`, in ns.
    public var cpuTimeNanos = 0
    /// `Executor Deserialize Time`.
    public var deserializeTime = 0
    /// `Result Serialization Time`.
    public var resultSerializationTime = 0
    /// `JVM GC Time`.
    public var gcTime = 0
    /// `Peak Execution Memory`, bytes.
    public var peakExecutionMemory = 0
    /// `Memory Bytes Spilled`: the in-memory size of what was spilled.
    public var memoryBytesSpilled = 0
    /// `Disk Bytes Spilled`: its size on disk.
    public var diskBytesSpilled = 0
    /// `Shuffle Read Metrics`: `Remote Bytes Read` + `Local Bytes Read`.
    public var shuffleReadBytes = 0
    /// `Shuffle Read Metrics.Total Records Read`.
    public var shuffleReadRecords = 0
    /// `Shuffle Read Metrics.Fetch Wait Time`.
    public var shuffleFetchWait = 0
    /// `Shuffle Write Metrics.Shuffle Bytes Written`.
    public var shuffleWriteBytes = 0
    /// `Shuffle Write Metrics.Shuffle Records Written`.
    public var shuffleWriteRecords = 0
    /// `Input Metrics.Bytes Read`.
    public var inputBytes = 0
    /// `Input Metrics.Records Read`.
    public var inputRecords = 0
    /// `Output Metrics.Bytes Written`.
    public var outputBytes = 0

    /// No metrics.
    public init() {}
}

/// `SparkListenerStageExecutorMetrics`.
public struct StageExecutorMetrics: Sendable, Equatable {
    /// `Executor ID` (`driver` for the driver).
    public var executorID: String
    /// `Stage ID`.
    public var stageID: Int
    /// `Stage Attempt ID`.
    public var stageAttempt: Int
    /// `Executor Metrics`.
    public var peaks: ExecutorPeaks
}
