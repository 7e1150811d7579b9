import PedregalDiagnostics

/// Kubernetes CronJob schedules: five fields (minute hour day-of-month
/// month day-of-week) or a macro such as `@daily`.
enum CronSchedule {
    private struct Field {
        let name: String
        let range: ClosedRange<Int>
        let names: [String]
    }

    private static let months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    private static let days = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
    private static let fields = [
        Field(name: "minute", range: 0...59, names: []),
        Field(name: "hour", range: 0...23, names: []),
        Field(name: "day-of-month", range: 1...31, names: []),
        Field(name: "month", range: 1...12, names: months),
        Field(name: "day-of-week", range: 0...7, names: days),
    ]
    static let macros = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]

    /// Why `schedule` is not a valid schedule, or nil.
    static func problem(_ schedule: String) -> String? {
        let trimmed = schedule.trimmingSpaces
        if trimmed.hasPrefix("@") {
            return macros.contains(trimmed)
                ? nil
                : "unknown macro '\(trimmed)'\(Suggestion.hint(for: trimmed, in: macros))"
        }
        if trimmed.hasPrefix("TZ=") || trimmed.hasPrefix("CRON_TZ=") {
            return "time zones are not allowed in the schedule; schedules run in UTC"
        }
        let parts = trimmed.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 5 else {
            return
                "it has \(parts.count) field\(parts.count == 1 ? "" : "s"); write 5: minute hour day-of-month month day-of-week, e.g. \"0 3 * * *\""
        }
        for (part, field) in zip(parts, fields) {
            if let problem = fieldProblem(String(part), field) { return "\(field.name) field '\(part)': \(problem)" }
        }
        return nil
    }

    private static func fieldProblem(_ text: String, _ field: Field) -> String? {
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = item.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2, let base = pieces.first, !base.isEmpty else { return "'\(item)' is malformed" }
            if pieces.count == 2 {
                guard let step = Int(pieces[1]), step > 0 else { return "step '\(pieces[1])' must be a positive number" }
                _ = step
            }
            if base == "*" || base == "?" { continue }
            let bounds = base.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count <= 2 else { return "'\(base)' is malformed" }
            var values: [Int] = []
            for bound in bounds {
                guard let value = number(String(bound), field) else {
                    return "'\(bound)' is not a number in \(field.range.lowerBound)-\(field.range.upperBound)"
                        + (field.names.isEmpty ? "" : " or a name (\(field.names.first!)…)")
                }
                guard field.range.contains(value) else {
                    return "\(value) is out of range \(field.range.lowerBound)-\(field.range.upperBound)"
                }
                values.append(value)
            }
            if values.count == 2, values[0] > values[1] { return "range \(base) runs backwards" }
        }
        return nil
    }

    private static func number(_ text: String, _ field: Field) -> Int? {
        if let value = Int(text), text.allSatisfy(\.isNumber) { return value }
        if let index = field.names.firstIndex(of: text.uppercased()) {
            return field.range.lowerBound + index
        }
        return nil
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s.removeFirst() }
        while s.last == " " || s.last == "\t" { s.removeLast() }
        return String(s)
    }
}
