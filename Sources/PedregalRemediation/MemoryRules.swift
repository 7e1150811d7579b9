/// Out of memory (driver, executor, container), full disks and lost
/// shuffle blocks, as Spark, the JVM and Kubernetes write them.
enum MemoryRules {
    static let oom = "java.lang.OutOfMemoryError"

    static let all: [TextRules.Rule] = [
        // An OutOfMemoryError thrown in a driver thread: `Exception in thread "main" java.lang.OutOfMemoryError`.
        { line in
            guard line.contains(oom), line.contains("Exception in thread \""), !line.contains("Executor task launch worker") else {
                return nil
            }
            return line.finding(.driverOutOfMemory, role: .driver, "the driver JVM ran out of heap (\(oomKind(line.text)))")
        },
        // PySpark: the driver JVM failed the call itself (`An error occurred while calling o42.collectToPython.`
        // then `: java.lang.OutOfMemoryError`); an executor's comes wrapped (`: org.apache.spark.SparkException: Job aborted …`).
        { line in
            guard line.text.hasPrefix(": \(oom)") else { return nil }
            return line.finding(.driverOutOfMemory, role: .driver, "the driver JVM ran out of heap (\(oomKind(line.text)))")
        },
        { line in
            guard line.contains("bigger than spark.driver.maxResultSize") || line.contains("bigger than maxResultSize") else { return nil }
            return line.finding(
                .driverOutOfMemory, role: .driver, "the results collected to the driver passed spark.driver.maxResultSize",
                setting: "spark.driver.maxResultSize")
        },
        // A task that failed with an OutOfMemoryError ran in an executor.
        { line in
            guard line.contains(oom) || line.contains("SparkOutOfMemoryError") else { return nil }
            guard line.containsAny(["Lost task", "stage failure", "ExceptionFailure", "Exception in task", "in stage "]) else { return nil }
            return line.finding(.executorOutOfMemory, role: .executor, "executor tasks ran out of heap (\(oomKind(line.text)))")
        },
        { line in
            guard line.contains("Unable to acquire"), line.contains("bytes of memory") else { return nil }
            return line.finding(.executorOutOfMemory, role: .executor, "a task could not get the execution memory it needed")
        },
        // SparkExitCode.OOM: an executor's uncaught OutOfMemoryError exits with 52.
        { line in
            guard line.containsAny(["exit code 52", "exited with code 52", "(JVM OOM)", "ExitCode: 52", "exit status 52"]) else {
                return nil
            }
            return line.finding(.executorOutOfMemory, role: .executor, "an executor JVM exited with Spark's out-of-memory code 52")
        },
        // Kubeflow's status for a driver killed for memory.
        { line in
            guard line.contains("driver container failed with ExitCode: 137"), line.contains("OOMKilled") else { return nil }
            return line.finding(.containerMemory, role: .driver, "the driver container went past its memory limit and was OOMKilled")
        },
        // Spark's lost-executor reasons on Kubernetes: `exited with exit code 137(SIGKILL, possible container OOM)`
        // and the container status it lists, `termination reason: OOMKilled`.
        { line in
            let killed =
                (line.contains("exit code 137") && line.contains("possible container OOM"))
                || line.contains("termination reason: OOMKilled")
                || (line.contains("ExitCode: 137") && line.contains("OOMKilled"))
            guard killed, !line.contains("driver container") else { return nil }
            return line.finding(
                .containerMemory, role: .executor, "an executor container went past its memory limit and was killed (exit code 137)")
        },
        // Python's own MemoryError: the interpreter's memory is the container's overhead, not the JVM heap.
        { line in
            guard line.text.hasPrefix("MemoryError") else { return nil }
            let inWorker = line.lines[..<line.index].contains { $0.containsBytes("PythonException") }
            return line.finding(
                .containerMemory, role: inWorker ? .executor : .driver,
                inWorker ? "a Python worker ran out of memory in an executor" : "the driver's Python process ran out of memory")
        },
        { line in
            guard line.contains("No space left on device") else { return nil }
            return line.finding(.diskFull, "a disk filled up (No space left on device)")
        },
        { line in
            guard line.containsAny(["DiskStore failed to create temp dir", "exit code 53", "Failed to create local dir"]) else {
                return nil
            }
            return line.finding(.diskFull, role: .executor, "an executor could not create its local directories")
        },
        { line in
            guard
                line.containsAny([
                    "FetchFailedException", "FetchFailed(", "MetadataFetchFailedException", "Missing an output location for shuffle",
                ])
            else { return nil }
            return line.finding(.shuffleFetchFailure, role: .executor, "shuffle blocks could not be fetched from other executors")
        },
    ]

    /// `Java heap space`, `GC overhead limit exceeded`, `Direct buffer memory`, … from an OutOfMemoryError line.
    static func oomKind(_ text: String) -> String {
        guard let range = text.range(of: "OutOfMemoryError") else { return "OutOfMemoryError" }
        var rest = text[range.upperBound...]
        guard rest.hasPrefix(":") else { return "java.lang.OutOfMemoryError" }
        rest = rest.dropFirst()
        let kind = String(rest).trimmingSpaces
        return kind.isEmpty ? "java.lang.OutOfMemoryError" : "OutOfMemoryError: \(kind.prefix(60))"
    }
}
