import Foundation

/// The service's own repository: a clone of the remote's objects and refs
/// with no work tree. Commits are built from objects (`git fast-import`),
/// never by checking files out, so git work is proportional to a change and
/// a crash at any point leaves nothing to clean but lock files: the remote
/// is untouched or complete (every push is atomic).
public struct RequestRepository: Sendable {
    /// Where to push and what to build on.
    public struct Settings: Sendable {
        /// The remote's URL (a path works for tests).
        public var remote: String
        /// The branch Argo CD syncs and approved changes land on.
        public var targetBranch: String
        /// The repository's folder (created when missing).
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

    /// One ref a push sets or deletes.
    public struct RefUpdate: Sendable, Equatable {
        /// The remote ref: `refs/heads/…` or `refs/pedregal-requests/…`.
        public var ref: String
        /// The new commit; nil deletes the ref.
        public var commit: String?
        /// The commit the remote must still hold for the push to go through
        /// ("" for a ref that must not exist yet); nil: no condition.
        public var expected: String?

        /// Creates an update.
        public init(ref: String, commit: String?, expected: String?) {
            self.ref = ref
            self.commit = commit
            self.expected = expected
        }
    }

    /// How a push ended.
    public enum PushResult: Sendable, Equatable {
        case pushed
        /// A ref moved since it was read: read again and redo the change.
        case raced(String)
    }

    public let settings: Settings
    let git: Git

    /// Creates the repository; call `prepare()` before anything else.
    public init(settings: Settings) {
        self.settings = settings
        self.git = Git(directory: settings.checkout, environment: settings.gitEnvironment)
    }

    /// The remote-tracking ref of the target branch.
    public var targetRef: String { "refs/remotes/origin/\(settings.targetBranch)" }

    // MARK: Recovery

    /// Makes the repository usable whatever state a crash left it in:
    /// creates it when missing, broken or checked out (an older service
    /// kept a work tree), removes stale lock files, and fetches.
    public func prepare() async throws {
        let fm = FileManager.default
        let gitDirectory = settings.checkout + "/.git"
        if fm.fileExists(atPath: gitDirectory) {
            Self.removeLocks(under: gitDirectory)
            let usable = (try? await git.run(["rev-parse", "--git-dir"])) != nil
            let checkedOut = try await git.status(["rev-parse", "-q", "--verify", "HEAD"]).status == 0
            let extra = ((try? fm.contentsOfDirectory(atPath: settings.checkout)) ?? []).contains { $0 != ".git" }
            if !usable || checkedOut || extra || fm.fileExists(atPath: gitDirectory + "/index") {
                try fm.removeItem(atPath: settings.checkout)
            }
        }
        if !fm.fileExists(atPath: gitDirectory) {
            try? fm.removeItem(atPath: settings.checkout)
            try fm.createDirectory(atPath: settings.checkout, withIntermediateDirectories: true)
            try await git.run(["init", "-q"])
            try await git.run(["remote", "add", "origin", settings.remote])
            // Only the service changes refs here, one command at a time; git's
            // own background housekeeping would race it for ref locks.
            try await git.run(["config", "gc.auto", "0"])
            try await git.run(["config", "maintenance.auto", "false"])
        } else {
            try await git.run(["remote", "set-url", "origin", settings.remote])
        }
        try await fetch()
    }

    /// Removes the lock files a killed git leaves behind.
    static func removeLocks(under folder: String) {
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: folder) else { return }
        while let path = walker.nextObject() as? String {
            if path.hasPrefix("objects/") {
                walker.skipDescendants()
                continue
            }
            if path.hasSuffix(".lock") { try? fm.removeItem(atPath: folder + "/" + path) }
        }
    }

    /// Packs loose objects once there are many (fast-import leaves a few per change).
    public func housekeeping() async {
        _ = try? await git.status(["-c", "gc.auto=6700", "-c", "gc.autoDetach=false", "gc", "--auto", "--quiet"])
    }

    // MARK: The remote

    /// The remote's refs the service reads (ref → commit), without fetching.
    public func listRemote() async throws -> [String: String] {
        let output = try await git.run(["ls-remote", "origin"] + RemoteState.patterns(targetBranch: settings.targetBranch))
        return RemoteState.listing(output.text)
    }

    /// Fetches the target branch, review branches and records.
    public func fetch() async throws {
        try await git.run([
            "fetch", "-q", "--prune", "--no-tags", "--no-write-fetch-head", "origin",
            "+refs/heads/*:refs/remotes/origin/*", "+refs/pedregal-requests/*:refs/pedregal-requests/*",
        ])
    }

    /// The state the last fetch brought, or nil when the remote has no target branch.
    public func readState() async throws -> RemoteState? {
        guard let target = try await commit(of: targetRef) else { return nil }
        let locations = ["refs/remotes/origin/cluster-requests/", "refs/pedregal-requests/"]
        let lines = try await git.run(
            [
                "for-each-ref",
                "--format=%(refname) %(objectname) %(trailers:key=Pedregal-Request,valueonly,separator=%x2C)",
            ] + locations
        ).text
        let merged = try await git.run(["for-each-ref", "--format=%(refname)", "--merged=\(target)"] + locations).text
        return RemoteState.read(
            target: target, lines: lines.split(separator: "\n"), merged: Set(merged.split(separator: "\n").map(String.init)))
    }

    /// Sets and deletes refs on the remote in one atomic push, each branch
    /// under its lease; on success the clone's own refs follow.
    public func push(_ updates: [RefUpdate]) async throws -> PushResult {
        guard !updates.isEmpty else { return .pushed }
        var arguments = ["push", "-q", "--atomic", "--no-verify", "origin"]
        for update in updates {
            if let expected = update.expected { arguments.append("--force-with-lease=\(update.ref):\(expected)") }
        }
        for update in updates { arguments.append(update.commit.map { "+\($0):\(update.ref)" } ?? ":\(update.ref)") }
        let push = try await git.status(arguments)
        guard push.status == 0 else {
            let message = push.stderr
            if ["stale info", "rejected", "fetch first", "non-fast-forward", "cannot lock ref"].contains(where: message.contains) {
                return .raced(message)
            }
            throw Git.Failure(arguments: ["push", "origin"], status: push.status, message: message)
        }
        var commands = ""
        for update in updates {
            let local =
                update.ref.hasPrefix("refs/heads/") ? "refs/remotes/origin/" + update.ref.dropFirst("refs/heads/".count) : update.ref
            commands += update.commit.map { "update \(local) \($0)\n" } ?? "delete \(local)\n"
        }
        try await git.run(["update-ref", "--stdin"], input: Array(commands.utf8))
        return .pushed
    }

    // MARK: Commits

    /// The commit a ref names, or nil when it does not exist.
    public func commit(of ref: String) async throws -> String? {
        let output = try await git.status(["rev-parse", "-q", "--verify", "\(ref)^{commit}"])
        return output.status == 0 ? output.text : nil
    }

    /// Whether `ancestor` is reachable from `descendant`.
    public func isAncestor(_ ancestor: String, of descendant: String) async throws -> Bool {
        try await git.status(["merge-base", "--is-ancestor", ancestor, descendant]).status == 0
    }

    /// The best common ancestor of two commits.
    public func mergeBase(_ a: String, _ b: String) async throws -> String? {
        let output = try await git.status(["merge-base", a, b])
        return output.status == 0 ? output.text : nil
    }

    /// A commit's message.
    public func message(of commit: String) async throws -> String {
        try await git.run(["log", "-1", "--format=%B", commit]).text
    }

    /// Whether any ref read from the remote (target, review branches,
    /// records) holds `commit`: a change that landed.
    public func landed(_ commit: String) async throws -> Bool {
        guard try await self.commit(of: commit) != nil else { return false }
        let refs = try await git.run([
            "for-each-ref", "--count=1", "--format=%(refname)", "--contains=\(commit)", "refs/remotes/origin", "refs/pedregal-requests",
        ])
        return !refs.text.isEmpty
    }

    /// Makes an empty commit on top of `parent` saying what happened, for a
    /// record (never pushed to a branch).
    public func recordCommit(parent: String, message: String, time: Int) async throws -> String {
        try await makeCommit(parent: parent, message: message, time: time, changes: FileChanges())
    }

    /// Makes a commit on top of `parent` that writes and removes exactly the
    /// files of `changes`, from objects: no index, no work tree, no status.
    public func makeCommit(parent: String, message: String, time: Int, changes: FileChanges) async throws -> String {
        let marks = settings.checkout + "/.git/pedregal-marks"
        let script = FastImportScript.commit(
            parent: parent, message: message, committer: committer, time: time, changes: changes)
        try await git.run(
            ["fast-import", "--quiet", "--force", "--done", "--export-marks=\(marks)"], input: script)
        let text = try String(contentsOfFile: marks, encoding: .utf8)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(":1 ") }) else {
            throw Git.Failure(arguments: ["fast-import"], status: 1, message: "no commit was made")
        }
        return String(line.dropFirst(3))
    }

    private var committer: String {
        func clean(_ text: String) -> String { String(text.filter { !"<>\n\r".contains($0) }) }
        return "\(clean(settings.committerName)) <\(clean(settings.committerEmail))>"
    }
}

/// The input of `git fast-import` that makes one commit.
enum FastImportScript {
    static func commit(parent: String, message: String, committer: String, time: Int, changes: FileChanges) -> [UInt8] {
        var out: [UInt8] = []
        func line(_ text: String) { out += Array((text + "\n").utf8) }
        func data(_ bytes: [UInt8]) {
            line("data \(bytes.count)")
            out += bytes
            line("")
        }
        line("feature done")
        line("commit refs/pedregal/fast-import")
        line("mark :1")
        line("committer \(committer) \(time) +0000")
        data(Array(message.utf8))
        line("from \(parent)")
        for path in changes.removed { line("D \(quoted(path))") }
        for (path, bytes) in changes.written.sorted(by: { $0.key < $1.key }) {
            line("M 100644 inline \(quoted(path))")
            data(bytes)
        }
        line("done")
        return out
    }

    /// A path as fast-import reads it: C-quoted when it starts with a quote or holds a newline.
    static func quoted(_ path: String) -> String {
        guard path.hasPrefix("\"") || path.contains("\n") || path.contains("\\") else { return path }
        var out = "\""
        for character in path {
            switch character {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out + "\""
    }
}
