/// RFC 3339 date-times as seconds since 1970, without Foundation's calendar
/// or the machine's time zone.
public enum RFC3339 {
    /// Seconds since the epoch (fractions kept), or nil when `text` is not an
    /// RFC 3339 date-time with a zone (`2026-12-31T00:00:00Z`, `…+02:00`).
    public static func seconds(_ text: String) -> Double? {
        let s = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= s.count else { return nil }
            var value = 0
            for i in range {
                guard (48...57).contains(s[i]) else { return nil }
                value = value * 10 + Int(s[i] - 48)
            }
            return value
        }
        func at(_ i: Int, _ c: UInt8) -> Bool { i < s.count && s[i] == c }
        guard let year = digits(0..<4), at(4, 45), let month = digits(5..<7), at(7, 45), let day = digits(8..<10),
            at(10, 84) || at(10, 116) || at(10, 32), let hour = digits(11..<13), at(13, 58), let minute = digits(14..<16),
            at(16, 58), let second = digits(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var i = 19
        var fraction = 0.0
        if at(i, 46) {
            i += 1
            var scale = 0.1
            let start = i
            while i < s.count, (48...57).contains(s[i]) {
                fraction += Double(s[i] - 48) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        var offset = 0
        if at(i, 90) || at(i, 122) {
            i += 1
        } else if at(i, 43) || at(i, 45) {
            guard let oh = digits(i + 1..<i + 3), at(i + 3, 58), let om = digits(i + 4..<i + 6) else { return nil }
            offset = (at(i, 45) ? -1 : 1) * (oh * 3600 + om * 60)
            i += 6
        } else {
            return nil
        }
        guard i == s.count else { return nil }
        // Days from civil (Howard Hinnant's algorithm).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return Double(days * 86_400 + hour * 3600 + minute * 60 + min(second, 59) - offset) + fraction
    }
}

extension RFC3339 {
    /// Whole seconds since the epoch as canonical UTC (`2026-12-31T00:00:00Z`).
    public static func format(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.down))
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        let rest = total - days * 86_400
        // Civil from days (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return
            "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(rest / 3600, 2)):\(pad(rest / 60 % 60, 2)):\(pad(rest % 60, 2))Z"
    }
}
