import Foundation
import NIOConcurrencyHelpers
import PedregalYAML

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
            case .double(let number): line += ",\(Self.quote(key)):\(String(format: "%.3f", number))"
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

    private static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = time_t(now.tv_sec)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
            parts.tm_hour, parts.tm_min, parts.tm_sec, Int(now.tv_nsec / 1_000_000))
    }

    /// `text` as a JSON string literal.
    static func quote(_ text: String) -> String { JSONWriter.string(.string(text)) }
}

/// A value in a log line.
public enum LogValue: Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    case string(String)
    case int(Int)
    case double(Double)
    case none

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }

    /// `.string` or `.none`.
    public static func optional(_ text: String?) -> LogValue { text.map(LogValue.string) ?? .none }
}
