import PedregalBasics

#if canImport(Glibc)
import Glibc
#endif

/// What pedregal last saw of each generated file of an output folder: its
/// `stat` (size, inode, modification and change times) and the digest of
/// its contents, as git's index does for a work tree. A file whose `stat`
/// is unchanged need not be read to know its contents; one that was
/// touched, edited, replaced or checked out again is read.
///
/// Timestamps come from the file system, never from the clock. A file
/// modified within the same timestamp tick as the index was written is
/// "racily clean" (its change might not show in its times) and is read
/// again, as git does.
public struct FolderIndex: Sendable, Equatable {
    /// One file's `stat` and contents.
    public struct Entry: Sendable, Equatable {
        public var stamp: FileStamp
        public var digest: ContentDigest

        public init(stamp: FileStamp, digest: ContentDigest) {
            self.stamp = stamp
            self.digest = digest
        }
    }

    /// Path (relative to the folder) → entry.
    public var entries: [String: Entry]
    /// The modification time of the index file itself once written, in
    /// nanoseconds; entries modified at or after it are read again.
    public var writtenAt: Int64?

    public init(entries: [String: Entry] = [:], writtenAt: Int64? = nil) {
        self.entries = entries
        self.writtenAt = writtenAt
    }

    /// The digest of the file at `path` when `stamp` shows it unchanged
    /// since it was recorded, and it was not modified in the index's tick.
    public func digest(of path: String, stamp: FileStamp) -> ContentDigest? {
        guard let entry = entries[path], entry.stamp == stamp else { return nil }
        if let writtenAt, stamp.modified >= writtenAt || stamp.changed >= writtenAt { return nil }
        return entry.digest
    }

    private static let magic = Array("pedregal-folder-index\n".utf8)
    private static let format: UInt64 = 1

    /// The index as bytes, for `folder` (the absolute path it describes).
    public func encoded(for folder: String) -> [UInt8] {
        var writer = BinaryWriter()
        writer.write(raw: Self.magic)
        writer.write(Self.format)
        writer.write(folder)
        writer.write(UInt64(entries.count))
        // In the dictionary's order: the reader builds a dictionary again,
        // and sorting 100,000 paths would cost more than the rest of a
        // `check` that finds nothing changed.
        for (path, entry) in entries {
            writer.write(path)
            entry.stamp.encode(to: &writer)
            entry.digest.write(to: &writer)
        }
        // A digest of everything before it: a damaged index is ignored.
        let check = ContentDigest(of: writer.bytes)
        writer.write(raw: check.bytes)
        return writer.bytes
    }

    /// Reads an index written by ``encoded(for:)`` for `folder`; nil when it
    /// is damaged, of another format or of another folder.
    public static func decode(_ bytes: [UInt8], for folder: String, writtenAt: Int64?) -> FolderIndex? {
        guard bytes.count > magic.count + 32, bytes.starts(with: magic) else { return nil }
        let body = Array(bytes.dropLast(32))
        guard ContentDigest(of: body).bytes == Array(bytes.suffix(32)) else { return nil }
        var reader = BinaryReader(body, offset: magic.count)
        do {
            guard try reader.readUInt64() == format, try reader.readString() == folder else { return nil }
            let count = try reader.readCount()
            var entries: [String: Entry] = [:]
            entries.reserveCapacity(count)
            for _ in 0..<count {
                let path = try reader.readString()
                let stamp = try FileStamp.decode(from: &reader)
                guard let digest = ContentDigest(stored: try reader.readRaw(32)) else { return nil }
                entries[path] = Entry(stamp: stamp, digest: digest)
            }
            guard reader.isAtEnd else { return nil }
            return FolderIndex(entries: entries, writtenAt: writtenAt)
        } catch {
            return nil
        }
    }
}

/// What `stat` says of a file that changes whenever its contents might:
/// size, device and inode (a file replaced by a rename has a new one), and
/// the modification and status-change times in nanoseconds (`touch` can
/// set the first, nothing but the kernel sets the second).
public struct FileStamp: Sendable, Equatable {
    public var size: Int64
    public var device: UInt64
    public var inode: UInt64
    public var modified: Int64
    public var changed: Int64

    public init(size: Int64, device: UInt64, inode: UInt64, modified: Int64, changed: Int64) {
        self.size = size
        self.device = device
        self.inode = inode
        self.modified = modified
        self.changed = changed
    }

    /// The stamp of what `info` describes.
    public init(_ info: stat) {
        self.init(
            size: Int64(info.st_size), device: UInt64(info.st_dev), inode: UInt64(info.st_ino),
            modified: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
            changed: Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec))
    }

    /// The stamp of the regular file at `path` (links followed); nil when
    /// there is none.
    public static func of(_ path: String) -> FileStamp? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return FileStamp(info)
    }

    func encode(to writer: inout BinaryWriter) {
        writer.write(Int(size))
        writer.write(device)
        writer.write(inode)
        writer.write(Int(modified))
        writer.write(Int(changed))
    }

    static func decode(from reader: inout BinaryReader) throws(BinaryReader.Malformed) -> FileStamp {
        FileStamp(
            size: Int64(try reader.readInt()), device: try reader.readUInt64(), inode: try reader.readUInt64(),
            modified: Int64(try reader.readInt()), changed: Int64(try reader.readInt()))
    }
}
