import Foundation

/// Where one application's event log is: a single file (Spark 3.5's
/// default, `<app-id>[.codec][.inprogress]`) or a rolling folder (Spark 4's
/// default, `eventlog_v2_<app-id>/` holding `events_<n>_<app-id>[.codec]`
/// files and an `appstatus_<app-id>[.inprogress]` marker).
public struct EventLogLocation: Sendable, Equatable, Hashable {
    /// The file or folder.
    public var path: String
    /// The application id (and attempt) from the name.
    public var appID: String
    /// The files to read, in order: for a rolling log the files after the
    /// last compacted one (that one included), by their index.
    public var files: [String]
    /// Whether Spark is still writing it (`.inprogress`).
    public var inProgress: Bool
    /// Whether it is a rolling folder.
    public var rolling: Bool

    /// A log described by its parts, as `at(_:)` and `all(in:)` find them (or a caller that holds the lines itself).
    public init(path: String, appID: String, files: [String], inProgress: Bool, rolling: Bool) {
        self.path = path
        self.appID = appID
        self.files = files
        self.inProgress = inProgress
        self.rolling = rolling
    }

    /// The log at `path`: a single file or a rolling folder.
    public static func at(_ path: String) throws -> EventLogLocation {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw EventLogError(path, "does not exist")
        }
        let name = (path as NSString).lastPathComponent
        if !isFolder.boolValue {
            var app = Substring(name)
            let inProgress = app.hasSuffix(".inprogress")
            if inProgress { app = app.dropLast(".inprogress".count) }
            if let codec = EventLogCodec.named(in: String(app)) { app = app.dropLast(codec.rawValue.count + 1) }
            return EventLogLocation(path: path, appID: String(app), files: [path], inProgress: inProgress, rolling: false)
        }
        guard name.hasPrefix(rollingPrefix) else {
            throw EventLogError(
                path,
                "is a folder but not a rolling event log (eventlog_v2_<app-id>); to read every log in a folder, pass it as a folder of logs"
            )
        }
        let entries = try FileManager.default.contentsOfDirectory(atPath: path).filter { !$0.hasPrefix(".") }
        var numbered: [(index: Int, compact: Bool, name: String)] = []
        for entry in entries where entry.hasPrefix("events_") {
            let rest = entry.dropFirst("events_".count)
            guard let underscore = rest.firstIndex(of: "_"), let index = Int(rest[..<underscore]) else { continue }
            numbered.append((index, entry.hasSuffix(".compact"), entry))
        }
        numbered.sort { $0.index < $1.index || ($0.index == $1.index && $0.compact && !$1.compact) }
        // A compacted file holds what the files before it held.
        if let lastCompact = numbered.lastIndex(where: \.compact) {
            numbered = Array(numbered[lastCompact...]).filter { !($0.index == numbered[lastCompact].index && !$0.compact) }
        }
        guard !numbered.isEmpty else {
            throw EventLogError(path, "holds no events_<n>_<app-id> files; is Spark still starting, or is this another kind of folder?")
        }
        let status = entries.first { $0.hasPrefix("appstatus_") }
        return EventLogLocation(
            path: path, appID: String(name.dropFirst(rollingPrefix.count)),
            files: numbered.map { (path as NSString).appendingPathComponent($0.name) },
            inProgress: status?.hasSuffix(".inprogress") ?? true, rolling: true)
    }

    /// Every application's log in `folder` (what `spark.eventLog.dir` holds), sorted by path.
    /// Hidden files (Hadoop's `.crc` checksums) and other folders are left out.
    public static func all(in folder: String) throws -> [EventLogLocation] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw EventLogError(folder, "is not a folder of event logs")
        }
        if (folder as NSString).lastPathComponent.hasPrefix(rollingPrefix) { return [try at(folder)] }
        var result: [EventLogLocation] = []
        for entry in try FileManager.default.contentsOfDirectory(atPath: folder).sorted() where !entry.hasPrefix(".") {
            let path = (folder as NSString).appendingPathComponent(entry)
            var entryIsFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &entryIsFolder) else { continue }
            if entryIsFolder.boolValue && !entry.hasPrefix(rollingPrefix) { continue }
            if !entryIsFolder.boolValue && (entry.hasSuffix(".crc") || entry.hasPrefix("appstatus_")) { continue }
            if let location = try? at(path) { result.append(location) }
        }
        return result
    }

    static let rollingPrefix = "eventlog_v2_"
}
