import Foundation
import PedregalAdvisor
import Testing

@testable import PedregalEventLog

@Suite struct AdvisorTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("PedregalEventLogTests/Fixtures").path

    static func fixture(_ name: String) throws -> ApplicationSummary {
        try EventLog(location: try EventLogLocation.all(in: "\(fixtures)/\(name)")[0]).summary()
    }

    /// A run made of events: one job whose one stage has tasks of `durations` ms, on `executors` one-core executors.
    static func run(_ durations: [Int], executors: Int, heap: Int = 100 << 20) -> ApplicationSummary {
        var builder = SummaryBuilder(location: EventLogLocation(path: "x", appID: "app-1", files: [], inProgress: false, rolling: false))
        builder.add(.applicationStart(ApplicationStart(name: "job", id: "app-1", attemptID: nil, time: 0, user: nil)))
        for e in 0..<executors {
            builder.add(.executorAdded(ExecutorAdded(id: String(e), time: 0, host: "h", cores: 1, resourceProfileID: 0)))
        }
        builder.add(.jobStart(JobStart(id: 0, time: 1000, stageIDs: [0], sqlExecutionID: nil)))
        builder.add(.stageSubmitted(StageInfo(id: 0, attempt: 0, name: "s", taskCount: durations.count, parentIDs: [], submitted: 1000)))
        // List scheduling on `executors` slots, as Spark would run them.
        var free = Array(repeating: 1000, count: executors)
        var end = 1000
        for (index, duration) in durations.enumerated() {
            let slot = free.indices.min { free[$0] < free[$1] }!
            var peaks = ExecutorPeaks()
            peaks.jvmHeap = heap
            var metrics = TaskMetrics()
            metrics.runTime = duration
            builder.add(
                .taskEnd(
                    TaskEnd(
                        stageID: 0, stageAttempt: 0, taskID: index, index: index, attempt: 0, executorID: String(slot),
                        launchTime: free[slot], finishTime: free[slot] + duration, speculative: false, reason: .success,
                        metrics: metrics, executorMetrics: peaks)))
            free[slot] += duration
            end = max(end, free[slot])
        }
        builder.add(
            .stageCompleted(
                StageInfo(id: 0, attempt: 0, name: "s", taskCount: durations.count, parentIDs: [], submitted: 1000, completed: end)))
        builder.add(.jobEnd(JobEnd(id: 0, time: end, succeeded: true, failure: nil)))
        builder.add(.applicationEnd(time: end + 500))
        return builder.finish(ReadStatistics())
    }

    @Test func theReplayPredictsOtherExecutorCountsOfAnEvenStage() {
        let run = Self.run(Array(repeating: 10_000, count: 8), executors: 4)
        let simulator = ScheduleSimulator(run)
        #expect(run.wallTime == 21_500)
        #expect(simulator.slots == 4)
        #expect(simulator.predictedWallTime(slots: 4) == 21_500)
        #expect(simulator.predictedWallTime(slots: 2) == 41_500)
        #expect(simulator.predictedWallTime(slots: 8) == 11_500)
        #expect(simulator.criticalPath == 11_500)
    }

    @Test func aStragglerBoundsTheGain() {
        let run = Self.run([40_000, 1_000, 1_000, 1_000, 1_000, 1_000], executors: 2)
        let simulator = ScheduleSimulator(run)
        #expect(simulator.criticalPath == 41_500)
        #expect(simulator.predictedWallTime(slots: 6) == simulator.predictedWallTime(slots: 2))
    }

    @Test func anOverProvisionedJobGetsFewerExecutorsForMuchLessExecutorTime() throws {
        let run = Self.run(Array(repeating: 10_000, count: 3), executors: 12)
        var input = SizingInput(executorInstances: 12, executorCores: 1, executorMemoryMiB: 4096, driverCores: 1, driverMemoryMiB: 2048)
        input.bounds.executorMemoryMiB = 512...8192
        let advice = Advisor(input: input).advise([run])
        #expect(advice.recommended.executorInstances == 3)
        #expect(Double(advice.executorTimeRecommended) <= 0.7 * Double(advice.executorTimeNow))
        #expect(Double(advice.predictedWallTime) <= 1.1 * Double(advice.measuredWallTime))
        // 100 MiB of peak heap: 4g is far more than needed, but never below peak plus headroom.
        #expect(advice.recommended.executorMemoryMiB < 4096)
        #expect(advice.recommended.executorMemoryMiB << 20 >= Int(Double(100 << 20) * 1.25))
        #expect(advice.changes.map(\.key).contains("executor.instances"))
    }

    @Test func recommendationsStayWithinBoundsAndQuota() {
        let run = Self.run(Array(repeating: 10_000, count: 64), executors: 4, heap: 3 << 30)
        var input = SizingInput(executorInstances: 4, executorCores: 1, executorMemoryMiB: 2048, driverCores: 1, driverMemoryMiB: 1024)
        input.bounds.executorInstances = 2...6
        input.bounds.executorMemoryMiB = 1024...3072
        input.quota = SizingQuota(cpuMillis: 64_000, memoryBytes: 40 << 30, pods: 100)
        let advice = Advisor(input: input).advise([run])
        #expect((2...6).contains(advice.recommended.executorInstances))
        #expect(advice.recommended.executorMemoryMiB == 3072)
        #expect(advice.notes.contains { $0.contains("bound") })
        // Quota: 40 GiB holds the driver (1g + 384m) and at most 11 executors of 3g + 384m.
        input.bounds.executorInstances = 1...100
        input.quota = SizingQuota(cpuMillis: nil, memoryBytes: 12 << 30, pods: nil)
        let tight = Advisor(input: input).advise([run])
        let executorMiB = tight.recommended.executorMemoryMiB + input.defaultOverheadMiB(heap: tight.recommended.executorMemoryMiB)
        #expect(tight.recommended.executorInstances * executorMiB + 1024 + 384 <= 12 << 10)
    }

    @Test func realOverProvisionedRunIsToldToShrink() throws {
        let run = try Self.fixture("rolling-zstd-overprovisioned")
        let input = SizingInput.fromProperties(run.sparkProperties, executorsSeen: run.executors.count)
        #expect(input.executorInstances == 6 && input.executorMemoryMiB == 512)
        let advice = Advisor(input: input).advise([run])
        #expect(advice.recommended.executorInstances < 6)
        #expect(Double(advice.executorTimeRecommended) <= 0.7 * Double(advice.executorTimeNow))
        let text = advice.text(subject: "fixture")
        #expect(text.contains("executor.instances: 6 → \(advice.recommended.executorInstances)"))
        #expect(text.contains("slot utilisation"))
        #expect(advice.runs[0].skewedStages.count >= 0)
    }

    @Test func adviceIsDeterministic() throws {
        let runs = [try Self.fixture("rolling-zstd-skewed"), try Self.fixture("rolling-zstd-stage-metrics")]
        let input = SizingInput.fromProperties(runs[1].sparkProperties, executorsSeen: 2)
        let first = Advisor(input: input).advise(runs).text(subject: "x")
        let second = Advisor(input: input).advise(runs.reversed()).text(subject: "x")
        #expect(first == second)
    }

    @Test func memoryIsNeverBelowThePeakPlusHeadroom() throws {
        for name in ["rolling-zstd-skewed", "rolling-zstd-stage-metrics", "single-lz4"] {
            let run = try Self.fixture(name)
            var input = SizingInput.fromProperties(run.sparkProperties, executorsSeen: 2)
            input.executorMemoryMiB = 8192
            let advice = Advisor(input: input).advise([run])
            let peak = run.executors.map(\.peaks.jvmHeap).max() ?? 0
            #expect(Double(advice.recommended.executorMemoryMiB << 20) >= Double(peak) * 1.25, "\(name)")
            #expect(advice.recommended.executorMemoryMiB < 8192, "\(name)")
        }
    }

    @Test func aSpillingRunGetsMoreMemoryAndMorePartitionsNeverLess() throws {
        let run = try Self.fixture("rolling-zstd-spilling")
        let input = SizingInput.fromProperties(run.sparkProperties, executorsSeen: 2)
        #expect(input.executorMemoryMiB == 512 && input.shufflePartitions == 2)
        let advice = Advisor(input: input).advise([run])
        #expect(advice.runs[0].memorySpilled > 0)
        #expect(advice.recommended.executorMemoryMiB > 512)
        #expect((advice.recommended.shufflePartitions ?? 0) > 2)
        let memory = try #require(advice.recommendations.first { $0.key == "executor.memory" })
        #expect(memory.evidence.contains { $0.contains("spilled to disk") })
    }

    /// A Spark Connect server's log is never finished while it serves: it is learnt from as far as it goes.
    @Test func aLogInProgressIsLearntFromUnlessAJobFailed() throws {
        var run = try Self.fixture("rolling-zstd-overprovisioned")
        run.inProgress = true
        run.end = nil
        let input = SizingInput.fromProperties(run.sparkProperties, executorsSeen: 6)
        #expect(Advisor(input: input).advise([run]).runs.count == 1)
        run.jobs[0].succeeded = false
        #expect(Advisor(input: input).advise([run]).runs.isEmpty)
    }

    @Test func sizesReadAndWriteAsSparkDoes() {
        #expect(SparkSize.mebibytes("4g") == 4096)
        #expect(SparkSize.mebibytes("512m") == 512)
        #expect(SparkSize.mebibytes("2048") == 2048)
        #expect(SparkSize.mebibytes("1gb") == 1024)
        #expect(SparkSize.mebibytes("x") == nil)
        #expect(SparkSize.text(mebibytes: 3072) == "3g")
        #expect(SparkSize.text(mebibytes: 1536) == "1536m")
    }
}
