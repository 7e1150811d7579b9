/// Decodes one event line (Spark's `JsonProtocol`) into a `SparkEvent`.
///
/// Spark writes `"Event"` first, so an event pedregal has no use for
/// (`SparkListenerBlockUpdated`, SQL plans, …) is recognised from the first
/// bytes and never parsed further.
public enum EventDecoder {
    /// The event on `line`; throws `JSONScanner.Malformed` when the line is not the JSON expected.
    public static func decode(_ line: ArraySlice<UInt8>) throws -> SparkEvent {
        var s = JSONScanner(line)
        try s.beginObject()
        guard let firstKey = try s.nextKey() else { throw JSONScanner.Malformed(expected: "an \"Event\" key", offset: 0) }
        guard firstKey == "Event" else {
            // Not Spark's own order: find the name, then read again from the start.
            try s.skip()
            while let key = try s.nextKey() {
                if key == "Event" {
                    let name = try s.string()
                    var again = JSONScanner(line)
                    try again.beginObject()
                    return try decode(name: name, &again)
                }
                try s.skip()
            }
            throw JSONScanner.Malformed(expected: "an \"Event\" key", offset: 0)
        }
        return try decode(name: try s.string(), &s)
    }

    private static func decode(name: String, _ s: inout JSONScanner) throws -> SparkEvent {
        switch name {
        case "SparkListenerTaskEnd": return .taskEnd(try taskEnd(&s))
        case "SparkListenerStageCompleted": return .stageCompleted(try stageEvent(&s))
        case "SparkListenerStageSubmitted": return .stageSubmitted(try stageEvent(&s))
        case "SparkListenerJobStart": return .jobStart(try jobStart(&s))
        case "SparkListenerJobEnd": return .jobEnd(try jobEnd(&s))
        case "SparkListenerExecutorAdded": return .executorAdded(try executorAdded(&s))
        case "SparkListenerExecutorRemoved":
            var removed = ExecutorRemoved(id: "", time: 0, reason: "")
            while let key = try s.nextKey() {
                switch key {
                case "Executor ID": removed.id = try s.string()
                case "Timestamp": removed.time = try s.int()
                case "Removed Reason": removed.reason = try s.string()
                default: try s.skip()
                }
            }
            return .executorRemoved(removed)
        case "SparkListenerBlockManagerAdded": return .blockManagerAdded(try blockManagerAdded(&s))
        case "SparkListenerStageExecutorMetrics":
            var metrics = StageExecutorMetrics(executorID: "", stageID: 0, stageAttempt: 0, peaks: ExecutorPeaks())
            while let key = try s.nextKey() {
                switch key {
                case "Executor ID": metrics.executorID = try s.string()
                case "Stage ID": metrics.stageID = try s.int()
                case "Stage Attempt ID": metrics.stageAttempt = try s.int()
                case "Executor Metrics": metrics.peaks = ExecutorPeaks(try s.numberMap())
                default: try s.skip()
                }
            }
            return .stageExecutorMetrics(metrics)
        case "SparkListenerApplicationStart":
            var start = ApplicationStart(name: "", id: nil, attemptID: nil, time: 0, user: nil)
            while let key = try s.nextKey() {
                switch key {
                case "App Name": start.name = try s.string()
                case "App ID": start.id = try optionalString(&s)
                case "App Attempt ID": start.attemptID = try optionalString(&s)
                case "Timestamp": start.time = try s.int()
                case "User": start.user = try optionalString(&s)
                default: try s.skip()
                }
            }
            return .applicationStart(start)
        case "SparkListenerApplicationEnd":
            var time = 0
            while let key = try s.nextKey() {
                if key == "Timestamp" { time = try s.int() } else { try s.skip() }
            }
            return .applicationEnd(time: time)
        case "SparkListenerLogStart":
            var version = ""
            while let key = try s.nextKey() {
                if key == "Spark Version" { version = try s.string() } else { try s.skip() }
            }
            return .logStart(sparkVersion: version)
        case "SparkListenerEnvironmentUpdate":
            var properties: [String: String] = [:]
            while let key = try s.nextKey() {
                if key == "Spark Properties" { properties = try sparkProperties(&s) } else { try s.skip() }
            }
            return .environmentUpdate(sparkProperties: properties)
        case "SparkListenerResourceProfileAdded": return .resourceProfileAdded(try resourceProfile(&s))
        default: return .other(name: name)
        }
    }

    private static func optionalString(_ s: inout JSONScanner) throws -> String? {
        s.takeNull() ? nil : try s.string()
    }

    /// Spark 3+ writes an object; Spark 1.x/2.x wrote a list of [key, value] pairs.
    private static func sparkProperties(_ s: inout JSONScanner) throws -> [String: String] {
        var probe = s
        if (try? probe.beginObject()) != nil { return try s.stringMap() }
        var result: [String: String] = [:]
        try s.beginArray()
        while try s.nextElement() {
            try s.beginArray()
            var pair: [String] = []
            while try s.nextElement() { pair.append(try s.string()) }
            if pair.count == 2 { result[pair[0]] = pair[1] }
        }
        return result
    }

    private static func intList(_ s: inout JSONScanner) throws -> [Int] {
        var result: [Int] = []
        try s.beginArray()
        while try s.nextElement() { result.append(try s.int()) }
        return result
    }

    private static func jobStart(_ s: inout JSONScanner) throws -> JobStart {
        var job = JobStart(id: 0, time: 0, stageIDs: [], sqlExecutionID: nil)
        while let key = try s.nextKey() {
            switch key {
            case "Job ID": job.id = try s.int()
            case "Submission Time": job.time = try s.int()
            case "Stage IDs": job.stageIDs = try intList(&s)
            case "Properties":
                if s.takeNull() { continue }
                let properties = try s.stringMap { $0 == "spark.sql.execution.id" }
                job.sqlExecutionID = properties["spark.sql.execution.id"].flatMap { Int($0) }
            default: try s.skip()
            }
        }
        return job
    }

    private static func jobEnd(_ s: inout JSONScanner) throws -> JobEnd {
        var job = JobEnd(id: 0, time: 0, succeeded: false, failure: nil)
        while let key = try s.nextKey() {
            switch key {
            case "Job ID": job.id = try s.int()
            case "Completion Time": job.time = try s.int()
            case "Job Result":
                try s.beginObject()
                while let inner = try s.nextKey() {
                    switch inner {
                    case "Result": job.succeeded = try s.string() == "JobSucceeded"
                    case "Exception":
                        try s.beginObject()
                        while let field = try s.nextKey() {
                            if field == "Message" { job.failure = try optionalString(&s) } else { try s.skip() }
                        }
                    default: try s.skip()
                    }
                }
            default: try s.skip()
            }
        }
        return job
    }

    private static func stageEvent(_ s: inout JSONScanner) throws -> StageInfo {
        var info = StageInfo(id: 0, attempt: 0, name: "", taskCount: 0, parentIDs: [])
        while let key = try s.nextKey() {
            guard key == "Stage Info" else {
                try s.skip()
                continue
            }
            try s.beginObject()
            while let field = try s.nextKey() {
                switch field {
                case "Stage ID": info.id = try s.int()
                case "Stage Attempt ID": info.attempt = try s.int()
                case "Stage Name": info.name = try s.string()
                case "Number of Tasks": info.taskCount = try s.int()
                case "Parent IDs": info.parentIDs = try intList(&s)
                case "Submission Time": info.submitted = s.takeNull() ? nil : try s.int()
                case "Completion Time": info.completed = s.takeNull() ? nil : try s.int()
                case "Failure Reason": info.failureReason = try optionalString(&s)
                default: try s.skip()
                }
            }
        }
        return info
    }

    private static func executorAdded(_ s: inout JSONScanner) throws -> ExecutorAdded {
        var added = ExecutorAdded(id: "", time: 0, host: "", cores: 0, resourceProfileID: 0)
        while let key = try s.nextKey() {
            switch key {
            case "Executor ID": added.id = try s.string()
            case "Timestamp": added.time = try s.int()
            case "Executor Info":
                try s.beginObject()
                while let field = try s.nextKey() {
                    switch field {
                    case "Host": added.host = try s.string()
                    case "Total Cores": added.cores = try s.int()
                    case "Resource Profile Id": added.resourceProfileID = try s.int()
                    default: try s.skip()
                    }
                }
            default: try s.skip()
            }
        }
        return added
    }

    private static func blockManagerAdded(_ s: inout JSONScanner) throws -> BlockManagerAdded {
        var added = BlockManagerAdded(executorID: "", time: 0, maxMemory: 0)
        while let key = try s.nextKey() {
            switch key {
            case "Block Manager ID":
                try s.beginObject()
                while let field = try s.nextKey() {
                    if field == "Executor ID" { added.executorID = try s.string() } else { try s.skip() }
                }
            case "Timestamp": added.time = try s.int()
            case "Maximum Memory": added.maxMemory = try s.int()
            case "Maximum Onheap Memory": added.maxOnHeapMemory = try s.int()
            case "Maximum Offheap Memory": added.maxOffHeapMemory = try s.int()
            default: try s.skip()
            }
        }
        return added
    }

    private static func resourceProfile(_ s: inout JSONScanner) throws -> ResourceProfile {
        var profile = ResourceProfile(id: 0)
        while let key = try s.nextKey() {
            switch key {
            case "Resource Profile Id": profile.id = try s.int()
            case "Executor Resource Requests":
                try s.beginObject()
                while let resource = try s.nextKey() {
                    var amount: Int?
                    try s.beginObject()
                    while let field = try s.nextKey() {
                        if field == "Amount" { amount = try s.int() } else { try s.skip() }
                    }
                    switch resource {
                    case "cores": profile.executorCores = amount
                    case "memory": profile.executorMemoryMiB = amount
                    case "memoryOverhead": profile.executorMemoryOverheadMiB = amount
                    case "offHeap": profile.executorOffHeapMiB = amount
                    case "pyspark.memory": profile.pysparkMemoryMiB = amount
                    default: break
                    }
                }
            case "Task Resource Requests":
                try s.beginObject()
                while let resource = try s.nextKey() {
                    try s.beginObject()
                    while let field = try s.nextKey() {
                        if field == "Amount", resource == "cpus" { profile.taskCPUs = try s.double() } else { try s.skip() }
                    }
                }
            default: try s.skip()
            }
        }
        return profile
    }
}
