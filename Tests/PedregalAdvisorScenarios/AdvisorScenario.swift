import Foundation
import PedregalAdvisor
import PedregalEventLog
import PedregalYAML

/// A job's sizing and its recent runs, made from choices, and the promises
/// the advisor keeps for every such input: it does not trap; it recommends
/// at least one executor, within the job's bounds and the platform's
/// limits, within the quota (or says it cannot); never less memory than
/// the runs used plus headroom (unless a bound holds it, and it says so);
/// only finite, non-negative times; valid JSON; the same advice every time.
public struct AdvisorScenario: Sendable {
    /// What the job is given.
    public var input: SizingInput
    /// Its runs.
    public var runs: [RunScenario]

    /// A scenario made from `c`; no stage has more than `largest` tasks, and with `huge` the first run's first stage has that many.
    public static func make(_ c: inout Choices, largest: Int = 1_000, huge: Bool = false) -> AdvisorScenario {
        let input = SizingScenario.make(&c)
        let count = max(huge ? 1 : 0, c.pick([1, 2, 3, 0, 6]))
        return AdvisorScenario(
            input: input,
            runs: (0..<count).map { RunScenario.make(&c, appID: "app-\($0)", largest: largest, huge: huge && $0 == 0) })
    }

    /// Headroom over observed memory, as the advisor promises it.
    static func withHeadroom(_ bytes: Int) -> Int {
        let mebibytes = (Double(max(0, bytes)) * (1 + Advisor.headroom) / Double(1 << 20)).rounded(.up)
        return mebibytes >= 9.0e18 ? .max : Int(mebibytes)
    }

    /// What is wrong with the advice for this scenario; empty when the advisor keeps every promise.
    /// With `twice`, the advice is made again and must be the same.
    public func violations(twice: Bool = true) -> [String] {
        let summaries = runs.map { $0.summary() }
        let advice = Advisor(input: input).advise(summaries)
        var problems: [String] = []
        func expect(_ condition: Bool, _ message: @autoclosure () -> String) { if !condition { problems.append(message()) } }
        let r = advice.recommended
        let bounds = input.bounds
        let notes = advice.notes.joined(separator: "\n")

        // Times: finite and non-negative.
        expect(advice.predictedWallTime >= 0, "predicted wall time \(advice.predictedWallTime) < 0")
        expect(advice.measuredWallTime >= 0, "measured wall time \(advice.measuredWallTime) < 0")
        expect(advice.executorTimeNow >= 0 && advice.executorTimeRecommended >= 0, "negative executor time")
        for point in advice.simulation {
            expect(point.executors >= 1, "a simulation at \(point.executors) executors")
            expect(point.wallTime >= 0 && point.executorTime >= 0, "simulated \(point.wallTime) ms at \(point.executors) executors")
        }
        for run in advice.runs {
            expect(run.wallTime >= 0 && run.criticalPath >= 0 && run.taskTime >= 0, "negative time in run \(run.appID)")
            expect(run.slotUtilisation.isFinite && run.gcShare.isFinite, "a share that is not finite in run \(run.appID)")
        }

        if !advice.runs.isEmpty {
            // Counts and bounds.
            expect(r.executorInstances >= 1, "\(r.executorInstances) executors recommended")
            expect(
                r.executorInstances <= bounds.executorInstances.upperBound,
                "\(r.executorInstances) executors, above the bound \(bounds.executorInstances.upperBound)")
            expect(
                r.executorInstances >= bounds.executorInstances.lowerBound || notes.contains("quota"),
                "\(r.executorInstances) executors, below the bound \(bounds.executorInstances.lowerBound), and no note why")
            expect(
                bounds.executorMemoryMiB.contains(r.executorMemoryMiB),
                "executor memory \(r.executorMemoryMiB)m outside \(bounds.executorMemoryMiB)")
            expect(
                bounds.driverMemoryMiB.contains(r.driverMemoryMiB), "driver memory \(r.driverMemoryMiB)m outside \(bounds.driverMemoryMiB)")
            if let partitions = r.shufflePartitions, partitions != input.shufflePartitions {
                expect(
                    bounds.shufflePartitions.contains(partitions), "\(partitions) shuffle partitions outside \(bounds.shufflePartitions)")
            }
            if let overhead = r.executorMemoryOverheadMiB {
                expect(overhead >= 0 && overhead <= Advisor.largestOverheadMiB, "memory overhead \(overhead)m")
            }

            // Never below what the runs used plus headroom, unless a bound holds it (and a note says so).
            let peakHeap = advice.runs.map(\.peakHeap).max() ?? 0
            if peakHeap > 0 {
                let floor = min(Self.withHeadroom(peakHeap), bounds.executorMemoryMiB.upperBound)
                expect(
                    r.executorMemoryMiB >= floor || notes.contains("bound"),
                    "executor memory \(r.executorMemoryMiB)m below the peak \(peakHeap) B plus headroom")
            }
            let driverPeak = advice.runs.map(\.driverPeakHeap).max() ?? 0
            if driverPeak > 0 {
                let floor = min(Self.withHeadroom(driverPeak), bounds.driverMemoryMiB.upperBound)
                expect(
                    r.driverMemoryMiB >= floor || notes.contains("bound"),
                    "driver memory \(r.driverMemoryMiB)m below the peak \(driverPeak) B plus headroom")
            }
            let heapBytes = r.executorMemoryMiB.multipliedReportingOverflow(by: 1 << 20)
            let beside =
                advice.runs.map { run in
                    let offHeap = run.peakOffHeap.addingReportingOverflow(run.peakPythonRSS)
                    let aboveHeap = heapBytes.overflow ? 0 : max(0, run.peakProcessRSS - heapBytes.partialValue)
                    return max(offHeap.overflow ? .max : offHeap.partialValue, aboveHeap)
                }.max() ?? 0
            if beside > 0 {
                let overhead = r.executorMemoryOverheadMiB ?? input.defaultOverheadMiB(heap: r.executorMemoryMiB)
                let floor = min(Self.withHeadroom(beside), Advisor.largestOverheadMiB)
                expect(
                    overhead >= floor || notes.contains("bound"),
                    "memory overhead \(overhead)m below the \(beside) B beside the heap plus headroom")
            }

            // Within the quota, or a note says the quota cannot hold it.
            if let quota = input.quota {
                let executorPod = Self.mebibytesToBytes(
                    r.executorMemoryMiB, plus: r.executorMemoryOverheadMiB ?? input.defaultOverheadMiB(heap: r.executorMemoryMiB))
                let driverPod = Self.mebibytesToBytes(
                    r.driverMemoryMiB, plus: input.driverMemoryOverheadMiB ?? input.defaultOverheadMiB(heap: r.driverMemoryMiB))
                let n = r.executorInstances
                let memory = Self.sum(driverPod, Self.product(n, executorPod))
                let cpu = Self.product(Self.sum(input.driverCores, Self.product(n, input.executorCores)), 1000)
                let fits =
                    memory <= (quota.memoryBytes ?? .max) && cpu <= (quota.cpuMillis ?? .max) && n + 1 <= (quota.pods ?? .max)
                expect(
                    fits || notes.contains("quota"), "\(n) executors need \(memory) B and \(cpu)m CPU: over the quota, and no note says so")
            }
        }

        // Output: valid JSON, no NaN or infinity anywhere, the same every time.
        let json = JSONWriter.pretty(advice.json(subject: "scenario"))
        let text = advice.text(subject: "scenario")
        expect((try? JSONSerialization.jsonObject(with: Data(json.utf8))) != nil, "the JSON report does not parse")
        for (name, output) in [("text", text), ("JSON", json)] {
            let words = Set(output.lowercased().split { !$0.isLetter }.map(String.init))
            expect(words.isDisjoint(with: ["nan", "inf", "infinity"]), "NaN or infinity in the \(name) report")
        }
        if twice {
            let again = Advisor(input: input).advise(runs.map { $0.summary() })
            expect(JSONWriter.pretty(again.json(subject: "scenario")) == json, "the same runs gave different advice")
        }
        return problems
    }

    static func sum(_ a: Int, _ b: Int) -> Int {
        let (value, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? .max : .min) : value
    }

    static func product(_ a: Int, _ b: Int) -> Int {
        let (value, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? ((a < 0) == (b < 0) ? .max : .min) : value
    }

    static func mebibytesToBytes(_ a: Int, plus b: Int) -> Int { product(sum(a, b), 1 << 20) }
}
