import Foundation
import PedregalBasics

/// Makes the API's changes. Requests queue; the first waiting request's own
/// task leads: it takes every queued change into one batch, makes each on
/// top of the one before (each its own commit, compiled), rebuilds the
/// review branches that would conflict, and pushes them all in one atomic
/// push, then hands the lead to the next waiting request. A push that
/// loses a race with another writer is made again on the new head.
final class ChangeWriter: Sendable {
    let mirror: RemoteMirror
    let compiler: CompileService
    let views: ClusterViews
    let clock: @Sendable () -> Int
    private let queue = JobQueue()
    private let snapshot = Locked<TargetSnapshot?>(nil)
    private let moves = Locked<Int>(0)
    /// How long a batch makes changes before it pushes what it has (the
    /// rest go in the next batch), so answers come in steps, not all at the end.
    static let batchBudget: Duration = .seconds(2)
    static let batchLimit = 64
    static let attempts = 3

    init(mirror: RemoteMirror, compiler: CompileService, views: ClusterViews, clock: @escaping @Sendable () -> Int) {
        self.mirror = mirror
        self.compiler = compiler
        self.views = views
        self.clock = clock
    }

    var repository: RequestRepository { mirror.repository }

    /// How many times the writer moved the target branch (the watcher rebuilds branches when it changes).
    var targetMoves: Int { moves.current }

    /// Reads and compiles the target's head, so the first change does not wait for it.
    func prepare() async throws {
        _ = try await targetSnapshot(for: try await mirror.fetched().target)
    }

    /// Queues a change and waits for its answer. `body` checks the request
    /// against the batch's workspace, makes the change there, and returns
    /// how to answer once the batch is done.
    func submit<T: Sendable>(
        beforePush: BeforePush<T>? = nil, _ body: @escaping @Sendable (Workspace) async throws -> Answering<T>
    ) async throws -> T {
        let job = Job(beforePush: beforePush, body)
        if await !queue.add(job) {
            guard await job.waitForTurn() else { return try job.result() }
        }
        await lead(until: job)
        return try job.result()
    }

    /// Runs batches until `own` is answered, then hands the lead on.
    private func lead(until own: any ChangeJob) async {
        while !own.isAnswered {
            let jobs = await queue.take(Self.batchLimit)
            if jobs.isEmpty { break }
            await run(jobs)
            for job in jobs where job !== own && job.isAnswered { job.wake(lead: false) }
        }
        if !own.isAnswered { own.fail(Problem.unavailable("the change was not made; try again")) }
        if let next = await queue.handOff() { next.wake(lead: true) }
    }

    /// Makes and pushes one batch; jobs it did not reach go back in the queue.
    private func run(_ batch: [any ChangeJob]) async {
        var jobs = batch
        for attempt in 1...Self.attempts {
            let workspace: Workspace
            do {
                workspace = try await makeWorkspace()
            } catch {
                for job in jobs { job.fail(error) }
                return
            }
            let started = ContinuousClock.now
            var made: [any ChangeJob] = []
            var deferred: [any ChangeJob] = []
            for (index, job) in jobs.enumerated() {
                if !made.isEmpty, ContinuousClock.now - started > Self.batchBudget {
                    deferred = Array(jobs[index...])
                    break
                }
                if await job.make(workspace) { made.append(job) }
            }
            await workspace.rebuildTouchedBranches()
            var ready: [any ChangeJob] = []
            for job in made where await job.prepare(workspace) { ready.append(job) }
            let result: RequestRepository.PushResult
            do {
                result = try await mirror.push(
                    workspace.updates.values.sorted { $0.ref < $1.ref }, then: workspace.state)
            } catch {
                let problem = Problem.unavailable(
                    "the change could not be pushed: \(redactingCredentials("\(error)")); nothing was changed")
                for job in ready { job.fail(problem) }
                await queue.putBack(deferred)
                return
            }
            switch result {
            case .pushed:
                adopt(workspace)
                for job in ready { job.succeed() }
                await queue.putBack(deferred)
                return
            case .raced(let message):
                guard attempt < Self.attempts else {
                    let problem = Problem.unavailable(
                        "the target branch kept moving while the change was pushed (\(redactingCredentials(message))); try again")
                    for job in ready { job.fail(problem) }
                    await queue.putBack(deferred)
                    return
                }
                await queue.putBack(deferred)
                jobs = ready
            }
        }
    }

    /// The batch pushed (or had nothing to push): its target is the writer's, its conflicts known.
    private func adopt(_ workspace: Workspace) {
        snapshot.withLock { $0 = workspace.target }
        mirror.publish(conflicts: workspace.state.conflicts, target: workspace.state.target)
        if workspace.movedTarget { moves.withLock { $0 += 1 } }
    }

    /// A workspace on the remote as it is now.
    private func makeWorkspace() async throws -> Workspace {
        let state = try await mirror.refreshed()
        let target = try await targetSnapshot(for: state.target)
        return Workspace(
            repository: repository, compiler: compiler, views: views, clock: clock, state: state, target: target)
    }

    /// The target's head compiled: the writer's last one, moved to `commit`
    /// when someone else moved the branch (reading only what changed).
    private func targetSnapshot(for commit: String) async throws -> TargetSnapshot {
        if let current = snapshot.current, current.commit == commit { return current }
        let next: TargetSnapshot
        do {
            if let current = snapshot.current, try await repository.isAncestor(current.commit, of: commit) {
                next = try await current.moved(to: commit, in: repository, compiler: compiler)
            } else {
                next = try await TargetSnapshot.load(commit, from: repository, compiler: compiler)
            }
        } catch let problem as Problem {
            throw problem
        } catch {
            throw Problem.unavailable("the target branch cannot be read: \(redactingCredentials("\(error)"))")
        }
        await views.placements.remember(commit, next.compilation, current: next.stale.isEmpty)
        snapshot.withLock { $0 = next }
        return next
    }
}
