/// Sizing advice for one job from its recent runs.
public struct Advice: Sendable {
    /// What the job is given today.
    public var current: SizingInput
    /// What it should be given.
    public var recommended: SizingValues
    /// The runs learnt from, oldest first.
    public var runs: [RunAnalysis]
    /// One entry per value that should change (and per value checked but kept, with why).
    public var recommendations: [Recommendation]
    /// Predicted wall time per run at other executor counts.
    public var simulation: [SimulationPoint]
    /// Predicted wall time of a run with the recommendation, ms (mean over runs).
    public var predictedWallTime: Int
    /// Measured wall time, ms (mean over runs).
    public var measuredWallTime: Int
    /// Executor time of a run today and with the recommendation, ms (mean over runs, same model for both).
    public var executorTimeNow: Int
    /// Executor time with the recommendation, ms.
    public var executorTimeRecommended: Int
    /// Things the reader should know (missing metrics, runs left out).
    public var notes: [String]

    /// Whether anything should change.
    public var changes: [Recommendation] { recommendations.filter(\.changes) }
}

/// The values sizing decides.
public struct SizingValues: Sendable, Equatable {
    /// `executor.instances` (with dynamic allocation: `spark.dynamicAllocation.maxExecutors`).
    public var executorInstances: Int
    /// `executor.cores`.
    public var executorCores: Int
    /// `executor.memory`, MiB.
    public var executorMemoryMiB: Int
    /// `executor.memoryOverhead`, MiB; nil: Spark's default.
    public var executorMemoryOverheadMiB: Int?
    /// `driver.memory`, MiB.
    public var driverMemoryMiB: Int
    /// `spark.sql.shuffle.partitions`; nil: unchanged.
    public var shufflePartitions: Int?
    /// `spark.dynamicAllocation.minExecutors` with dynamic allocation.
    public var minExecutors: Int?
}

/// One value: today's, the recommended one, why, and what it changes.
public struct Recommendation: Sendable, Equatable {
    /// The team-file key (`executor.instances`, `executor.memory`, `sparkConf.spark.sql.shuffle.partitions`, …).
    public var key: String
    /// Today's value as written.
    public var current: String
    /// The recommended value as it would be written.
    public var recommended: String
    /// The measurements behind it.
    public var evidence: [String]
    /// What changing it is expected to do.
    public var effect: String

    /// Whether the value changes.
    public var changes: Bool { current != recommended }
}

/// A prediction at one executor count.
public struct SimulationPoint: Sendable, Equatable {
    /// Executors.
    public var executors: Int
    /// Predicted wall time, ms (mean over runs).
    public var wallTime: Int
    /// Executor time (executors × wall time), ms.
    public var executorTime: Int
}
