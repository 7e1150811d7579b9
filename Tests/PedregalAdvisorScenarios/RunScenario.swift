import PedregalEventLog

/// One run of a Spark application as the lines of its event log (Spark's
/// `JsonProtocol` field names), made from choices: executors that come and
/// go, jobs of stages with parents, tasks list-scheduled on the executors,
/// with or without executor metrics, spill, GC and shuffle, and now and then
/// what a corrupt or hostile log holds (times and sizes at `Int`'s bounds,
/// negative cores, unknown executors and parents, failed or unfinished jobs).
public struct RunScenario: Sendable {
    /// The log, one JSON event per line.
    public var lines: [String]
    /// The application id.
    public var appID: String
    /// Whether the log is still being written (no end).
    public var inProgress: Bool

    /// The run as the reader sees it: every line decoded, then summarised.
    public func summary() -> ApplicationSummary {
        var builder = SummaryBuilder(
            location: EventLogLocation(path: appID, appID: appID, files: [appID], inProgress: inProgress, rolling: false))
        var statistics = ReadStatistics()
        for line in lines {
            statistics.lines += 1
            guard let event = try? EventDecoder.decode(Array(line.utf8)[...]) else {
                statistics.malformedLines += 1
                continue
            }
            statistics.events += 1
            builder.add(event)
        }
        return builder.finish(statistics)
    }

    /// A run made from `choices`; `largest` caps the tasks of one stage, and with `huge` the first stage has that many.
    public static func make(_ c: inout Choices, appID: String, largest: Int, huge: Bool = false) -> RunScenario {
        var lines: [String] = []
        func event(_ name: String, _ fields: String) { lines.append(#"{"Event":"\#(name)",\#(fields)}"#) }
        let start: Int
        switch c.int(0...11) {
        case 0: start = 0
        case 1: start = Int.max - c.int(0...10_000_000)
        case 2: start = c.int(Int.min...Int.max)
        case 3: start = -c.int(0...1_000_000_000_000)
        default: start = 1_765_000_000_000 + c.int(0...10_000_000_000)
        }
        let inProgress = c.oneIn(8)
        event("SparkListenerLogStart", #""Spark Version":"4.0.1""#)
        event("SparkListenerApplicationStart", #""App Name":"job","App ID":"\#(appID)","Timestamp":\#(start),"User":"spark""#)
        if c.oneIn(3) {
            let properties = (0..<c.int(0...6)).map { _ in
                #""\#(c.pick(SizingScenario.propertyKeys))":"\#(c.pick(SizingScenario.propertyValues))""#
            }
            event("SparkListenerEnvironmentUpdate", #""Spark Properties":{\#(properties.joined(separator: ","))}"#)
        }
        // Executors, each with its cores and when it came and went.
        let executorCount = c.pick([1, 2, 0, 3, 4, 6, 8, 16, 64])
        var free: [Int] = []
        for id in 0..<executorCount {
            let cores = c.oneIn(10) ? c.amount(typical: 1...8) : c.int(1...8)
            let added = c.oneIn(12) ? 0 : start &+ c.amount(typical: 0...5_000)
            event(
                "SparkListenerExecutorAdded",
                #""Timestamp":\#(added),"Executor ID":"\#(id)","Executor Info":{"Host":"h\#(id)","Total Cores":\#(cores),"Resource Profile Id":0}"#
            )
            free.append(added)
        }
        if free.isEmpty { free = [start] }
        var clock = start &+ c.int(0...10_000)
        var stageID = 0
        let heapTypical = c.pick([(50 << 20)...(900 << 20), (1 << 30)...(48 << 30), 0...(1 << 20)])
        // Now and then the smallest run there is: one job of one stage of one task.
        let single = !huge && c.oneIn(10)
        for job in 0..<(single || huge ? 1 : c.int(0...4)) {
            let stages = (0..<(single ? 1 : c.int(1...4))).map { stageID + $0 }
            let sql = c.oneIn(2) ? #""Properties":{"spark.sql.execution.id":"\#(job)"}"# : #""Properties":null"#
            let submitted = clock
            event(
                "SparkListenerJobStart",
                #""Job ID":\#(job),"Submission Time":\#(submitted),"Stage IDs":[\#(stages.map(String.init).joined(separator: ","))],\#(sql)"#
            )
            var ends: [Int: Int] = [:]
            for (position, stage) in stages.enumerated() {
                var parents = stages[..<position].filter { _ in c.oneIn(2) }
                if c.oneIn(15) { parents.append(c.pick([999, -1, stage])) }
                let ready = parents.compactMap { ends[$0] }.max() ?? submitted
                let attempts = !single && c.oneIn(10) ? 2 : 1
                for attempt in 0..<attempts {
                    let tasks = single ? 1 : huge && stage == 0 && attempt == 0 ? largest : stageTasks(&c, largest: largest)
                    let stageSubmitted = c.oneIn(12) ? "null" : String(ready)
                    let info =
                        #""Stage ID":\#(stage),"Stage Attempt ID":\#(attempt),"Stage Name":"stage \#(stage)","Number of Tasks":\#(tasks),"Parent IDs":[\#(parents.map(String.init).joined(separator: ","))],"Submission Time":\#(stageSubmitted)"#
                    event("SparkListenerStageSubmitted", #""Stage Info":{\#(info)}"#)
                    let durations = c.pick([0...20_000, 0...100, 1_000...600_000, 0...3])
                    let heap = c.oneIn(5) ? nil : c.amount(typical: heapTypical)
                    let spill = c.oneIn(4) ? c.amount(typical: 0...(1 << 30)) : 0
                    let shuffle = c.oneIn(2) ? c.amount(typical: 0...(256 << 20)) : 0
                    let python = c.oneIn(3) ? c.amount(typical: 0...(400 << 20)) : 0
                    var stageEnd = ready
                    for index in 0..<tasks {
                        let slot = free.indices.min { free[$0] < free[$1] } ?? 0
                        let launch = max(free[slot], ready)
                        let duration = c.oneIn(40) ? c.amount(typical: durations) : c.int(durations)
                        let finish = launch &+ duration
                        free[slot] = finish
                        stageEnd = max(stageEnd, finish)
                        let executor = executorCount == 0 || c.oneIn(50) ? c.pick(["driver", "ghost", "0"]) : String(slot)
                        let reason =
                            c.oneIn(25)
                            ? #"{"Reason":"ExceptionFailure","Class Name":"java.lang.RuntimeException"}"# : #"{"Reason":"Success"}"#
                        let metrics =
                            heap.map { heap in
                                #","Task Executor Metrics":{"JVMHeapMemory":\#(heap &+ c.int(0...(1 << 20))),"JVMOffHeapMemory":\#(c.amount(typical: 0...(200 << 20))),"DirectPoolMemory":\#(c.int(0...(1 << 20))),"OnHeapExecutionMemory":\#(c.int(0...(64 << 20))),"ProcessTreeJVMRSSMemory":\#(c.oneIn(2) ? heap &+ (300 << 20) : 0),"ProcessTreePythonRSSMemory":\#(python)}"#
                            } ?? ""
                        let run = c.oneIn(30) ? c.amount(typical: 0...max(0, duration)) : duration
                        let taskMetrics =
                            #"{"Executor Run Time":\#(run),"JVM GC Time":\#(c.oneIn(6) ? c.amount(typical: 0...max(0, run)) : 0),"Peak Execution Memory":\#(c.oneIn(3) ? c.amount(typical: 0...(256 << 20)) : 0),"Memory Bytes Spilled":\#(spill),"Disk Bytes Spilled":\#(spill / 3),"Shuffle Read Metrics":{"Remote Bytes Read":\#(shuffle)},"Shuffle Write Metrics":{"Shuffle Bytes Written":\#(shuffle)}}"#
                        event(
                            "SparkListenerTaskEnd",
                            #""Stage ID":\#(stage),"Stage Attempt ID":\#(attempt),"Task End Reason":\#(reason),"Task Info":{"Task ID":\#(index),"Index":\#(index),"Attempt":0,"Executor ID":"\#(executor)","Launch Time":\#(launch),"Finish Time":\#(finish),"Speculative":false},"Task Metrics":\#(taskMetrics)\#(metrics)"#
                        )
                    }
                    ends[stage] = stageEnd
                    if c.oneIn(4) {
                        let peaks =
                            #""JVMHeapMemory":\#(c.amount(typical: (40 << 20)...(2 << 30))),"JVMOffHeapMemory":\#(c.int(0...(100 << 20)))"#
                        event(
                            "SparkListenerStageExecutorMetrics",
                            #""Executor ID":"driver","Stage ID":\#(stage),"Stage Attempt ID":\#(attempt),"Executor Metrics":{\#(peaks)}"#)
                    }
                    let completion = c.oneIn(15) ? "null" : String(stageEnd)
                    let failure = attempt + 1 < attempts ? #","Failure Reason":"fetch failed""# : ""
                    event("SparkListenerStageCompleted", #""Stage Info":{\#(info),"Completion Time":\#(completion)\#(failure)}"#)
                }
            }
            clock = (ends.values.max() ?? clock) &+ c.int(0...5_000)
            switch c.int(0...9) {
            case 0: break
            case 1:
                event(
                    "SparkListenerJobEnd",
                    #""Job ID":\#(job),"Completion Time":\#(clock),"Job Result":{"Result":"JobFailed","Exception":{"Message":"boom"}}"#)
            default: event("SparkListenerJobEnd", #""Job ID":\#(job),"Completion Time":\#(clock),"Job Result":{"Result":"JobSucceeded"}"#)
            }
            stageID += stages.count
        }
        for id in 0..<executorCount where c.oneIn(6) {
            event(
                "SparkListenerExecutorRemoved", #""Timestamp":\#(clock &- c.int(0...1_000)),"Executor ID":"\#(id)","Removed Reason":"idle""#
            )
        }
        if !inProgress { event("SparkListenerApplicationEnd", #""Timestamp":\#(clock &+ c.int(0...2_000))"#) }
        return RunScenario(lines: lines, appID: appID, inProgress: inProgress)
    }

    /// Tasks of one stage attempt: none, one, a few, now and then many.
    static func stageTasks(_ c: inout Choices, largest: Int) -> Int {
        switch c.int(0...39) {
        case 0, 1: return 0
        case 2...5: return 1
        case 6: return min(largest, c.int(100...1_000))
        default: return c.int(2...24)
        }
    }
}
