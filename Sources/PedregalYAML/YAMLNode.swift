import PedregalDiagnostics

/// A parsed YAML node that remembers where it was written.
///
/// Only what pedregal needs survives parsing: scalars keep their text and
/// style (so `"8"` and `8` stay distinguishable), mappings keep key order and
/// every key's own position.
public struct YAMLNode: Sendable {
    /// What the node holds.
    public enum Content: Sendable {
        case scalar(YAMLScalar)
        case sequence([YAMLNode])
        case mapping([YAMLPair])
    }

    /// What the node holds.
    public var content: Content
    /// Where the node starts.
    public var location: SourceLocation
    /// Where the node ends (just past its last character), when parsed from
    /// text: what an edit that replaces or removes the node needs. For block
    /// collections libyaml ends them where the next token starts.
    public var end: SourceLocation? {
        get { endLine == 0 ? nil : SourceLocation(file: location.file, line: Int(endLine), column: Int(endColumn)) }
        set {
            endLine = Int32(clamping: newValue?.line ?? 0)
            endColumn = Int32(clamping: newValue?.column ?? 0)
        }
    }
    // Kept as two small numbers: every node of every file carries them.
    private var endLine: Int32 = 0
    private var endColumn: Int32 = 0

    /// Creates a node.
    public init(_ content: Content, at location: SourceLocation, end: SourceLocation? = nil) {
        self.content = content
        self.location = location
        self.end = end
    }

    /// The scalar, if this node is one.
    public var scalar: YAMLScalar? {
        if case .scalar(let s) = content { return s }
        return nil
    }

    /// The items, if this node is a sequence.
    public var sequence: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// The pairs, if this node is a mapping.
    public var mapping: [YAMLPair]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    /// A short noun for messages: "a string", "a list", "a mapping", …
    public var kindDescription: String {
        switch content {
        case .scalar(let s): return s.kindDescription
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }
}

/// A key and its value in a mapping. Keys are scalars in every file pedregal reads.
public struct YAMLPair: Sendable {
    /// The key's text.
    public var key: String
    /// Where the key is written.
    public var keyLocation: SourceLocation
    /// The value.
    public var value: YAMLNode

    /// Creates a pair.
    public init(key: String, keyLocation: SourceLocation, value: YAMLNode) {
        self.key = key
        self.keyLocation = keyLocation
        self.value = value
    }
}

/// A scalar's text, how it was written, and the type YAML 1.2's core schema
/// gives it.
public struct YAMLScalar: Sendable, Hashable {
    /// How the scalar was written.
    public enum Style: Sendable, Hashable { case plain, singleQuoted, doubleQuoted, literal, folded }

    /// The type of a scalar under the YAML 1.2 core schema. Only plain scalars
    /// can be anything but a string.
    public enum Resolved: Sendable, Hashable {
        case null
        case bool(Bool)
        /// An integer; `nil` when it does not fit in 64 bits.
        case int(Int?)
        case float(Double)
        case string
    }

    /// The scalar's text after YAML's unescaping and folding.
    public var text: String
    /// How it was written.
    public var style: Style
    /// Its type.
    public var resolved: Resolved

    /// Creates a scalar and resolves its type; `forceString` is for `!!str`
    /// and the non-specific `!` tag.
    public init(text: String, style: Style, forceString: Bool = false) {
        self.text = text
        self.style = style
        self.resolved = (style == .plain && !forceString) ? CoreSchema.resolve(text) : .string
    }

    /// A short noun for messages.
    public var kindDescription: String {
        switch resolved {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int: return "an integer"
        case .float: return "a number"
        case .string: return "a string"
        }
    }
}

/// Scalar resolution of the YAML 1.2 core schema (yaml.org/spec/1.2.2 §10.3).
enum CoreSchema {
    static func resolve(_ text: String) -> YAMLScalar.Resolved {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .float(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .float(-.infinity)
        case ".nan", ".NaN", ".NAN": return .float(.nan)
        default: break
        }
        let bytes = Array(text.utf8)
        guard let first = bytes.first,
            first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
                || first == UInt8(ascii: ".") || (first >= 0x30 && first <= 0x39)
        else { return .string }
        if isDecimalInteger(bytes) {
            return .int(Int(text.hasPrefix("+") ? String(text.dropFirst()) : text))
        }
        if bytes.count > 2, bytes[0] == UInt8(ascii: "0") {
            let digits = String(text.dropFirst(2))
            if bytes[1] == UInt8(ascii: "o"), !digits.isEmpty, digits.allSatisfy({ ("0"..."7").contains($0) }) {
                return .int(Int(digits, radix: 8))
            }
            if bytes[1] == UInt8(ascii: "x"), !digits.isEmpty, digits.allSatisfy(\.isHexDigit) {
                return .int(Int(digits, radix: 16))
            }
        }
        if isFloat(bytes), let value = Double(text) { return .float(value) }
        return .string
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    private static func isDecimalInteger(_ b: [UInt8]) -> Bool {
        var i = 0
        if b[0] == UInt8(ascii: "-") || b[0] == UInt8(ascii: "+") { i = 1 }
        guard i < b.count else { return false }
        return b[i...].allSatisfy(isDigit)
    }

    // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
    private static func isFloat(_ b: [UInt8]) -> Bool {
        var i = 0
        if i < b.count, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") { i += 1 }
        var mantissaDigits = 0
        while i < b.count, isDigit(b[i]) {
            i += 1
            mantissaDigits += 1
        }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            while i < b.count, isDigit(b[i]) {
                i += 1
                mantissaDigits += 1
            }
        }
        guard mantissaDigits > 0 else { return false }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") { i += 1 }
            var exponentDigits = 0
            while i < b.count, isDigit(b[i]) {
                i += 1
                exponentDigits += 1
            }
            guard exponentDigits > 0 else { return false }
        }
        return i == b.count
    }
}
