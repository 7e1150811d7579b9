import Foundation

/// What a job is given today, and what it may be given: the sizing the
/// advice starts from and stays within.
public struct SizingInput: Sendable, Equatable {
    /// `executor.instances` (with dynamic allocation: the most it grows to).
    public var executorInstances: Int
    /// `executor.cores`.
    public var executorCores: Int
    /// `executor.memory`, MiB of heap.
    public var executorMemoryMiB: Int
    /// `executor.memoryOverhead`, MiB; nil: Spark's default.
    public var executorMemoryOverheadMiB: Int?
    /// `driver.cores`.
    public var driverCores: Int
    /// `driver.memory`, MiB of heap.
    public var driverMemoryMiB: Int
    /// `driver.memoryOverhead`, MiB; nil: Spark's default.
    public var driverMemoryOverheadMiB: Int?
    /// `spark.sql.shuffle.partitions`; nil: not set (Spark's 200).
    public var shufflePartitions: Int?
    /// With dynamic allocation: its bounds.
    public var dynamicAllocation: DynamicAllocation?
    /// Python or R: Spark's default overhead is 40% instead of 10%.
    public var nonJVM: Bool
    /// What the environment's quota leaves for the job; nil: unknown (offline).
    public var quota: SizingQuota?
    /// The job's own bounds (`sizing` in the team file), the platform's limits otherwise.
    public var bounds: SizingBounds

    /// A job given these values, within `bounds` (and `quota` when known).
    public init(
        executorInstances: Int, executorCores: Int, executorMemoryMiB: Int, executorMemoryOverheadMiB: Int? = nil, driverCores: Int,
        driverMemoryMiB: Int, driverMemoryOverheadMiB: Int? = nil, shufflePartitions: Int? = nil,
        dynamicAllocation: DynamicAllocation? = nil, nonJVM: Bool = false, quota: SizingQuota? = nil, bounds: SizingBounds = SizingBounds()
    ) {
        self.executorInstances = executorInstances
        self.executorCores = executorCores
        self.executorMemoryMiB = executorMemoryMiB
        self.executorMemoryOverheadMiB = executorMemoryOverheadMiB
        self.driverCores = driverCores
        self.driverMemoryMiB = driverMemoryMiB
        self.driverMemoryOverheadMiB = driverMemoryOverheadMiB
        self.shufflePartitions = shufflePartitions
        self.dynamicAllocation = dynamicAllocation
        self.nonJVM = nonJVM
        self.quota = quota
        self.bounds = bounds
    }

    /// What a run's Spark properties say it was given (offline advice from a folder of logs).
    public static func fromProperties(_ properties: [String: String], executorsSeen: Int) -> SizingInput {
        // A count Spark would refuse (negative, not a number) counts as unset.
        func int(_ key: String, least: Int = 0) -> Int? {
            properties[key].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }.flatMap { $0 >= least ? $0 : nil }
        }
        func mib(_ key: String) -> Int? { properties[key].flatMap(SparkSize.mebibytes) }
        var dynamic: DynamicAllocation?
        if properties["spark.dynamicAllocation.enabled"]?.lowercased() == "true" {
            dynamic = DynamicAllocation(
                minExecutors: int("spark.dynamicAllocation.minExecutors") ?? 0,
                maxExecutors: int("spark.dynamicAllocation.maxExecutors") ?? max(executorsSeen, 1))
        }
        let pythonish = properties["spark.submit.pyFiles"] != nil || properties["spark.pyspark.python"] != nil
        return SizingInput(
            executorInstances: dynamic?.maxExecutors ?? int("spark.executor.instances") ?? max(executorsSeen, 1),
            executorCores: int("spark.executor.cores", least: 1) ?? 1,
            executorMemoryMiB: mib("spark.executor.memory") ?? 1024,
            executorMemoryOverheadMiB: mib("spark.executor.memoryOverhead"),
            driverCores: int("spark.driver.cores", least: 1) ?? 1, driverMemoryMiB: mib("spark.driver.memory") ?? 1024,
            driverMemoryOverheadMiB: mib("spark.driver.memoryOverhead"), shufflePartitions: int("spark.sql.shuffle.partitions", least: 1),
            dynamicAllocation: dynamic, nonJVM: pythonish)
    }

    /// Spark's memory overhead for a heap of `heap` MiB: `factor × heap`, at least 384 MiB.
    public func defaultOverheadMiB(heap: Int) -> Int {
        max(384, Int((Double(heap) * (nonJVM ? 0.4 : 0.1)).rounded(.down)))
    }
}

/// `spark.dynamicAllocation.{min,max}Executors`.
public struct DynamicAllocation: Sendable, Equatable {
    /// The fewest executors.
    public var minExecutors: Int
    /// The most executors.
    public var maxExecutors: Int

    /// Bounds `minExecutors`…`maxExecutors`.
    public init(minExecutors: Int, maxExecutors: Int) {
        self.minExecutors = minExecutors
        self.maxExecutors = maxExecutors
    }
}

/// What the environment's quota allows the job's pods, in total.
public struct SizingQuota: Sendable, Equatable {
    /// CPU, millicores.
    public var cpuMillis: Int?
    /// Memory, bytes (requests: heap plus overhead).
    public var memoryBytes: Int?
    /// Pods.
    public var pods: Int?

    /// A quota of these amounts (nil: unlimited).
    public init(cpuMillis: Int?, memoryBytes: Int?, pods: Int?) {
        self.cpuMillis = cpuMillis
        self.memoryBytes = memoryBytes
        self.pods = pods
    }
}

/// Inclusive bounds on each recommended value.
public struct SizingBounds: Sendable, Equatable {
    /// `executor.instances`: 1…10000 unless the job says otherwise.
    public var executorInstances: ClosedRange<Int> = 1...10_000
    /// `executor.memory`, MiB: 512 MiB (Spark needs 450 MiB of heap) to 1 TiB.
    public var executorMemoryMiB: ClosedRange<Int> = 512...(1 << 20)
    /// `driver.memory`, MiB.
    public var driverMemoryMiB: ClosedRange<Int> = 512...(1 << 20)
    /// `spark.sql.shuffle.partitions`.
    public var shufflePartitions: ClosedRange<Int> = 1...100_000
    /// How many of the latest runs to learn from.
    public var runs: Int = 5

    /// The platform's limits.
    public init() {}
}
