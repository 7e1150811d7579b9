import PedregalBasics
import PedregalManifests
import PedregalYAML

/// How values and field changes read in reports.
enum ValueText {
    /// A value on one line: plain or quoted scalars, compact JSON for
    /// structures, `(absent)` for a missing side.
    static func inline(_ value: YAMLValue?) -> String {
        guard let value else { return "(absent)" }
        switch value {
        case .string(let s): return YAMLWriter.scalarText(s)
        case .int(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .list, .map: return JSONWriter.string(value)
        }
    }

    /// Lines describing one field change: `path: old → new`, or for
    /// multi-line text a line diff under the path.
    static func lines(_ change: FieldChange) -> [String] {
        if case .string(let old)? = change.old, case .string(let new)? = change.new, old.contains("\n") || new.contains("\n") {
            return ["\(change.path):"] + lineDiff(old, new).map { "  \($0)" }
        }
        return ["\(change.path): \(inline(change.old)) → \(inline(change.new))"]
    }

    /// A minimal line diff (longest common subsequence): "- old", "+ new".
    static func lineDiff(_ old: String, _ new: String) -> [String] {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard a.count * b.count <= 250_000 else { return a.map { "- \($0)" } + b.map { "+ \($0)" } }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var result: [String] = []
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                i += 1
                j += 1
            } else if j < b.count, i == a.count || table[i][j + 1] >= table[i + 1][j] {
                result.append("+ \(b[j])")
                j += 1
            } else {
                result.append("- \(a[i])")
                i += 1
            }
        }
        return result
    }

    /// `+32`, `-0.5` CPUs.
    static func signedCPU(_ millis: Int) -> String {
        millis == 0 ? "0" : (millis > 0 ? "+" : "-") + AmountText.cpu(millis: abs(millis))
    }

    /// `+128Gi`.
    static func signedMemory(_ bytes: Int) -> String {
        bytes == 0 ? "0" : (bytes > 0 ? "+" : "-") + AmountText.memory(bytes: abs(bytes))
    }

    /// `+100`.
    static func signed(_ n: Int) -> String { n > 0 ? "+\(n)" : String(n) }

    /// Detail lines of one object change (without the header line).
    static func details(_ change: ObjectChange) -> [String] {
        change.fields.flatMap(lines)
    }

    /// `+`, `~` or `-`.
    static func marker(_ kind: ObjectChange.Kind) -> String {
        switch kind {
        case .added: return "+"
        case .changed: return "~"
        case .removed: return "-"
        }
    }
}
