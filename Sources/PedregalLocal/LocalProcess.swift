import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starting, finding and stopping a detached server process: it leads its
/// own process group, reads /dev/null and writes to a log file, so it
/// outlives the `pedregal` that started it.
public enum LocalProcess {
    /// A process that could not be started.
    public struct SpawnError: Error, CustomStringConvertible {
        public var command: String
        public var code: Int32
        public var description: String { "could not start \(command): \(String(cString: strerror(code)))" }
    }

    /// Starts `arguments` (the first is the executable's path) with
    /// `environment`, output appended to `logPath`; returns its pid.
    public static func spawn(_ arguments: [String], environment: [String: String], logPath: String) throws -> Int32 {
        #if os(Linux)
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #else
        var actions: posix_spawn_file_actions_t?
        var attributes: posix_spawnattr_t?
        #endif
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Its own process group, so `down` signals the server and any child it starts.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard result == 0 else { throw SpawnError(command: arguments[0], code: result) }
        return pid
    }

    /// Whether `pid` still runs (reaping it first when it is our exited child).
    public static func isAlive(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { return false }
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        // A zombie has exited and only waits for its parent; but a process whose
        // main thread ended while others still run (the JVM shutting down) shows Z too.
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")"), stat[close...].hasPrefix(") Z")
        {
            let threads = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task"))?.count ?? 0
            return threads > 1
        }
        return true
    }

    /// Whether the command line of `pid` mentions `marker`, so a recycled
    /// pid is not mistaken for the server. True where /proc is missing.
    public static func commandLine(of pid: Int32, contains marker: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else {
            return !FileManager.default.fileExists(atPath: "/proc/self/cmdline")
        }
        return String(decoding: data.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self).contains(marker)
    }

    /// Sends SIGTERM to the process group of `pid`, waits up to `grace`
    /// seconds, then SIGKILL; true when the process is gone.
    @discardableResult
    public static func stop(_ pid: Int32, grace: Double) -> Bool {
        guard isAlive(pid) else { return true }
        signal(pid, SIGTERM)
        if waitForExit(pid, seconds: grace) { return true }
        signal(pid, SIGKILL)
        return waitForExit(pid, seconds: 5)
    }

    private static func signal(_ pid: Int32, _ signal: Int32) {
        if kill(-pid, signal) != 0 { kill(pid, signal) }
    }

    private static func waitForExit(_ pid: Int32, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if !isAlive(pid) { return true }
            usleep(100_000)
        }
        return !isAlive(pid)
    }
}
