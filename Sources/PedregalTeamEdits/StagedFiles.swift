#if canImport(Glibc)
import Glibc
import PedregalBasics
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
            if let problem = POSIXFile.write(bytes, to: temporary, durable: true) {
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
}
