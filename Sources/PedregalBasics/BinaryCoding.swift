/// A compact binary encoding for pedregal's own caches: unsigned LEB128
/// integers, length-prefixed UTF-8 strings and byte strings.
///
/// Foundation's JSON coders are an order of magnitude slower on Linux, and
/// the caches are read on every run; they are never an interchange format.
public struct BinaryWriter: Sendable {
    /// What has been written.
    public private(set) var bytes: [UInt8] = []

    /// An empty writer.
    public init() {}

    /// Appends an unsigned integer (7 bits per byte, low bits first).
    public mutating func write(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// Appends a signed integer (zigzag, so small negatives stay short).
    public mutating func write(_ value: Int) {
        let signed = Int64(value)
        write(UInt64(bitPattern: (signed << 1) ^ (signed >> 63)))
    }

    /// Appends a flag.
    public mutating func write(_ value: Bool) {
        bytes.append(value ? 1 : 0)
    }

    /// Appends a string: its UTF-8 length, then its bytes.
    public mutating func write(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            write(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// Appends an optional string: a flag, then the string.
    public mutating func write(_ value: String?) {
        write(value != nil)
        if let value { write(value) }
    }

    /// Appends bytes: their count, then the bytes.
    public mutating func write(bytes value: [UInt8]) {
        write(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// Appends the eight bytes of `value`, most significant first (fixed-size fields).
    public mutating func write(bigEndian value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    /// Appends bytes as they are, without a count (fixed-size fields).
    public mutating func write(raw value: [UInt8]) {
        bytes.append(contentsOf: value)
    }
}

/// Reads what ``BinaryWriter`` wrote. Every read checks the bounds and
/// throws on truncated or malformed input: a damaged cache is ignored,
/// never trusted and never a crash.
public struct BinaryReader: Sendable {
    /// Why the bytes could not be read.
    public struct Malformed: Error, CustomStringConvertible {
        /// Where in the input reading stopped.
        public var offset: Int
        public var description: String { "malformed binary data at byte \(offset)" }

        public init(offset: Int) {
            self.offset = offset
        }
    }

    private let bytes: [UInt8]
    /// The position of the next read.
    public private(set) var offset: Int

    /// Reads `bytes` from `offset`.
    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    /// Whether every byte has been read.
    public var isAtEnd: Bool { offset == bytes.count }

    /// Reads an unsigned integer.
    public mutating func readUInt64() throws(Malformed) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < bytes.count, shift < 64 else { throw Malformed(offset: offset) }
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    /// Reads a signed integer.
    public mutating func readInt() throws(Malformed) -> Int {
        let raw = try readUInt64()
        let value = Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
        guard let result = Int(exactly: value) else { throw Malformed(offset: offset) }
        return result
    }

    /// Reads a count that must be no larger than what is left to read
    /// (every counted item takes at least one byte), so a damaged count
    /// cannot make a reader reserve gigabytes.
    public mutating func readCount() throws(Malformed) -> Int {
        let count = try readUInt64()
        guard count <= UInt64(bytes.count - offset) else { throw Malformed(offset: offset) }
        return Int(count)
    }

    /// Reads a flag.
    public mutating func readBool() throws(Malformed) -> Bool {
        guard offset < bytes.count, bytes[offset] <= 1 else { throw Malformed(offset: offset) }
        offset += 1
        return bytes[offset - 1] == 1
    }

    /// Reads a string; invalid UTF-8 is malformed.
    public mutating func readString() throws(Malformed) -> String {
        let bytes = try readBytes()
        guard let string = String(validating: bytes, as: UTF8.self) else { throw Malformed(offset: offset) }
        return string
    }

    /// Reads an optional string.
    public mutating func readOptionalString() throws(Malformed) -> String? {
        try readBool() ? try readString() : nil
    }

    /// Reads counted bytes.
    public mutating func readBytes() throws(Malformed) -> [UInt8] {
        let count = try readCount()
        return try readRaw(count)
    }

    /// Reads `count` bytes as they are.
    public mutating func readRaw(_ count: Int) throws(Malformed) -> [UInt8] {
        guard count >= 0, count <= bytes.count - offset else { throw Malformed(offset: offset) }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }
}
