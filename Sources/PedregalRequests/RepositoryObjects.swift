import Crypto
import Foundation

/// Reading commits' files from the object database: one `ls-tree` or
/// `diff` for the listing and one `cat-file --batch` for every blob, so
/// thousands of files cost two processes.
extension RequestRepository {
    /// The compiler's inputs (`teams/`, `templates/`) at `commit`: path → bytes.
    public func sources(at commit: String) async throws -> [String: [UInt8]] {
        let listing = try await git.run(["ls-tree", "-r", "-z", "--full-tree", commit, "--", "teams", "templates"])
        var blobs: [(path: String, id: String)] = []
        for entry in listing.stdout.split(separator: 0) {
            // "<mode> blob <id>\t<path>"
            let text = String(decoding: entry, as: UTF8.self)
            guard let tab = text.firstIndex(of: "\t") else { continue }
            let fields = text[..<tab].split(separator: " ")
            guard fields.count == 3, fields[1] == "blob" else { continue }
            blobs.append((String(text[text.index(after: tab)...]), String(fields[2])))
        }
        let contents = try await objects(blobs.map(\.id))
        var files: [String: [UInt8]] = [:]
        for (blob, bytes) in zip(blobs, contents) { files[blob.path] = bytes }
        return files
    }

    /// What changed in `teams/` and `templates/` between two commits: path →
    /// new bytes, or nil for a file that went.
    public func sourceChanges(from old: String, to new: String) async throws -> [String: [UInt8]?] {
        let changes = try await changedPaths(from: old, to: new, under: ["teams", "templates"])
        let kept = changes.filter { $0.id != nil }
        let contents = try await objects(kept.map { $0.id! })
        var result: [String: [UInt8]?] = [:]
        for change in changes where change.id == nil { result[change.path] = .some(nil) }
        for (change, bytes) in zip(kept, contents) { result[change.path] = bytes }
        return result
    }

    /// Paths under `folders` that differ between two commits, with their new
    /// blob ids (nil: deleted).
    func changedPaths(from old: String, to new: String, under folders: [String]) async throws -> [(path: String, id: String?)] {
        let output = try await git.run(["diff", "--raw", "-z", "--no-renames", "--no-abbrev", old, new, "--"] + folders)
        // ":<mode> <mode> <old id> <new id> <status>\0<path>\0" per change.
        let parts = output.stdout.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        var changes: [(path: String, id: String?)] = []
        var index = 0
        while index + 1 < parts.count {
            let fields = parts[index].split(separator: " ")
            if fields.count == 5, fields[0].hasPrefix(":") {
                let id = String(fields[3])
                changes.append((parts[index + 1], fields[4] == "D" || id.allSatisfy { $0 == "0" } ? nil : id))
            }
            index += 2
        }
        return changes
    }

    /// The bytes of `path` at `commit`, or nil when it does not exist there.
    public func contents(of path: String, at commit: String) async throws -> [UInt8]? {
        try await objects(["\(commit):\(path)"], allowMissing: true)[0]
    }

    /// The paths of `paths` that exist at `commit`.
    public func existing(_ paths: [String], at commit: String) async throws -> Set<String> {
        Set(try await objectIDs(of: paths, at: commit).keys)
    }

    /// Blob ids of every file below `folder` at `commit`: path → id.
    func blobIDs(under folder: String, at commit: String) async throws -> [String: String] {
        let listing = try await git.run(["ls-tree", "-r", "-z", "--full-tree", commit, "--", folder])
        var ids: [String: String] = [:]
        for entry in listing.stdout.split(separator: 0) {
            let text = String(decoding: entry, as: UTF8.self)
            guard let tab = text.firstIndex(of: "\t") else { continue }
            let fields = text[..<tab].split(separator: " ")
            if fields.count == 3, fields[1] == "blob" { ids[String(text[text.index(after: tab)...])] = String(fields[2]) }
        }
        return ids
    }

    /// The contents of objects named by id or `<commit>:<path>`, in order
    /// (nil for a missing one when `allowMissing`).
    func objects(_ names: [String], allowMissing: Bool = false) async throws -> [[UInt8]?] {
        guard !names.isEmpty else { return [] }
        let output = try await git.run(["cat-file", "--batch"], input: Array(names.map { $0 + "\n" }.joined().utf8))
        let bytes = output.stdout
        var result: [[UInt8]?] = []
        var index = 0
        for name in names {
            // "<id> <type> <size>\n<contents>\n", or "<name> missing\n".
            guard let newline = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) else {
                throw Git.Failure(arguments: ["cat-file"], status: 1, message: "the output ends before \(name)")
            }
            let header = String(decoding: bytes[index..<newline], as: UTF8.self).split(separator: " ")
            if header.last == "missing" || header.last == "ambiguous" {
                guard allowMissing else { throw Git.Failure(arguments: ["cat-file"], status: 1, message: "\(name) does not exist") }
                result.append(nil)
                index = newline + 1
                continue
            }
            guard header.count == 3, let size = Int(header[2]), newline + 1 + size <= bytes.count else {
                throw Git.Failure(arguments: ["cat-file"], status: 1, message: "unexpected output for \(name)")
            }
            result.append(Array(bytes[newline + 1..<newline + 1 + size]))
            index = newline + 1 + size + 1
        }
        return result
    }

    /// Git's id of a blob holding `bytes`.
    static func blobID(_ bytes: [UInt8]) -> String {
        var hash = Insecure.SHA1()
        hash.update(data: Array("blob \(bytes.count)\0".utf8))
        hash.update(data: bytes)
        return hash.finalize().map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
