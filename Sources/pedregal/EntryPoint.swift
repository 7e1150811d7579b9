import ArgumentParser
import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// The process entry point: runs the async root command on the cooperative
/// pool while the main thread waits, then exits with its status.
///
/// Not Swift's async `main`: on Linux that parks the main thread in
/// `dispatch_main()`, which calls `pthread_exit`, and glibc then loads
/// libgcc_s.so.1 to unwind it. The static release binary and the runner image
/// (built FROM scratch) carry only libc, so the process would abort at start.
/// The main thread also does the exiting, so no other thread calls `exit`
/// while it waits.
@main
enum EntryPoint {
    static func main() {
        let finished = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        Task.detached {
            outcome.status = await run()
            finished.signal()
        }
        finished.wait()
        exit(outcome.status)
    }

    /// Parses the arguments, runs the command, prints what argument-parser
    /// prints for help, versions and errors; the exit status.
    static func run() async -> Int32 {
        do {
            var command = try Pedregal.parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
            return 0
        } catch {
            let code = Pedregal.exitCode(for: error)
            let message = Pedregal.fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
            } else if !message.isEmpty {
                FileHandleLite.standardError(message + "\n")
            }
            return code.rawValue
        }
    }
}

/// The status the command's task hands to the main thread.
private final class Outcome: @unchecked Sendable {
    // Written by the task before it signals, read by the main thread after.
    var status: Int32 = 0
}

private enum FileHandleLite {
    static func standardError(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
    }
}
