import Foundation
import Logging
import PedregalBasics

/// swift-log output as one JSON object per line, for log collectors:
/// `time` (UTC, milliseconds), `level`, the keys named in `leadingKeys` in
/// that order, the message under `messageKey`, then every other metadata key
/// sorted. Integers, booleans and doubles (three decimals) are JSON numbers
/// and booleans; lists and dictionaries nest. Lines go to a `LogSink`, which
/// writes them off the caller's thread.
///
/// Callers decide what enters a line: never a token or a secret.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public var metadataProvider: Logger.MetadataProvider?
    private let sink: LogSink
    private let messageKey: String
    private let leadingKeys: [String]

    /// Creates a handler writing to `sink`.
    public init(sink: LogSink, messageKey: String = "message", leadingKeys: [String] = []) {
        self.sink = sink
        self.messageKey = messageKey
        self.leadingKeys = leadingKeys
    }

    /// A handler for `LoggingSystem.bootstrap`: each line names the logger it
    /// came from (`label`) under `logger`, right after the level.
    public init(sink: LogSink, label: String) {
        self.init(sink: sink, leadingKeys: ["logger"])
        metadata["logger"] = .string(label)
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        // The call's own metadata wins over the provider's, which wins over the handler's.
        // Built from the call's dictionary, adding only what it lacks: a busy server logs a
        // line per request, and merging into a copy of the handler's dictionary rehashed
        // every key of every line.
        var fields = event.metadata ?? [:]
        if let provided = metadataProvider?.get() {
            for (key, value) in provided where fields[key] == nil { fields[key] = value }
        }
        for (key, value) in metadata where fields[key] == nil { fields[key] = value }
        sink.write(line(level: event.level, message: "\(event.message)", fields: fields))
    }

    /// One line, newline included.
    func line(level: Logger.Level, message: String, fields: Logger.Metadata, time: String = JSONLogHandler.now()) -> [UInt8] {
        var line = JSONLine(time: time, level: level)
        for key in leadingKeys {
            if let value = fields[key] { line.add(key, value) }
        }
        if !message.isEmpty { line.add(messageKey, message) }
        // The other keys, sorted, read in place: no copy of the dictionary per line.
        var rest: [(key: String, value: Logger.Metadata.Value)] = []
        rest.reserveCapacity(fields.count)
        for entry in fields where !leadingKeys.contains(entry.key) && (message.isEmpty || entry.key != messageKey) { rest.append(entry) }
        rest.sort { $0.key < $1.key }
        for (key, value) in rest { line.add(key, value) }
        return line.finished()
    }

    /// The current time as RFC 3339 UTC with milliseconds.
    // Formatted without Foundation's date formatter: every access line has a time, and the
    // formatter costs more than the rest of the line.
    public static func now() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return RFC3339.format(wholeSeconds: Int(now.tv_sec), milliseconds: Int(now.tv_nsec) / 1_000_000)
    }

    /// `number` with three decimals, rounded half away from zero; `null` when it is not
    /// finite (JSON has no NaN).
    public static func threeDecimals(_ number: Double) -> String {
        guard number.isFinite, abs(number) < 1e15 else { return number.isFinite ? String(number) : "null" }
        let thousandths = Int((abs(number) * 1000).rounded())
        let sign = number < 0 && thousandths > 0 ? "-" : ""
        // 1000 + a remainder below 1000 has four digits: the last three are the zero-padded decimals.
        return "\(sign)\(thousandths / 1000).\(String(1000 + thousandths % 1000).dropFirst())"
    }
}
