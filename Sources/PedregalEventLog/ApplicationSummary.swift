/// A run of a Spark application, summarised from its event log: what it
/// was given, what it did, and what went wrong. Times are ms since 1970.
public struct ApplicationSummary: Sendable {
    /// `spark.app.id` (from the log's name when the start event lacks it).
    public var appID: String
    /// The attempt, in cluster managers that have them.
    public var attemptID: String?
    /// `spark.app.name`.
    public var name: String
    /// Who ran it.
    public var user: String?
    /// The Spark version that wrote the log.
    public var sparkVersion: String?
    /// When the application started.
    public var start: Int?
    /// When it ended; nil while it runs (or when the log was cut off).
    public var end: Int?
    /// Whether Spark is still writing the log.
    public var inProgress: Bool
    /// The application's Spark properties.
    public var sparkProperties: [String: String]
    /// The default resource profile's executor requests.
    public var resourceProfile: ResourceProfile?
    /// Executors, by id (numeric ids in numeric order).
    public var executors: [ExecutorSummary]
    /// The driver's peak memory (from stage executor metrics, when Spark logged them).
    public var driverPeaks: ExecutorPeaks
    /// The driver's unified memory (its block manager's maximum), bytes.
    public var driverMaxMemory: Int?
    /// Jobs, by id.
    public var jobs: [JobSummary]
    /// Stage attempts, by stage id then attempt.
    public var stages: [StageSummary]
    /// Every task attempt, in the order they ended.
    public var tasks: [TaskRecord]
    /// Failed task attempts (the first `TaskFailure.kept`), in the order they ended.
    public var taskFailures: [TaskFailure]
    /// Failed task attempts by `Task End Reason` (`ExceptionFailure`, `ExecutorLostFailure`, …), all of them.
    public var taskFailureCounts: [String: Int]
    /// What reading the log found.
    public var statistics: ReadStatistics

    /// Wall time from start to end (to the last event seen while in progress), ms.
    public var wallTime: Int {
        guard let start else { return 0 }
        return max(0, (end ?? lastEventTime).minus(start))
    }
    /// The latest time any event carried.
    public var lastEventTime: Int

    /// The executor whose index `TaskRecord.executor` holds.
    public func executor(at index: Int32) -> ExecutorSummary? {
        index >= 0 && Int(index) < executors.count ? executors[Int(index)] : nil
    }

    /// Whether every job succeeded (and the application ended).
    public var succeeded: Bool { end != nil && jobs.allSatisfy { $0.succeeded != false } }
}

/// One executor over the run.
public struct ExecutorSummary: Sendable, Equatable {
    /// `Executor ID`.
    public var id: String
    /// Host it ran on.
    public var host: String
    /// Its cores (task slots, with one CPU per task).
    public var cores: Int
    /// When it was added.
    public var added: Int
    /// When it was removed; nil when it lasted until the end.
    public var removed: Int?
    /// Why it was removed, as Spark put it.
    public var removedReason: String?
    /// Its unified (execution + storage) memory, bytes.
    public var maxMemory: Int?
    /// Peak memory over the run: task ends' executor metrics and stage executor metrics merged.
    public var peaks: ExecutorPeaks
    /// Task attempts it ran.
    public var tasks: Int
    /// Of those, failed ones.
    public var failedTasks: Int
    /// Sum of its tasks' wall times, ms.
    public var taskTime: Int
    /// Sum of its tasks' GC times, ms.
    public var gcTime: Int
}

/// One job.
public struct JobSummary: Sendable, Equatable {
    /// `Job ID`.
    public var id: Int
    /// When it was submitted.
    public var submitted: Int
    /// When it ended; nil when it had not.
    public var completed: Int?
    /// Whether it succeeded; nil when it had not ended.
    public var succeeded: Bool?
    /// Why it failed.
    public var failure: String?
    /// Its stages.
    public var stageIDs: [Int]
    /// Its SQL execution, if any.
    public var sqlExecutionID: Int?
}

/// One stage attempt, with its tasks' totals.
public struct StageSummary: Sendable, Equatable {
    /// `Stage ID`.
    public var id: Int
    /// `Stage Attempt ID`.
    public var attempt: Int
    /// `Stage Name`.
    public var name: String
    /// Tasks it was made of.
    public var taskCount: Int
    /// Parent stages.
    public var parentIDs: [Int]
    /// When it was submitted.
    public var submitted: Int?
    /// When it ended.
    public var completed: Int?
    /// Why it failed.
    public var failureReason: String?
    /// Task attempts that ended (successful or not).
    public var tasksEnded = 0
    /// Failed task attempts.
    public var failedTasks = 0
    /// Sum of task wall times, ms.
    public var taskTime = 0
    /// Sum of `Executor Run Time`, ms.
    public var runTime = 0
    /// Sum of `Executor CPU Time`, ms.
    public var cpuTime = 0
    /// Sum of `JVM GC Time`, ms.
    public var gcTime = 0
    /// Sum of `Memory Bytes Spilled`.
    public var memoryBytesSpilled = 0
    /// Sum of `Disk Bytes Spilled`.
    public var diskBytesSpilled = 0
    /// Sum of shuffle bytes read.
    public var shuffleReadBytes = 0
    /// Sum of shuffle bytes written.
    public var shuffleWriteBytes = 0
    /// Sum of input bytes.
    public var inputBytes = 0
    /// Sum of output bytes.
    public var outputBytes = 0
    /// Largest `Peak Execution Memory` of one task.
    public var peakExecutionMemory = 0
    /// Successful tasks' wall times: median, 75th percentile and maximum, ms.
    public var medianTaskTime = 0
    /// 75th percentile of successful tasks' wall times, ms.
    public var p75TaskTime = 0
    /// Longest successful task, ms.
    public var maxTaskTime = 0
    /// Largest shuffle read of one task, and the median, bytes (skew in data, not only time).
    public var maxTaskShuffleRead = 0
    /// Median shuffle read of a task, bytes.
    public var medianTaskShuffleRead = 0

    /// Whether it ran to the end without failing.
    public var succeeded: Bool { completed != nil && failureReason == nil }
}

/// A task attempt, as small as the simulation needs it (a 1 GB log holds
/// hundreds of thousands).
public struct TaskRecord: Sendable, Equatable {
    /// Its stage.
    public var stage: Int32
    /// Its stage attempt.
    public var stageAttempt: Int16
    /// Whether it succeeded.
    public var succeeded: Bool
    /// Whether it was a speculative copy.
    public var speculative: Bool
    /// Index into `ApplicationSummary.executors`; -1 when unknown.
    public var executor: Int32
    /// Partition index.
    public var index: Int32
    /// Launch time.
    public var launch: Int
    /// Finish time.
    public var finish: Int

    /// Wall time, ms.
    public var duration: Int { max(0, finish.minus(launch)) }
}

/// A failed task attempt, for failure classification.
public struct TaskFailure: Sendable, Equatable {
    /// How many are kept in `taskFailures` (all are counted).
    public static let kept = 200
    /// Stage and attempt.
    public var stage: Int
    /// The stage attempt.
    public var stageAttempt: Int
    /// Partition index and attempt.
    public var index: Int
    /// The task attempt.
    public var attempt: Int
    /// Executor it ran on.
    public var executorID: String
    /// When it ended.
    public var time: Int
    /// Why.
    public var reason: TaskEndReason
}
