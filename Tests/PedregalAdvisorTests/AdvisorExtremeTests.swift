import Foundation
import PedregalAdvisor
import PedregalYAML
import Testing

@testable import PedregalEventLog

/// What the property test (AdvisorPropertyTests) found, one regression test
/// each: an event log is untrusted input, and the advisor must turn any
/// numbers in it into bounded advice, never a trap.
@Suite struct AdvisorExtremeTests {
    /// One job of one stage whose tasks ran from `launch` to `finish` on `executors` executors of `cores` cores.
    static func run(
        _ tasks: [(launch: Int, finish: Int)], executors: Int = 2, cores: Int = 1, added: Int = 1, end: Int? = nil,
        heap: Int = 100 << 20, driverHeap: Int = 0, gc: Int = 0, runTime: Int = 1_000
    ) -> ApplicationSummary {
        var builder = SummaryBuilder(location: EventLogLocation(path: "x", appID: "app-1", files: [], inProgress: false, rolling: false))
        builder.add(.applicationStart(ApplicationStart(name: "job", id: "app-1", attemptID: nil, time: 0, user: nil)))
        for e in 0..<executors {
            builder.add(.executorAdded(ExecutorAdded(id: String(e), time: added, host: "h", cores: cores, resourceProfileID: 0)))
        }
        builder.add(.jobStart(JobStart(id: 0, time: 0, stageIDs: [0], sqlExecutionID: nil)))
        builder.add(.stageSubmitted(StageInfo(id: 0, attempt: 0, name: "s", taskCount: tasks.count, parentIDs: [], submitted: 0)))
        for (index, task) in tasks.enumerated() {
            var peaks = ExecutorPeaks()
            peaks.jvmHeap = heap
            var metrics = TaskMetrics()
            metrics.runTime = runTime
            metrics.gcTime = gc
            builder.add(
                .taskEnd(
                    TaskEnd(
                        stageID: 0, stageAttempt: 0, taskID: index, index: index, attempt: 0, executorID: String(index % max(1, executors)),
                        launchTime: task.launch, finishTime: task.finish, speculative: false, reason: .success, metrics: metrics,
                        executorMetrics: peaks)))
        }
        if driverHeap > 0 {
            var peaks = ExecutorPeaks()
            peaks.jvmHeap = driverHeap
            builder.add(.stageExecutorMetrics(StageExecutorMetrics(executorID: "driver", stageID: 0, stageAttempt: 0, peaks: peaks)))
        }
        let last = end ?? tasks.map(\.finish).max() ?? 0
        builder.add(.jobEnd(JobEnd(id: 0, time: last, succeeded: true, failure: nil)))
        builder.add(.applicationEnd(time: last))
        return builder.finish(ReadStatistics())
    }

    static let input = SizingInput(executorInstances: 2, executorCores: 1, executorMemoryMiB: 1024, driverCores: 1, driverMemoryMiB: 1024)

    /// The report in both forms, which must not trap either.
    static func reports(_ advice: Advice) -> (text: String, json: String) {
        (advice.text(subject: "x"), JSONWriter.pretty(advice.json(subject: "x")))
    }

    @Test func tasksAsLongAsIntAllowsAreHeldAtTheBounds() {
        // Two tasks of 9·10¹⁸ ms: their sum, the executors' lifetimes times cores, and the replay's slot
        // times all overflowed (the first crash: RunAnalysis summing task times).
        let run = Self.run([(0, Int.max), (0, Int.max - 1), (1, 2)], cores: 8, end: Int.max)
        let advice = Advisor(input: Self.input).advise([run])
        #expect(advice.runs[0].taskTime == Int.max)
        #expect(advice.runs[0].slotTime == Int.max)
        #expect(advice.predictedWallTime >= 0 && advice.simulation.allSatisfy { $0.wallTime >= 0 && $0.executorTime >= 0 })
        #expect(advice.recommended.executorInstances >= 1)
        let (text, json) = Self.reports(advice)
        #expect(!text.contains("nan") && !text.contains("inf"))
        #expect((try? JSONSerialization.jsonObject(with: Data(json.utf8))) != nil)
    }

    @Test func aHeapOfExbibytesIsHeldAtTheBoundAndSaysSo() {
        // 1.25 × a peak near Int.max did not fit an Int (a trap converting the Double back).
        let run = Self.run([(0, 1000), (0, 2000)], heap: Int.max - 5, driverHeap: Int.max)
        let advice = Advisor(input: Self.input).advise([run])
        #expect(advice.recommended.executorMemoryMiB == SizingBounds().executorMemoryMiB.upperBound)
        #expect(advice.recommended.driverMemoryMiB == SizingBounds().driverMemoryMiB.upperBound)
        #expect(advice.notes.contains { $0.contains("executor memory is held at its bound") })
        #expect(advice.notes.contains { $0.contains("driver memory is held at its bound") })
        _ = Self.reports(advice)
    }

    @Test func garbageGCTimesMakeAShareOfAtMostAll() {
        // GC time above run time made a share over 100%, and a huge one an Int conversion past its bound.
        let run = Self.run([(0, 1000), (0, 1000)], gc: Int.max / 2, runTime: 1)
        let advice = Advisor(input: Self.input).advise([run])
        #expect(advice.runs[0].gcShare == 1)
        #expect(Self.reports(advice).text.contains("GC 100%"))
    }

    @Test func absurdPropertiesAreUnsetNotCrashes() {
        // 99999999999999p is more MiB than an Int holds; a negative count is not one Spark takes.
        #expect(SparkSize.mebibytes("99999999999999p") == nil)
        let input = SizingInput.fromProperties(
            [
                "spark.executor.memory": "99999999999999p", "spark.executor.cores": "-4", "spark.sql.shuffle.partitions": "0",
                "spark.executor.instances": "9223372036854775807",
            ], executorsSeen: 2)
        #expect(input.executorMemoryMiB == 1024 && input.executorCores == 1 && input.shufflePartitions == nil)
        // Today's instances at Int.max: twice that, and its executor time, overflowed.
        let advice = Advisor(input: input).advise([Self.run([(0, 1000), (0, 1000)])])
        #expect(advice.recommended.executorInstances == 2)
        #expect(advice.executorTimeNow == Int.max)
        _ = Self.reports(advice)
    }

    @Test func sizesNearIntsBoundsRoundWithoutOverflow() {
        #expect(SparkSize.mebibytes(bytes: Int.max) == Int.max >> 20 + 1)
        #expect(SparkSize.mebibytes(bytes: -5) == 0)
        #expect(SparkSize.roundUp(Int.max - 3) == Int.max - 3 - (Int.max - 3) % 256)
        #expect(SparkSize.roundUp(300) == 512)
    }

    @Test func theJobsLeastExecutorsIsKeptUnlessTheQuotaCannotHoldIt() {
        // The candidates stopped at twice today's count, below the job's least (found by the property test).
        var input = Self.input
        input.bounds.executorInstances = 12...40
        let advice = Advisor(input: input).advise([Self.run([(0, 1000), (0, 1000)])])
        #expect(advice.recommended.executorInstances == 12)
        // A quota of 6 CPUs holds the driver and 5 executors: fewer than the least, and a note says why.
        input.quota = SizingQuota(cpuMillis: 6_000, memoryBytes: nil, pods: nil)
        let tight = Advisor(input: input).advise([Self.run([(0, 1000), (0, 1000)])])
        #expect(tight.recommended.executorInstances == 5)
        #expect(tight.notes.contains { $0.contains("fewer than the job's least (12)") })
    }

    @Test func aRecommendationTheQuotaCannotHoldSaysSo() {
        // One executor of the heap the runs need does not fit 2 GiB: the advice says so instead of staying silent.
        var input = Self.input
        input.quota = SizingQuota(cpuMillis: nil, memoryBytes: 2 << 30, pods: nil)
        let advice = Advisor(input: input).advise([Self.run([(0, 1000), (0, 1000)], heap: 3 << 30)])
        #expect(advice.notes.contains { $0.contains("does not fit the environment's quota") })
    }

    @Test func writtenValuesOutsideTheBoundsComeInside() {
        // 300m is below Spark's least heap; a run without memory metrics left it as written.
        var input = Self.input
        input.executorMemoryMiB = 300
        input.shufflePartitions = 50_000
        input.bounds.shufflePartitions = 1...4000
        let advice = Advisor(input: input).advise([Self.run([(0, 1000), (0, 1000)], heap: 0)])
        #expect(advice.recommended.executorMemoryMiB == 512)
        let memory = advice.recommendations.first { $0.key == "executor.memory" }
        #expect(memory?.evidence.contains { $0.contains("outside the bounds") } == true)
    }
}
