import Foundation
import PedregalCompiler
import PedregalDiagnostics
import PedregalDiff
import PedregalEmitter
import PedregalLoader
import PedregalSpec

/// A commit's root, compiled once: what reads and checks need.
public struct Snapshot: Sendable {
    /// The commit.
    public var commit: String
    /// The whole root compiled.
    public var compilation: Compilation
    /// templates/ as written (size and catalog names for request checks).
    public var templates: Templates
}

/// The service's own clone of the repository, owned by one actor so that
/// every change is made alone: fetch, check out the base, edit, compile
/// the whole root, write teams/ and generated/, commit, push. Nothing is
/// pushed before the commit compiles; a crash at any point leaves the
/// remote untouched or complete, and `prepare()` restores the clone.
public actor RequestRepository {
    /// Where to push and what to build on.
    public struct Settings: Sendable {
        /// The remote's URL (a path works for tests).
        public var remote: String
        /// The branch Argo CD syncs and approved changes land on.
        public var targetBranch: String
        /// The clone (created when missing).
        public var checkout: String
        /// The committer.
        public var committerName: String
        public var committerEmail: String
        /// Extra environment for git (tests isolate `HOME`).
        public var gitEnvironment: [String: String]

        /// Creates settings.
        public init(
            remote: String, targetBranch: String, checkout: String, committerName: String = "pedregal",
            committerEmail: String = "pedregal@localhost", gitEnvironment: [String: String] = [:]
        ) {
            self.remote = remote
            self.targetBranch = targetBranch
            self.checkout = checkout
            self.committerName = committerName
            self.committerEmail = committerEmail
            self.gitEnvironment = gitEnvironment
        }
    }

    /// A branch or record ref of a cluster on the remote.
    public struct ClusterRef: Sendable, Equatable {
        public var commit: String
        /// The `Pedregal-Request` trailer of its commit.
        public var action: ChangeAction?

        /// Creates a ref.
        public init(commit: String, action: ChangeAction?) {
            self.commit = commit
            self.action = action
        }
    }

    public let settings: Settings
    private let git: Git
    private var snapshots: [String: Snapshot] = [:]
    private var snapshotOrder: [String] = []
    private static let snapshotLimit = 32

    /// Creates the repository; call `prepare()` before anything else.
    public init(settings: Settings) {
        self.settings = settings
        self.git = Git(directory: settings.checkout, environment: settings.gitEnvironment)
    }

    /// The remote-tracking ref of the target branch.
    public var targetRef: String { "refs/remotes/origin/\(settings.targetBranch)" }

    // MARK: Recovery

    /// Makes the clone usable whatever state a crash left it in: clones it
    /// when missing or broken, removes stale lock files, fetches, and puts
    /// the work tree exactly at the target branch with nothing untracked.
    public func prepare() async throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: settings.checkout + "/.git") {
            for lock in ["index.lock", "HEAD.lock", "config.lock", "shallow.lock", "packed-refs.lock"] {
                try? fm.removeItem(atPath: "\(settings.checkout)/.git/\(lock)")
            }
            if (try? await git.run(["rev-parse", "--git-dir"])) == nil {
                try fm.removeItem(atPath: settings.checkout)
            }
        }
        if !fm.fileExists(atPath: settings.checkout + "/.git") {
            try? fm.removeItem(atPath: settings.checkout)
            try fm.createDirectory(atPath: settings.checkout, withIntermediateDirectories: true)
            try await git.run(["init", "-q"])
            try await git.run(["remote", "add", "origin", settings.remote])
        } else {
            try await git.run(["remote", "set-url", "origin", settings.remote])
        }
        try await fetch()
        try await reset(to: targetRef)
    }

    /// Fetches branches and records from the remote: every answer reflects
    /// the remote as it is (a merge or a closed branch shows at once).
    public func fetch() async throws {
        try await git.run([
            "fetch", "-q", "--prune", "--no-tags", "origin", "+refs/heads/*:refs/remotes/origin/*",
            "+refs/pedregal-requests/*:refs/pedregal-requests/*",
        ])
    }

    /// Puts the work tree at `revision`, dropping every local change and untracked file.
    private func reset(to revision: String) async throws {
        try await git.run(["checkout", "-q", "-f", "--detach", revision])
        try await git.run(["reset", "-q", "--hard", revision])
        try await git.run(["clean", "-q", "-ffdx"])
    }

    // MARK: Reading

    /// The commit a ref names, or nil when it does not exist.
    public func commit(of ref: String) async throws -> String? {
        let output = try await git.status(["rev-parse", "-q", "--verify", "\(ref)^{commit}"])
        return output.status == 0 ? output.text : nil
    }

    /// Whether `ancestor` is reachable from `descendant`.
    public func isAncestor(_ ancestor: String, of descendant: String) async throws -> Bool {
        try await git.status(["merge-base", "--is-ancestor", ancestor, descendant]).status == 0
    }

    /// Whether `path` exists at `commit`.
    public func exists(_ path: String, at commit: String) async throws -> Bool {
        try await git.status(["cat-file", "-e", "\(commit):\(path)"]).status == 0
    }

    /// The bytes of `path` at `commit`, or nil.
    public func contents(of path: String, at commit: String) async throws -> [UInt8]? {
        let output = try await git.status(["show", "\(commit):\(path)"])
        return output.status == 0 ? output.stdout : nil
    }

    /// The review branches and records of `team` (or of every team), by cluster.
    public func clusterRefs(team: String?) async throws -> (branches: [ClusterID: ClusterRef], records: [ClusterID: ClusterRef]) {
        let suffix = team.map { "/\($0)/" } ?? "/"
        let output = try await git.run([
            "for-each-ref", "--format=%(refname) %(objectname) %(trailers:key=Pedregal-Request,valueonly,separator=%x2C)",
            "refs/remotes/origin/cluster-requests\(suffix)", "refs/pedregal-requests\(suffix)",
        ])
        var branches: [ClusterID: ClusterRef] = [:]
        var records: [ClusterID: ClusterRef] = [:]
        for line in output.text.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 2 else { continue }
            let ref = ClusterRef(commit: fields[1], action: fields.count > 2 ? ChangeAction(rawValue: fields[2].trimmed) : nil)
            let parts = fields[0].split(separator: "/").map(String.init)
            guard parts.count >= 2 else { continue }
            let id = ClusterID(team: parts[parts.count - 2], name: parts[parts.count - 1])
            if fields[0].hasPrefix("refs/remotes/") { branches[id] = ref } else { records[id] = ref }
        }
        return (branches, records)
    }

    /// The root at `commit`, compiled (cached per commit).
    public func snapshot(_ commit: String) async throws -> Snapshot {
        if let cached = snapshots[commit] { return cached }
        let root = URL(fileURLWithPath: settings.checkout)
        let tree = try await Self.blocking { try GitSourceTree(root: root, revision: commit) }
        let snapshot = Self.compile(tree, commit: commit)
        remember(snapshot)
        return snapshot
    }

    private func remember(_ snapshot: Snapshot) {
        if snapshots[snapshot.commit] == nil { snapshotOrder.append(snapshot.commit) }
        snapshots[snapshot.commit] = snapshot
        while snapshotOrder.count > Self.snapshotLimit { snapshots[snapshotOrder.removeFirst()] = nil }
    }

    static func compile(_ tree: any SourceTree, commit: String) -> Snapshot {
        let templates = Loader().load(from: TemplatesOnly(base: tree)).templates
        return Snapshot(commit: commit, compilation: Compiler().compile(tree), templates: templates)
    }

    // MARK: Changing

    /// What a change writes, made against its base's root.
    public struct Edit: Sendable {
        /// Root-relative team file → new bytes.
        public var files: [String: [UInt8]]
        /// The commit message.
        public var message: String

        /// Creates an edit.
        public init(files: [String: [UInt8]], message: String) {
            self.files = files
            self.message = message
        }
    }

    /// The outcome of a change.
    public enum ChangeResult: Sendable {
        /// Committed and pushed.
        case pushed(commit: String, snapshot: Snapshot)
        /// The root does not compile with the change; nothing was committed.
        case doesNotCompile([Diagnostic])
        /// The edit changes nothing.
        case unchanged
    }

    /// Applies `makeEdit` to the root at `base`, compiles it, commits teams/
    /// and the regenerated generated/, and pushes the commit to `branch` and
    /// to the cluster's record ref in one atomic push. When the push is
    /// refused because `branch` moved, fetches and tries again (3 times).
    public func change(
        base: String, branch: String, replacingBranch: Bool = false, record: String,
        _ makeEdit: @Sendable (Snapshot, any SourceTree) throws -> Edit?
    ) async throws -> ChangeResult {
        var attempt = 0
        while true {
            attempt += 1
            do {
                if let result = try await attemptChange(
                    base: base, branch: branch, replacingBranch: replacingBranch, record: record, retry: attempt < 3, makeEdit)
                {
                    return result
                }
            } catch {
                // Whatever failed, the clone is left clean for the next change.
                try? await reset(to: targetRef)
                throw error
            }
        }
    }

    /// One try; nil when the push lost a race and the change should be made again.
    private func attemptChange(
        base: String, branch: String, replacingBranch: Bool, record: String, retry: Bool,
        _ makeEdit: @Sendable (Snapshot, any SourceTree) throws -> Edit?
    ) async throws -> ChangeResult? {
        try await fetch()
        var found = try await commit(of: base)
        if found == nil { found = try await commit(of: targetRef) }
        guard let baseCommit = found else {
            throw Git.Failure(arguments: ["rev-parse", base], status: 1, message: "the target branch does not exist on the remote")
        }
        try await reset(to: baseCommit)
        let snapshot = try await self.snapshot(baseCommit)
        let root = URL(fileURLWithPath: settings.checkout)
        guard let edit = try makeEdit(snapshot, DiskSourceTree(root: root)) else { return .unchanged }
        let tree = OverlaySourceTree(DiskSourceTree(root: root), replacing: edit.files)
        let compiled = Self.compile(tree, commit: "")
        if compiled.compilation.hasErrors { return .doesNotCompile(compiled.compilation.diagnostics) }
        try await write(edit.files, generated: compiled.compilation.files)
        try await git.run(["add", "-A", "--", "teams", "generated"])
        if try await git.status(["diff", "--cached", "--quiet"]).status == 0 {
            try await reset(to: baseCommit)
            return .unchanged
        }
        try await git.run([
            "-c", "user.name=\(settings.committerName)", "-c", "user.email=\(settings.committerEmail)",
            "commit", "-q", "--no-verify", "-m", edit.message,
        ])
        let commit = try await git.run(["rev-parse", "HEAD"]).text
        let push = try await git.status([
            "push", "-q", "--atomic", "origin", "\(replacingBranch ? "+" : "")HEAD:refs/heads/\(branch)", "+HEAD:\(record)",
        ])
        if push.status != 0 {
            try await reset(to: targetRef)
            if retry, push.stderr.contains("rejected") || push.stderr.contains("fetch first") { return nil }
            throw Git.Failure(arguments: ["push", "origin", branch], status: push.status, message: push.stderr)
        }
        try await fetch()
        var pushed = compiled
        pushed.commit = commit
        remember(pushed)
        return .pushed(commit: commit, snapshot: pushed)
    }

    /// Deletes a review branch and points the record at `commit` (a
    /// withdrawn request: the branch goes, the record says it was withdrawn).
    public func withdraw(branch: String, record: String, recordCommit: String) async throws {
        try await git.run(["push", "-q", "--atomic", "origin", ":refs/heads/\(branch)", "+\(recordCommit):\(record)"])
        try await fetch()
    }

    /// Makes an empty commit on top of `parent` saying what happened, for a
    /// record (never pushed to a branch).
    public func recordCommit(parent: String, message: String) async throws -> String {
        let tree = try await git.run(["rev-parse", "\(parent)^{tree}"]).text
        return try await git.run([
            "-c", "user.name=\(settings.committerName)", "-c", "user.email=\(settings.committerEmail)",
            "commit-tree", tree, "-p", parent, "-m", message,
        ]).text
    }

    private func write(_ files: [String: [UInt8]], generated: [OutputFile]) async throws {
        let root = settings.checkout
        try await Self.blocking {
            let directory = OutputDirectory(url: URL(fileURLWithPath: root).appendingPathComponent("generated"))
            try directory.apply(directory.plan(generated), withTeamFiles: files, under: root)
        }
    }

    private static func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }
}

/// Only templates/ of another tree, to read the templates alone.
struct TemplatesOnly: SourceTree {
    let base: any SourceTree

    func fileNames(in directory: String) throws -> [String]? {
        directory == "templates" ? try base.fileNames(in: directory) : nil
    }

    func contents(of path: String) throws -> [UInt8]? {
        path.hasPrefix("templates/") ? try base.contents(of: path) : nil
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
