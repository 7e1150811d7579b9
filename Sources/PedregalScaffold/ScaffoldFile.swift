import Foundation

/// A file `pedregal init` writes: a root-relative path and its text.
public struct ScaffoldFile: Hashable, Sendable {
    /// Root-relative path, e.g. `templates/platform.yaml`.
    public var path: String
    /// The whole text of the file.
    public var contents: String

    /// A file at `path` holding `contents`.
    public init(path: String, contents: String) {
        self.path = path
        self.contents = contents
    }
}

/// Writes scaffold files into a folder, never over an existing file.
public struct ScaffoldWriter: Sendable {
    /// Why nothing was written.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// These root-relative paths already exist; nothing was written.
        case existing([String])
        /// A file could not be written; the ones listed before it were.
        case unwritable(path: String, reason: String, written: [String])

        public var description: String {
            switch self {
            case .existing(let paths):
                return "refusing to overwrite \(paths.count == 1 ? "a file that exists" : "files that exist"): "
                    + paths.joined(separator: ", ") + "; nothing was written (move them away or pick another folder)"
            case .unwritable(let path, let reason, let written):
                let done = written.isEmpty ? "nothing was written" : "already written: " + written.joined(separator: ", ")
                return "cannot write \(path): \(reason); \(done)"
            }
        }
    }

    /// The folder the paths are relative to.
    public var root: URL

    /// A writer below `root`.
    public init(root: URL) {
        self.root = root
    }

    /// The paths of `files` that already exist below the root (as files,
    /// folders or dangling links), sorted.
    public func existing(_ files: [ScaffoldFile]) -> [String] {
        files.map(\.path).filter { path in
            var info = stat()
            return lstat(root.appendingPathComponent(path).path, &info) == 0
        }.sorted()
    }

    /// Writes every file, creating folders as needed. Checks first that none
    /// exists, so a refused run writes nothing; each file is then created
    /// exclusively, so one that appears meanwhile is not overwritten either.
    public func write(_ files: [ScaffoldFile]) throws(Failure) {
        let clashes = existing(files)
        guard clashes.isEmpty else { throw .existing(clashes) }
        var written: [String] = []
        for file in files {
            let url = root.appendingPathComponent(file.path)
            do {
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(file.contents.utf8).write(to: url, options: .withoutOverwriting)
            } catch {
                throw .unwritable(path: file.path, reason: Self.reason(error), written: written)
            }
            written.append(file.path)
        }
    }

    private static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.domain == NSCocoaErrorDomain, nsError.code == NSFileWriteFileExistsError {
            return "it appeared while writing"
        }
        return nsError.localizedDescription
    }
}
