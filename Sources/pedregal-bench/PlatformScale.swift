import Foundation
import PedregalBasics
import PedregalCompiler
import PedregalEmitter

#if canImport(Glibc)
import Glibc
#endif

/// The command line on a platform's root on disk, as a platform team runs
/// it: the real `pedregal` executable (built beside this one) in a child
/// process, timed (`wait4`) and its peak memory sampled from /proc. Every figure is a
/// ratio to a floor measured in the same run: writing the same files into
/// an empty folder with plain POSIX calls on every core, which no tool that
/// produces these files can beat.
///
/// Goals (issue 19): cold `generate` ≤ 1.3× the floor; cold `validate`
/// ≤ 0.5× the floor; a one-team change generated and checked in ≤ 10% of a
/// cold `generate`; at most 1 GiB of memory in any command.
enum PlatformScale {
    struct Run {
        var seconds: Double
        var maxRSSBytes: Int
        /// User and system time over every thread: what other load on the
        /// machine disturbs least.
        var cpuSeconds: Double = 0
    }

    static func measure(files: [String: [UInt8]], outputs: [OutputFile], folder: String, runs: Int) throws {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("pedregal").path
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            print("\nplatform on disk: skipped, no pedregal executable at \(executable) (swift build -c release --product pedregal)")
            return
        }
        let root = folder + "/root"
        try? FileManager.default.removeItem(atPath: folder)
        for (path, bytes) in files {
            let target = root + "/" + path
            try FileManager.default.createDirectory(
                atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            precondition(POSIXFile.write(bytes, to: target) == nil)
        }
        let generated = root + "/generated"
        let cache = root + "/.pedregal"
        func pedregal(_ arguments: String...) -> Run { run(executable, arguments + ["--root", root]) }
        func clear(_ paths: String...) { for path in paths { try? FileManager.default.removeItem(atPath: path) } }

        let floor = median(runs) {
            clear(folder + "/floor")
            let cpuBefore = processCPUSeconds()
            let seconds = writeFloor(outputs, into: folder + "/floor")
            return Run(seconds: seconds, maxRSSBytes: 0, cpuSeconds: processCPUSeconds() - cpuBefore)
        }
        clear(folder + "/floor")
        let coldGenerate = median(runs) {
            clear(generated, cache)
            return pedregal("generate")
        }
        let coldValidate = median(runs) {
            clear(cache)
            return pedregal("validate")
        }
        let warmValidate = median(runs) { pedregal("validate") }
        let warmCheck = median(runs) { pedregal("check") }
        // One team's file changes (alternately two versions), then CI's pair of commands.
        let team = root + "/teams/team-17.yaml"
        let original = try String(contentsOfFile: team, encoding: .utf8)
        var round = 0
        var changeGenerate: [Run] = []
        var changeCheck: [Run] = []
        _ = pedregal("generate")
        for _ in 0..<runs {
            round += 1
            let edited = original.replacingOccurrences(of: "instances: 4", with: "instances: \(4 + round)")
            precondition(edited != original && POSIXFile.write(Array(edited.utf8), to: team) == nil)
            changeGenerate.append(pedregal("generate"))
            changeCheck.append(pedregal("check"))
        }
        let oneTeam = Run(
            seconds: median(zip(changeGenerate, changeCheck).map { $0.seconds + $1.seconds }),
            maxRSSBytes: (changeGenerate + changeCheck).map(\.maxRSSBytes).max() ?? 0,
            cpuSeconds: median(zip(changeGenerate, changeCheck).map { $0.cpuSeconds + $1.cpuSeconds }))
        let noCache = median(runs) {
            clear(cache)
            return pedregal("check")
        }

        let megabytes = Double(outputs.reduce(0) { $0 + $1.contents.count }) / 1e6
        print("\nplatform on disk (\(root), \(outputs.count) files, \(String(format: "%.0f", megabytes)) MB; the pedregal executable)")
        print("  median of \(runs) runs; ratio = wall time / the base's, and CPU time (user + system, every thread) / the base's;")
        print("  RSS = peak resident memory of the command\n")
        print("  " + "".padding(toLength: 44, withPad: " ", startingAt: 0) + "     wall   ratio      cpu   ratio      RSS")
        func row(_ name: String, _ run: Run, over base: Run, _ goal: String) {
            let rss = run.maxRSSBytes > 0 ? String(format: "%6.0f MB", Double(run.maxRSSBytes) / 1_048_576) : "        "
            print(
                "  \(name.padding(toLength: 44, withPad: " ", startingAt: 0))"
                    + String(
                        format: "%7.0f ms %6.2f× %6.0f ms %6.2f× ", run.seconds * 1000, run.seconds / base.seconds, run.cpuSeconds * 1000,
                        run.cpuSeconds / base.cpuSeconds) + "\(rss)  \(goal)")
        }
        row("floor: write the files (POSIX, every core)", floor, over: floor, "")
        row("generate, cold (empty folder, no cache)", coldGenerate, over: floor, "goal ≤ 1.30× floor")
        row("validate, cold (no cache)", coldValidate, over: floor, "goal ≤ 0.50× floor")
        row("validate, nothing changed", warmValidate, over: floor, "")
        row("check, nothing changed", warmCheck, over: floor, "")
        row("check, no cache (reads every file)", noCache, over: floor, "")
        row("one team changed: generate + check", oneTeam, over: coldGenerate, "goal ≤ 0.10× cold generate")
        let peak = [coldGenerate, coldValidate, warmValidate, warmCheck, oneTeam, noCache].map(\.maxRSSBytes).max() ?? 0
        print(String(format: "  peak memory of any command: %.0f MB (goal ≤ 1024 MB)", Double(peak) / 1_048_576))
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Writes `files` into `folder` (which must not exist) the fastest
    /// plain way: every folder made once, then one open/write/close per
    /// file, spread over every core.
    static func writeFloor(_ files: [OutputFile], into folder: String) -> Double {
        Benchmark.measure {
            var folders = Set<String>()
            for file in files {
                var path = (file.path as NSString).deletingLastPathComponent
                while !path.isEmpty, folders.insert(path).inserted { path = (path as NSString).deletingLastPathComponent }
            }
            mkdir(folder, 0o755)
            for path in folders.sorted(by: { $0.count < $1.count }) { mkdir(folder + "/" + path, 0o755) }
            let failures = files.parallelMap { POSIXFile.write($0.contents, to: folder + "/" + $0.path) }
            precondition(failures.allSatisfy { $0 == nil })
        }
    }

    /// Runs `executable` with `arguments`, output discarded; its wall time
    /// and peak memory.
    static func run(_ executable: String, _ arguments: [String]) -> Run {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid = pid_t()
        let start = ContinuousClock.now
        precondition(posix_spawn(&pid, executable, &actions, nil, argv, environ) == 0, "cannot start \(executable)")
        var status: Int32 = 0
        var usage = rusage()
        // wait4's ru_maxrss cannot be used: posix_spawn's child starts on this
        // process's memory, and Linux carries that high-water mark across
        // exec, so every child would report the benchmark's own peak. The
        // child's VmHWM (its own address space's peak) is read every 10 ms
        // instead; it only grows, so the last reading is at most 10 ms short.
        var peakKiB = 0
        while true {
            let ended = wait4(pid, &status, WNOHANG, &usage)
            if ended == pid { break }
            if ended < 0 && errno != EINTR { preconditionFailure("wait4: errno \(errno)") }
            peakKiB = max(peakKiB, highWaterKiB(pid) ?? 0)
            usleep(10_000)
        }
        let elapsed = ContinuousClock.now - start
        precondition(status == 0, "\(executable) \(arguments.joined(separator: " ")) failed with status \(status)")
        return Run(
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            maxRSSBytes: peakKiB * 1024, cpuSeconds: seconds(usage.ru_utime) + seconds(usage.ru_stime))
    }

    /// `VmHWM` of `pid` in KiB, from /proc; nil once it is gone.
    static func highWaterKiB(_ pid: pid_t) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        }
        return nil
    }

    static func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }

    /// This process's CPU time so far, every thread.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    static func median(_ runs: Int, _ body: () -> Run) -> Run {
        let results = (0..<runs).map { _ in body() }.sorted { $0.seconds < $1.seconds }
        return results[results.count / 2]
    }

    static func median(_ values: [Double]) -> Double {
        values.sorted()[values.count / 2]
    }
}
