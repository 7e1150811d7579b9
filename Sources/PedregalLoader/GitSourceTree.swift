import Foundation
import PedregalBasics

/// The input root as it was at a git revision, read with git itself and
/// without touching the work tree: `ls-tree` for the listing, one `cat-file
/// --batch` process for every blob (thousands of teams cost two processes,
/// not thousands).
public struct GitSourceTree: SourceTree {
    /// Errors reading the revision.
    public struct GitError: Error, CustomStringConvertible {
        public var description: String
    }

    private let files: [String: [UInt8]]
    private let directories: Set<String>

    /// Reads `teams/` and `templates/` of `root` (anywhere inside a git work
    /// tree) at `revision`.
    public init(root: URL, revision: String) throws {
        let prefix = try Self.git(["rev-parse", "--show-prefix"], in: root).trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try Self.git(
            ["rev-parse", "--verify", "--quiet", "\(revision)^{commit}"], in: root,
            failure: "'\(revision)' is not a commit in this repository")
        let listing = try Self.git(
            ["ls-tree", "-r", "-z", "--full-tree", revision, "--", "\(prefix)teams", "\(prefix)templates"], in: root)
        var blobs: [(path: String, id: String)] = []
        var directories: Set<String> = []
        for entry in listing.split(separator: "\0") where !entry.isEmpty {
            // "<mode> blob <id>\t<path>"
            guard let tab = entry.firstIndex(of: "\t") else { continue }
            let fields = entry[..<tab].split(separator: " ")
            guard fields.count == 3, fields[1] == "blob" else { continue }
            let path = String(entry[entry.index(after: tab)...].dropFirst(prefix.count))
            blobs.append((path, String(fields[2])))
            if let slash = path.firstIndex(of: "/") { directories.insert(String(path[..<slash])) }
        }
        self.files = try Self.catFiles(blobs, in: root)
        self.directories = directories
    }

    public func fileNames(in directory: String) throws -> [String]? {
        guard directories.contains(directory) else { return nil }
        let prefix = directory + "/"
        return files.keys.compactMap { path in
            guard path.hasPrefix(prefix) else { return nil }
            let rest = path.dropFirst(prefix.count)
            return rest.contains("/") ? nil : String(rest)
        }
    }

    public func contents(of path: String) throws -> [UInt8]? { files[path] }

    private static func catFiles(_ blobs: [(path: String, id: String)], in root: URL) throws -> [String: [UInt8]] {
        guard !blobs.isEmpty else { return [:] }
        let input = blobs.map(\.id).joined(separator: "\n") + "\n"
        let output = try run(["cat-file", "--batch"], in: root, input: Data(input.utf8))
        var result: [String: [UInt8]] = [:]
        let bytes = [UInt8](output)
        var index = 0
        for blob in blobs {
            // "<id> <type> <size>\n<contents>\n"
            guard let newline = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) else { break }
            let header = String(decoding: bytes[index..<newline], as: UTF8.self).split(separator: " ")
            guard header.count == 3, let size = Int(header[2]) else {
                throw GitError(description: "unexpected output from git cat-file for \(blob.path)")
            }
            let start = newline + 1
            result[blob.path] = Array(bytes[start..<start + size])
            index = start + size + 1
        }
        return result
    }

    private static func git(_ arguments: [String], in root: URL, failure: String? = nil) throws -> String {
        do {
            return String(decoding: try run(arguments, in: root), as: UTF8.self)
        } catch let error as GitError {
            throw failure.map { GitError(description: $0) } ?? error
        }
    }

    private static func run(_ arguments: [String], in root: URL, input: Data? = nil) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = root
        let out = Pipe()
        let err = Pipe()
        let stdin = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin
        do { try process.run() } catch { throw GitError(description: "cannot run git: \(error)") }
        // Feed stdin and drain stderr beside the stdout read, so no pipe
        // fills up and stalls git.
        let group = DispatchGroup()
        let stdinHandle = stdin.fileHandleForWriting
        DispatchQueue.global().async(group: group) {
            if let input { stdinHandle.write(input) }
            try? stdinHandle.close()
        }
        let errors = LockedData()
        let errHandle = err.fileHandleForReading
        DispatchQueue.global().async(group: group) { errors.set(errHandle.readDataToEndOfFile()) }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        group.wait()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errors.data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw GitError(description: "git \(arguments.first ?? "") failed: \(message)")
        }
        return data
    }
}
