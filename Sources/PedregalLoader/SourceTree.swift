import Foundation

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

    public func fileNames(in directory: String) throws -> [String]? {
        let url = root.appendingPathComponent(directory, isDirectory: true)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return nil
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: url.path)
        return names.filter { name in
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: url.appendingPathComponent(name).path, isDirectory: &isDir)
                && !isDir.boolValue
        }
    }

    public func contents(of path: String) throws -> [UInt8]? {
        let url = root.appendingPathComponent(path)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return [UInt8](try Data(contentsOf: url))
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
