import PedregalEventLog

/// Replays a run's tasks on another number of task slots, Sparklens' way:
/// each job's stages in the order they were submitted, a stage no earlier
/// than its parents' end, each task (same duration as measured, in launch
/// order) on the slot that frees first. Jobs run one after another and the
/// driver's own time between them does not change.
public struct ScheduleSimulator: Sendable {
    struct Stage {
        var id: Int
        var parents: [Int]
        var submitted: Int
        var durations: [Int]
    }

    struct Job {
        var measured: Int
        var stages: [Stage]
        var taskCount: Int
    }

    let jobs: [Job]
    /// The jobs' simulated times on the run's own slots, which calibrate every prediction.
    let baseline: [Int]
    /// Wall time outside every job: the driver alone (start-up, planning, collecting).
    public let driverTime: Int
    /// The run's task slots (executor cores) at its largest.
    public let slots: Int

    /// The schedule of `run`.
    public init(_ run: ApplicationSummary) {
        var tasksByStage: [Int64: [TaskRecord]] = [:]
        for task in run.tasks { tasksByStage[Int64(task.stage) << 16 | Int64(task.stageAttempt), default: []].append(task) }
        var assigned: Set<Int64> = []
        var jobs: [Job] = []
        for job in run.jobs.sorted(by: { $0.submitted < $1.submitted }) {
            let end = job.completed ?? run.lastEventTime
            var stages: [Stage] = []
            for stage in run.stages where job.stageIDs.contains(stage.id) {
                let key = Int64(stage.id) << 16 | Int64(stage.attempt)
                guard let tasks = tasksByStage[key], !assigned.contains(key) else { continue }
                let submitted = stage.submitted ?? tasks.map(\.launch).min() ?? job.submitted
                guard submitted >= job.submitted.minus(1), submitted <= end else { continue }
                assigned.insert(key)
                let ordered = tasks.sorted { ($0.launch, $0.index) < ($1.launch, $1.index) }
                stages.append(Stage(id: stage.id, parents: stage.parentIDs, submitted: submitted, durations: ordered.map(\.duration)))
            }
            stages.sort { ($0.submitted, $0.id) < ($1.submitted, $1.id) }
            jobs.append(
                Job(measured: max(0, end.minus(job.submitted)), stages: stages, taskCount: stages.reduce(0) { $0 + $1.durations.count }))
        }
        self.jobs = jobs
        // Time covered by at least one job.
        var covered = 0
        var reach = Int.min
        for job in run.jobs.sorted(by: { $0.submitted < $1.submitted }) {
            let end = job.completed ?? run.lastEventTime
            let start = max(job.submitted, reach)
            if end > start { covered = covered.plus(end.minus(start)) }
            reach = max(reach, end)
        }
        self.driverTime = max(0, run.wallTime.minus(covered))
        self.slots = max(1, Self.peakSlots(run))
        self.baseline = Self.simulatedJobTimes(jobs, slots: slots)
    }

    /// The most executor cores alive at once.
    static func peakSlots(_ run: ApplicationSummary) -> Int {
        var changes: [(time: Int, delta: Int)] = []
        for executor in run.executors where executor.cores > 0 {
            changes.append((executor.added, executor.cores))
            if let removed = executor.removed { changes.append((removed, -executor.cores)) }
        }
        changes.sort { ($0.time, $0.delta) < ($1.time, $1.delta) }
        var current = 0
        var peak = 0
        for change in changes {
            current = current.plus(change.delta)
            peak = max(peak, current)
        }
        return peak
    }

    /// The jobs' simulated time on `slots` slots, job by job, ms.
    func simulatedJobTimes(slots: Int) -> [Int] { Self.simulatedJobTimes(jobs, slots: slots) }

    static func simulatedJobTimes(_ jobs: [Job], slots: Int) -> [Int] {
        jobs.map { job in
            let count = max(1, min(slots, max(job.taskCount, 1)))
            var heap = MinHeap(repeating: 0, count: count)
            var finish: [Int: Int] = [:]
            var end = 0
            for stage in job.stages {
                let ready = stage.parents.compactMap { finish[$0] }.max() ?? 0
                var stageEnd = ready
                for duration in stage.durations {
                    let start = max(heap.popMin(), ready)
                    let end = start.plus(duration)
                    heap.push(end)
                    stageEnd = max(stageEnd, end)
                }
                finish[stage.id] = max(finish[stage.id] ?? 0, stageEnd)
                end = max(end, stageEnd)
            }
            return end
        }
    }

    /// The run's predicted wall time on `slots` slots, ms: the driver's time
    /// plus each job's, calibrated on the measured run (what the simulation
    /// does not see, such as scheduling delays, is kept as measured).
    public func predictedWallTime(slots: Int) -> Int {
        let simulated = simulatedJobTimes(slots: slots)
        var total = driverTime
        for (index, job) in jobs.enumerated() {
            let base = baseline[index]
            let predicted: Int
            if base <= 0 {
                predicted = job.measured
            } else if job.measured >= base {
                predicted = simulated[index].plus(job.measured - base)
            } else {
                predicted = Int(saturating: Double(job.measured) * Double(simulated[index]) / Double(base))
            }
            total = total.plus(predicted)
        }
        return total
    }

    /// The run's wall time with as many executors as it could use: every
    /// stage as long as its longest task (the critical path), ms.
    public var criticalPath: Int { predictedWallTime(slots: widestJob) }

    /// The most tasks of one job: with this many slots or more, every replay is the same.
    public var widestJob: Int { max(1, jobs.map(\.taskCount).max() ?? 1) }
}

/// A binary min-heap of slot free times.
struct MinHeap {
    private var items: [Int]

    init(repeating value: Int, count: Int) { items = Array(repeating: value, count: count) }

    mutating func popMin() -> Int {
        let top = items[0]
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var index = 0
            while true {
                let left = 2 * index + 1
                let right = left + 1
                var smallest = index
                if left < items.count && items[left] < items[smallest] { smallest = left }
                if right < items.count && items[right] < items[smallest] { smallest = right }
                if smallest == index { break }
                items.swapAt(index, smallest)
                index = smallest
            }
        }
        return top
    }

    mutating func push(_ value: Int) {
        items.append(value)
        var index = items.count - 1
        while index > 0 {
            let parent = (index - 1) / 2
            if items[parent] <= items[index] { break }
            items.swapAt(parent, index)
            index = parent
        }
    }
}
