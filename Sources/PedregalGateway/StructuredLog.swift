import Foundation
import NIOConcurrencyHelpers
import PedregalBasics

/// JSON-lines logs: access lines (one per call), audit lines (who opened
/// which session where), and events (routes reloaded, servers up/down).
/// Tokens never reach a log line: callers pass only verified subjects.
public final class StructuredLog: Sendable {
    /// Where lines go.
    public enum Destination: Sendable {
        case standardOutput
        case standardError
        /// An open file (the benchmark writes to /dev/null).
        case fileHandle(FileHandle)
        case discard
    }

    private let destination: Destination
    private let lock = NIOLock()

    /// Creates a log.
    public init(_ destination: Destination) {
        self.destination = destination
    }

    /// Writes one line of `fields` with `time` and `kind` first.
    public func write(_ kind: String, _ fields: KeyValuePairs<String, LogValue>) {
        guard let handle else { return }
        var line = "{\"time\":\"\(Self.timestamp())\",\"kind\":\(Self.quote(kind))"
        for (key, value) in fields {
            switch value {
            case .string(let text): line += ",\(Self.quote(key)):\(Self.quote(text))"
            case .int(let number): line += ",\(Self.quote(key)):\(number)"
            case .double(let number): line += ",\(Self.quote(key)):\(Self.threeDecimals(number))"
            case .objects(let objects):
                let items = objects.map { object in
                    "{" + object.map { "\(Self.quote($0.key)):\(Self.quote($0.value))" }.joined(separator: ",") + "}"
                }
                line += ",\(Self.quote(key)):[" + items.joined(separator: ",") + "]"
            case .none: continue
            }
        }
        line += "}\n"
        let data = Data(line.utf8)
        lock.withLock { handle.write(data) }
    }

    private var handle: FileHandle? {
        switch destination {
        case .standardOutput: return FileHandle.standardOutput
        case .standardError: return FileHandle.standardError
        case .fileHandle(let handle): return handle
        case .discard: return nil
        }
    }

    // Formatted without String(format:): every access line has a time and a duration, and
    // Foundation's formatter costs more than the rest of the line.
    private static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return RFC3339.format(wholeSeconds: Int(now.tv_sec), milliseconds: Int(now.tv_nsec) / 1_000_000)
    }

    /// `number` with three decimals, rounded half away from zero; `null` when it is not
    /// finite (JSON has no NaN).
    static func threeDecimals(_ number: Double) -> String {
        guard number.isFinite, abs(number) < 1e15 else { return number.isFinite ? String(number) : "null" }
        let thousandths = Int((abs(number) * 1000).rounded())
        let sign = number < 0 && thousandths > 0 ? "-" : ""
        // 1000 + a remainder below 1000 has four digits: the last three are the zero-padded decimals.
        return "\(sign)\(thousandths / 1000).\(String(1000 + thousandths % 1000).dropFirst())"
    }

    /// `text` as a JSON string literal.
    static func quote(_ text: String) -> String { JSONText.quote(text) }
}

/// A value in a log line.
public enum LogValue: Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    case string(String)
    case int(Int)
    case double(Double)
    /// A list of objects whose values are strings (the sessions a dead server held).
    case objects([[(key: String, value: String)]])
    case none

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }

    /// `.string` or `.none`.
    public static func optional(_ text: String?) -> LogValue { text.map(LogValue.string) ?? .none }
}
