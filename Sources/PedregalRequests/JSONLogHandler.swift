import Foundation
import Logging
import PedregalBasics
import PedregalCompiler

/// swift-log output as one JSON object per line on standard error (time,
/// level, label, message and metadata), for log collectors.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String

    /// Creates a handler for `label`.
    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = metadata
        if let extra = event.metadata { fields.merge(extra) { _, new in new } }
        var line = "{\"time\":\(JSONText.quote(RFC3339.format(Date().timeIntervalSince1970)))"
        line += ",\"level\":\"\(event.level)\",\"logger\":\(JSONText.quote(label)),\"message\":\(JSONText.quote("\(event.message)"))"
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
            line += ",\(JSONText.quote(key)):\(JSONText.quote("\(value)"))"
        }
        FileHandle.standardError.write(Data((line + "}\n").utf8))
    }
}
