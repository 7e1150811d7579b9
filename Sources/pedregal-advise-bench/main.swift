import CZstd
import Foundation
import PedregalAdvisor
import PedregalEventLog

// Measures APS on real logs, in one run, as rates and ratios (never timed assertions):
//
//   pedregal-advise-bench make-log REAL_LOG_FOLDER OUT_FOLDER MiB
//       a rolling zstd log of about MiB of JSON, the real log's task ends repeated
//   pedregal-advise-bench read LOG
//       the reader's MB/s of decompressed JSON per CPU-second, and the process's peak RSS
//   pedregal-advise-bench predict BASE HALF DOUBLE
//       the replay's predicted wall time at half and double the executors against measured runs
//   pedregal-advise-bench recommend BEFORE [AFTER]
//       the recommendation for BEFORE; with AFTER (a run with it) the executor-seconds and wall time it really took
//
// Every figure is printed as `name: value` on its own line for scripts/advise-bench to collect.

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("pedregal-advise-bench: \(message)\n".utf8))
    exit(2)
}

func summaries(_ folder: String) -> [ApplicationSummary] {
    do {
        return try EventLogLocation.all(in: folder).map { try EventLog(location: $0).summary() }
    } catch {
        fail("\(error)")
    }
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func peakRSSMiB() -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
    return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
}

func makeLog(from real: String, into out: String, mebibytes: Int) {
    guard let location = try? EventLogLocation.all(in: real).first else { fail("no log in \(real)") }
    var head: [UInt8] = []
    var tasks: [[UInt8]] = []
    do {
        var lines = LineReader(try ZstdSource(try FileByteSource(path: location.files[0]), name: location.files[0]))
        while let line = try lines.next() {
            if line.starts(with: Array(#"{"Event":"SparkListenerTaskEnd""#.utf8)) {
                tasks.append(Array(line) + [10])
            } else if !line.starts(with: Array(#"{"Event":"SparkListenerApplicationEnd""#.utf8)) {
                head += Array(line) + [10]
            }
        }
    } catch {
        fail("\(error)")
    }
    guard !tasks.isEmpty else { fail("the log has no task ends") }
    let folder = (out as NSString).appendingPathComponent("eventlog_v2_app-bench")
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    _ = FileManager.default.createFile(atPath: (folder as NSString).appendingPathComponent("appstatus_app-bench"), contents: Data())
    let path = (folder as NSString).appendingPathComponent("events_1_app-bench.zstd")
    _ = FileManager.default.createFile(atPath: path, contents: nil)
    guard let handle = FileHandle(forWritingAtPath: path) else { fail("cannot write \(path)") }
    var block = head
    var written = 0
    var index = 0
    func flush() {
        let capacity = ZSTD_compressBound(block.count)
        var output = [UInt8](repeating: 0, count: capacity)
        let size = block.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { target in
                ZSTD_compress(target.baseAddress, capacity, source.baseAddress, source.count, 3)
            }
        }
        guard ZSTD_isError(size) == 0 else { fail("zstd compression failed") }
        handle.write(Data(output[0..<size]))
        written += block.count
        block.removeAll(keepingCapacity: true)
    }
    while written + block.count < mebibytes << 20 {
        block += tasks[index % tasks.count]
        index += 1
        if block.count >= 4 << 20 { flush() }
    }
    block += Array(#"{"Event":"SparkListenerApplicationEnd","Timestamp":1796605600000}"#.utf8) + [10]
    flush()
    try? handle.close()
    print("log: \(path)")
    print("log_json_mib: \(written >> 20)")
    print("log_task_ends: \(index)")
}

func read(_ folder: String) {
    let before = cpuSeconds()
    let runs = summaries(folder)
    let cpu = cpuSeconds() - before
    let bytes = runs.reduce(0) { $0 + $1.statistics.decompressedBytes }
    print("reader_json_mib: \(bytes >> 20)")
    print("reader_cpu_seconds: \(String(format: "%.2f", cpu))")
    print("reader_mb_per_cpu_second: \(String(format: "%.0f", Double(bytes) / 1e6 / max(cpu, 1e-6)))")
    print("reader_tasks: \(runs.reduce(0) { $0 + $1.tasks.count })")
    print("reader_peak_rss_mib: \(peakRSSMiB())")
}

func predict(base: String, half: String, double: String) {
    guard let run = summaries(base).first, let halfRun = summaries(half).first, let doubleRun = summaries(double).first else {
        fail("each folder must hold one run")
    }
    let simulator = ScheduleSimulator(run)
    let cores = max(1, Int(run.sparkProperties["spark.executor.cores"] ?? "1") ?? 1)
    for (name, measured) in [("half", halfRun), ("double", doubleRun)] {
        let executors = Int(measured.sparkProperties["spark.executor.instances"] ?? "") ?? measured.executors.count
        let predicted = simulator.predictedWallTime(slots: executors * cores)
        let error = Double(predicted - measured.wallTime) / Double(max(1, measured.wallTime))
        print("predict_\(name)_executors: \(executors)")
        print("predict_\(name)_predicted_seconds: \(String(format: "%.1f", Double(predicted) / 1000))")
        print("predict_\(name)_measured_seconds: \(String(format: "%.1f", Double(measured.wallTime) / 1000))")
        print("predict_\(name)_error_percent: \(String(format: "%+.1f", error * 100))")
    }
}

func recommend(before: String, after: String?) {
    guard let run = summaries(before).first else { fail("no run in \(before)") }
    let input = SizingInput.fromProperties(run.sparkProperties, executorsSeen: run.executors.count)
    let advice = Advisor(input: input).advise([run])
    let peak = run.executors.map(\.peaks.jvmHeap).max() ?? 0
    print("recommend_executors: \(input.executorInstances) -> \(advice.recommended.executorInstances)")
    print(
        "recommend_memory: \(SparkSize.text(mebibytes: input.executorMemoryMiB)) -> \(SparkSize.text(mebibytes: advice.recommended.executorMemoryMiB))"
    )
    print(
        "recommend_memory_over_peak_heap: \(String(format: "%.2f", Double(advice.recommended.executorMemoryMiB << 20) / Double(max(1, peak))))"
    )
    print("recommend_predicted_seconds: \(String(format: "%.1f", Double(advice.predictedWallTime) / 1000))")
    guard let after, let rerun = summaries(after).first else { return }
    let executorTime = { (summary: ApplicationSummary) -> Int in
        summary.executors.reduce(0) { $0 + max(0, ($1.removed ?? summary.end ?? summary.lastEventTime) - $1.added) }
    }
    let saved = 1 - Double(executorTime(rerun)) / Double(max(1, executorTime(run)))
    let slower = Double(rerun.wallTime) / Double(max(1, run.wallTime)) - 1
    print("rerun_executor_seconds: \(executorTime(run) / 1000) -> \(executorTime(rerun) / 1000)")
    print("rerun_executor_seconds_saved_percent: \(String(format: "%.1f", saved * 100))")
    print(
        "rerun_wall_seconds: \(String(format: "%.1f", Double(run.wallTime) / 1000)) -> \(String(format: "%.1f", Double(rerun.wallTime) / 1000))"
    )
    print("rerun_slower_percent: \(String(format: "%+.1f", slower * 100))")
}

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "make-log" where arguments.count == 4: makeLog(from: arguments[1], into: arguments[2], mebibytes: Int(arguments[3]) ?? 1024)
case "read" where arguments.count == 2: read(arguments[1])
case "predict" where arguments.count == 4: predict(base: arguments[1], half: arguments[2], double: arguments[3])
case "recommend" where arguments.count == 2 || arguments.count == 3:
    recommend(before: arguments[1], after: arguments.count == 3 ? arguments[2] : nil)
default: fail("usage: make-log REAL OUT MiB | read LOG | predict BASE HALF DOUBLE | recommend BEFORE [AFTER]")
}
