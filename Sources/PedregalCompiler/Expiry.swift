import PedregalBasics
import PedregalDiagnostics
import PedregalLoader
import PedregalTeamEdits

/// Expiry as a change to the source of truth: expired `sparkConnect`
/// entries are removed from their team files, and the root is compiled with
/// that change, so the next Argo CD sync removes the servers (deleting them
/// in the cluster would not last: self-heal re-creates what git still holds).
///
/// The compiler never reads the clock; `now` is an input.
public enum Expiry {
    /// A Spark Connect cluster whose `expiresAt` is at or before `now`.
    public struct ExpiredCluster: Sendable, Equatable {
        /// Root-relative team file.
        public var file: String
        public var name: String
        /// `expiresAt` in canonical UTC.
        public var expiresAt: String
        public var location: SourceLocation
    }

    /// The root with every expired cluster removed, and its compilation.
    public struct Change: Sendable {
        public var expired: [ExpiredCluster]
        /// Root-relative path → new bytes, for every team file that changes.
        public var files: [String: [UInt8]]
        /// The whole root compiled with the change; write nothing when it has errors.
        public var compilation: Compilation
    }

    /// A team file that could not be edited as text.
    public struct EditProblem: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Finds the clusters of `tree`'s teams that expired at `now` (seconds
    /// since 1970, UTC), removes them, and compiles the result. Entries whose
    /// `expiresAt` does not parse are left to the compiler to report.
    public static func removeExpired(in tree: any SourceTree, now: Int, compiler: Compiler = Compiler()) throws -> Change {
        var expired: [ExpiredCluster] = []
        var files: [String: [UInt8]] = [:]
        for name in (try tree.fileNames(in: "teams") ?? []).filter({ $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }).sorted() {
            let path = "teams/\(name)"
            guard let bytes = try tree.contents(of: path), let file = try? TeamFile(path: path, bytes: bytes) else { continue }
            let due = file.sparkConnectEntries.compactMap { entry -> ExpiredCluster? in
                guard let text = entry.expiresAt, case .success(let time) = RFC3339.parse(text), time.seconds <= now else { return nil }
                let canonical = (try? RFC3339.canonicalUTC(text).get()) ?? text
                return ExpiredCluster(file: path, name: entry.name, expiresAt: canonical, location: entry.location)
            }
            guard !due.isEmpty else { continue }
            do {
                files[path] = try file.removingSparkConnect(Set(due.map(\.name)))
            } catch {
                throw EditProblem(description: "\(error)")
            }
            expired += due
        }
        let compilation = compiler.compile(files.isEmpty ? tree : OverlaySourceTree(tree, replacing: files))
        return Change(expired: expired, files: files, compilation: compilation)
    }
}
