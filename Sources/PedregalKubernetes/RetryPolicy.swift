/// Bounded exponential backoff with jitter for requests to the API server.
///
/// Retried: HTTP 429, 500, 502, 503, 504 and connection errors; a
/// `Retry-After` header is honoured up to `maxDelay`. The jitter source and
/// the sleeper are injectable so tests run without waiting.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    /// Delay before the second attempt; doubled for each further one.
    public var baseDelay: Duration
    /// No wait is longer than this, whatever the server asks.
    public var maxDelay: Duration
    /// A number in 0..<1; the delay is scaled into [½, 1) of its nominal value.
    public var jitter: @Sendable () -> Double
    /// Waits; `Task.sleep` in production.
    public var sleep: @Sendable (Duration) async throws -> Void

    /// Creates a policy.
    public init(
        maxAttempts: Int = 5, baseDelay: Duration = .milliseconds(250), maxDelay: Duration = .seconds(5),
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.jitter = jitter
        self.sleep = sleep
    }

    /// The production policy: 5 attempts, 250 ms doubling to at most 5 s.
    public static let standard = RetryPolicy()

    /// Whether an answer with this HTTP status is worth another attempt.
    public static func isRetryable(status: Int) -> Bool {
        [429, 500, 502, 503, 504].contains(status)
    }

    /// How long to wait after failed attempt number `attempt` (1-based).
    public func delay(afterAttempt attempt: Int, retryAfter: Int?) -> Duration {
        if let retryAfter { return min(.seconds(max(0, retryAfter)), maxDelay) }
        let factor = 1 << min(attempt - 1, 20)
        let nominal = min(baseDelay * factor, maxDelay)
        return nominal * (0.5 + min(max(jitter(), 0), 1) / 2)
    }
}
