/// Folds events into an `ApplicationSummary`, one event at a time.
public struct SummaryBuilder {
    private var summary: ApplicationSummary
    private var executorIndex: [String: Int32] = [:]
    private var stageIndex: [StageKey: Int] = [:]
    private var jobIndex: [Int: Int] = [:]
    private var stageShuffleReads: [StageKey: [Int]] = [:]

    private struct StageKey: Hashable {
        var id: Int
        var attempt: Int
    }

    /// A builder for the log at `location`.
    public init(location: EventLogLocation) {
        summary = ApplicationSummary(
            appID: location.appID, name: "", inProgress: location.inProgress, sparkProperties: [:], executors: [],
            driverPeaks: ExecutorPeaks(), jobs: [], stages: [], tasks: [], taskFailures: [], taskFailureCounts: [:],
            statistics: ReadStatistics(), lastEventTime: 0)
    }

    private mutating func seen(_ time: Int) {
        if time > summary.lastEventTime { summary.lastEventTime = time }
    }

    private mutating func executor(_ id: String) -> Int32 {
        if let index = executorIndex[id] { return index }
        let index = Int32(summary.executors.count)
        summary.executors.append(
            ExecutorSummary(
                id: id, host: "", cores: 0, added: 0, peaks: ExecutorPeaks(), tasks: 0, failedTasks: 0, taskTime: 0, gcTime: 0))
        executorIndex[id] = index
        return index
    }

    private mutating func stage(_ id: Int, _ attempt: Int) -> Int {
        let key = StageKey(id: id, attempt: attempt)
        if let index = stageIndex[key] { return index }
        summary.stages.append(StageSummary(id: id, attempt: attempt, name: "", taskCount: 0, parentIDs: []))
        stageIndex[key] = summary.stages.count - 1
        return summary.stages.count - 1
    }

    private mutating func merge(_ info: StageInfo) {
        let index = stage(info.id, info.attempt)
        summary.stages[index].name = info.name
        summary.stages[index].taskCount = info.taskCount
        summary.stages[index].parentIDs = info.parentIDs
        if let submitted = info.submitted { summary.stages[index].submitted = submitted }
        if let completed = info.completed {
            summary.stages[index].completed = completed
            seen(completed)
        }
        if let reason = info.failureReason { summary.stages[index].failureReason = reason }
    }

    /// Adds one event.
    public mutating func add(_ event: SparkEvent) {
        switch event {
        case .logStart(let version): summary.sparkVersion = version
        case .applicationStart(let start):
            summary.name = start.name
            if let id = start.id { summary.appID = id }
            summary.attemptID = start.attemptID
            summary.user = start.user
            summary.start = start.time
            seen(start.time)
        case .applicationEnd(let time):
            summary.end = time
            seen(time)
        case .environmentUpdate(let properties): summary.sparkProperties.merge(properties) { _, new in new }
        case .resourceProfileAdded(let profile):
            if profile.id == 0 || summary.resourceProfile == nil { summary.resourceProfile = profile }
        case .executorAdded(let added):
            let index = Int(executor(added.id))
            summary.executors[index].host = added.host
            summary.executors[index].cores = added.cores
            summary.executors[index].added = added.time
            seen(added.time)
        case .executorRemoved(let removed):
            let index = Int(executor(removed.id))
            summary.executors[index].removed = removed.time
            summary.executors[index].removedReason = removed.reason
            seen(removed.time)
        case .blockManagerAdded(let added):
            if added.executorID == "driver" {
                summary.driverMaxMemory = added.maxMemory
            } else {
                summary.executors[Int(executor(added.executorID))].maxMemory = added.maxMemory
            }
        case .jobStart(let start):
            jobIndex[start.id] = summary.jobs.count
            summary.jobs.append(
                JobSummary(id: start.id, submitted: start.time, stageIDs: start.stageIDs, sqlExecutionID: start.sqlExecutionID))
            seen(start.time)
        case .jobEnd(let end):
            guard let index = jobIndex[end.id] else { return }
            summary.jobs[index].completed = end.time
            summary.jobs[index].succeeded = end.succeeded
            summary.jobs[index].failure = end.failure
            seen(end.time)
        case .stageSubmitted(let info), .stageCompleted(let info): merge(info)
        case .taskEnd(let task): add(task)
        case .stageExecutorMetrics(let metrics):
            if metrics.executorID == "driver" {
                summary.driverPeaks = summary.driverPeaks.merged(with: metrics.peaks)
            } else {
                let index = Int(executor(metrics.executorID))
                summary.executors[index].peaks = summary.executors[index].peaks.merged(with: metrics.peaks)
            }
        case .other: break
        }
    }

    private mutating func add(_ task: TaskEnd) {
        seen(task.finishTime)
        let executorIndex = executor(task.executorID)
        let e = Int(executorIndex)
        summary.executors[e].tasks += 1
        summary.executors[e].taskTime = summary.executors[e].taskTime.plus(task.duration)
        summary.executors[e].gcTime = summary.executors[e].gcTime.plus(task.metrics.gcTime)
        if !task.executorMetrics.isEmpty {
            summary.executors[e].peaks = summary.executors[e].peaks.merged(with: task.executorMetrics)
        }
        let s = stage(task.stageID, task.stageAttempt)
        let m = task.metrics
        summary.stages[s].tasksEnded += 1
        summary.stages[s].taskTime = summary.stages[s].taskTime.plus(task.duration)
        summary.stages[s].runTime = summary.stages[s].runTime.plus(m.runTime)
        summary.stages[s].cpuTime = summary.stages[s].cpuTime.plus(m.cpuTimeNanos / 1_000_000)
        summary.stages[s].gcTime = summary.stages[s].gcTime.plus(m.gcTime)
        summary.stages[s].memoryBytesSpilled = summary.stages[s].memoryBytesSpilled.plus(m.memoryBytesSpilled)
        summary.stages[s].diskBytesSpilled = summary.stages[s].diskBytesSpilled.plus(m.diskBytesSpilled)
        summary.stages[s].shuffleReadBytes = summary.stages[s].shuffleReadBytes.plus(m.shuffleReadBytes)
        summary.stages[s].shuffleWriteBytes = summary.stages[s].shuffleWriteBytes.plus(m.shuffleWriteBytes)
        summary.stages[s].inputBytes = summary.stages[s].inputBytes.plus(m.inputBytes)
        summary.stages[s].outputBytes = summary.stages[s].outputBytes.plus(m.outputBytes)
        summary.stages[s].peakExecutionMemory = max(summary.stages[s].peakExecutionMemory, m.peakExecutionMemory)
        if task.succeeded {
            stageShuffleReads[StageKey(id: task.stageID, attempt: task.stageAttempt), default: []].append(m.shuffleReadBytes)
        } else {
            summary.stages[s].failedTasks += 1
            summary.executors[e].failedTasks += 1
            summary.taskFailureCounts[task.reason.kind, default: 0] += 1
            if summary.taskFailures.count < TaskFailure.kept {
                summary.taskFailures.append(
                    TaskFailure(
                        stage: task.stageID, stageAttempt: task.stageAttempt, index: task.index, attempt: task.attempt,
                        executorID: task.executorID, time: task.finishTime, reason: task.reason))
            }
        }
        summary.tasks.append(
            TaskRecord(
                stage: Int32(clamping: task.stageID), stageAttempt: Int16(clamping: task.stageAttempt), succeeded: task.succeeded,
                speculative: task.speculative, executor: executorIndex, index: Int32(clamping: task.index),
                launch: task.launchTime, finish: task.finishTime))
    }

    /// The summary, with per-stage distributions computed and everything in a stable order.
    public mutating func finish(_ statistics: ReadStatistics) -> ApplicationSummary {
        var durations: [StageKey: [Int]] = [:]
        for task in summary.tasks where task.succeeded {
            durations[StageKey(id: Int(task.stage), attempt: Int(task.stageAttempt)), default: []].append(task.duration)
        }
        for index in summary.stages.indices {
            let key = StageKey(id: summary.stages[index].id, attempt: summary.stages[index].attempt)
            let sorted = (durations[key] ?? []).sorted()
            if !sorted.isEmpty {
                summary.stages[index].medianTaskTime = sorted[sorted.count / 2]
                summary.stages[index].p75TaskTime = sorted[min(sorted.count - 1, sorted.count * 3 / 4)]
                summary.stages[index].maxTaskTime = sorted[sorted.count - 1]
            }
            let reads = (stageShuffleReads[key] ?? []).sorted()
            if !reads.isEmpty {
                summary.stages[index].medianTaskShuffleRead = reads[reads.count / 2]
                summary.stages[index].maxTaskShuffleRead = reads[reads.count - 1]
            }
        }
        summary.stages.sort { ($0.id, $0.attempt) < ($1.id, $1.attempt) }
        summary.jobs.sort { $0.id < $1.id }
        // Executors keep their indices (tasks point at them); the order is
        // the order they appeared, which Spark numbers in the same order.
        summary.statistics = statistics
        return summary
    }
}
