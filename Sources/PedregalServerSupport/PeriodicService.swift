import ServiceLifecycle

/// A background loop as a `Service`: runs `body` every `interval` until
/// graceful shutdown (or cancellation). Every long-running piece of a server
/// is a service in its `ServiceGroup`, never a detached task.
public struct PeriodicService: Service {
    /// What the loop is, for logs.
    public var name: String
    private let interval: Duration
    private let delayFirstRun: Bool
    private let body: @Sendable () async -> Void

    /// A loop that runs `body` at once (or, with `delayFirstRun`, after one
    /// interval), then every `interval`.
    public init(_ name: String, every interval: Duration, delayFirstRun: Bool = false, _ body: @escaping @Sendable () async -> Void) {
        self.name = name
        self.interval = interval
        self.delayFirstRun = delayFirstRun
        self.body = body
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            if delayFirstRun { try? await Task.sleep(for: interval) }
            while !Task.isCancelled {
                await body()
                try? await Task.sleep(for: interval)
            }
        }
    }
}

/// A service that does its work in `run` until graceful shutdown, from a
/// closure: for a piece whose loop is already written (`KeyStore.run`).
public struct TaskService: Service {
    /// What it is, for logs.
    public var name: String
    private let body: @Sendable () async -> Void

    /// Runs `body`, cancelling it at graceful shutdown.
    public init(_ name: String, _ body: @escaping @Sendable () async -> Void) {
        self.name = name
        self.body = body
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { await body() }
    }
}
