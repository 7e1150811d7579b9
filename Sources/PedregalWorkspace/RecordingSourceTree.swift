import PedregalBasics
import PedregalEmitter
import PedregalLoader

/// One read a compile made of its source tree, and what it saw.
struct SourceRead: Sendable, Equatable {
    enum Kind: UInt8, Sendable {
        /// ``SourceTree/fileNames(in:)``: `path` is a folder.
        case listing = 0
        /// ``SourceTree/contents(of:)``: `path` is a file.
        case contents = 1
    }

    var kind: Kind
    var path: String
    /// The digest of what was seen (the names in byte order, or the bytes); nil when there was
    /// no such folder or file.
    var seen: ContentDigest?

    /// Whether reading `path` from `tree` again sees the same; a read that fails does not.
    func holds(in tree: any SourceTree) -> Bool {
        guard let now = try? Self.observe(kind, path, in: tree) else { return false }
        return now == seen
    }

    static func observe(_ kind: Kind, _ path: String, in tree: any SourceTree) throws -> ContentDigest? {
        switch kind {
        case .listing: try tree.fileNames(in: path).map(digest(ofNames:))
        case .contents: try tree.contents(of: path).map { ContentDigest(of: $0) }
        }
    }

    /// Order does not count: the compiler's output does not depend on the order of a listing.
    static func digest(ofNames names: [String]) -> ContentDigest {
        ContentDigest(ofParts: names.sorted(by: ByteOrder.precedes).map { Array($0.utf8) })
    }
}

/// A source tree that remembers every read made through it: what a compile depended on. The
/// compiler reads nothing else (no clock, no network, no environment), so as long as each of
/// these reads sees the same again, compiling again would give the same result, byte for byte.
final class RecordingSourceTree: SourceTree {
    let base: any SourceTree
    private struct Record {
        var reads: [String: SourceRead] = [:]
        /// A read failed, or one path was seen two ways within the compile (changed while it
        /// ran): what was recorded does not describe one state of the tree.
        var isUnreliable = false
    }
    private let record = Locked(Record())

    init(_ base: any SourceTree) {
        self.base = base
    }

    func fileNames(in directory: String) throws -> [String]? {
        do {
            let names = try base.fileNames(in: directory)
            note(SourceRead(kind: .listing, path: directory, seen: names.map(SourceRead.digest(ofNames:))))
            return names
        } catch {
            record.withLock { $0.isUnreliable = true }
            throw error
        }
    }

    func contents(of path: String) throws -> [UInt8]? {
        do {
            let bytes = try base.contents(of: path)
            note(SourceRead(kind: .contents, path: path, seen: bytes.map { ContentDigest(of: $0) }))
            return bytes
        } catch {
            record.withLock { $0.isUnreliable = true }
            throw error
        }
    }

    private func note(_ read: SourceRead) {
        let key = "\(read.kind.rawValue)\u{0}\(read.path)"
        record.withLock { record in
            if let earlier = record.reads[key], earlier != read { record.isUnreliable = true }
            record.reads[key] = read
        }
    }

    /// Every read made so far, in byte order of path; nil when they do not describe one state of
    /// the tree.
    var reads: [SourceRead]? {
        record.withLock { record in
            record.isUnreliable
                ? nil
                : record.reads.values.sorted {
                    $0.path == $1.path ? $0.kind.rawValue < $1.kind.rawValue : ByteOrder.precedes($0.path, $1.path)
                }
        }
    }
}
