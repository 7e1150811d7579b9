import Foundation
import PedregalBasics

#if canImport(Glibc)
import Glibc
#endif

/// What writing a set of files into the output folder would change.
public struct WritePlan: Sendable {
    /// Files to create.
    public var added: [OutputFile] = []
    /// Files whose bytes change.
    public var changed: [OutputFile] = []
    /// Generated files no longer produced (paths).
    public var removed: [String] = []
    /// Files that would be overwritten but were not written by pedregal.
    public var foreign: [String] = []
    /// Files in the folder that `generate` does not write and that are not on
    /// allowed by ``OutputLayout/isAllowedExtra(_:)``: Argo CD would sync them and
    /// `apply` would apply them, so `check` fails on them. `generate` leaves
    /// them alone (it never deletes what it did not write).
    public var unexpected: [String] = []

    /// Whether writing would add, change or remove nothing.
    public var changesNothing: Bool { added.isEmpty && changed.isEmpty && removed.isEmpty }
    /// Whether the folder holds exactly the planned files and nothing else.
    public var isEmpty: Bool { changesNothing && unexpected.isEmpty }
}

/// The output folder on disk: reads what pedregal wrote there before, and
/// replaces it all-or-nothing.
///
/// Tens of thousands of small files are the normal case, so the work is
/// spread over all cores and uses plain POSIX calls: one `open`/`write`/
/// `close` per file, one `mkdir` per folder, one `rename` per file.
public struct OutputDirectory: Sendable {
    public let url: URL

    public init(url: URL) {
        self.url = url
    }

    /// Errors writing the folder.
    public struct WriteError: Error, CustomStringConvertible {
        public var description: String
    }

    private var base: String { url.standardizedFileURL.path }

    /// Every regular file below the folder, as relative paths (readdir's
    /// file types, no stat per file).
    private func listFiles() -> [String] {
        var paths: [String] = []
        var folders = [""]
        while let folder = folders.popLast() {
            guard let directory = opendir(folder.isEmpty ? base : base + "/" + folder) else { continue }
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                let name = withUnsafePointer(to: entry.pointee.d_name) {
                    $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
                }
                if name == "." || name == ".." { continue }
                let path = folder.isEmpty ? name : folder + "/" + name
                switch Int32(entry.pointee.d_type) {
                case Int32(DT_DIR): folders.append(path)
                case Int32(DT_REG): paths.append(path)
                case Int32(DT_UNKNOWN):
                    var info = stat()
                    if stat(base + "/" + path, &info) == 0 {
                        if info.st_mode & S_IFMT == S_IFDIR {
                            folders.append(path)
                        } else if info.st_mode & S_IFMT == S_IFREG {
                            paths.append(path)
                        }
                    }
                default: break
                }
            }
        }
        return paths
    }

    /// Root-relative paths of every file pedregal generated in the folder
    /// (those whose first line is the generated header), with their bytes.
    public func generatedFiles() throws -> [String: [UInt8]] {
        try scan().generated
    }

    private func scan() throws -> (generated: [String: [UInt8]], all: Set<String>) {
        let paths = listFiles()
        let header = Array(OutputLayout.headerPrefix.utf8)
        let base = self.base
        let read: [(String, [UInt8]?)] = paths.filter { $0.hasSuffix(".yaml") }.parallelMap { relative in
            guard let bytes = POSIXFile.read(base + "/" + relative) else { return (relative, nil) }
            return (relative, bytes.starts(with: header) ? bytes : nil)
        }
        var generated: [String: [UInt8]] = [:]
        for (path, bytes) in read { if let bytes { generated[path] = bytes } }
        return (generated, Set(paths))
    }

    /// Compares `files` with the folder.
    public func plan(_ files: [OutputFile]) throws -> WritePlan {
        let (existing, all) = try scan()
        var plan = WritePlan()
        var produced: Set<String> = []
        for file in files {
            produced.insert(file.path)
            if let old = existing[file.path] {
                if old != file.contents { plan.changed.append(file) }
            } else {
                if all.contains(file.path) { plan.foreign.append(file.path) }
                plan.added.append(file)
            }
        }
        plan.removed = existing.keys.filter { !produced.contains($0) }.sorted()
        plan.unexpected = all.filter {
            existing[$0] == nil && !produced.contains($0) && !OutputLayout.isAllowedExtra($0)
        }.sorted()
        return plan
    }

    /// Carries out `plan`. Every new file is first written beside its target
    /// (`.name.pedregal-new`); only when all of them are on disk are they
    /// renamed into place and stale files removed. A failure while writing
    /// (disk full, permissions) removes the staged files and leaves the
    /// folder exactly as it was.
    public func apply(_ plan: WritePlan) throws {
        if let foreign = plan.foreign.first {
            throw WriteError(
                description: "\(url.appendingPathComponent(foreign).path) exists and was not generated by pedregal; move it away")
        }
        // Ctrl-C or a TERM from CI in the middle would leave a mix of old and
        // new files: they wait until the folder is consistent again.
        try SignalDeferral.during { try write(plan) }
    }

    private func write(_ plan: WritePlan) throws {
        let base = self.base
        let writes = plan.added + plan.changed
        var created: [String] = []
        func removeCreatedFolders() {
            for folder in created.reversed() { rmdir(folder) }
        }
        for folder in ([""] + Set(writes.map { Self.parent($0.path) }).sorted()) {
            // Every missing ancestor, outermost first, so a failure can undo them.
            var path = folder.isEmpty ? base : base + "/" + folder
            var missing: [String] = []
            var info = stat()
            while stat(path, &info) != 0 {
                missing.append(path)
                path = Self.parent(path)
                if path.isEmpty { break }
            }
            for path in missing.reversed() {
                if mkdir(path, 0o755) != 0 && errno != EEXIST {
                    let reason = String(cString: strerror(errno))
                    removeCreatedFolders()
                    throw WriteError(description: "cannot create folder \(path): \(reason); nothing was changed")
                }
                created.append(path)
            }
            if stat(folder.isEmpty ? base : base + "/" + folder, &info) == 0, info.st_mode & S_IFMT != S_IFDIR {
                removeCreatedFolders()
                throw WriteError(description: "\(folder.isEmpty ? base : base + "/" + folder) is not a folder; nothing was changed")
            }
        }
        let staged: [(temporary: String, target: String, error: String?)] = writes.parallelMap { file in
            let target = base + "/" + file.path
            let temporary = base + "/" + Self.stagingName(file.path)
            return (temporary, target, POSIXFile.write(file.contents, to: temporary))
        }
        if let failure = staged.first(where: { $0.error != nil }) {
            _ = staged.parallelMap { unlink($0.temporary) }
            removeCreatedFolders()
            throw WriteError(description: "cannot write \(failure.target): \(failure.error!); nothing was changed")
        }
        let renamed: [String?] = staged.parallelMap { entry in
            rename(entry.temporary, entry.target) == 0
                ? nil : "cannot move \(entry.temporary) into place: \(String(cString: strerror(errno)))"
        }
        if let failure = renamed.compactMap({ $0 }).first { throw WriteError(description: failure) }
        let removed: [String?] = plan.removed.parallelMap { path in
            unlink(base + "/" + path) == 0 || errno == ENOENT ? nil : "cannot remove \(path): \(String(cString: strerror(errno)))"
        }
        if let failure = removed.compactMap({ $0 }).first { throw WriteError(description: failure) }
        // Folders left empty by removals go too, deepest first, never the
        // output folder itself.
        var candidates = Set(plan.removed.map { Self.parent($0) })
        while !candidates.isEmpty {
            var next: Set<String> = []
            for folder in candidates.sorted(by: >) where !folder.isEmpty {
                if rmdir(base + "/" + folder) == 0 { next.insert(Self.parent(folder)) }
            }
            candidates = next
        }
    }

    private static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    private static func stagingName(_ path: String) -> String {
        let folder = parent(path)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return (folder.isEmpty ? "" : folder + "/") + ".\(name).pedregal-new"
    }
}

/// Holds SIGINT, SIGTERM and SIGHUP while the output folder is rewritten,
/// then delivers the first that arrived.
///
/// The previous dispositions are kept as whole `sigaction` structs: a
/// handler of `SIG_IGN` (the pointer 1) does not survive being stored as a
/// Swift optional function pointer, whose extra inhabitants include 1.
enum SignalDeferral {
    nonisolated(unsafe) private static var pending: Int32 = 0

    static func during<T>(_ body: () throws -> T) rethrows -> T {
        let signals = [SIGINT, SIGTERM, SIGHUP]
        pending = 0
        var previous: [sigaction] = []
        for number in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                if SignalDeferral.pending == 0 { SignalDeferral.pending = number }
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = Int32(SA_RESTART)
            var old = sigaction()
            sigaction(number, &action, &old)
            previous.append(old)
        }
        defer {
            for (number, old) in zip(signals, previous) {
                var restore = old
                sigaction(number, &restore, nil)
            }
            if pending != 0 { raise(pending) }
        }
        return try body()
    }
}
