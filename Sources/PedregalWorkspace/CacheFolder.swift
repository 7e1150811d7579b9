import Foundation
import PedregalBasics
import PedregalCompiler
import PedregalEmitter

#if canImport(Glibc)
import Glibc
#endif

/// The command line's cache, in `.pedregal/cache/` below the root (git
/// ignores it): one file per team file holding its unit (diagnostics,
/// claims, and each object's address and digest), one index per output
/// folder, and the memo of the last compile (``RootMemo``).
///
/// Every file starts with a magic line and ends with the SHA-256 of what
/// precedes it; units are used only when their key, which covers the
/// pedregal executable, templates/ and the team file, matches. A damaged,
/// truncated, foreign or stale file is ignored (and replaced), never
/// trusted, and a cache that cannot be written only makes the next run slower.
public struct CacheFolder: Sendable {
    /// The folder (`<root>/.pedregal/cache`).
    public let path: String
    /// What the units of this executable carry besides pedregal's version.
    public let fingerprint: String

    /// The cache of the root at `root`.
    public init(root: URL, fingerprint: String = CacheFolder.executableFingerprint()) {
        self.path = root.standardizedFileURL.path + "/.pedregal/cache"
        self.fingerprint = fingerprint
    }

    /// Identifies this pedregal executable: its version and the file's
    /// device, inode, size, and modification and change times (the second
    /// set by the kernel alone), so a rebuilt or upgraded pedregal never
    /// reuses another build's units.
    public static func executableFingerprint() -> String {
        var info = stat()
        guard stat("/proc/self/exe", &info) == 0 else { return "pedregal \(PedregalVersion.current)" }
        let stamp = FileStamp(info)
        return "pedregal \(PedregalVersion.current) exe \(stamp.device):\(stamp.inode):\(stamp.size):\(stamp.modified):\(stamp.changed)"
    }

    private static let unitMagic = Array("pedregal-team-unit\n".utf8)
    private static let unitFormat: UInt64 = 1
    private var unitsFolder: String { path + "/units-v\(Self.unitFormat)" }

    private func unitPath(for file: String) -> String {
        unitsFolder + "/" + ContentDigest(of: Array(file.utf8)).description + ".unit"
    }

    /// A compilation cache holding every readable unit of the folder.
    public func load() -> CompilationCache {
        let cache = CompilationCache(fingerprint: fingerprint)
        let names = (FolderListing.entries(of: unitsFolder) ?? []).filter { $0.isRegularFile && $0.name.hasSuffix(".unit") }
        let folder = unitsFolder
        let units = names.parallelMap { entry in POSIXFile.read(folder + "/" + entry.name).flatMap(decodeUnit) }
        for unit in units.compactMap({ $0 }) { cache.store(unit) }
        return cache
    }

    /// Writes the units made in this run (those with details) and removes
    /// the files of team files that are gone. Failures are ignored.
    public func save(_ units: [TeamUnit]) {
        guard makeFolder(unitsFolder) else { return }
        let fresh = units.filter { $0.details != nil && !$0.file.isEmpty }
        _ = fresh.parallelMap { unit in writeAtomically(encodeUnit(unit), to: unitPath(for: unit.file)) }
        let kept = Set(units.map { unitPath(for: $0.file) })
        for entry in FolderListing.entries(of: unitsFolder) ?? [] where !kept.contains(unitsFolder + "/" + entry.name) {
            unlink(unitsFolder + "/" + entry.name)
        }
    }

    private func encodeUnit(_ unit: TeamUnit) -> [UInt8] {
        frame(magic: Self.unitMagic, format: Self.unitFormat) { TeamUnitCoding.encode(unit, to: &$0) }
    }

    private func decodeUnit(_ bytes: [UInt8]) -> TeamUnit? {
        unframe(bytes, magic: Self.unitMagic, format: Self.unitFormat) { reader throws(BinaryReader.Malformed) in
            try TeamUnitCoding.decode(from: &reader)
        }
    }

    /// The body of a cache file: after the magic line, the format and the fingerprint, before
    /// the SHA-256 of all that precedes it. Nil when any of them is not as expected, or when
    /// `decode` fails or leaves bytes unread.
    private func unframe<Value>(
        _ bytes: [UInt8], magic: [UInt8], format: UInt64, decode: (inout BinaryReader) throws(BinaryReader.Malformed) -> Value
    ) -> Value? {
        guard bytes.count > magic.count + 32, bytes.starts(with: magic) else { return nil }
        let body = Array(bytes.dropLast(32))
        guard ContentDigest(of: body).bytes == Array(bytes.suffix(32)) else { return nil }
        var reader = BinaryReader(body, offset: magic.count)
        do {
            guard try reader.readUInt64() == format, try reader.readString() == fingerprint else { return nil }
            let value = try decode(&reader)
            return reader.isAtEnd ? value : nil
        } catch {
            return nil
        }
    }

    /// A cache file as ``unframe(_:magic:format:decode:)`` reads it.
    private func frame(magic: [UInt8], format: UInt64, encode: (inout BinaryWriter) -> Void) -> [UInt8] {
        var writer = BinaryWriter()
        writer.write(raw: magic)
        writer.write(format)
        writer.write(fingerprint)
        encode(&writer)
        writer.write(raw: ContentDigest(of: writer.bytes).bytes)
        return writer.bytes
    }

    // MARK: Output folder indexes

    private var indexesFolder: String { path + "/outputs-v1" }

    private func indexPath(for folder: String) -> String {
        indexesFolder + "/" + ContentDigest(of: Array(folder.utf8)).description + ".index"
    }

    /// The index of the output folder at `folder` (absolute), if a usable one is kept.
    public func index(for folder: String) -> FolderIndex? {
        storedIndex(for: folder)?.index
    }

    /// An output folder's index as kept, and the checksum its file ends with (which tells one
    /// written index from another).
    struct StoredIndex {
        var index: FolderIndex
        var checksum: ContentDigest
    }

    /// The index of the output folder at `folder` as kept, if a usable one is.
    func storedIndex(for folder: String) -> StoredIndex? {
        guard let (info, bytes) = POSIXFile.readWithStamp(indexPath(for: folder)),
            let index = FolderIndex.decode(bytes, for: folder, writtenAt: FileStamp(info).modified),
            let checksum = ContentDigest(stored: Array(bytes.suffix(32)))
        else { return nil }
        return StoredIndex(index: index, checksum: checksum)
    }

    /// Keeps `index` for the output folder at `folder`; the checksum of the file, or nil when it
    /// could not be written.
    @discardableResult
    public func save(_ index: FolderIndex, for folder: String) -> ContentDigest? {
        guard makeFolder(indexesFolder) else { return nil }
        let bytes = index.encoded(for: folder)
        return writeAtomically(bytes, to: indexPath(for: folder)) ? ContentDigest(stored: Array(bytes.suffix(32))) : nil
    }

    // MARK: The last compile

    private static let memoMagic = Array("pedregal-root-memo\n".utf8)
    private static let memoFormat: UInt64 = 1
    private var memoPath: String { path + "/root-v\(Self.memoFormat).memo" }

    /// The memo of the last compile, if a usable one is kept.
    func memo() -> RootMemo? {
        POSIXFile.read(memoPath).flatMap { bytes in
            unframe(bytes, magic: Self.memoMagic, format: Self.memoFormat) { reader throws(BinaryReader.Malformed) in
                try RootMemo.decode(from: &reader)
            }
        }
    }

    /// Keeps `memo` in place of the last one; nil removes it.
    func save(_ memo: RootMemo?) {
        guard let memo else {
            unlink(memoPath)
            return
        }
        guard makeFolder(path) else { return }
        writeAtomically(frame(magic: Self.memoMagic, format: Self.memoFormat) { memo.encode(to: &$0) }, to: memoPath)
    }

    // MARK: Files

    private func makeFolder(_ folder: String) -> Bool {
        guard (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)) != nil else {
            return false
        }
        // Like pytest's cache: the folder ignores itself, so a repository
        // whose .gitignore does not name it never shows it as untracked.
        let ignore = (path as NSString).deletingLastPathComponent + "/.gitignore"
        if access(ignore, F_OK) != 0 {
            _ = POSIXFile.write(Array("# Made by pedregal: its cache, never committed.\n*\n".utf8), to: ignore)
        }
        return true
    }

    /// Written beside the target, then renamed: a reader sees the old file or the new one.
    @discardableResult
    private func writeAtomically(_ bytes: [UInt8], to target: String) -> Bool {
        let temporary = target + ".\(getpid()).tmp"
        guard POSIXFile.write(bytes, to: temporary) == nil, rename(temporary, target) == 0 else {
            unlink(temporary)
            return false
        }
        return true
    }
}
