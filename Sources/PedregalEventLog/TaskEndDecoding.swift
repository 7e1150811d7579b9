extension EventDecoder {
    /// `SparkListenerTaskEnd`, the event most of a log is made of: read
    /// field by field, everything else skipped.
    static func taskEnd(_ s: inout JSONScanner) throws -> TaskEnd {
        var task = TaskEnd(
            stageID: 0, stageAttempt: 0, taskID: 0, index: 0, attempt: 0, executorID: "", launchTime: 0, finishTime: 0,
            speculative: false, reason: .success, metrics: TaskMetrics(), executorMetrics: ExecutorPeaks())
        while let key = try s.nextKey() {
            switch key {
            case "Stage ID": task.stageID = try s.int()
            case "Stage Attempt ID": task.stageAttempt = try s.int()
            case "Task End Reason": task.reason = try reason(&s)
            case "Task Info":
                try s.beginObject()
                while let field = try s.nextKey() {
                    switch field {
                    case "Task ID": task.taskID = try s.int()
                    case "Index": task.index = try s.int()
                    case "Attempt": task.attempt = try s.int()
                    case "Executor ID": task.executorID = try s.string()
                    case "Launch Time": task.launchTime = try s.int()
                    case "Finish Time": task.finishTime = try s.int()
                    case "Speculative": task.speculative = try s.bool()
                    default: try s.skip()
                    }
                }
            case "Task Executor Metrics":
                if !s.takeNull() { task.executorMetrics = ExecutorPeaks(try s.numberMap()) }
            case "Task Metrics":
                if !s.takeNull() { task.metrics = try metrics(&s) }
            default: try s.skip()
            }
        }
        return task
    }

    private static func reason(_ s: inout JSONScanner) throws -> TaskEndReason {
        var reason = TaskEndReason(kind: "")
        try s.beginObject()
        while let key = try s.nextKey() {
            switch key {
            case "Reason": reason.kind = try s.string()
            case "Class Name": reason.className = s.takeNull() ? nil : try s.string()
            case "Description", "Kill Reason", "Loss Reason", "Message":
                if s.takeNull() { continue }
                let text = try s.string()
                if reason.message == nil || key == "Description" { reason.message = text }
            case "Full Stack Trace":
                if s.takeNull() { continue }
                let trace = try s.string()
                reason.stackTrace = trace.split(separator: "\n", omittingEmptySubsequences: false).prefix(20).joined(separator: "\n")
            case "Exit Caused By App": reason.exitCausedByApp = try s.bool()
            default: try s.skip()
            }
        }
        return reason
    }

    private static func metrics(_ s: inout JSONScanner) throws -> TaskMetrics {
        var m = TaskMetrics()
        try s.beginObject()
        while let key = try s.nextKey() {
            switch key {
            case "Executor Run Time": m.runTime = try s.int()
            case "Executor CPU Time": m.cpuTimeNanos = try s.int()
            case "Executor Deserialize Time": m.deserializeTime = try s.int()
            case "Result Serialization Time": m.resultSerializationTime = try s.int()
            case "JVM GC Time": m.gcTime = try s.int()
            case "Peak Execution Memory": m.peakExecutionMemory = try s.int()
            case "Memory Bytes Spilled": m.memoryBytesSpilled = try s.int()
            case "Disk Bytes Spilled": m.diskBytesSpilled = try s.int()
            case "Shuffle Read Metrics":
                try s.beginObject()
                while let field = try s.nextKey() {
                    switch field {
                    case "Remote Bytes Read", "Local Bytes Read": m.shuffleReadBytes = m.shuffleReadBytes.plus(try s.int())
                    case "Total Records Read": m.shuffleReadRecords = try s.int()
                    case "Fetch Wait Time": m.shuffleFetchWait = try s.int()
                    default: try s.skip()
                    }
                }
            case "Shuffle Write Metrics":
                try s.beginObject()
                while let field = try s.nextKey() {
                    switch field {
                    case "Shuffle Bytes Written": m.shuffleWriteBytes = try s.int()
                    case "Shuffle Records Written": m.shuffleWriteRecords = try s.int()
                    default: try s.skip()
                    }
                }
            case "Input Metrics":
                try s.beginObject()
                while let field = try s.nextKey() {
                    switch field {
                    case "Bytes Read": m.inputBytes = try s.int()
                    case "Records Read": m.inputRecords = try s.int()
                    default: try s.skip()
                    }
                }
            case "Output Metrics":
                try s.beginObject()
                while let field = try s.nextKey() {
                    if field == "Bytes Written" { m.outputBytes = try s.int() } else { try s.skip() }
                }
            default: try s.skip()
            }
        }
        return m
    }
}
