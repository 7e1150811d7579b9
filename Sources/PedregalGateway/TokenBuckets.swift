/// A token bucket per key (a client address, a token's subject): each holds
/// up to `burst` tokens and refills at `burst` per `period`. An event that
/// finds a token takes it; one that finds none is over the bound. A pure
/// value: the clock is passed in, so tests choose the time.
///
/// Memory is bounded: at most `maxKeys` buckets are kept. Full buckets carry
/// no information and are dropped first; if every bucket is in use, the one
/// touched longest ago goes.
struct TokenBuckets: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    /// Tokens a key may spend at once.
    let burst: Int
    /// Time to refill `burst` tokens.
    let period: Duration
    /// Most keys remembered.
    let maxKeys: Int
    private var buckets: [String: Bucket] = [:]

    init(burst: Int, period: Duration, maxKeys: Int = 100_000) {
        self.burst = max(1, burst)
        self.period = period
        self.maxKeys = max(1, maxKeys)
    }

    private var rate: Double {
        let seconds = Double(period.components.seconds) + Double(period.components.attoseconds) / 1e18
        return Double(burst) / max(seconds, 1e-9)
    }

    private func refilled(_ bucket: Bucket, now: ContinuousClock.Instant) -> Bucket {
        let elapsed = now - bucket.updated
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Bucket(tokens: min(Double(burst), bucket.tokens + max(0, seconds) * rate), updated: now)
    }

    /// Takes a token for `key`; false when it has none left (the event is over the bound).
    mutating func take(_ key: String, now: ContinuousClock.Instant) -> Bool {
        var bucket = buckets[key].map { refilled($0, now: now) } ?? Bucket(tokens: Double(burst), updated: now)
        guard bucket.tokens >= 1 else {
            buckets[key] = bucket
            return false
        }
        bucket.tokens -= 1
        if buckets[key] == nil, buckets.count >= maxKeys { makeRoom(now: now) }
        buckets[key] = bucket
        return true
    }

    /// Whether `key` has no token left now (without taking one).
    func isExhausted(_ key: String, now: ContinuousClock.Instant) -> Bool {
        guard let bucket = buckets[key] else { return false }
        return refilled(bucket, now: now).tokens < 1
    }

    /// Keys remembered.
    var count: Int { buckets.count }

    private mutating func makeRoom(now: ContinuousClock.Instant) {
        buckets = buckets.filter { refilled($0.value, now: now).tokens < Double(burst) }
        if buckets.count >= maxKeys, let oldest = buckets.min(by: { $0.value.updated < $1.value.updated })?.key {
            buckets[oldest] = nil
        }
    }
}
