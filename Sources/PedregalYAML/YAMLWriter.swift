import PedregalBasics
import PedregalDiagnostics

/// Writes `YAMLValue` trees as canonical block YAML, the way `kubectl get -o
/// yaml` lays them out: two-space indentation, list items at their key's
/// indentation, one scalar style per kind of string.
///
/// Quoting is decided for YAML 1.1 readers too (Go's yaml.v2 behind kubectl,
/// PyYAML), not only YAML 1.2: `yes`, `on`, `0755` and `1:20` are quoted.
/// The tests round-trip random strings through libyaml to prove it.
public enum YAMLWriter {
    /// The document for `value`, preceded by `header` lines as `# ` comments.
    public static func document(_ value: YAMLValue, header: [String] = []) -> String {
        String(decoding: documentBytes(value, header: header), as: UTF8.self)
    }

    /// ``document(_:header:)`` as UTF-8 bytes, written directly: what the
    /// emitter writes for every generated file.
    public static func documentBytes(_ value: YAMLValue, header: [String] = []) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(2048)
        for line in header {
            if line.isEmpty {
                out.append(contentsOf: "#\n".utf8)
            } else {
                out.append(contentsOf: "# ".utf8)
                out.append(contentsOf: line.utf8)
                out.append(newline)
            }
        }
        switch value {
        case .map(let m) where !m.isEmpty: writeMap(m, indent: 0, into: &out)
        case .list(let l) where !l.isEmpty: writeList(l, indent: 0, into: &out)
        default:
            writeInline(value, into: &out)
            out.append(newline)
        }
        return out
    }

    private static let newline = UInt8(ascii: "\n")
    private static let space = UInt8(ascii: " ")

    private static func spaces(_ n: Int, into out: inout [UInt8]) {
        out.append(contentsOf: repeatElement(space, count: n))
    }

    private static func writeMap(_ map: YAMLMap, indent: Int, firstPrefix: Int? = nil, into out: inout [UInt8]) {
        for (index, entry) in map.entries.enumerated() {
            if index == 0, let listIndent = firstPrefix {
                spaces(listIndent, into: &out)
                out.append(contentsOf: "- ".utf8)
            } else {
                spaces(indent, into: &out)
            }
            writeScalar(entry.key, into: &out)
            out.append(UInt8(ascii: ":"))
            writeValueAfterKey(entry.value, indent: indent, into: &out)
        }
    }

    private static func writeValueAfterKey(_ value: YAMLValue, indent: Int, into out: inout [UInt8]) {
        switch value {
        case .map(let m) where !m.isEmpty:
            out.append(newline)
            writeMap(m, indent: indent + 2, into: &out)
        case .list(let l) where !l.isEmpty:
            out.append(newline)
            writeList(l, indent: indent, into: &out)
        case .string(let s):
            if let chomping = blockLiteral(s) {
                writeBlock(s, chomping: chomping, indent: indent + 2, into: &out)
            } else {
                out.append(space)
                writeScalar(s, into: &out)
                out.append(newline)
            }
        default:
            out.append(space)
            writeInline(value, into: &out)
            out.append(newline)
        }
    }

    private static func writeList(_ list: [YAMLValue], indent: Int, into out: inout [UInt8]) {
        for item in list {
            switch item {
            case .map(let m) where !m.isEmpty:
                writeMap(m, indent: indent + 2, firstPrefix: indent, into: &out)
            case .list(let l) where !l.isEmpty:
                spaces(indent, into: &out)
                out.append(contentsOf: "-\n".utf8)
                writeList(l, indent: indent + 2, into: &out)
            case .string(let s) where s.utf8.contains(newline) && blockLiteral(s) != nil:
                spaces(indent, into: &out)
                out.append(UInt8(ascii: "-"))
                writeBlock(s, chomping: blockLiteral(s)!, indent: indent + 2, into: &out)
            default:
                spaces(indent, into: &out)
                out.append(contentsOf: "- ".utf8)
                writeInline(item, into: &out)
                out.append(newline)
            }
        }
    }

    private static func writeBlock(_ s: String, chomping: String, indent: Int, into out: inout [UInt8]) {
        out.append(contentsOf: " |".utf8)
        out.append(contentsOf: chomping.utf8)
        out.append(newline)
        var text = s
        text.withUTF8 { bytes in
            // Lines of the text, each indented; empty lines stay empty; the
            // text's final newline (if any) ends the last line.
            let end = bytes.last == newline ? bytes.count - 1 : bytes.count
            var start = 0
            while start <= end {
                var stop = start
                while stop < end && bytes[stop] != newline { stop += 1 }
                if stop > start {
                    spaces(indent, into: &out)
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<stop]))
                }
                out.append(newline)
                start = stop + 1
            }
        }
    }

    /// The chomping indicator to write `s` as a literal block ("" or "-"),
    /// or nil when a block cannot hold it exactly.
    static func blockLiteral(_ s: String) -> String? {
        var text = s
        let result: (isBlock: Bool, endsWithNewline: Bool, isASCII: Bool) = text.withUTF8 { bytes in
            guard bytes.count > 1, bytes.contains(newline) else { return (false, false, true) }
            let endsWithNewline = bytes[bytes.count - 1] == newline
            let end = endsWithNewline ? bytes.count - 1 : bytes.count
            // A body that is empty, ends in a newline or starts with a space or newline cannot be a block.
            guard end > 0, bytes[end - 1] != newline, bytes[0] != space, bytes[0] != newline else { return (false, false, true) }
            // No line may end in a space or tab: a block would drop it.
            var isASCII = true
            var index = 0
            while index < end {
                let byte = bytes[index]
                if byte == newline, index > 0,
                    bytes[index - 1] == space || bytes[index - 1] == UInt8(ascii: "\t")
                {
                    return (false, false, true)
                }
                if byte >= 0x80 {
                    isASCII = false
                } else if (byte < 0x20 && byte != newline) || byte == 0x7F {
                    return (false, false, true)
                }
                index += 1
            }
            if bytes[end - 1] == space || bytes[end - 1] == UInt8(ascii: "\t") { return (false, false, true) }
            return (true, endsWithNewline, isASCII)
        }
        guard result.isBlock else { return nil }
        if !result.isASCII {
            for scalar in s.unicodeScalars where needsEscape(scalar) && scalar != "\n" { return nil }
        }
        return result.endsWithNewline ? "" : "-"
    }

    private static func writeInline(_ value: YAMLValue, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .string(let s): writeScalar(s, into: &out)
        case .list(let l):
            precondition(l.isEmpty)
            out.append(contentsOf: "[]".utf8)
        case .map(let m):
            precondition(m.isEmpty)
            out.append(contentsOf: "{}".utf8)
        }
    }

    private static func writeScalar(_ s: String, into out: inout [UInt8]) {
        if isPlainSafe(s) {
            out.append(contentsOf: s.utf8)
        } else {
            out.append(contentsOf: doubleQuoted(s).utf8)
        }
    }

    /// `s` as a plain scalar when that reads back as the same string under
    /// YAML 1.1 and 1.2, otherwise double-quoted.
    public static func scalarText(_ s: String) -> String {
        isPlainSafe(s) ? s : doubleQuoted(s)
    }

    private static let reservedWords: Set<String> = [
        "null", "true", "false", "yes", "no", "on", "off", "y", "n",
    ]

    // Works on UTF-8 bytes: this runs for every key and value of every
    // generated file. Only ASCII is ever written plain.
    static func isPlainSafe(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { bytes in
            guard let first = bytes.first, let last = bytes.last else { return false }
            // A leading letter rules out every number, timestamp and
            // sexagesimal of YAML 1.1 and 1.2, and every indicator character.
            guard isLetter(first) || first == UInt8(ascii: "_") || first == UInt8(ascii: "/") else { return false }
            guard last != UInt8(ascii: " ") && last != UInt8(ascii: ":") else { return false }
            if bytes.count <= 5, isReservedWord(bytes) { return false }
            let table = isPlainByte
            var previous: UInt8 = first
            for byte in bytes {
                if !table[Int(byte)] { return false }
                if byte == UInt8(ascii: " ") && (previous == UInt8(ascii: " ") || previous == UInt8(ascii: ":")) { return false }
                previous = byte
            }
            return true
        }
    }

    /// Whether `bytes` is one of `reservedWords` in any case, without
    /// making a lower-cased copy (this runs for every short scalar).
    private static func isReservedWord(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        reservedBytes.contains { word in
            word.count == bytes.count && zip(word, bytes).allSatisfy { $0 == $1 | 0x20 }
        }
    }

    private static let reservedBytes: [[UInt8]] = reservedWords.map { Array($0.utf8) }

    private static func isLetter(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
    }

    /// Bytes allowed in a plain scalar after the first.
    private static let isPlainByte: [Bool] = (0..<256).map { value in
        let b = UInt8(value)
        if isLetter(b) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) { return true }
        return "-_./@+=%()$^: ".utf8.contains(b)
    }

    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F, 0x80...0x9F, 0xFEFF, 0x2028, 0x2029, 0xFFFE, 0xFFFF: return true
        case 0xD800...0xDFFF: return true
        default: return false
        }
    }

    static func doubleQuoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where needsEscape(scalar):
                let hex = String(scalar.value, radix: 16, uppercase: true)
                if scalar.value <= 0xFF {
                    out += "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
                } else {
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                }
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// Writes `YAMLValue` trees as compact JSON, keys in the tree's order (the
/// Kubernetes API accepts JSON for every write, apply patches included).
public enum JSONWriter {
    /// `value` as one line of JSON.
    public static func string(_ value: YAMLValue) -> String {
        var out = ""
        write(value, into: &out)
        return out
    }

    /// `value` as indented JSON (two spaces), for documents people read and
    /// commit; empty containers stay on one line.
    public static func pretty(_ value: YAMLValue) -> String {
        var out = ""
        writePretty(value, indent: 0, into: &out)
        return out
    }

    private static func writePretty(_ value: YAMLValue, indent: Int, into out: inout String) {
        let inner = String(repeating: " ", count: indent + 2)
        switch value {
        case .list(let items) where !items.isEmpty:
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += inner
                writePretty(item, indent: indent + 2, into: &out)
                out += i == items.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: indent) + "]"
        case .map(let m) where !m.isEmpty:
            out += "{\n"
            for (i, entry) in m.entries.enumerated() {
                out += inner + quote(entry.key) + ": "
                writePretty(entry.value, indent: indent + 2, into: &out)
                out += i == m.entries.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: indent) + "}"
        default:
            write(value, into: &out)
        }
    }

    private static func write(_ value: YAMLValue, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .string(let s): out += quote(s)
        case .list(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                write(item, into: &out)
            }
            out += "]"
        case .map(let m):
            out += "{"
            for (i, entry) in m.entries.enumerated() {
                if i > 0 { out += "," }
                out += quote(entry.key)
                out += ":"
                write(entry.value, into: &out)
            }
            out += "}"
        }
    }

    private static func quote(_ s: String) -> String { JSONText.quote(s) }
}
