import PedregalCompiler
import PedregalDiagnostics
import PedregalEmitter
import PedregalLoader
import PedregalResolver
import PedregalSpec
import PedregalTeamEdits

/// What the writer builds one batch of changes on: the remote as read when
/// the batch started, and every commit made since (not pushed yet). Each
/// change compiles the target's inputs with one team file replaced, and
/// commits exactly the files whose bytes that changes; a change to the
/// target branch moves the workspace's target, so the next change of the
/// batch builds on it. Used by one task at a time (the batch's leader).
final class Workspace: @unchecked Sendable {
    /// Whether a change first makes the cluster's pending review branch again on the target.
    enum Replay {
        /// Not at all: the change replaces the pending one.
        case none
        /// When it can: a change that restates the whole cluster does without.
        case whenPossible
        /// Always: a change that cannot be made without it is refused (409).
        case required
    }

    /// What a job may undo.
    struct Saved {
        var state: RemoteState
        var target: TargetSnapshot
        var updates: [String: RequestRepository.RefUpdate]
        var touchedTeams: Set<String>
        var bases: [ClusterID: String]
    }

    let repository: RequestRepository
    let compiler: CompileService
    let views: ClusterViews
    let clock: @Sendable () -> Int
    /// The remote when the batch started: what each push's leases expect.
    let start: RemoteState
    private(set) var state: RemoteState
    private(set) var target: TargetSnapshot
    /// Ref updates to push, by remote ref.
    private(set) var updates: [String: RequestRepository.RefUpdate] = [:]
    /// Teams whose file changed on the target in this batch.
    private(set) var touchedTeams: Set<String> = []
    /// The target commit each branch made in this batch was built on.
    private var bases: [ClusterID: String] = [:]
    /// Commits made by the job running now.
    private(set) var jobCommits: [String] = []
    /// What the job running now does once its change is pushed.
    private(set) var jobAfterPush: [@Sendable () -> Void] = []

    init(
        repository: RequestRepository, compiler: CompileService, views: ClusterViews, clock: @escaping @Sendable () -> Int,
        state: RemoteState, target: TargetSnapshot
    ) {
        self.repository = repository
        self.compiler = compiler
        self.views = views
        self.clock = clock
        self.start = state
        self.state = state
        self.target = target
    }

    var targetBranch: String { repository.settings.targetBranch }
    /// The target's compiled platform (nil when templates/ do not compile).
    var platform: ResolvedPlatform? { target.compilation.platform }
    /// templates/ as written.
    var templates: Templates { target.templates }
    /// Whether the batch moved the target branch.
    var movedTarget: Bool { state.target != start.target }

    func save() -> Saved { Saved(state: state, target: target, updates: updates, touchedTeams: touchedTeams, bases: bases) }

    func restore(_ saved: Saved) {
        (state, target, updates, touchedTeams, bases) = (saved.state, saved.target, saved.updates, saved.touchedTeams, saved.bases)
    }

    func beginJob() {
        jobCommits = []
        jobAfterPush = []
    }

    /// Runs `body` once the job's change is pushed (an audit line must not claim a change that never landed).
    func afterPush(_ body: @escaping @Sendable () -> Void) { jobAfterPush.append(body) }

    /// `id` as this batch leaves it; `commit` replaces the target commit (a change's own commit).
    func view(_ id: ClusterID, at commit: String? = nil) async throws -> ClusterView? {
        try await views.view(id, in: state, target: commit, probe: false)
    }

    // MARK: Changes

    /// Edits the cluster's team file (as the pending review branch left it,
    /// made again on the target per `replay`), compiles the target with it,
    /// and commits: on the target branch when `onTarget`, else on the
    /// cluster's review branch. Returns the commit, or nil when nothing changes.
    func change(
        _ change: ChangeDescription, onTarget: Bool, replay: Replay, _ edit: (TeamFile) throws -> [UInt8]
    ) async throws -> String? {
        let id = change.id
        let file = id.teamFile
        guard let targetBytes = target.sources[file] else {
            throw Problem.conflict("\(file) does not exist on \(targetBranch)")
        }
        var startBytes = targetBytes
        // The pending branch, when it is built on this target: the change goes on top of it
        // (a change to it that changes nothing is no change).
        var onBranch: (commit: String, bytes: [UInt8])?
        if !onTarget, replay != .none, let branch = state.branches[id], !branch.merged {
            let (outcome, fresh) = try await replayed(id, branch)
            switch outcome {
            case .rebuilt(let bytes):
                startBytes = bytes
                if fresh { onBranch = (branch.commit, bytes) }
            case .applied:
                break
            case .conflict(let reason):
                if replay == .required { throw Problem.conflict("the pending change of '\(id)' cannot be made again: \(reason)") }
            }
        }
        let edited: [UInt8]
        do {
            edited = try edit(try TeamFile(path: file, bytes: startBytes))
        } catch let error as TeamFile.EditError {
            throw Problem.conflict("\(file) cannot be edited as text (\(error)); edit it by hand")
        }
        if edited == (onBranch?.bytes ?? targetBytes) { return nil }
        var parent: Parent?
        if let onBranch {
            var sources = target.sources
            sources[file] = onBranch.bytes
            var files = await views.placements.compilation(of: onBranch.commit)?.files
            if files == nil {
                let compiled = await compiler.compile(MemorySourceTree(bytes: sources))
                if !compiled.hasErrors { files = compiled.files }
            }
            // A branch that does not compile on the target is made again from it.
            parent = files.map { Parent(commit: onBranch.commit, files: $0) }
        }
        let commit = try await commitEdit(id, file: file, bytes: edited, message: change.message, onTarget: onTarget, parent: parent)
        let ref = ClusterRef(commit: commit, action: change.action, merged: onTarget)
        state.records[id] = ref
        updates[id.recordRef] = .init(ref: id.recordRef, commit: commit, expected: nil)
        if !onTarget {
            setBranch(id, ref)
        }
        return commit
    }

    /// Withdraws the cluster's unmerged review branch: the branch goes, and
    /// the record points at an empty commit on it saying so.
    func withdraw(_ id: ClusterID, message: String) async throws -> String {
        guard let branch = state.branches[id] else { throw Problem.notFound("'\(id)' has no pending change to withdraw") }
        let record = try await repository.recordCommit(parent: branch.commit, message: message, time: clock())
        jobCommits.append(record)
        state.branches[id] = nil
        state.conflicts[id] = nil
        state.records[id] = ClusterRef(commit: record, action: .delete, merged: false)
        let ref = "refs/heads/\(id.reviewBranch)"
        if let old = start.branches[id] {
            updates[ref] = .init(ref: ref, commit: nil, expected: old.commit)
        } else {
            updates[ref] = nil
        }
        updates[id.recordRef] = .init(ref: id.recordRef, commit: record, expected: nil)
        return record
    }

    /// Makes the cluster's review branch again on the target's head when it
    /// was built on an older one. Returns whether a commit was made; a
    /// branch that cannot be rebuilt is recorded as a conflict.
    @discardableResult
    func rebuild(_ id: ClusterID) async throws -> Bool {
        guard let branch = state.branches[id], !branch.merged else { return false }
        if let known = state.conflicts[id], known.branchCommit == branch.commit, known.target == target.commit { return false }
        let (outcome, fresh) = try await replayed(id, branch)
        guard !fresh else { return false }
        switch outcome {
        case .applied:
            return false
        case .conflict(let reason):
            state.conflicts[id] = RebuildConflict(branchCommit: branch.commit, target: target.commit, reason: reason)
            return false
        case .rebuilt(let bytes):
            let message = Self.rebuiltMessage(try await repository.message(of: branch.commit), from: branch.commit)
            let commit: String
            do {
                commit = try await commitEdit(id, file: id.teamFile, bytes: bytes, message: message, onTarget: false)
            } catch let problem as Problem {
                let reason =
                    problem.status == 422
                    ? "with it \(targetBranch) would not compile: \(problem.diagnostics.first.map(\.description) ?? problem.detail)"
                    : problem.detail
                state.conflicts[id] = RebuildConflict(branchCommit: branch.commit, target: target.commit, reason: reason)
                return false
            }
            let ref = ClusterRef(commit: commit, action: branch.action, merged: false)
            state.records[id] = ref
            updates[id.recordRef] = .init(ref: id.recordRef, commit: commit, expected: nil)
            setBranch(id, ref)
            return true
        }
    }

    /// Rebuilds the pending branches of the teams whose file this batch
    /// changed on the target: they would conflict with it as text.
    func rebuildTouchedBranches() async {
        for id in state.branches.keys.sorted(by: { $0.description < $1.description }) where touchedTeams.contains(id.team) {
            _ = try? await rebuild(id)
        }
    }

    // MARK: Helpers

    private func setBranch(_ id: ClusterID, _ ref: ClusterRef) {
        state.branches[id] = ref
        state.conflicts[id] = nil
        bases[id] = target.commit
        let name = "refs/heads/\(id.reviewBranch)"
        updates[name] = .init(ref: name, commit: ref.commit, expected: start.branches[id]?.commit ?? "")
    }

    /// The cluster's entry as the pending branch holds it, made again on the
    /// target; `fresh` when the branch is already built on the target.
    private func replayed(_ id: ClusterID, _ branch: ClusterRef) async throws -> (PendingReplay.Outcome, fresh: Bool) {
        let file = id.teamFile
        var base = bases[id]
        if base == nil { base = try await repository.mergeBase(branch.commit, target.commit) }
        let branchBytes = try await repository.contents(of: file, at: branch.commit)
        if base == target.commit {
            return (branchBytes.map { .rebuilt($0) } ?? .applied, true)
        }
        let baseBytes = try await base.asyncMap { try await repository.contents(of: file, at: $0) } ?? nil
        let outcome = PendingReplay.replay(
            name: id.name, file: file, base: baseBytes, branch: branchBytes, target: target.sources[file], targetBranch: targetBranch)
        return (outcome, false)
    }

    /// A commit to build on other than the target's head, and its generated files.
    private struct Parent {
        var commit: String
        var files: [OutputFile]
    }

    /// Compiles the target with `file` replaced and commits what changes
    /// from the target's head (or from `parent`, a review branch built on it).
    private func commitEdit(
        _ id: ClusterID, file: String, bytes: [UInt8], message: String, onTarget: Bool, parent: Parent? = nil
    ) async throws -> String {
        var sources = target.sources
        sources[file] = bytes
        let compilation = await compiler.compile(MemorySourceTree(bytes: sources))
        if compilation.hasErrors {
            let report = ChangeDiagnostics.compare(
                before: target.compilation.diagnostics, after: compilation.diagnostics, edits: [file: (target.sources[file], bytes)])
            if report.introduced.containsErrors { throw Problem.doesNotCompile(file, report) }
            throw Problem.targetDoesNotCompile(targetBranch, compilation.diagnostics.filter { $0.severity == .error })
        }
        let changes =
            parent.map { FileChanges.between($0.files, compilation.files, teamFiles: [file: bytes]) }
            ?? FileChanges.between(target.compilation.files, compilation.files, teamFiles: [file: bytes], stale: target.stale)
        let commit = try await repository.makeCommit(
            parent: parent?.commit ?? target.commit, message: message, time: clock(), changes: changes)
        jobCommits.append(commit)
        await views.placements.remember(commit, compilation)
        if onTarget {
            target = TargetSnapshot(commit: commit, sources: sources, compilation: compilation, templates: target.templates)
            state.target = commit
            touchedTeams.insert(id.team)
            updates["refs/heads/\(targetBranch)"] = .init(ref: "refs/heads/\(targetBranch)", commit: commit, expected: start.target)
        }
        return commit
    }

    /// The message of a rebuilt commit: the original's, with a trailer naming it.
    static func rebuiltMessage(_ original: String, from commit: String) -> String {
        var lines = original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while lines.last == "" { lines.removeLast() }
        lines.removeAll { $0.hasPrefix("Pedregal-Rebuilt-From: ") }
        return lines.joined(separator: "\n") + "\nPedregal-Rebuilt-From: \(commit)\n"
    }
}

extension Optional {
    fileprivate func asyncMap<U>(_ transform: (Wrapped) async throws -> U) async rethrows -> U? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
