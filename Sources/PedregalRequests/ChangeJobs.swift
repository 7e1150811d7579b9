import Foundation
import PedregalBasics

/// A queued change, whatever its answer's type.
protocol ChangeJob: AnyObject, Sendable {
    /// Checks and makes the change in `workspace`; false when it was
    /// answered already (refused), leaving the workspace as it was.
    func make(_ workspace: Workspace) async -> Bool
    /// Computes the answer from the batch's final state and runs the hook
    /// that must see it before the push; false when it failed.
    func prepare(_ workspace: Workspace) async -> Bool
    /// The push landed: the prepared answer is the answer.
    func succeed()
    /// Answers with `error`.
    func fail(_ error: any Error)
    /// Whether it has its answer.
    var isAnswered: Bool { get }
    /// Wakes the submitter: to lead the next batch, or because it is answered.
    func wake(lead: Bool)
}

/// Runs after a change is made and its answer known, before it is pushed,
/// with the answer and the commits it made (for `Idempotency-Key`: a retry
/// after a crash then finds the answer of a change that landed).
typealias BeforePush<T> = @Sendable (T, [String]) async throws -> Void

/// What a job's checks return: how to make its answer once the batch is done.
typealias Answering<T> = @Sendable (Workspace) async throws -> T

/// One change and its submitter, waiting to be told to lead or that it is answered.
// Unchecked: `answering`, `prepared`, `commits` and `afterPush` are touched only by the batch's
// leader, one task at a time; what the submitter and the leader share is behind `shared`'s lock.
final class Job<T: Sendable>: ChangeJob, @unchecked Sendable {
    private let body: @Sendable (Workspace) async throws -> Answering<T>
    private let beforePush: BeforePush<T>?
    private var answering: Answering<T>?
    private var prepared: T?
    private var commits: [String] = []
    private var afterPush: [@Sendable () -> Void] = []

    /// What the submitter and the leader share: the answer, and the hand-off of a turn.
    private struct Shared: @unchecked Sendable {  // `any Error` in the outcome is not Sendable-checked.
        var outcome: Result<T, any Error>?
        var continuation: CheckedContinuation<Bool, Never>?
        var signal: Bool?
    }
    private let shared = Locked(Shared())

    init(beforePush: BeforePush<T>?, _ body: @escaping @Sendable (Workspace) async throws -> Answering<T>) {
        self.body = body
        self.beforePush = beforePush
    }

    func make(_ workspace: Workspace) async -> Bool {
        let saved = workspace.save()
        workspace.beginJob()
        do {
            answering = try await body(workspace)
            commits = workspace.jobCommits
            afterPush = workspace.jobAfterPush
            return true
        } catch {
            workspace.restore(saved)
            fail(error)
            return false
        }
    }

    func prepare(_ workspace: Workspace) async -> Bool {
        do {
            let answer = try await answering!(workspace)
            if let beforePush, !commits.isEmpty { try await beforePush(answer, commits) }
            prepared = answer
            return true
        } catch {
            fail(error)
            return false
        }
    }

    func succeed() {
        guard let prepared else { return }
        for body in afterPush { body() }
        set(.success(prepared))
    }

    func fail(_ error: any Error) { set(.failure(error)) }

    private func set(_ result: Result<T, any Error>) {
        shared.withLock { $0.outcome = result }
    }

    var isAnswered: Bool { shared.withLock { $0.outcome != nil } }

    /// The answer (once answered).
    func result() throws -> T {
        guard let outcome = shared.withLock({ $0.outcome }) else { throw Problem.unavailable("the change was not made; try again") }
        return try outcome.get()
    }

    /// Waits until woken: true to lead the next batch, false when answered.
    func waitForTurn() async -> Bool {
        await withCheckedContinuation { continuation in
            // A wake that came first left its signal; otherwise the continuation waits for one.
            let signal = shared.withLock { shared -> Bool? in
                guard let signal = shared.signal else {
                    shared.continuation = continuation
                    return nil
                }
                shared.signal = nil
                return signal
            }
            if let signal { continuation.resume(returning: signal) }
        }
    }

    func wake(lead: Bool) {
        // Resumed outside the lock: the woken task may run at once on this thread.
        let waiting = shared.withLock { shared -> CheckedContinuation<Bool, Never>? in
            guard let continuation = shared.continuation else {
                shared.signal = lead
                return nil
            }
            shared.continuation = nil
            return continuation
        }
        waiting?.resume(returning: lead)
    }
}

/// The jobs waiting for the writer, in arrival order, and who leads.
actor JobQueue {
    private var waiting: [any ChangeJob] = []
    private var leading = false

    /// Adds a job; true when its submitter must lead (no one else does).
    func add(_ job: any ChangeJob) -> Bool {
        waiting.append(job)
        if leading { return false }
        leading = true
        return true
    }

    /// Takes up to `limit` jobs, oldest first.
    func take(_ limit: Int) -> [any ChangeJob] {
        let count = min(limit, waiting.count)
        let jobs = Array(waiting.prefix(count))
        waiting.removeFirst(count)
        return jobs
    }

    /// Puts jobs a batch did not reach back in front.
    func putBack(_ jobs: [any ChangeJob]) {
        waiting.insert(contentsOf: jobs, at: 0)
    }

    /// The leader is done: the job that leads next, or nil (no one waits).
    func handOff() -> (any ChangeJob)? {
        if let next = waiting.first { return next }
        leading = false
        return nil
    }
}
