#if canImport(Glibc)
import Glibc
#endif

/// New contents for files under a root, written beside their targets first
/// and renamed into place only when every one of them is on disk, so an
/// edit of several team files lands whole or not at all.
public struct StagedFiles: Sendable {
    private let root: String
    private var staged: [(temporary: String, target: String)] = []

    /// Why the files could not be written.
    public struct WriteError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Writes every file of `files` (root-relative path → bytes) beside its
    /// target; on any failure removes what it wrote and throws.
    public init(_ files: [String: [UInt8]], under root: String) throws {
        self.root = root
        for (path, bytes) in files.sorted(by: { $0.key < $1.key }) {
            let target = root + "/" + path
            let slash = target.lastIndex(of: "/")!
            let temporary = String(target[...slash]) + "." + String(target[target.index(after: slash)...]) + ".pedregal-new"
            if let problem = Self.write(bytes, to: temporary) {
                unlink(temporary)
                discard()
                throw WriteError(description: "cannot write \(target): \(problem); nothing was changed")
            }
            staged.append((temporary, target))
        }
    }

    /// Renames every staged file into place.
    public func commit() throws {
        for (temporary, target) in staged where rename(temporary, target) != 0 {
            throw WriteError(description: "cannot move \(temporary) into place: \(String(cString: strerror(errno)))")
        }
    }

    /// Removes every staged file; the targets stay as they were.
    public func discard() {
        for (temporary, _) in staged { unlink(temporary) }
    }

    private static func write(_ bytes: [UInt8], to path: String) -> String? {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            offset += written
        }
        return fsync(fd) == 0 ? nil : String(cString: strerror(errno))
    }
}
