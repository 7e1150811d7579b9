import Crypto
import Foundation

/// The first answer to each `Idempotency-Key`, kept as one small file per key
/// in the service's state folder so that a retry after a restart still gets
/// it. Only answers are kept here; the clusters' state lives in git.
///
/// A change's answer is written before its push, as an intent naming its
/// commits, and confirmed after: when the service dies between the two, a
/// retry finds the intent, and answers it again if the commits landed.
public actor IdempotencyStore {
    /// A stored answer.
    public struct Record: Sendable, Codable, Equatable {
        /// SHA-256 of the method, path and body of the first request.
        public var fingerprint: String
        public var status: Int
        public var body: String
        /// Seconds since 1970.
        public var storedAt: Int
        /// The commits the answer is about (an intent: not known to be pushed yet).
        public var commits: [String]?
        /// False for an intent: the answer of a change whose push may not have landed.
        public var confirmed: Bool?

        /// Creates a record.
        public init(fingerprint: String, status: Int, body: String, storedAt: Int, commits: [String]? = nil, confirmed: Bool? = nil) {
            self.fingerprint = fingerprint
            self.status = status
            self.body = body
            self.storedAt = storedAt
            self.commits = commits
            self.confirmed = confirmed
        }
    }

    /// What to do with a request that carries a key.
    public enum Lookup: Sendable, Equatable {
        /// First time: go ahead, then `store` (or `forget`).
        case proceed
        /// Answered before: send this again.
        case replay(Record)
        /// The same key with another request.
        case mismatch
        /// The first request with this key is still being answered.
        case inProgress
        /// The first request's change was about to be pushed when the service
        /// stopped: replay it if its commits landed, else go ahead (now marked running).
        case unconfirmed(Record)
    }

    private let folder: String
    private let lifetime: Int
    private var running: Set<String> = []

    /// Keeps answers in `folder` for `lifetime` seconds.
    public init(folder: String, lifetime: Int = 86_400) throws {
        self.folder = folder
        self.lifetime = lifetime
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    /// Whether `key` is usable: 1 to 255 printable ASCII characters.
    public static func isValid(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.count <= 255 && key.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
    }

    /// The fingerprint of a request.
    public static func fingerprint(method: String, path: String, body: [UInt8]) -> String {
        hex(SHA256.hash(data: Array("\(method) \(path)\n".utf8) + body))
    }

    /// Looks `key` of `subject` up and, when it is new, marks it running.
    public func begin(subject: String, key: String, fingerprint: String, now: Int) -> Lookup {
        let file = path(subject: subject, key: key)
        if let data = FileManager.default.contents(atPath: file),
            let record = try? JSONDecoder().decode(Record.self, from: data), now - record.storedAt < lifetime
        {
            guard record.fingerprint == fingerprint else { return .mismatch }
            if record.confirmed == false {
                if running.contains(file) { return .inProgress }
                running.insert(file)
                return .unconfirmed(record)
            }
            return .replay(record)
        }
        if running.contains(file) { return .inProgress }
        running.insert(file)
        return .proceed
    }

    /// Keeps the answer (written to a temporary file, synced, renamed).
    public func store(subject: String, key: String, _ record: Record) {
        let file = path(subject: subject, key: key)
        running.remove(file)
        write(record, to: file)
    }

    /// Keeps an answer whose change is about to be pushed; the key stays running.
    public func intend(subject: String, key: String, _ record: Record) {
        var intent = record
        intent.confirmed = false
        write(intent, to: path(subject: subject, key: key))
    }

    private func write(_ record: Record, to file: String) {
        guard let data = try? JSONEncoder().encode(record) else { return }
        let temporary = file + ".new"
        if FileManager.default.createFile(atPath: temporary, contents: data),
            let handle = FileHandle(forWritingAtPath: temporary)
        {
            try? handle.synchronize()
            try? handle.close()
            _ = rename(temporary, file)
        }
    }

    /// Drops the running mark and any intent, keeping no answer (failures are not replayed).
    public func forget(subject: String, key: String) {
        let file = path(subject: subject, key: key)
        running.remove(file)
        discardIntent(file)
    }

    /// Drops the running mark and keeps whatever is stored.
    public func release(subject: String, key: String) {
        running.remove(path(subject: subject, key: key))
    }

    /// Drops an intent whose change did not land; the key stays running.
    public func discardIntent(subject: String, key: String) {
        discardIntent(path(subject: subject, key: key))
    }

    private func discardIntent(_ file: String) {
        if let data = FileManager.default.contents(atPath: file), let record = try? JSONDecoder().decode(Record.self, from: data),
            record.confirmed == false
        {
            try? FileManager.default.removeItem(atPath: file)
        }
    }

    /// Removes answers older than the lifetime and half-written files.
    public func prune(now: Int) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for name in names {
            let file = folder + "/" + name
            if name.hasSuffix(".new") {
                try? FileManager.default.removeItem(atPath: file)
                continue
            }
            guard let data = FileManager.default.contents(atPath: file),
                let record = try? JSONDecoder().decode(Record.self, from: data), now - record.storedAt < lifetime
            else {
                try? FileManager.default.removeItem(atPath: file)
                continue
            }
        }
    }

    private func path(subject: String, key: String) -> String {
        folder + "/" + Self.hex(SHA256.hash(data: Array("\(subject)\n\(key)".utf8))) + ".json"
    }

    private static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        digest.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
