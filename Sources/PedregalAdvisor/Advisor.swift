import Foundation
import PedregalEventLog

/// Turns a job's recent runs into sizing advice: executors from a
/// simulation of each run at other executor counts, memory from the peaks
/// the executors reported (never below them plus headroom), shuffle
/// partitions from the data each stage read, all within the bounds and the
/// quota. Deterministic: the same runs give the same advice.
public struct Advisor: Sendable {
    /// Headroom over the largest observed memory use.
    public static let headroom = 0.25
    /// A recommendation may be predicted this much slower than today.
    public static let slowdownAllowed = 0.05
    /// Among executor counts within `slowdownAllowed`, those costing at most this much more than the cheapest
    /// count as cheap, and the fastest of them is chosen.
    public static let costTolerance = 0.05
    /// Target shuffle data per partition.
    public static let partitionTarget = 128 << 20
    /// Spark's reserved heap and the unified memory fraction (`spark.memory.fraction`).
    static let reservedMiB = 300
    static let memoryFraction = 0.6

    /// The sizing input, and what to learn from.
    public var input: SizingInput

    /// An advisor for a job given `input`.
    public init(input: SizingInput) {
        self.input = input
    }

    /// Advice from `runs` (any order; the latest `input.bounds.runs` that succeeded are used).
    public func advise(_ runs: [ApplicationSummary]) -> Advice {
        var notes: [String] = []
        let ordered = runs.sorted { ($0.start ?? 0, $0.appID) < ($1.start ?? 0, $1.appID) }
        // A Spark Connect server or streaming job runs for weeks: its log is read while in progress.
        let usable = ordered.filter {
            ($0.succeeded || ($0.inProgress && $0.jobs.allSatisfy { $0.succeeded != false })) && !$0.tasks.isEmpty
        }
        if usable.count < ordered.count {
            notes.append(
                "\(ordered.count - usable.count) of \(ordered.count) runs left out: unfinished, failed or without tasks (their failures are for `pedregal job status`)"
            )
        }
        let analyses = usable.suffix(max(1, input.bounds.runs)).map(RunAnalysis.init)
        var advice = Advice(
            current: input, recommended: currentValues, runs: Array(analyses), recommendations: [], simulation: [],
            predictedWallTime: 0, measuredWallTime: 0, executorTimeNow: 0, executorTimeRecommended: 0, notes: notes)
        guard !analyses.isEmpty else {
            advice.notes.append("no finished run to learn from: the written values stay")
            return advice
        }
        var values = currentValues
        let memory = memoryAdvice(Array(analyses))
        values.executorMemoryMiB = memory.heap.value
        values.executorMemoryOverheadMiB = memory.overhead.value
        values.driverMemoryMiB = memory.driver.value
        let executors = executorAdvice(Array(analyses), values: values)
        values.executorInstances = executors.instances
        let partitions = partitionAdvice(Array(analyses), slots: executors.instances * input.executorCores)
        values.shufflePartitions = partitions.value
        if let dynamic = input.dynamicAllocation { values.minExecutors = min(dynamic.minExecutors, executors.instances) }
        advice.recommended = values
        advice.simulation = executors.points
        advice.measuredWallTime = analyses.reduce(0) { $0 + $1.wallTime } / analyses.count
        advice.predictedWallTime = executors.predicted
        advice.executorTimeNow = executors.costNow
        advice.executorTimeRecommended = executors.costRecommended
        advice.recommendations =
            [
                executors.recommendation, memory.heap.recommendation, memory.overhead.recommendation,
                memory.driver.recommendation,
            ] + (partitions.recommendation.map { [$0] } ?? [])
        advice.notes += memory.notes + executors.notes
        return advice
    }

    var currentValues: SizingValues {
        SizingValues(
            executorInstances: input.executorInstances, executorCores: input.executorCores, executorMemoryMiB: input.executorMemoryMiB,
            executorMemoryOverheadMiB: input.executorMemoryOverheadMiB, driverMemoryMiB: input.driverMemoryMiB,
            shufflePartitions: input.shufflePartitions, minExecutors: input.dynamicAllocation?.minExecutors)
    }

    // MARK: Executors

    struct ExecutorChoice {
        var instances: Int
        var predicted: Int
        var costNow: Int
        var costRecommended: Int
        var points: [SimulationPoint]
        var recommendation: Recommendation
        var notes: [String]
    }

    /// The most executors the quota holds with `values` (driver included), within the bounds.
    func mostExecutors(_ values: SizingValues) -> Int {
        var most = input.bounds.executorInstances.upperBound
        guard let quota = input.quota else { return most }
        let executorMiB =
            values.executorMemoryMiB + (values.executorMemoryOverheadMiB ?? input.defaultOverheadMiB(heap: values.executorMemoryMiB))
        let driverMiB = values.driverMemoryMiB + (input.driverMemoryOverheadMiB ?? input.defaultOverheadMiB(heap: values.driverMemoryMiB))
        if let cpu = quota.cpuMillis { most = min(most, (cpu - input.driverCores * 1000) / max(1, input.executorCores * 1000)) }
        if let memory = quota.memoryBytes { most = min(most, (memory - (driverMiB << 20)) / max(1, executorMiB << 20)) }
        if let pods = quota.pods { most = min(most, pods - 1) }
        return max(0, most)
    }

    func executorAdvice(_ runs: [RunAnalysis], values: SizingValues) -> ExecutorChoice {
        let cores = max(1, input.executorCores)
        let current = input.executorInstances
        let ceiling = mostExecutors(values)
        let widest = runs.flatMap { $0.simulator.jobs.flatMap { $0.stages.map(\.durations.count) } }.max() ?? 1
        let upper = max(1, min(ceiling, max(current * 2, (widest + cores - 1) / cores)))
        let lower = max(1, min(input.bounds.executorInstances.lowerBound, upper))
        var candidates = Array(lower...min(upper, lower + 127))
        var step = Double(candidates.last ?? lower)
        while Int(step) < upper {
            step *= 1.25
            candidates.append(min(upper, Int(step)))
        }
        candidates = Array(Set(candidates + [min(max(current, lower), upper)])).sorted()
        func wall(_ executors: Int) -> Int {
            runs.reduce(0) { $0 + $1.simulator.predictedWallTime(slots: executors * cores) } / runs.count
        }
        let points = candidates.map { SimulationPoint(executors: $0, wallTime: wall($0), executorTime: $0 * wall($0)) }
        let now = wall(current)
        let measured = runs.reduce(0) { $0 + $1.wallTime } / runs.count
        let feasible = points.filter { Double($0.wallTime) <= Double(now) * (1 + Self.slowdownAllowed) }
        let cheapest = (feasible.isEmpty ? points : feasible).map(\.executorTime).min() ?? 0
        let choice =
            (feasible.isEmpty ? points : feasible)
            .filter { Double($0.executorTime) <= Double(cheapest) * (1 + Self.costTolerance) }
            .min { ($0.wallTime, $0.executors) < ($1.wallTime, $1.executors) } ?? points[0]
        var notes: [String] = []
        if current > ceiling {
            notes.append("today's \(current) executors do not fit the quota with the recommended memory; at most \(ceiling) do")
        }
        let utilisation = runs.reduce(0.0) { $0 + $1.slotUtilisation } / Double(runs.count)
        let used = runs.reduce(0) { $0 + $1.taskTime } / 1000
        let allocated = runs.reduce(0) { $0 + $1.slotTime } / 1000
        let critical = runs.reduce(0) { $0 + $1.criticalPath } / runs.count
        var evidence = [
            "slot utilisation \(Self.percent(utilisation)) over \(runs.count) run\(runs.count == 1 ? "" : "s"): tasks used \(used) of \(allocated) slot-seconds",
            "measured wall time \(Self.seconds(measured)); with unlimited executors (critical path) \(Self.seconds(critical))",
        ]
        let half = max(1, current / 2)
        for probe in [half, current * 2] where probe != current && probe <= max(upper, current * 2) {
            let time = runs.reduce(0) { $0 + $1.simulator.predictedWallTime(slots: probe * cores) } / runs.count
            evidence.append("simulated at \(probe) executor\(probe == 1 ? "" : "s"): \(Self.seconds(time))")
        }
        for run in runs {
            for stage in run.skewedStages.prefix(2) {
                evidence.append(
                    "run \(run.appID) stage \(stage.id) is skewed: longest task \(Self.seconds(stage.maxTaskTime)) vs median \(Self.seconds(stage.medianTaskTime)); more executors do not shorten it"
                )
            }
        }
        let costNow = current * now
        let saved = Double(costNow - choice.executorTime) / 3_600_000
        let effect =
            choice.executors == current
            ? "no change: \(current) executors are the cheapest within \(Int(Self.slowdownAllowed * 100))% of today's time"
            : String(
                format: "%@ executor-hours per run (%@ → %@), predicted wall time %@ (today %@)",
                saved >= 0 ? "saves \(Self.hours(saved))" : "costs \(Self.hours(-saved)) more",
                Self.hours(Double(costNow) / 3_600_000), Self.hours(Double(choice.executorTime) / 3_600_000),
                Self.seconds(choice.wallTime), Self.seconds(measured))
        let key = input.dynamicAllocation == nil ? "executor.instances" : "sparkConf.spark.dynamicAllocation.maxExecutors"
        return ExecutorChoice(
            instances: choice.executors, predicted: choice.wallTime, costNow: costNow, costRecommended: choice.executorTime,
            points: points,
            recommendation: Recommendation(
                key: key, current: String(current), recommended: String(choice.executors), evidence: evidence, effect: effect),
            notes: notes)
    }

    // MARK: Shuffle partitions

    func partitionAdvice(_ runs: [RunAnalysis], slots: Int) -> (value: Int?, recommendation: Recommendation?) {
        guard runs.contains(where: \.usesSQL), runs.contains(where: { $0.shuffleRead > 0 }) else {
            return (input.shufflePartitions, nil)
        }
        let current = input.shufflePartitions ?? 200
        let largest = runs.map(\.largestStageShuffleRead).max() ?? 0
        let spilled = runs.map(\.memorySpilled).max() ?? 0
        let slots = max(1, slots)
        var wanted = max(slots, (largest + Self.partitionTarget - 1) / Self.partitionTarget)
        if spilled > 0 {
            // Spilling stages hold too much per task: split the data further.
            let factor = Double(spilled) / Double(max(1, largest)) + 1
            wanted = max(wanted, Int((Double(current) * min(4, factor)).rounded(.up)))
        }
        wanted = (wanted + slots - 1) / slots * slots
        wanted = min(max(wanted, input.bounds.shufflePartitions.lowerBound), input.bounds.shufflePartitions.upperBound)
        // Fewer partitions make a skewed stage's straggler longer still.
        let skewed = runs.contains { !$0.skewedStages.isEmpty }
        if skewed && wanted < current { wanted = current }
        let worthIt = abs(Double(wanted - current)) / Double(current) > 0.25
        let value = worthIt ? wanted : current
        let perPartition = largest / max(1, current)
        let evidence =
            [
                "largest shuffle read by one stage \(SparkSize.human(bytes: largest)) over \(current) partitions (\(SparkSize.human(bytes: perPartition)) each; target \(SparkSize.human(bytes: Self.partitionTarget)))",
                "\(slots) task slots with the recommended executors" + (spilled > 0 ? "; \(SparkSize.human(bytes: spilled)) spilled" : ""),
            ] + (skewed ? ["skewed stages: partitions are not reduced (that lengthens the straggler)"] : [])
        let effect =
            worthIt
            ? (value > current ? "smaller tasks: less spill and shorter stragglers" : "fewer, fuller tasks: less scheduling overhead")
            : "no change: within 25% of what the data needs"
        return (
            value,
            Recommendation(
                key: "sparkConf.spark.sql.shuffle.partitions", current: String(current), recommended: String(value), evidence: evidence,
                effect: effect)
        )
    }

    // MARK: Formatting

    static func seconds(_ ms: Int) -> String {
        ms >= 600_000 ? "\(ms / 60_000) min \((ms / 1000) % 60) s" : String(format: "%.1f s", Double(ms) / 1000)
    }

    static func hours(_ hours: Double) -> String {
        hours < 0.1 ? String(format: "%.4f", hours) : String(format: "%.2f", hours)
    }

    static func percent(_ share: Double) -> String { "\(Int((share * 100).rounded()))%" }
}
