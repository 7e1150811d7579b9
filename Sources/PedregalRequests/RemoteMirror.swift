import Foundation
import PedregalBasics

/// The remote as last read, shared by reads and the writer. A read lists
/// the remote's refs (`git ls-remote`, which changes nothing here) and
/// answers from the state it has when they agree; only when the remote
/// moved does it fetch. Fetches and pushes take turns on their own lock,
/// never the writer's: a read waits at most for one of them, never for a
/// change to compile.
final class RemoteMirror: Sendable {
    let repository: RequestRepository
    private let published = Locked<RemoteState?>(nil)
    private let remoteLock = AsyncLock()
    private let flight = Coalescer<RemoteState>()

    init(repository: RequestRepository) {
        self.repository = repository
    }

    /// The state last read or pushed, if any.
    var current: RemoteState? { published.current }

    /// The remote's state as of now: concurrent callers share one listing
    /// (one that started after they asked), and a fetch runs only when the
    /// remote moved.
    func refreshed() async throws -> RemoteState {
        try await flight.run { [self] in
            let listing: [String: String]
            do {
                listing = try await repository.listRemote()
            } catch {
                throw Problem.unavailable("the repository cannot be read: \(redactingCredentials("\(error)"))")
            }
            if let state = current, state.agrees(with: listing, targetBranch: repository.settings.targetBranch) { return state }
            return try await fetched(unless: listing)
        }
    }

    /// Fetches and reads the refs again, unless the state published by the
    /// time no fetch or push runs agrees with `listing` (a push of the
    /// service's own that was landing while the remote was listed).
    func fetched(unless listing: [String: String]? = nil) async throws -> RemoteState {
        try await remoteLock.run {
            if let listing, let state = current, state.agrees(with: listing, targetBranch: repository.settings.targetBranch) {
                return state
            }
            do {
                try await repository.fetch()
            } catch {
                throw Problem.unavailable("the repository cannot be fetched: \(redactingCredentials("\(error)"))")
            }
            guard var state = try await repository.readState() else {
                throw Problem.unavailable("the remote has no branch '\(repository.settings.targetBranch)'")
            }
            // A conflict stays known while its branch has not moved.
            if let old = current {
                state.conflicts = old.conflicts.filter { id, conflict in state.branches[id]?.commit == conflict.branchCommit }
            }
            published.withLock { $0 = state }
            return state
        }
    }

    /// Pushes `updates`; on success `state` is what the remote now holds.
    func push(_ updates: [RequestRepository.RefUpdate], then state: RemoteState) async throws -> RequestRepository.PushResult {
        try await remoteLock.run {
            let result = try await repository.push(updates)
            if result == .pushed { published.withLock { $0 = state } }
            return result
        }
    }

    /// Records which pending changes could not be rebuilt on `target`.
    func publish(conflicts: [ClusterID: RebuildConflict], target: String) {
        published.withLock { state in
            guard var current = state, current.target == target else { return }
            current.conflicts = conflicts.filter { id, conflict in current.branches[id]?.commit == conflict.branchCommit }
            state = current
        }
    }

    /// Runs `body` while no fetch or push runs (git's own housekeeping packs refs).
    func exclusively(_ body: () async throws -> Void) async throws {
        try await remoteLock.run(body)
    }
}

/// Runs one body at a time for many callers: a caller joins the run that
/// has not started yet, or starts the next one after the running one, so
/// every caller gets a result that began after it asked.
actor Coalescer<Value: Sendable> {
    private var running: Task<Value, any Error>?
    private var waiting: Task<Value, any Error>?

    func run(_ body: @escaping @Sendable () async throws -> Value) async throws -> Value {
        if let waiting { return try await waiting.value }
        let previous = running
        let task = Task<Value, any Error> {
            if let previous { _ = try? await previous.value }
            self.started()
            return try await body()
        }
        if previous == nil { running = task } else { waiting = task }
        return try await task.value
    }

    private func started() {
        guard let waiting else { return }
        running = waiting
        self.waiting = nil
    }
}
