import PedregalBasics
import PedregalConsole
import PedregalDiagnostics
import PedregalYAML

/// Where a run's logical time (the date `{{ ds }}` gives) comes from. It is
/// always stated, never guessed from the shape of a token.
public enum RunTiming: Sendable, Equatable {
    /// An on-demand submit: the current time.
    case now
    /// `--logical-date`: a date `YYYY-MM-DD` (midnight UTC) or an RFC 3339 time.
    case logicalDate(String)
    /// `--scheduled-job NAME`: the Job a CronJob made, which this submit runs
    /// in; its scheduled time is the logical time and its name the token.
    case scheduledJob(String)
}

/// A run's logical time and where it came from.
public struct LogicalTime: Sendable, Equatable {
    /// Seconds since 1970.
    public var seconds: Double
    /// Where it came from, for people (`--logical-date`, `the current time`, …).
    public var source: String

    /// Creates a logical time.
    public init(seconds: Double, source: String) {
        self.seconds = seconds
        self.source = source
    }

    /// RFC 3339, UTC.
    public var text: String { RFC3339.format(seconds) }

    /// The annotation the CronJob controller puts on each Job it creates: the
    /// scheduled time, RFC 3339, in the CronJob's time zone. Kubernetes 1.28
    /// added it behind the `CronJobsScheduledAnnotation` feature gate (on by
    /// default from 1.29, GA in 1.32).
    public static let scheduledTimestampAnnotation = "batch.kubernetes.io/cronjob-scheduled-timestamp"

    /// `--logical-date`: `2025-01-15` (midnight UTC) or an RFC 3339 time; exit 64 otherwise.
    public static func parse(logicalDate text: String) throws -> LogicalTime {
        let isDate =
            text.utf8.count == 10
            && text.utf8.enumerated().allSatisfy { index, byte in
                index == 4 || index == 7 ? byte == UInt8(ascii: "-") : (48...57).contains(byte)
            }
        if isDate, let seconds = RFC3339.seconds(text + "T00:00:00Z") {
            return LogicalTime(seconds: seconds, source: "--logical-date \(text)")
        }
        if !isDate, let seconds = RFC3339.seconds(text) {
            return LogicalTime(seconds: seconds, source: "--logical-date \(text)")
        }
        throw RunnerError.usage(
            "--logical-date '\(text)' is neither a date such as 2025-01-15 nor an RFC 3339 time such as 2025-01-15T03:00:00Z")
    }

    /// The scheduled time of the Job `job` (`namespace/name`), read from its
    /// `batch.kubernetes.io/cronjob-scheduled-timestamp` annotation; without
    /// it, from the name the CronJob controller gave the Job:
    /// `<cronjob>-<scheduled time in minutes since 1970>` (`getJobName` in
    /// kubernetes' pkg/controller/cronjob/utils.go).
    public static func scheduled(job: YAMLValue, name: String, namespace: String) throws -> LogicalTime {
        let whereText = "Job \(namespace)/\(name)"
        if let stamp = job["metadata"]?["annotations"]?[scheduledTimestampAnnotation]?.string {
            guard let seconds = RFC3339.seconds(stamp) else {
                throw RunnerError.failure("\(whereText) has \(scheduledTimestampAnnotation) '\(stamp)', which is not an RFC 3339 time")
            }
            return LogicalTime(seconds: seconds, source: "the scheduled time of \(whereText) (\(scheduledTimestampAnnotation))")
        }
        guard let minutes = scheduledMinutes(jobName: name) else {
            throw RunnerError.failure(
                "\(whereText) has no \(scheduledTimestampAnnotation) annotation and its name does not end in the "
                    + "scheduled minute the CronJob controller puts there; is it a CronJob's Job? "
                    + "Use --logical-date to give the date instead")
        }
        return LogicalTime(
            seconds: Double(minutes) * 60,
            source: "the scheduled time in the name of \(whereText) (minutes since 1970, as the CronJob controller names "
                + "its Jobs; the Job has no \(scheduledTimestampAnnotation) annotation, which Kubernetes sets from 1.28 on)")
    }

    /// The minute a CronJob's Job name ends in (`daily-29012345` → 29012345).
    public static func scheduledMinutes(jobName: String) -> Int? {
        guard let dash = jobName.lastIndex(of: "-") else { return nil }
        let digits = jobName[jobName.index(after: dash)...]
        guard !digits.isEmpty, digits.count <= 12, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else {
            return nil
        }
        return Int(digits)
    }
}
