/// Executor heap, overhead and driver heap from the peaks the JVMs reported.
/// A recommendation is never below the largest observed use plus
/// `Advisor.headroom`; it only moves when the change is worth a review
/// (over 20%), and never down for a job that spills or collects garbage hard.
extension Advisor {
    struct MemoryValue {
        var value: Int?
        var recommendation: Recommendation
    }

    struct MemoryChoice {
        var heap: (value: Int, recommendation: Recommendation)
        var overhead: MemoryValue
        var driver: (value: Int, recommendation: Recommendation)
        var notes: [String]
    }

    /// `bytes` plus `headroom`, in MiB rounded up (held at `Int.max`).
    static func withHeadroom(bytes: Int) -> Int {
        Int(saturating: Double(max(0, bytes)) * (1 + headroom) / Double(1 << 20), .up)
    }

    /// `value` within `bounds`, with a line of evidence when it had to move.
    static func clamped(_ value: Int, to bounds: ClosedRange<Int>, _ evidence: inout [String]) -> Int {
        guard !bounds.contains(value) else { return value }
        let held = min(max(value, bounds.lowerBound), bounds.upperBound)
        evidence.append(
            "\(SparkSize.text(mebibytes: value)) is outside the bounds \(SparkSize.text(mebibytes: bounds.lowerBound))…\(SparkSize.text(mebibytes: bounds.upperBound))"
        )
        return held
    }

    func memoryAdvice(_ runs: [RunAnalysis]) -> MemoryChoice {
        var notes: [String] = []
        let current = input.executorMemoryMiB
        let bounds = input.bounds.executorMemoryMiB
        let cores = max(1, input.executorCores)
        let peakHeap = runs.map(\.peakHeap).max() ?? 0
        let peakRun = runs.max { $0.peakHeap < $1.peakHeap }
        let peakExecution = runs.map(\.peakTaskExecutionMemory).max() ?? 0
        let spilled = runs.map(\.memorySpilled).max() ?? 0
        let gcShare = runs.map(\.gcShare).max() ?? 0
        var evidence: [String] = []
        var heap = current
        if peakHeap == 0 {
            notes.append("the executors reported no memory metrics (Task Executor Metrics); executor memory stays as written")
            evidence.append("no executor memory metrics in the logs")
        } else {
            let floor = Self.withHeadroom(bytes: peakHeap)
            // Unified memory is (heap - 300 MiB) × 0.6, shared by the executor's concurrent tasks.
            let execution = Int(
                saturating: Double(SparkSize.mebibytes(bytes: peakExecution)) * Double(cores) / Self.memoryFraction, .down
            ).plus(Self.reservedMiB)
            var needed = max(floor, execution, bounds.lowerBound)
            evidence.append(
                "peak JVM heap \(SparkSize.human(bytes: peakHeap)) (executor \(peakRun?.peakHeapExecutor ?? "?") of run \(peakRun?.appID ?? "?")) of \(SparkSize.text(mebibytes: current)); with \(Int(Self.headroom * 100))% headroom \(SparkSize.text(mebibytes: floor))"
            )
            if peakExecution > 0 {
                evidence.append(
                    "largest task execution memory \(SparkSize.human(bytes: peakExecution)) × \(cores) core\(cores == 1 ? "" : "s") needs \(SparkSize.text(mebibytes: execution)) of heap"
                )
            }
            if spilled > 0 {
                evidence.append("\(SparkSize.human(bytes: spilled)) spilled to disk in one run: tasks ran out of execution memory")
                needed = max(needed, current.plus(current / 2))
            }
            if gcShare > 0.1 {
                evidence.append("GC took \(Self.percent(gcShare)) of executor run time (over 10%)")
                needed = max(needed, current.plus(current / 2))
            }
            needed = SparkSize.roundUp(needed)
            let mayShrink = spilled == 0 && gcShare <= 0.1
            if needed > current || (mayShrink && Double(needed) < Double(current) * 0.8) {
                heap = min(needed, bounds.upperBound)
                if heap < needed {
                    notes.append(
                        "executor memory is held at its bound \(SparkSize.text(mebibytes: heap)), below the \(SparkSize.text(mebibytes: needed)) the runs need"
                    )
                }
            }
        }
        // Within the bounds whatever today's value is (Spark refuses a heap under 450 MiB).
        heap = Self.clamped(heap, to: bounds, &evidence)
        if peakHeap > 0, heap < Self.withHeadroom(bytes: peakHeap), !notes.contains(where: { $0.contains("held at its bound") }) {
            notes.append(
                "executor memory is held at its bound \(SparkSize.text(mebibytes: heap)), below the peak heap \(SparkSize.human(bytes: peakHeap)) plus headroom"
            )
        }
        let heapEffect =
            heap == current
            ? "no change"
            : heap < current
                ? "frees \(SparkSize.text(mebibytes: current - heap)) per executor; observed peak plus headroom still fits"
                : "more execution memory per task: less spill and GC"
        let heapRecommendation = Recommendation(
            key: "executor.memory", current: SparkSize.text(mebibytes: current), recommended: SparkSize.text(mebibytes: heap),
            evidence: evidence, effect: heapEffect)

        // Overhead: what the container holds beside the heap.
        let offHeap = runs.map(\.peakOffHeap).max() ?? 0
        let rss = runs.map(\.peakProcessRSS).max() ?? 0
        let python = runs.map(\.peakPythonRSS).max() ?? 0
        let besideHeap = max(offHeap.plus(python), rss.minus(heap.times(1 << 20)))
        var overheadNeed = SparkSize.roundUp(Self.withHeadroom(bytes: besideHeap), to: 128)
        if overheadNeed > Self.largestOverheadMiB {
            notes.append(
                "memory overhead is held at its bound \(SparkSize.text(mebibytes: Self.largestOverheadMiB)), below the \(SparkSize.human(bytes: besideHeap)) the runs used beside the heap plus headroom"
            )
            overheadNeed = Self.largestOverheadMiB
        }
        let defaultOverhead = input.defaultOverheadMiB(heap: heap)
        let currentOverhead = input.executorMemoryOverheadMiB
        var overhead = currentOverhead.map { min(max(0, $0), Self.largestOverheadMiB) }
        if besideHeap > 0 {
            if overheadNeed > (overhead ?? defaultOverhead) {
                overhead = overheadNeed
            } else if let written = overhead, Double(max(overheadNeed, defaultOverhead)) < Double(written) * 0.8 {
                overhead = overheadNeed <= defaultOverhead ? nil : overheadNeed
            }
        }
        var overheadEvidence = [
            "Spark's default overhead for \(SparkSize.text(mebibytes: heap)) of heap: \(SparkSize.text(mebibytes: defaultOverhead))"
        ]
        if besideHeap > 0 {
            overheadEvidence.insert(
                "beside the heap: JVM off-heap \(SparkSize.human(bytes: offHeap)), Python workers \(SparkSize.human(bytes: python)), process-tree RSS \(SparkSize.human(bytes: rss)); with headroom \(SparkSize.text(mebibytes: overheadNeed))",
                at: 0)
        }
        let overheadRecommendation = Recommendation(
            key: "executor.memoryOverhead", current: currentOverhead.map(SparkSize.text) ?? "default",
            recommended: overhead.map(SparkSize.text) ?? "default", evidence: overheadEvidence,
            effect: overhead == currentOverhead
                ? "no change" : "the container holds what runs beside the heap, so the kubelet does not kill it (exit 137)")

        // Driver.
        let driverPeak = runs.map(\.driverPeakHeap).max() ?? 0
        let driverCurrent = input.driverMemoryMiB
        let driverBounds = input.bounds.driverMemoryMiB
        var driver = driverCurrent
        var driverEvidence: [String] = []
        if driverPeak == 0 {
            driverEvidence.append("the driver's memory is not in the logs (set spark.eventLog.logStageExecutorMetrics=true to log it)")
        } else {
            let floor = SparkSize.roundUp(max(Self.withHeadroom(bytes: driverPeak), driverBounds.lowerBound))
            driverEvidence.append(
                "peak driver heap \(SparkSize.human(bytes: driverPeak)) of \(SparkSize.text(mebibytes: driverCurrent)); with headroom \(SparkSize.text(mebibytes: floor))"
            )
            if floor > driverCurrent || Double(floor) < Double(driverCurrent) * 0.8 {
                driver = floor
            }
        }
        driver = Self.clamped(driver, to: driverBounds, &driverEvidence)
        if driverPeak > 0, driver < Self.withHeadroom(bytes: driverPeak) {
            notes.append(
                "driver memory is held at its bound \(SparkSize.text(mebibytes: driver)), below the peak driver heap \(SparkSize.human(bytes: driverPeak)) plus headroom"
            )
        }
        let driverRecommendation = Recommendation(
            key: "driver.memory", current: SparkSize.text(mebibytes: driverCurrent), recommended: SparkSize.text(mebibytes: driver),
            evidence: driverEvidence,
            effect: driver == driverCurrent
                ? "no change" : driver < driverCurrent ? "frees driver memory" : "room for what the driver collects")
        return MemoryChoice(
            heap: (heap, heapRecommendation), overhead: MemoryValue(value: overhead, recommendation: overheadRecommendation),
            driver: (driver, driverRecommendation), notes: notes)
    }
}
