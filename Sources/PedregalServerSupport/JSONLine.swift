import Logging
import PedregalBasics

/// One JSON log line as it is built, in bytes: `{"time":…,"level":…`, then
/// each `,"key":value` in the order added, then `}` and a newline. Both the
/// swift-log handler and a server's hot path (the gateway's access line, one
/// per call) build lines with it, so both write the same bytes for the same
/// fields.
public struct JSONLine: Sendable {
    private var bytes: [UInt8] = []

    /// A line stamped `time` (RFC 3339, as `JSONLogHandler.now()` makes it) at `level`.
    public init(time: String, level: Logger.Level) {
        bytes.reserveCapacity(384)
        bytes.append(contentsOf: #"{"time":"#.utf8)
        JSONText.appendQuoted(time, to: &bytes)
        bytes.append(contentsOf: #","level":"#.utf8)
        JSONText.appendQuoted(level.rawValue, to: &bytes)
    }

    /// Adds a string.
    public mutating func add(_ key: String, _ text: String) {
        start(key)
        JSONText.appendQuoted(text, to: &bytes)
    }

    /// Adds a number with three decimals (`JSONLogHandler.threeDecimals`).
    public mutating func add(_ key: String, threeDecimals number: Double) {
        start(key)
        bytes.append(contentsOf: JSONLogHandler.threeDecimals(number).utf8)
    }

    /// Adds a metadata value: integers, booleans and doubles (three decimals) as
    /// JSON numbers and booleans, lists and dictionaries (keys sorted) nested.
    public mutating func add(_ key: String, _ value: Logger.Metadata.Value) {
        start(key)
        append(value)
    }

    /// The finished line, newline included.
    public consuming func finished() -> [UInt8] {
        bytes.append(contentsOf: "}\n".utf8)
        return bytes
    }

    private mutating func start(_ key: String) {
        bytes.append(0x2C)
        JSONText.appendQuoted(key, to: &bytes)
        bytes.append(0x3A)
    }

    private mutating func append(_ value: Logger.Metadata.Value) {
        switch value {
        case .string(let text): JSONText.appendQuoted(text, to: &bytes)
        case .stringConvertible(let item):
            switch item {
            case let number as Int: bytes.append(contentsOf: String(number).utf8)
            case let flag as Bool: bytes.append(contentsOf: (flag ? "true" : "false").utf8)
            case let number as Double: bytes.append(contentsOf: JSONLogHandler.threeDecimals(number).utf8)
            default: JSONText.appendQuoted(item.description, to: &bytes)
            }
        case .array(let items):
            bytes.append(0x5B)
            for (index, item) in items.enumerated() {
                if index > 0 { bytes.append(0x2C) }
                append(item)
            }
            bytes.append(0x5D)
        case .dictionary(let entries):
            bytes.append(0x7B)
            for (index, key) in entries.keys.sorted().enumerated() {
                if index > 0 { bytes.append(0x2C) }
                JSONText.appendQuoted(key, to: &bytes)
                bytes.append(0x3A)
                if let item = entries[key] { append(item) }
            }
            bytes.append(0x7D)
        }
    }
}
