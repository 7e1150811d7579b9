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

    /// The digests of ``added`` then ``changed``, position by position, when
    /// the planner knew them (they are recorded in the folder's index
    /// without hashing the files again); empty when it did not.
    public var digests: [ContentDigest] = []

    /// A plan that writes nothing.
    public init() {}

    /// Whether writing would add, change or remove nothing.
    public var changesNothing: Bool { added.isEmpty && changed.isEmpty && removed.isEmpty }
    /// Whether the folder holds exactly the planned files and nothing else.
    public var isEmpty: Bool { changesNothing && unexpected.isEmpty }
}

/// How an output folder differs from what it should hold, by path.
public struct FolderDifference: Sendable, Equatable {
    /// Files to create.
    public var added: [String] = []
    /// Files whose bytes change.
    public var changed: [String] = []
    /// Generated files no longer produced.
    public var removed: [String] = []
    /// Files to create that exist but were not written by pedregal.
    public var foreign: [String] = []
    /// Files that `generate` does not write (see ``WritePlan/unexpected``).
    public var unexpected: [String] = []

    public init() {}

    /// Whether writing would add, change or remove nothing.
    public var changesNothing: Bool { added.isEmpty && changed.isEmpty && removed.isEmpty }
    /// Whether the folder holds exactly the files and nothing else.
    public var isEmpty: Bool { changesNothing && unexpected.isEmpty }
}

/// What an output folder holds, as ``OutputDirectory/state(index:)`` found it.
public struct FolderState: Sendable {
    /// Every regular file, relative to the folder.
    public var all: Set<String> {
        get { others ?? Set(index.entries.keys) }
        set { others = newValue }
    }
    /// ``all``, or nil when the folder holds exactly the files of ``index``
    /// (the usual case, in which no set of 100,000 paths is built).
    private var others: Set<String>?
    /// Every generated file (its first line is the header), with its stamp
    /// and digest: the folder's index as of now.
    public var index = FolderIndex()
    /// How many generated files were read because the index given to
    /// ``OutputDirectory/state(index:)`` did not vouch for them.
    public var filesRead = 0
    /// Whether the folder holds exactly the files of the index given to
    /// ``OutputDirectory/state(index:)`` (the same paths, with the same digests) and nothing
    /// else but allowed extras (``OutputLayout/isAllowedExtra(_:)``). Files whose `stat` changed
    /// were read to know it (``filesRead``).
    public internal(set) var holdsExactlyTheGivenIndex = false

    public init(all: Set<String> = [], index: FolderIndex = FolderIndex()) {
        self.others = all
        self.index = index
    }

    /// A folder holding exactly the files of `index`; `given` when it is the index that was given.
    init(holdingOnly index: FolderIndex, given: Bool = false) {
        self.index = index
        self.holdsExactlyTheGivenIndex = given
    }

    /// How many regular files the folder holds.
    var fileCount: Int { others?.count ?? index.entries.count }

    /// Whether the folder holds a regular file at `path`.
    func holds(_ path: String) -> Bool { others?.contains(path) ?? (index.entries[path] != nil) }

    /// Whether ``index`` says anything `previous` did not: a file was read,
    /// or one it listed is gone. An index that says nothing new need not be
    /// written again.
    public func indexDiffers(from previous: FolderIndex?) -> Bool {
        guard let previous else { return true }
        return filesRead > 0 || index.entries.count != previous.entries.count
    }
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

        public init(description: String) {
            self.description = description
        }
    }

    private var base: String { url.standardizedFileURL.path }

    /// Root-relative paths of every file pedregal generated in the folder
    /// (those whose first line is the generated header), with their bytes.
    public func generatedFiles() throws -> [String: [UInt8]] {
        let base = self.base
        let header = Array(OutputLayout.headerPrefix.utf8)
        let read: [(String, [UInt8]?)] = FolderListing.regularFiles(below: base).filter { $0.hasSuffix(".yaml") }.parallelMap {
            guard let bytes = POSIXFile.read(base + "/" + $0) else { return ($0, nil) }
            return ($0, bytes.starts(with: header) ? bytes : nil)
        }
        var generated: [String: [UInt8]] = [:]
        for (path, bytes) in read { if let bytes { generated[path] = bytes } }
        return generated
    }

    /// What the folder holds: every regular file, and the digest of each
    /// generated one. Files `index` shows unchanged are not read.
    public func state(index: FolderIndex? = nil) -> FolderState {
        let base = self.base
        let header = Array(OutputLayout.headerPrefix.utf8)
        // Listed with each file's stat, taken through its folder's handle.
        let listed = FolderListing.regularFiles(below: base) { FileStamp($0) }
        let seen: [(path: String, entry: FolderIndex.Entry?, read: Bool)] = listed.filter { $0.path.hasSuffix(".yaml") }.parallelMap {
            relative, stamp in
            if let index, let digest = index.digest(of: relative, stamp: stamp) {
                return (relative, FolderIndex.Entry(stamp: stamp, digest: digest), false)
            }
            // The stamp is taken again before the bytes are read: a change
            // made while reading shows as a new stamp next time.
            guard let (stamp, bytes) = POSIXFile.readWithStamp(base + "/" + relative), bytes.starts(with: header) else {
                return (relative, nil, true)
            }
            return (relative, FolderIndex.Entry(stamp: FileStamp(stamp), digest: ContentDigest(of: bytes)), true)
        }
        let filesRead = seen.reduce(0) { $0 + ($1.read ? 1 : 0) }
        let allGenerated = seen.count == listed.count && seen.allSatisfy { $0.entry != nil }
        // Nothing read and nothing gone: the index is the one given, entry for entry (each was
        // vouched for by an unchanged stamp), and the dictionary of every file need not be
        // built again.
        if let index, filesRead == 0, seen.count == index.entries.count, allGenerated {
            return FolderState(holdingOnly: index, given: true)
        }
        var state = allGenerated ? FolderState(holdingOnly: FolderIndex()) : FolderState(all: Set(listed.map(\.path)))
        state.index.entries.reserveCapacity(seen.count)
        for (path, entry, _) in seen {
            if let entry { state.index.entries[path] = entry }
        }
        state.filesRead = filesRead
        state.index.writtenAt = index?.writtenAt
        // The folder may still hold exactly the given index's files, besides the extras a folder
        // may hold (a README): those read (written in the index's own timestamp tick, or touched
        // without a change) have the digests it gives.
        if let index,
            listed.allSatisfy({ $0.path.hasSuffix(".yaml") || OutputLayout.isAllowedExtra($0.path) }),
            seen.allSatisfy({ $0.entry != nil || OutputLayout.isAllowedExtra($0.path) }),
            seen.reduce(0, { $0 + ($1.entry == nil ? 0 : 1) }) == index.entries.count
        {
            state.holdsExactlyTheGivenIndex = seen.allSatisfy {
                !$0.read || $0.entry == nil || index.entries[$0.path]?.digest == $0.entry?.digest
            }
        }
        return state
    }

    /// Compares `files` with the folder.
    public func plan(_ files: [OutputFile]) throws -> WritePlan {
        var contents: [String: [UInt8]] = [:]
        for file in files { contents[file.path] = file.contents }
        return plan(files.map(\.record), contents: contents, state: state()).plan
    }

    /// How the folder in `state` differs from holding exactly the files
    /// `records` describe (in any order); every list sorted by path.
    public func difference(_ records: [OutputRecord], state: FolderState) -> FolderDifference {
        var difference = compare(records, state: state)
        difference.added.sort(by: ByteOrder.precedes)
        difference.changed.sort(by: ByteOrder.precedes)
        difference.foreign.sort(by: ByteOrder.precedes)
        return difference
    }

    /// ``difference(_:state:)`` with added, changed and foreign files in the
    /// order of `records`.
    private func compare(_ records: [OutputRecord], state: FolderState) -> FolderDifference {
        // Runs of records are looked up on every core; what they find is joined in the records' order.
        struct Found: Sendable {
            var added: [String] = []
            var changed: [String] = []
            var foreign: [String] = []
            var indexed = 0
            var foundElsewhere = 0
        }
        let run = 4096
        let found = Array(stride(from: 0, to: records.count, by: run)).parallelMap { start in
            var found = Found()
            for record in records[start..<min(start + run, records.count)] {
                if let existing = state.index.entries[record.path] {
                    found.indexed += 1
                    if existing.digest != record.digest { found.changed.append(record.path) }
                } else {
                    if state.holds(record.path) {
                        found.foreign.append(record.path)
                        found.foundElsewhere += 1
                    }
                    found.added.append(record.path)
                }
            }
            return found
        }
        var difference = FolderDifference()
        var indexed = 0
        var foundElsewhere = 0
        for part in found {
            difference.added += part.added
            difference.changed += part.changed
            difference.foreign += part.foreign
            indexed += part.indexed
            foundElsewhere += part.foundElsewhere
        }
        // Records have distinct paths, so when every indexed file and every
        // file of the folder is accounted for (the usual case) nothing is
        // removed or unexpected, and no set of 100,000 paths is built.
        if indexed == state.index.entries.count && indexed + foundElsewhere == state.fileCount { return difference }
        let produced = Set(records.map(\.path))
        difference.removed = state.index.entries.keys.filter { !produced.contains($0) }.sorted(by: ByteOrder.precedes)
        difference.unexpected = state.all.filter {
            state.index.entries[$0] == nil && !produced.contains($0) && !OutputLayout.isAllowedExtra($0)
        }.sorted(by: ByteOrder.precedes)
        return difference
    }

    /// The writes that make the folder hold exactly the files `records`
    /// describe. Files to write whose bytes are not in `contents` are listed
    /// in `missing` (and left out of the plan): the caller makes them and plans again.
    public func plan(
        _ records: [OutputRecord], contents: [String: [UInt8]], state: FolderState
    ) -> (plan: WritePlan, missing: [String]) {
        let difference = compare(records, state: state)
        var plan = WritePlan()
        var missing: [String] = []
        var digests: [ContentDigest] = []
        // The difference lists paths in the records' order, so one walk
        // through the records finds each one's digest.
        var next = records.startIndex
        func files(_ paths: [String]) -> [OutputFile] {
            paths.compactMap { path in
                while next < records.endIndex && records[next].path != path { next += 1 }
                guard let bytes = contents[path], next < records.endIndex else {
                    missing.append(path)
                    return nil
                }
                digests.append(records[next].digest)
                return OutputFile(path: path, contents: bytes)
            }
        }
        plan.added = files(difference.added)
        next = records.startIndex
        plan.changed = files(difference.changed)
        plan.digests = digests
        plan.removed = difference.removed
        plan.foreign = difference.foreign
        plan.unexpected = difference.unexpected
        return (plan, missing)
    }

    /// Carries out `plan`. Every new file is first written beside its target
    /// (`.name.pedregal-new`); only when all of them are on disk are they
    /// renamed into place and stale files removed. A failure while writing
    /// (disk full, permissions) removes the staged files and leaves the
    /// folder exactly as it was.
    public func apply(_ plan: WritePlan) throws {
        _ = try apply(plan, updating: FolderState())
    }

    /// Carries out `plan` on a folder in `state`, and returns the index of
    /// the folder afterwards: `state`'s entries with the written files'
    /// new stamps, without the removed ones.
    public func apply(_ plan: WritePlan, updating state: FolderState) throws -> FolderIndex {
        if let foreign = plan.foreign.first {
            throw WriteError(
                description: "\(url.appendingPathComponent(foreign).path) exists and was not generated by pedregal; move it away")
        }
        let base = self.base
        // Ctrl-C or a TERM from CI in the middle would leave a mix of old and
        // new files: they wait until the folder is consistent again.
        let writes = plan.added + plan.changed
        let (stamps, renamedFiles): ([FileStamp?], Bool) = try SignalDeferral.during {
            if plan.removed.isEmpty, FolderListing.entries(of: base)?.isEmpty ?? true, let stamps = try writeNewFolder(plan) {
                return (stamps, false)
            }
            return (try write(plan), true)
        }
        var index = state.index
        for path in plan.removed { index.entries[path] = nil }
        let digests = plan.digests.count == writes.count ? plan.digests : []
        let entries: [FolderIndex.Entry?] = Array(writes.indices).parallelMap { position in
            let file = writes[position]
            let digest = digests.isEmpty ? ContentDigest(of: file.contents) : digests[position]
            var stamp = stamps[position]
            if renamedFiles, let written = stamp {
                // Renaming a file changes its change time, so its stamp is taken again; it must still
                // be the file written (inode, size, modification time), or another writer replaced it
                // since, and the index must not vouch for its bytes: it is read next time.
                stamp = FileStamp.of(base + "/" + file.path).flatMap {
                    $0.inode == written.inode && $0.size == written.size && $0.modified == written.modified ? $0 : nil
                }
            }
            return stamp.map { FolderIndex.Entry(stamp: $0, digest: digest) }
        }
        index.entries.reserveCapacity(index.entries.count + writes.count)
        for (file, entry) in zip(writes, entries) { index.entries[file.path] = entry }
        return index
    }

    /// A folder that is missing or empty is written whole beside its place,
    /// then renamed into it: one rename instead of one per file. Returns the
    /// files' stamps (those of ``WritePlan/added`` then ``WritePlan/changed``)
    /// as taken when they were written (renaming their folder changes none of
    /// them), or nil (nothing changed) when the folder cannot be replaced
    /// that way (it is a mount point, or holds something after all).
    private func writeNewFolder(_ plan: WritePlan) throws -> [FileStamp?]? {
        let base = self.base
        let parent = Self.parent(base)
        let name = base.split(separator: "/").last.map(String.init) ?? "generated"
        let staging = parent + "/.\(name).pedregal-new"
        var info = stat()
        if stat(base, &info) == 0, info.st_mode & S_IFMT != S_IFDIR { return nil }
        if lstat(staging, &info) == 0 { Self.removeTree(staging) }
        guard mkdir(staging, 0o755) == 0 else { return nil }
        let target = OutputDirectory(url: URL(fileURLWithPath: staging))
        let stamps: [FileStamp?]
        do {
            stamps = try target.write(plan, stagingFiles: false)
        } catch {
            Self.removeTree(staging)
            throw error
        }
        if rename(staging, base) == 0 { return stamps }
        Self.removeTree(staging)
        return nil
    }

    /// Removes a folder pedregal made and everything in it.
    private static func removeTree(_ path: String) {
        for file in FolderListing.regularFiles(below: path) { unlink(path + "/" + file) }
        var folders: [String] = []
        var pending = [path]
        while let folder = pending.popLast() {
            folders.append(folder)
            for entry in FolderListing.entries(of: folder) ?? [] where entry.isFolder { pending.append(folder + "/" + entry.name) }
        }
        for folder in folders.reversed() { rmdir(folder) }
    }

    /// `stagingFiles`: whether each file is written beside its target and
    /// renamed into place once all are written (false only into a new,
    /// private folder, which is itself renamed into place).
    /// Returns the stamps of the files as written (staged files before
    /// their rename), in the order of ``WritePlan/added`` then ``WritePlan/changed``.
    @discardableResult
    private func write(_ plan: WritePlan, stagingFiles: Bool = true) throws -> [FileStamp?] {
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
        let staged: [(temporary: String, target: String, error: String?, stamp: FileStamp?)] = writes.parallelMap { file in
            let target = base + "/" + file.path
            let temporary = stagingFiles ? base + "/" + Self.stagingName(file.path) : target
            var info = stat()
            let error = POSIXFile.write(file.contents, to: temporary, stat: &info)
            return (temporary, target, error, error == nil ? FileStamp(info) : nil)
        }
        if let failure = staged.first(where: { $0.error != nil }) {
            _ = staged.parallelMap { unlink($0.temporary) }
            removeCreatedFolders()
            throw WriteError(description: "cannot write \(failure.target): \(failure.error!); nothing was changed")
        }
        let renamed: [String?] = staged.parallelMap { entry in
            entry.temporary == entry.target || rename(entry.temporary, entry.target) == 0
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
        return staged.map(\.stamp)
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
