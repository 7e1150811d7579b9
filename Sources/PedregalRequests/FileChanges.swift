import PedregalEmitter

/// What one commit writes: the files whose bytes change and the files that
/// go, as root-relative paths. Made by comparing two compilations in memory,
/// never by reading generated/ back.
public struct FileChanges: Sendable, Equatable {
    /// Path → new bytes.
    public var written: [String: [UInt8]] = [:]
    /// Paths removed.
    public var removed: [String] = []

    /// Creates changes.
    public init(written: [String: [UInt8]] = [:], removed: [String] = []) {
        self.written = written
        self.removed = removed
    }

    /// Whether the commit would change nothing.
    public var isEmpty: Bool { written.isEmpty && removed.isEmpty }

    /// The folder generated files are committed under.
    static let outputFolder = "generated/"

    /// The changes that take generated/ from `old` (what the base commit
    /// holds) to `new`, plus the team files in `teamFiles`; every path in
    /// `stale` (generated/ paths whose committed bytes are not `old`'s) is
    /// written from `new`, or removed when `new` does not produce it.
    /// Both file lists are sorted by path, as the emitter makes them.
    public static func between(
        _ old: [OutputFile], _ new: [OutputFile], teamFiles: [String: [UInt8]] = [:], stale: Set<String> = []
    ) -> FileChanges {
        var changes = FileChanges(written: teamFiles)
        var oldIndex = 0
        var newIndex = 0
        while oldIndex < old.count || newIndex < new.count {
            let oldFile = oldIndex < old.count ? old[oldIndex] : nil
            let newFile = newIndex < new.count ? new[newIndex] : nil
            if let oldFile, let newFile, oldFile.path == newFile.path {
                // Unchanged files share their storage when they came from a
                // cache, so this is mostly a pointer comparison.
                if oldFile.contents != newFile.contents { changes.written[outputFolder + newFile.path] = newFile.contents }
                oldIndex += 1
                newIndex += 1
            } else if let newFile, oldFile == nil || newFile.path.utf8.lexicographicallyPrecedes(oldFile!.path.utf8) {
                changes.written[outputFolder + newFile.path] = newFile.contents
                newIndex += 1
            } else if let oldFile {
                changes.removed.append(outputFolder + oldFile.path)
                oldIndex += 1
            }
        }
        if !stale.isEmpty {
            var produced: [String: [UInt8]] = [:]
            for file in new where stale.contains(outputFolder + file.path) { produced[outputFolder + file.path] = file.contents }
            for path in stale {
                if let bytes = produced[path] {
                    changes.written[path] = bytes
                } else if !changes.removed.contains(path) {
                    changes.removed.append(path)
                }
            }
        }
        changes.removed.sort()
        return changes
    }
}
