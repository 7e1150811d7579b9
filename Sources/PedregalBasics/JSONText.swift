/// Minimal JSON string quoting, shared by every JSON writer in the package so
/// that none of them depends on Foundation's key ordering.
public enum JSONText {
    /// Appends `s` as a JSON string literal to `out`, escaped as `quote` escapes it.
    public static func appendQuoted(_ s: String, to out: inout [UInt8]) {
        out.append(0x22)
        // Most strings need no escape: copy them whole (the gateway writes several per call).
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F }) {
            out.append(contentsOf: s.utf8)
        } else {
            out.append(contentsOf: quote(s).utf8.dropFirst().dropLast())
        }
        out.append(0x22)
    }

    /// `s` as a JSON string literal.
    public static func quote(_ s: String) -> String {
        // Most strings need no escape: copy them whole (the gateway quotes several per call).
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F }) { return "\"" + s + "\"" }
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
