import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Read access to the input root (`teams/`, `templates/`), by root-relative
/// path. The compiler never touches the disk directly: tests pass an
/// in-memory tree, `pedregal diff` passes a git revision.
public protocol SourceTree: Sendable {
    /// Names of the regular files directly inside `directory` (e.g.
    /// `"teams"`), or nil when the directory does not exist.
    func fileNames(in directory: String) throws -> [String]?
    /// The bytes of the file at `path`, or nil when it does not exist.
    func contents(of path: String) throws -> [UInt8]?
}

/// A folder on disk.
public struct DiskSourceTree: SourceTree {
    /// The root folder.
    public let root: URL

    /// Reads below `root`.
    public init(root: URL) {
        self.root = root
    }

    /// Why a file could not be read, in words.
    public struct ReadError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Files bigger than this are refused before reading (the parser's own
    /// limit is far lower; this only keeps a stray disk image out of memory).
    static let maxBytes = 64 << 20

    public func fileNames(in directory: String) throws -> [String]? {
        let path = root.appendingPathComponent(directory, isDirectory: true).path
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { return nil }
        let names = try FileManager.default.contentsOfDirectory(atPath: path)
        // Everything but folders: a dangling link or a FIFO must be reported
        // as unreadable, not skipped (a skipped team would lose its objects).
        return names.filter { name in
            var entry = stat()
            return stat(path + "/" + name, &entry) != 0 || entry.st_mode & S_IFMT != S_IFDIR
        }
    }

    public func contents(of path: String) throws -> [UInt8]? {
        let full = root.appendingPathComponent(path).path
        var info = stat()
        if stat(full, &info) != 0 {
            if errno == ENOENT, lstat(full, &info) != 0 { return nil }
            throw ReadError(description: String(cString: strerror(errno)).lowercased())
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw ReadError(description: "it is not a regular file")
        }
        guard Int(info.st_size) <= Self.maxBytes else {
            throw ReadError(description: "it is \(info.st_size) bytes; the limit is \(Self.maxBytes)")
        }
        let fd = open(full, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ReadError(description: String(cString: strerror(errno)).lowercased()) }
        defer { close(fd) }
        var result: [UInt8] = []
        result.reserveCapacity(Int(info.st_size))
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadError(description: String(cString: strerror(errno)).lowercased())
            }
            if count == 0 { return result }
            result.append(contentsOf: chunk[0..<count])
            if result.count > Self.maxBytes { throw ReadError(description: "it is larger than \(Self.maxBytes) bytes") }
        }
    }
}

/// Files held in memory, for tests and benchmarks.
public struct MemorySourceTree: SourceTree {
    /// Root-relative path → contents.
    public var files: [String: [UInt8]]

    /// Creates a tree from path → text.
    public init(_ files: [String: String]) {
        self.files = files.mapValues { Array($0.utf8) }
    }

    /// Creates a tree from path → bytes.
    public init(bytes: [String: [UInt8]]) {
        self.files = bytes
    }

    public func fileNames(in directory: String) throws -> [String]? {
        let prefix = directory + "/"
        let names = files.keys.compactMap { path -> String? in
            guard path.hasPrefix(prefix) else { return nil }
            let rest = path.dropFirst(prefix.count)
            return rest.contains("/") ? nil : String(rest)
        }
        return names.isEmpty && !files.keys.contains(where: { $0.hasPrefix(prefix) }) ? nil : names
    }

    public func contents(of path: String) throws -> [UInt8]? {
        files[path]
    }
}

/// Another tree with some files replaced (or added): what the root would be
/// after an edit, compiled before anything is written.
public struct OverlaySourceTree: SourceTree {
    public let base: any SourceTree
    /// Root-relative path → new contents.
    public let replacements: [String: [UInt8]]

    public init(_ base: any SourceTree, replacing replacements: [String: [UInt8]]) {
        self.base = base
        self.replacements = replacements
    }

    public func fileNames(in directory: String) throws -> [String]? {
        let prefix = directory + "/"
        let added = replacements.keys.compactMap { path -> String? in
            guard path.hasPrefix(prefix), !path.dropFirst(prefix.count).contains("/") else { return nil }
            return String(path.dropFirst(prefix.count))
        }
        let names = try base.fileNames(in: directory)
        if names == nil && added.isEmpty { return nil }
        return Array(Set((names ?? []) + added))
    }

    public func contents(of path: String) throws -> [UInt8]? {
        if let replaced = replacements[path] { return replaced }
        return try base.contents(of: path)
    }
}
