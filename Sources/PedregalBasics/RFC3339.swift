/// RFC 3339 date-times, without Foundation (and so without the machine's
/// time zone or calendar settings). The compiler uses it to check and
/// canonicalise `expiresAt`; the runner to compare expiries with the clock.
public enum RFC3339 {
    /// What is wrong with a text that is not an RFC 3339 time.
    public struct Problem: Error, Equatable, Sendable {
        public let message: String
        init(_ message: String) { self.message = message }
    }

    /// A parsed time: whole seconds since 1970 (UTC) and the fraction as written (`.250`, or empty).
    public struct Time: Equatable, Sendable {
        public var seconds: Int
        public var fraction: String
    }

    /// Parses `2026-12-31T00:00:00Z`, `…+02:00`, `….5Z` (also `t`, `z` and a space for `T`).
    public static func parse(_ text: String) -> Result<Time, Problem> {
        let s = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= s.count else { return nil }
            var value = 0
            for i in range {
                guard s[i] >= 48 && s[i] <= 57 else { return nil }
                value = value * 10 + Int(s[i] - 48)
            }
            return value
        }
        func at(_ i: Int, _ c: Character) -> Bool { i < s.count && s[i] == c.asciiValue! }
        guard let year = digits(0..<4), at(4, "-"), let month = digits(5..<7), at(7, "-"), let day = digits(8..<10),
            at(10, "T") || at(10, "t") || at(10, " "), let hour = digits(11..<13), at(13, ":"),
            let minute = digits(14..<16), at(16, ":"), let second = digits(17..<19)
        else {
            return .failure(Problem("not an RFC 3339 time; write e.g. 2026-12-31T00:00:00Z"))
        }
        var i = 19
        var fraction = ""
        if at(i, ".") {
            i += 1
            let start = i
            while i < s.count, s[i] >= 48 && s[i] <= 57 { i += 1 }
            guard i > start else { return .failure(Problem("the fraction of a second has no digits")) }
            fraction = "." + String(decoding: s[start..<i], as: UTF8.self)
        }
        var offsetMinutes = 0
        if at(i, "Z") || at(i, "z") {
            i += 1
        } else if at(i, "+") || at(i, "-") {
            let sign = at(i, "-") ? -1 : 1
            guard let oh = digits(i + 1..<i + 3), at(i + 3, ":"), let om = digits(i + 4..<i + 6), oh < 24, om < 60 else {
                return .failure(Problem("the time zone offset must look like +02:00"))
            }
            offsetMinutes = sign * (oh * 60 + om)
            i += 6
        } else {
            return .failure(Problem("the time zone is missing; end with Z for UTC, e.g. 2026-12-31T00:00:00Z"))
        }
        guard i == s.count else { return .failure(Problem("unexpected text after the time")) }
        guard (1...12).contains(month) else { return .failure(Problem("month \(month) does not exist")) }
        guard (1...daysIn(month: month, year: year)).contains(day) else {
            return .failure(Problem("day \(day) does not exist in \(year)-\(pad(month, 2))"))
        }
        guard hour < 24, minute < 60, second < 61 else { return .failure(Problem("the time of day is out of range")) }
        // A leap second (:60) counts as :59.
        let total =
            daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60
            + min(second, 59) - offsetMinutes * 60
        return .success(Time(seconds: total, fraction: fraction))
    }

    /// Seconds since 1970 with the fraction, or nil when `text` is not an RFC 3339 time.
    public static func seconds(_ text: String) -> Double? {
        guard case .success(let time) = parse(text) else { return nil }
        return Double(time.seconds) + (Double("0" + time.fraction) ?? 0)
    }

    /// The same instant in canonical UTC (`2026-12-31T00:00:00Z`, fraction kept).
    public static func canonicalUTC(_ text: String) -> Result<String, Problem> {
        parse(text).map { format(wholeSeconds: $0.seconds, fraction: $0.fraction) }
    }

    /// Whole seconds since 1970 (fractions dropped) as canonical UTC.
    public static func format(_ seconds: Double) -> String {
        format(wholeSeconds: Int(seconds.rounded(.down)), fraction: "")
    }

    /// Whole seconds since 1970 and milliseconds as canonical UTC (`2026-12-31T00:00:00.250Z`),
    /// for log lines.
    public static func format(wholeSeconds: Int, milliseconds: Int) -> String {
        format(wholeSeconds: wholeSeconds, fraction: "." + pad(milliseconds, 3))
    }

    private static func format(wholeSeconds total: Int, fraction: String) -> String {
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        let rest = total - days * 86_400
        let (y, m, d) = civilFromDays(days)
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(rest / 3600, 2)):\(pad(rest / 60 % 60, 2)):\(pad(rest % 60, 2))\(fraction)Z"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's civil-calendar algorithms.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z: Int) -> (Int, Int, Int) {
        let z = z + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
