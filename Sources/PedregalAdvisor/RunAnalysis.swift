import PedregalEventLog

/// What one run used of what it was given.
public struct RunAnalysis: Sendable {
    /// The application id.
    public var appID: String
    /// Its name.
    public var name: String
    /// When it started, ms since 1970.
    public var start: Int
    /// Whether it ended and every job succeeded.
    public var succeeded: Bool
    /// Wall time, ms.
    public var wallTime: Int
    /// Executors it had, and the most task slots at once.
    public var executors: Int
    /// Task slots at the run's peak.
    public var slots: Int
    /// Executor lifetime, ms, summed over executors (what the cluster billed).
    public var executorTime: Int
    /// Slot time allocated (executor lifetime × cores), ms.
    public var slotTime: Int
    /// Slot time tasks used, ms.
    public var taskTime: Int
    /// Largest used JVM heap of any executor, bytes, and where.
    public var peakHeap: Int
    /// The executor with `peakHeap`.
    public var peakHeapExecutor: String?
    /// Largest off-heap use (JVM non-heap, direct and mapped buffers) of any executor, bytes.
    public var peakOffHeap: Int
    /// Largest resident set of an executor's process tree (JVM + Python + other), bytes; 0 when not measured.
    public var peakProcessRSS: Int
    /// Of which Python workers, bytes.
    public var peakPythonRSS: Int
    /// The driver's largest used heap (stage executor metrics), bytes; 0 when not logged.
    public var driverPeakHeap: Int
    /// Largest `Peak Execution Memory` of one task, bytes.
    public var peakTaskExecutionMemory: Int
    /// Bytes spilled (in memory form) and their size on disk.
    public var memorySpilled: Int
    /// Their size on disk.
    public var diskSpilled: Int
    /// GC time over executor run time.
    public var gcShare: Double
    /// Shuffle bytes read and written.
    public var shuffleRead: Int
    /// Shuffle bytes written.
    public var shuffleWrite: Int
    /// The largest shuffle one stage read, bytes, and its task count.
    public var largestStageShuffleRead: Int
    /// Tasks of the stage that read `largestStageShuffleRead`.
    public var largestShuffleStageTasks: Int
    /// Stages whose longest task is far above their median.
    public var skewedStages: [SkewedStage]
    /// The run's time with unlimited executors, ms.
    public var criticalPath: Int
    /// Failed task attempts.
    public var failedTasks: Int
    /// Whether the run used Spark SQL (jobs of SQL executions).
    public var usesSQL: Bool
    /// The schedule, for predictions at other executor counts.
    public var simulator: ScheduleSimulator

    /// Slot time used over allocated.
    public var slotUtilisation: Double { slotTime > 0 ? Double(taskTime) / Double(slotTime) : 0 }

    /// Analyses `run`.
    public init(_ run: ApplicationSummary) {
        appID = run.appID
        name = run.name
        start = run.start ?? 0
        succeeded = run.succeeded
        wallTime = run.wallTime
        let end = run.end ?? run.lastEventTime
        executors = run.executors.filter { $0.cores > 0 || $0.tasks > 0 }.count
        var executorTime = 0
        var slotTime = 0
        var peakHeap = 0
        var peakHeapExecutor: String?
        var peakOffHeap = 0
        var peakRSS = 0
        var peakPython = 0
        for executor in run.executors {
            let lifetime = max(0, (executor.removed ?? end).minus(executor.added))
            if executor.added > 0 {
                executorTime = executorTime.plus(lifetime)
                slotTime = slotTime.plus(lifetime.times(max(1, executor.cores)))
            }
            if executor.peaks.jvmHeap > peakHeap {
                peakHeap = executor.peaks.jvmHeap
                peakHeapExecutor = executor.id
            }
            let offHeap = [executor.peaks.jvmOffHeap, executor.peaks.directPool, executor.peaks.mappedPool].map { max(0, $0) }
            peakOffHeap = max(peakOffHeap, offHeap.saturatedSum())
            let rss = [executor.peaks.processTreeJVMRSS, executor.peaks.processTreePythonRSS, executor.peaks.processTreeOtherRSS]
                .map { max(0, $0) }.saturatedSum()
            peakRSS = max(peakRSS, rss)
            peakPython = max(peakPython, executor.peaks.processTreePythonRSS)
        }
        self.executorTime = executorTime
        self.slotTime = slotTime
        self.taskTime = run.tasks.map(\.duration).saturatedSum()
        self.peakHeap = peakHeap
        self.peakHeapExecutor = peakHeapExecutor
        self.peakOffHeap = peakOffHeap
        self.peakProcessRSS = peakRSS
        self.peakPythonRSS = peakPython
        driverPeakHeap = max(0, run.driverPeaks.jvmHeap)
        peakTaskExecutionMemory = max(0, run.stages.map(\.peakExecutionMemory).max() ?? 0)
        // A log may carry negative amounts; they count as none.
        memorySpilled = run.stages.map { max(0, $0.memoryBytesSpilled) }.saturatedSum()
        diskSpilled = run.stages.map { max(0, $0.diskBytesSpilled) }.saturatedSum()
        let runTime = run.stages.map { max(0, $0.runTime) }.saturatedSum()
        let gcTime = run.stages.map { max(0, $0.gcTime) }.saturatedSum()
        // GC time is part of run time: a log that says otherwise is held at all of it.
        gcShare = runTime > 0 ? min(1, Double(gcTime) / Double(runTime)) : 0
        shuffleRead = run.stages.map { max(0, $0.shuffleReadBytes) }.saturatedSum()
        shuffleWrite = run.stages.map { max(0, $0.shuffleWriteBytes) }.saturatedSum()
        let largest = run.stages.max { $0.shuffleReadBytes < $1.shuffleReadBytes }
        largestStageShuffleRead = max(0, largest?.shuffleReadBytes ?? 0)
        largestShuffleStageTasks = largest?.tasksEnded ?? 0
        skewedStages = run.stages.compactMap(SkewedStage.init)
        failedTasks = run.stages.map(\.failedTasks).saturatedSum()
        usesSQL = run.jobs.contains { $0.sqlExecutionID != nil }
        simulator = ScheduleSimulator(run)
        slots = simulator.slots
        criticalPath = simulator.criticalPath
    }
}

/// A stage whose longest task is far above its median: more executors do
/// not shorten it, splitting the hot keys does.
public struct SkewedStage: Sendable, Equatable {
    /// `Stage ID`.
    public var id: Int
    /// `Stage Name`.
    public var name: String
    /// Its tasks.
    public var tasks: Int
    /// Median and longest task, ms.
    public var medianTaskTime: Int
    /// Longest task, ms.
    public var maxTaskTime: Int
    /// Median and largest shuffle read of a task, bytes.
    public var medianShuffleRead: Int
    /// Largest shuffle read of a task, bytes.
    public var maxShuffleRead: Int

    /// Longest over median task time.
    public var ratio: Double { Double(maxTaskTime) / Double(max(1, medianTaskTime)) }

    /// The stage when it is skewed: at least 4 tasks, the longest ≥ 3× the
    /// median and ≥ 2 s longer than it.
    init?(_ stage: StageSummary) {
        guard stage.tasksEnded >= 4, stage.maxTaskTime >= max(1, stage.medianTaskTime).times(3),
            stage.maxTaskTime.minus(stage.medianTaskTime) >= 2000
        else { return nil }
        id = stage.id
        name = stage.name
        tasks = stage.tasksEnded
        medianTaskTime = stage.medianTaskTime
        maxTaskTime = stage.maxTaskTime
        medianShuffleRead = stage.medianTaskShuffleRead
        maxShuffleRead = stage.maxTaskShuffleRead
    }
}
