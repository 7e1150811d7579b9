/// A pull reader of one JSON document (one event line): the decoder asks
/// for what it expects next and skips what it does not need, so no tree of
/// values is ever built. Every byte access is bounds-checked; malformed
/// input throws `JSONScanner.Malformed`, never traps.
public struct JSONScanner {
    /// Why a line is not the JSON the decoder expected.
    public struct Malformed: Error, Sendable, Equatable {
        /// What was expected.
        public var expected: String
        /// The byte offset in the line.
        public var offset: Int
    }

    private static let trueBytes: [UInt8] = Array("true".utf8)
    private static let falseBytes: [UInt8] = Array("false".utf8)
    private let bytes: ArraySlice<UInt8>
    private var position: Int
    // Set by nextKey/nextElement: whether a container has had an item yet.
    private var first: [Bool] = []

    /// A reader of `line`.
    public init(_ line: ArraySlice<UInt8>) {
        self.bytes = line
        self.position = line.startIndex
    }

    private func fail(_ expected: String) -> Malformed {
        Malformed(expected: expected, offset: position - bytes.startIndex)
    }

    private mutating func skipSpace() {
        while position < bytes.endIndex {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private mutating func peek() -> UInt8? {
        skipSpace()
        return position < bytes.endIndex ? bytes[position] : nil
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws {
        guard peek() == byte else { throw fail(what) }
        position += 1
    }

    /// Whether the next value is `null` (consumed when it is).
    public mutating func takeNull() -> Bool {
        guard peek() == UInt8(ascii: "n"), position + 4 <= bytes.endIndex,
            bytes[position + 1] == UInt8(ascii: "u"), bytes[position + 2] == UInt8(ascii: "l"), bytes[position + 3] == UInt8(ascii: "l")
        else { return false }
        position += 4
        return true
    }

    /// Starts reading an object; then call `nextKey()` until it returns nil.
    public mutating func beginObject() throws {
        try expect(UInt8(ascii: "{"), "an object")
        first.append(true)
    }

    /// The next key of the current object (its value comes next), or nil at its end.
    public mutating func nextKey() throws -> String? {
        guard let isFirst = first.last else { throw fail("an open object") }
        if peek() == UInt8(ascii: "}") {
            position += 1
            first.removeLast()
            return nil
        }
        if !isFirst { try expect(UInt8(ascii: ","), "',' or '}'") }
        first[first.count - 1] = false
        let key = try string()
        try expect(UInt8(ascii: ":"), "':'")
        return key
    }

    /// Starts reading an array; then call `nextElement()` until it returns false.
    public mutating func beginArray() throws {
        try expect(UInt8(ascii: "["), "an array")
        first.append(true)
    }

    /// Whether the current array has another element (read it next).
    public mutating func nextElement() throws -> Bool {
        guard let isFirst = first.last else { throw fail("an open array") }
        if peek() == UInt8(ascii: "]") {
            position += 1
            first.removeLast()
            return false
        }
        if !isFirst { try expect(UInt8(ascii: ","), "',' or ']'") }
        first[first.count - 1] = false
        return true
    }

    /// A string value, escapes decoded.
    public mutating func string() throws -> String {
        try expect(UInt8(ascii: "\""), "a string")
        let start = position
        // Fast path: no escapes.
        while position < bytes.endIndex {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                defer { position += 1 }
                return String(decoding: bytes[start..<position], as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") { break }
            position += 1
        }
        var decoded = Array(bytes[start..<position])
        while position < bytes.endIndex {
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: "\"") { return String(decoding: decoded, as: UTF8.self) }
            guard byte == UInt8(ascii: "\\") else {
                decoded.append(byte)
                continue
            }
            guard position < bytes.endIndex else { break }
            let escaped = bytes[position]
            position += 1
            switch escaped {
            case UInt8(ascii: "n"): decoded.append(10)
            case UInt8(ascii: "t"): decoded.append(9)
            case UInt8(ascii: "r"): decoded.append(13)
            case UInt8(ascii: "b"): decoded.append(8)
            case UInt8(ascii: "f"): decoded.append(12)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar), position + 6 <= bytes.endIndex, bytes[position] == UInt8(ascii: "\\"),
                    bytes[position + 1] == UInt8(ascii: "u")
                {
                    position += 2
                    let low = try hex4()
                    scalar = (0xDC00..<0xE000).contains(low) ? 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00) : 0xFFFD
                }
                decoded.append(contentsOf: Array(String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8))
            default: decoded.append(escaped)
            }
        }
        throw fail("the end of a string")
    }

    private mutating func hex4() throws -> UInt32 {
        guard position + 4 <= bytes.endIndex else { throw fail("four hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            position += 1
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw fail("a hex digit")
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// A number as an integer (a fraction is truncated; a quoted number is
    /// read too, as Spark writes some longs as strings); null is 0.
    public mutating func int() throws -> Int {
        if takeNull() { return 0 }
        if peek() == UInt8(ascii: "\"") { return Int(try string()) ?? 0 }
        let value = try double()
        guard value.isFinite, abs(value) < 9.2e18 else { return 0 }
        return Int(value)
    }

    /// A number; null is 0.
    public mutating func double() throws -> Double {
        if takeNull() { return 0 }
        _ = peek()
        let start = position
        var integer = 0
        var simple = true
        var negative = false
        if position < bytes.endIndex, bytes[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        var digits = 0
        while position < bytes.endIndex {
            let byte = bytes[position]
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                if digits < 18 { integer = integer * 10 + Int(byte - UInt8(ascii: "0")) } else { simple = false }
                digits += 1
                position += 1
            } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
            {
                simple = false
                position += 1
            } else {
                break
            }
        }
        guard digits > 0 else { throw fail("a number") }
        if simple { return Double(negative ? -integer : integer) }
        guard let value = Double(String(decoding: bytes[start..<position], as: UTF8.self)) else { throw fail("a number") }
        return value
    }

    /// `true` or `false`; null is false.
    public mutating func bool() throws -> Bool {
        if takeNull() { return false }
        if peek() == UInt8(ascii: "t"), bytes[position...].starts(with: Self.trueBytes) {
            position += 4
            return true
        }
        if peek() == UInt8(ascii: "f"), bytes[position...].starts(with: Self.falseBytes) {
            position += 5
            return false
        }
        throw fail("true or false")
    }

    /// Skips one value of any kind, nested containers included.
    public mutating func skip() throws {
        guard let byte = peek() else { throw fail("a value") }
        switch byte {
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while position < bytes.endIndex {
                let current = bytes[position]
                switch current {
                case UInt8(ascii: "\""):
                    try skipString()
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 {
                        position += 1
                        return
                    }
                default: break
                }
                position += 1
            }
            throw fail("the end of a container")
        case UInt8(ascii: "t"), UInt8(ascii: "f"): _ = try bool()
        case UInt8(ascii: "n"):
            guard takeNull() else { throw fail("null") }
        default: _ = try double()
        }
    }

    private mutating func skipString() throws {
        position += 1
        while position < bytes.endIndex {
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: "\\") {
                position += 1
            } else if byte == UInt8(ascii: "\"") {
                return
            }
        }
        throw fail("the end of a string")
    }

    /// A flat object of strings (Spark properties), every value as text.
    public mutating func stringMap(keeping keep: (String) -> Bool = { _ in true }) throws -> [String: String] {
        var result: [String: String] = [:]
        try beginObject()
        while let key = try nextKey() {
            if keep(key), peek() == UInt8(ascii: "\"") { result[key] = try string() } else { try skip() }
        }
        return result
    }

    /// A flat object of numbers (executor metrics), null and non-numbers skipped.
    public mutating func numberMap() throws -> [String: Int] {
        var result: [String: Int] = [:]
        try beginObject()
        while let key = try nextKey() {
            if let byte = peek(), byte == UInt8(ascii: "-") || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) {
                result[key] = try int()
            } else {
                try skip()
            }
        }
        return result
    }
}
