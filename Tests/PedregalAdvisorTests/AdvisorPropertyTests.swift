import Foundation
import PedregalAdvisorScenarios
import Testing

/// The advisor's arithmetic on thousands of random but valid jobs and runs
/// (Tests/PedregalAdvisorScenarios): every promise checked on each. The
/// generator is seeded, so a failure names its seed and comes back with
/// `PEDREGAL_ADVISOR_SEED=<seed> swift test --filter AdvisorPropertyTests`.
@Suite struct AdvisorPropertyTests {
    static let scenarios: UInt64 = 1_500

    @Test func theAdvisorKeepsItsPromisesOnRandomRuns() {
        let only = ProcessInfo.processInfo.environment["PEDREGAL_ADVISOR_SEED"].flatMap { UInt64($0) }
        var failures: [String] = []
        for seed in only.map({ [$0] }) ?? Array(0..<Self.scenarios) {
            var choices = Choices(seed: seed)
            // Now and then a run whose first stage has 20,000 tasks; at most 1,000 otherwise, to keep the test short.
            let huge = seed % 400 == 7
            let scenario = AdvisorScenario.make(&choices, largest: huge ? 20_000 : 1_000, huge: huge)
            // Determinism (the same runs read again, the same advice) on every eighth: it doubles the time.
            let problems = scenario.violations(twice: seed % 8 == 0)
            if !problems.isEmpty { failures.append("seed \(seed): " + problems.joined(separator: "; ")) }
            if failures.count == 10 { break }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    @Test func theGeneratorMakesEveryKindOfRun() {
        // The property above is only as good as what it is fed: extremes must really occur.
        var noRuns = 0
        var noTasks = 0
        var oneTask = 0
        var manyTasks = 0
        var noMetrics = 0
        var huge = 0
        var fromProperties = 0
        for seed in 0..<UInt64(300) {
            var choices = Choices(seed: seed)
            let scenario = AdvisorScenario.make(&choices, huge: seed % 100 == 7)
            if scenario.runs.isEmpty { noRuns += 1 }
            if scenario.input.bounds.executorMemoryMiB == 512...(1 << 20) && scenario.input.quota == nil { fromProperties += 1 }
            for summary in scenario.runs.map({ $0.summary() }) {
                if summary.tasks.isEmpty { noTasks += 1 }
                if summary.tasks.count == 1 { oneTask += 1 }
                if summary.tasks.count >= 500 { manyTasks += 1 }
                if !summary.tasks.isEmpty && summary.executors.allSatisfy({ $0.peaks.jvmHeap == 0 }) { noMetrics += 1 }
                if summary.tasks.contains(where: { $0.duration > 1 << 40 })
                    || summary.executors.contains(where: { $0.peaks.jvmHeap > 1 << 50 })
                {
                    huge += 1
                }
            }
        }
        for (what, count) in [
            ("no runs", noRuns), ("no tasks", noTasks), ("one task", oneTask), ("500 tasks or more", manyTasks),
            ("no memory metrics", noMetrics), ("huge numbers", huge), ("default bounds", fromProperties),
        ] {
            #expect(count >= 3, "only \(count) scenarios with \(what) in 300")
        }
    }
}
