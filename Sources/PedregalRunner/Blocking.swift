import Foundation

/// Runs async work to completion from synchronous code: the executable's
/// root command is synchronous, so its runner subcommands cannot be
/// `AsyncParsableCommand`s.
public enum Blocking {
    /// Runs `body` on the global executor, blocks the calling thread until it
    /// finishes, and returns its result.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
        let box = Box<T>()
        let done = DispatchSemaphore(value: 0)
        // Detached: the caller may be on the main actor, which this thread
        // blocks; the work must not need it.
        Task.detached {
            box.value = await body()
            done.signal()
        }
        done.wait()
        return box.value!
    }

    private final class Box<T>: @unchecked Sendable {
        // Written once before the semaphore is signalled, read after the wait.
        var value: T?
    }
}
