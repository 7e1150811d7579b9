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
    /// The most memory overhead recommended, MiB: the platform's limit on any one memory value (1 TiB).
    public static let largestOverheadMiB = 1 << 20
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
        let partitions = partitionAdvice(Array(analyses), slots: executors.instances.times(max(1, input.executorCores)))
        values.shufflePartitions = partitions.value
        if let dynamic = input.dynamicAllocation { values.minExecutors = min(dynamic.minExecutors, executors.instances) }
        advice.recommended = values
        advice.simulation = executors.points
        advice.measuredWallTime = analyses.map(\.wallTime).saturatedSum() / analyses.count
        advice.predictedWallTime = executors.predicted
        advice.executorTimeNow = executors.costNow
        advice.executorTimeRecommended = executors.costRecommended
        advice.recommendations =
            [
                executors.recommendation, memory.heap.recommendation, memory.overhead.recommendation,
                memory.driver.recommendation,
            ] + (partitions.recommendation.map { [$0] } ?? [])
        advice.notes += memory.notes + executors.notes
        if let shortfall = quotaShortfall(values) { advice.notes.append(shortfall) }
        return advice
    }

    /// Why `values` (the driver and every executor, memory with overhead) do not fit the quota; nil when they do or it is unknown.
    func quotaShortfall(_ values: SizingValues) -> String? {
        guard let quota = input.quota else { return nil }
        let count = max(0, values.executorInstances)
        var needs: [String] = []
        let cpu = max(0, input.driverCores).plus(count.times(max(0, input.executorCores))).times(1000)
        if let limit = quota.cpuMillis, cpu > limit { needs.append("\(cpu)m of CPU (the quota: \(limit)m)") }
        let memory = podMiB(heap: values.driverMemoryMiB, overhead: input.driverMemoryOverheadMiB)
            .plus(count.times(podMiB(heap: values.executorMemoryMiB, overhead: values.executorMemoryOverheadMiB))).times(1 << 20)
        if let limit = quota.memoryBytes, memory > limit {
            needs.append("\(SparkSize.human(bytes: memory)) of memory with overhead (the quota: \(SparkSize.human(bytes: limit)))")
        }
        if let pods = quota.pods, count.plus(1) > pods { needs.append("\(count.plus(1)) pods (the quota: \(pods))") }
        guard !needs.isEmpty else { return nil }
        return "the recommendation does not fit the environment's quota: it needs " + needs.joined(separator: ", ")
            + "; raise the quota, or lower the job's sizing bounds"
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
        let executorBytes = podMiB(heap: values.executorMemoryMiB, overhead: values.executorMemoryOverheadMiB).times(1 << 20)
        let driverBytes = podMiB(heap: values.driverMemoryMiB, overhead: input.driverMemoryOverheadMiB).times(1 << 20)
        if let cpu = quota.cpuMillis {
            most = min(most, cpu.minus(max(0, input.driverCores).times(1000)) / max(1, input.executorCores.times(1000)))
        }
        if let memory = quota.memoryBytes { most = min(most, memory.minus(driverBytes) / max(1, executorBytes)) }
        if let pods = quota.pods { most = min(most, pods.minus(1)) }
        return max(0, most)
    }

    /// What one pod requests, MiB: the heap and its overhead (the written one, else Spark's default).
    func podMiB(heap: Int, overhead: Int?) -> Int {
        heap.plus(overhead ?? input.defaultOverheadMiB(heap: heap))
    }

    func executorAdvice(_ runs: [RunAnalysis], values: SizingValues) -> ExecutorChoice {
        let cores = max(1, input.executorCores)
        let current = max(0, input.executorInstances)
        let ceiling = mostExecutors(values)
        let widest = runs.flatMap { $0.simulator.jobs.flatMap { $0.stages.map(\.durations.count) } }.max() ?? 1
        let least = input.bounds.executorInstances.lowerBound
        let upper = max(1, min(ceiling, max(current.times(2), widest / cores + (widest % cores > 0 ? 1 : 0), least)))
        let lower = max(1, min(least, upper))
        var candidates = Array(lower...min(upper, lower.plus(127)))
        var step = Double(candidates.last ?? lower)
        while Int(saturating: step, .down) < upper {
            step *= 1.25
            candidates.append(min(upper, Int(saturating: step, .down)))
        }
        candidates = Array(Set(candidates + [min(max(current, lower), upper)])).sorted()
        // Past a run's widest job more slots change nothing, so each run is replayed once per slot count that matters.
        var replayed: [[Int: Int]] = Array(repeating: [:], count: runs.count)
        func wall(_ executors: Int) -> Int {
            var total = 0
            for (index, run) in runs.enumerated() {
                let slots = min(executors.times(cores), run.simulator.widestJob)
                let time = replayed[index][slots] ?? run.simulator.predictedWallTime(slots: slots)
                replayed[index][slots] = time
                total = total.plus(time)
            }
            return total / runs.count
        }
        let points = candidates.map { count in
            let time = wall(count)
            return SimulationPoint(executors: count, wallTime: time, executorTime: count.times(time))
        }
        let now = wall(current)
        let measured = runs.map(\.wallTime).saturatedSum() / runs.count
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
        if ceiling < least {
            notes.append(
                "the quota holds at most \(ceiling) executor\(ceiling == 1 ? "" : "s") with the recommended memory, fewer than the job's least (\(least)); raise the quota or lower sizing.executorInstances.min"
            )
        }
        let utilisation = runs.reduce(0.0) { $0 + $1.slotUtilisation } / Double(runs.count)
        let used = runs.map(\.taskTime).saturatedSum() / 1000
        let allocated = runs.map(\.slotTime).saturatedSum() / 1000
        let critical = runs.map(\.criticalPath).saturatedSum() / runs.count
        var evidence = [
            "slot utilisation \(Self.percent(utilisation)) over \(runs.count) run\(runs.count == 1 ? "" : "s"): tasks used \(used) of \(allocated) slot-seconds",
            "measured wall time \(Self.seconds(measured)); with unlimited executors (critical path) \(Self.seconds(critical))",
        ]
        let half = max(1, current / 2)
        for probe in [half, current.times(2)] where probe != current && probe <= max(upper, current.times(2)) {
            let time = wall(probe)
            evidence.append("simulated at \(probe) executor\(probe == 1 ? "" : "s"): \(Self.seconds(time))")
        }
        for run in runs {
            for stage in run.skewedStages.prefix(2) {
                evidence.append(
                    "run \(run.appID) stage \(stage.id) is skewed: longest task \(Self.seconds(stage.maxTaskTime)) vs median \(Self.seconds(stage.medianTaskTime)); more executors do not shorten it"
                )
            }
        }
        let costNow = max(0, current).times(now)
        let saved = (Double(costNow) - Double(choice.executorTime)) / 3_600_000
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
        let current = max(1, input.shufflePartitions ?? 200)
        let largest = runs.map(\.largestStageShuffleRead).max() ?? 0
        let spilled = runs.map(\.memorySpilled).max() ?? 0
        let slots = max(1, slots)
        var wanted = max(slots, largest / Self.partitionTarget + (largest % Self.partitionTarget > 0 ? 1 : 0))
        if spilled > 0 {
            // Spilling stages hold too much per task: split the data further.
            let factor = Double(spilled) / Double(max(1, largest)) + 1
            wanted = max(wanted, Int(saturating: Double(current) * min(4, factor), .up))
        }
        // A multiple of the slots, unless that passes the bound (which holds it below).
        if wanted % slots != 0 { wanted = (wanted / slots).plus(1).times(slots) }
        let bounds = input.bounds.shufflePartitions
        wanted = min(max(wanted, bounds.lowerBound), bounds.upperBound)
        // Fewer partitions make a skewed stage's straggler longer still.
        let skewed = runs.contains { !$0.skewedStages.isEmpty }
        if skewed && wanted < current { wanted = min(current, bounds.upperBound) }
        // Today's value outside the bounds always changes.
        let worthIt = !bounds.contains(current) || abs(Double(wanted) - Double(current)) / Double(current) > 0.25
        let value = worthIt ? wanted : current
        let perPartition = largest / max(1, current)
        let outside = bounds.contains(current) ? [] : ["\(current) is outside the bounds \(bounds.lowerBound)…\(bounds.upperBound)"]
        let evidence =
            [
                "largest shuffle read by one stage \(SparkSize.human(bytes: largest)) over \(current) partitions (\(SparkSize.human(bytes: perPartition)) each; target \(SparkSize.human(bytes: Self.partitionTarget)))",
                "\(slots) task slots with the recommended executors" + (spilled > 0 ? "; \(SparkSize.human(bytes: spilled)) spilled" : ""),
            ] + (skewed ? ["skewed stages: partitions are not reduced (that lengthens the straggler)"] : []) + outside
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

    static func percent(_ share: Double) -> String { "\(Int(saturating: share * 100))%" }
}
