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

    func memoryAdvice(_ runs: [RunAnalysis]) -> MemoryChoice {
        var notes: [String] = []
        let current = input.executorMemoryMiB
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
            let floor = SparkSize.mebibytes(bytes: Int(Double(peakHeap) * (1 + Self.headroom)))
            // Unified memory is (heap - 300 MiB) × 0.6, shared by the executor's concurrent tasks.
            let execution = Int(Double(SparkSize.mebibytes(bytes: peakExecution) * cores) / Self.memoryFraction) + Self.reservedMiB
            var needed = max(floor, execution, input.bounds.executorMemoryMiB.lowerBound)
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
                needed = max(needed, current + current / 2)
            }
            if gcShare > 0.1 {
                evidence.append("GC took \(Self.percent(gcShare)) of executor run time (over 10%)")
                needed = max(needed, current + current / 2)
            }
            needed = SparkSize.roundUp(needed)
            let mayShrink = spilled == 0 && gcShare <= 0.1
            if needed > current || (mayShrink && Double(needed) < Double(current) * 0.8) {
                heap = min(needed, input.bounds.executorMemoryMiB.upperBound)
                if heap < needed {
                    notes.append(
                        "executor memory is held at its bound \(SparkSize.text(mebibytes: heap)), below the \(SparkSize.text(mebibytes: needed)) the runs need"
                    )
                }
            }
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
        let besideHeap = max(offHeap + python, rss - (heap << 20))
        let overheadNeed = SparkSize.roundUp(SparkSize.mebibytes(bytes: Int(Double(besideHeap) * (1 + Self.headroom))), to: 128)
        let defaultOverhead = input.defaultOverheadMiB(heap: heap)
        let currentOverhead = input.executorMemoryOverheadMiB
        var overhead = currentOverhead
        if besideHeap > 0 {
            if overheadNeed > (currentOverhead ?? defaultOverhead) {
                overhead = overheadNeed
            } else if let written = currentOverhead, Double(max(overheadNeed, defaultOverhead)) < Double(written) * 0.8 {
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
        var driver = driverCurrent
        var driverEvidence: [String] = []
        if driverPeak == 0 {
            driverEvidence.append("the driver's memory is not in the logs (set spark.eventLog.logStageExecutorMetrics=true to log it)")
        } else {
            let floor = SparkSize.roundUp(
                max(SparkSize.mebibytes(bytes: Int(Double(driverPeak) * (1 + Self.headroom))), input.bounds.driverMemoryMiB.lowerBound))
            driverEvidence.append(
                "peak driver heap \(SparkSize.human(bytes: driverPeak)) of \(SparkSize.text(mebibytes: driverCurrent)); with headroom \(SparkSize.text(mebibytes: floor))"
            )
            if floor > driverCurrent || Double(floor) < Double(driverCurrent) * 0.8 {
                driver = min(floor, input.bounds.driverMemoryMiB.upperBound)
            }
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
