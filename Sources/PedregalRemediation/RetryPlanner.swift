import PedregalBasics

/// A change to one Spark property that a retry makes.
public struct SettingChange: Sendable, Equatable, CustomStringConvertible {
    /// The property.
    public var key: String
    /// Its value in the failed attempt (computed when it was not set, such as a default overhead).
    public var from: String
    /// Its value in the retry.
    public var to: String

    /// Creates a change.
    public init(key: String, from: String, to: String) {
        self.key = key
        self.from = from
        self.to = to
    }

    public var description: String { "\(key) \(from) → \(to)" }
}

/// What the namespace's ResourceQuota allows for memory.
public struct QuotaLimit: Sendable, Equatable {
    /// `namespace/name` of the tightest quota.
    public var name: String
    /// The key it limits (`requests.memory`, `limits.memory`).
    public var resource: String
    /// Its hard limit, in bytes.
    public var hardBytes: Int
    /// What pods hold now, in bytes.
    public var usedBytes: Int?

    /// Creates a limit.
    public init(name: String, resource: String, hardBytes: Int, usedBytes: Int? = nil) {
        self.name = name
        self.resource = resource
        self.hardBytes = hardBytes
        self.usedBytes = usedBytes
    }
}

/// What the retry planner knows about the attempt that failed.
public struct RetryContext: Sendable, Equatable {
    /// The failed attempt's number, 1 for the first.
    public var attempt: Int
    /// The most attempts the chain may make.
    public var maxAttempts: Int
    /// The failed attempt's Spark properties.
    public var settings: SparkSettings
    /// The first attempt's values of the properties earlier retries changed.
    public var baseline: [String: String]
    /// The namespace's memory quota, when it has one.
    public var quota: QuotaLimit?
    /// The first wait of a backoff, in seconds (doubling per attempt).
    public var backoffSeconds: Int

    /// Creates a context.
    public init(
        attempt: Int, maxAttempts: Int, settings: SparkSettings, baseline: [String: String] = [:], quota: QuotaLimit? = nil,
        backoffSeconds: Int = 60
    ) {
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.settings = settings
        self.baseline = baseline
        self.quota = quota
        self.backoffSeconds = backoffSeconds
    }
}

/// Whether and how to retry.
public enum RetryDecision: Sendable, Equatable {
    /// Retry after `waitSeconds` with `changes` applied (none: unchanged).
    case retry(changes: [SettingChange], waitSeconds: Int, note: String)
    /// Do not retry, and why.
    case stop(String)
}

/// Turns a classification into a retry with the remedy applied, or a reason
/// to stop: memory 1.5× then 2× of its first value, within the quota, for
/// out-of-memory; a doubling backoff for what fails for a while; never for
/// what a retry cannot fix.
public enum RetryPlanner {
    /// How far memory grows, as multiples of its first value.
    public static let memorySteps = [1.5, 2.0]
    /// The longest wait between attempts.
    public static let maxWaitSeconds = 1800

    /// The decision for the failed attempt `context` describes.
    public static func plan(_ classification: Classification, _ context: RetryContext) -> RetryDecision {
        guard classification.retryable else {
            return .stop(
                "not retried: \(article(classification.failureClass.title)) does not go away on a retry; \(classification.remediation)")
        }
        guard context.attempt < context.maxAttempts else {
            return .stop("not retried: attempt \(context.attempt) of \(context.maxAttempts) failed, the last the retry policy allows")
        }
        let wait = min(context.backoffSeconds.saturatingMultiply(1 << min(context.attempt - 1, 20)), maxWaitSeconds)
        switch classification.failureClass {
        case .driverOutOfMemory:
            var extra: [SettingChange] = []
            if classification.findings.contains(where: { $0.setting == "spark.driver.maxResultSize" }) {
                let key = "spark.driver.maxResultSize"
                let current = context.settings.conf[key].flatMap(SparkSize.mebibytes) ?? 1024
                if current > 0 {
                    extra.append(
                        SettingChange(key: key, from: SparkSize.text(mebibytes: current), to: SparkSize.text(mebibytes: current * 2)))
                }
            }
            return memory(SparkSettings.memoryKey(.driver), current: context.settings.memoryMiB(.driver), context, extra: extra)
        case .executorOutOfMemory:
            return memory(SparkSettings.memoryKey(.executor), current: context.settings.memoryMiB(.executor), context)
        case .containerMemory:
            let role = classification.role ?? .executor
            return memory(SparkSettings.overheadKey(role), current: context.settings.overheadMiB(role), context)
        case .shuffleFetchFailure:
            let retries = context.settings.conf["spark.shuffle.io.maxRetries"].flatMap { Int($0) } ?? 3
            guard retries < 10 else {
                return .stop(
                    "not retried: the attempt already waited out shuffle peers (spark.shuffle.io.maxRetries \(retries)); look for lost executors in the driver's log"
                )
            }
            let changes = [
                SettingChange(key: "spark.shuffle.io.maxRetries", from: String(retries), to: "10"),
                SettingChange(
                    key: "spark.shuffle.io.retryWait", from: context.settings.conf["spark.shuffle.io.retryWait"] ?? "5s", to: "30s"),
            ]
            return .retry(changes: changes, waitSeconds: 0, note: "longer shuffle retries")
        default:
            return .retry(changes: [], waitSeconds: wait, note: wait > 0 ? "after \(DurationText.seconds(wait))" : "at once")
        }
    }

    /// The next memory step for `key`, if the quota holds it.
    static func memory(_ key: String, current: Int, _ context: RetryContext, extra: [SettingChange] = []) -> RetryDecision {
        let first = context.baseline[key].flatMap(SparkSize.mebibytes) ?? current
        guard let step = memorySteps.first(where: { Int((Double(first) * $0).rounded(.up)) > current }) else {
            return .stop(
                "not retried: \(key) is already \(SparkSize.text(mebibytes: current)), \(multiple(current, of: first)) its first \(SparkSize.text(mebibytes: first)); more memory is unlikely to be the fix: give each task less data (more partitions), or look for skew"
            )
        }
        let target = Int((Double(first) * step).rounded(.up))
        let change = SettingChange(key: key, from: SparkSize.text(mebibytes: current), to: SparkSize.text(mebibytes: target))
        var settings = context.settings
        for item in [change] + extra { settings.conf[item.key] = item.to }
        let need = settings.totalMiB.saturatingMultiply(1 << 20)
        if let quota = context.quota, need > quota.hardBytes {
            return .stop(
                "not retried: the remedy (\(change)) needs \(AmountText.memory(bytes: need)) of memory (\(settings.totalText), overhead included) but \(quota.resource) of quota \(quota.name) is \(AmountText.memory(bytes: quota.hardBytes)); raise the environment's quota in teams/<team>.yaml, or lower executor.instances"
            )
        }
        let fit =
            context.quota.map { "; needs \(AmountText.memory(bytes: need)) of the quota's \(AmountText.memory(bytes: $0.hardBytes))" } ?? ""
        return .retry(changes: [change] + extra, waitSeconds: 0, note: "\(stepText(step)) its first value\(fit)")
    }

    static func stepText(_ step: Double) -> String { step == 2 ? "2×" : "1.5×" }

    static func multiple(_ value: Int, of first: Int) -> String {
        guard first > 0 else { return "more than" }
        let tenths = (value * 10 + first / 2) / first
        return tenths % 10 == 0 ? "\(tenths / 10)×" : "\(tenths / 10).\(tenths % 10)×"
    }

    static func article(_ title: String) -> String {
        // "a user code error", "an image", "an unknown failure".
        let vowel = title.first.map { "aeio".contains($0) } ?? false
        return (vowel || title.hasPrefix("un") ? "an " : "a ") + title
    }
}

/// Waits as people read them: `90s`, `2m`, `30m`.
public enum DurationText {
    /// `seconds` in the largest whole unit.
    public static func seconds(_ seconds: Int) -> String {
        if seconds >= 60 && seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }
}
