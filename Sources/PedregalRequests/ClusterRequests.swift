import Foundation
import Logging
import PedregalAuth
import PedregalBasics
import PedregalCompiler
import PedregalResolver

/// The Cluster Request API's behaviour, apart from HTTP: a request becomes
/// a change to teams/<team>.yaml (compiled with the whole root, committed,
/// pushed), and every answer is derived from git and the cluster.
///
/// Changes queue for one writer, which makes them in batches (each its own
/// commit) and pushes each batch at once. Reads never wait for it: they
/// answer from the remote's state as last read, re-read when the remote moved.
public final class ClusterRequests: Sendable {
    public let repository: RequestRepository
    public let probe: ClusterProbe
    let audit: Logger
    let clock: @Sendable () -> Int
    let mirror: RemoteMirror
    let placements: PlacementReader
    let views: ClusterViews
    let writer: ChangeWriter
    // Whether a branch commit is built on a target commit, by "<branch> <target>".
    private let freshness = Locked<BoundedCache<String, Bool>>(BoundedCache(limit: 4096))
    // The remote state the last rebuild pass saw: nothing to do while it holds.
    private let lastRebuilt = Locked<RemoteState?>(nil)

    /// Creates the service.
    public init(
        repository: RequestRepository, probe: ClusterProbe, audit: Logger,
        clock: @escaping @Sendable () -> Int = { Int(Date().timeIntervalSince1970) }
    ) {
        self.repository = repository
        self.probe = probe
        self.audit = audit
        self.clock = clock
        let compiler = CompileService()
        mirror = RemoteMirror(repository: repository)
        placements = PlacementReader(repository: repository, compiler: compiler)
        views = ClusterViews(placements: placements, probe: probe, targetBranch: repository.settings.targetBranch, clock: clock)
        writer = ChangeWriter(mirror: mirror, compiler: compiler, views: views, clock: clock)
    }

    /// A created or updated cluster.
    public struct Outcome: Sendable {
        public var view: ClusterView
        /// Whether the request made a new cluster (201) or changed one (200).
        public var created: Bool
    }

    /// Restores the repository after whatever a crash left, reads the remote
    /// and compiles the target's head.
    public func start() async throws {
        try await repository.prepare()
        try await writer.prepare()
    }

    // MARK: Read

    /// `GET /{id}`.
    public func get(_ id: ClusterID, by caller: VerifiedIdentity) async throws -> ClusterView {
        let state = try await mirror.refreshed()
        try Self.authorizeRead(caller, try await placements.team(id.team, at: state.target), name: id.team)
        guard let view = try await views.view(id, in: state, probe: true) else {
            throw Problem.notFound(
                "there is no requested cluster '\(id)' (a request, a merged cluster, or a change closed without merging)")
        }
        return view
    }

    /// `GET ?team=…&expiring_within=…`: the clusters of one team, or of every
    /// team the caller belongs to; with `expiringWithin` (seconds), only those
    /// expiring by then.
    public func list(team: String?, expiringWithin: Int?, by caller: VerifiedIdentity) async throws -> [ClusterView] {
        let state = try await mirror.refreshed()
        let teams: [String]
        if let team {
            try Self.authorizeRead(caller, try await placements.team(team, at: state.target), name: team)
            teams = [team]
        } else {
            // Owners from the newest whole compilation: a team's groups, not its clusters, may lag one merge.
            guard let platform = await placements.latestPlatform else {
                throw Problem.unavailable("the target branch is still being read; try again")
            }
            let prefix = platform.settings.groupPrefix
            teams = platform.teams.filter { caller.isMember(ofAny: $0.admins + $0.members, prefix: prefix) }.map(\.name)
        }
        var views: [ClusterView] = []
        for team in teams {
            views += try await self.views.views(team: team, in: state, probe: true)
        }
        if let expiringWithin {
            let limit = clock() + expiringWithin
            views = views.filter { view in
                guard let expiresAt = view.expiresAt, let seconds = RFC3339.seconds(expiresAt) else { return false }
                return Int(seconds) <= limit
            }
        }
        return views.sorted { $0.clusterId < $1.clusterId }
    }

    // MARK: Upkeep

    /// Whether every one of `commits` (made for a request before a crash or
    /// a lost answer) is on the remote: the change landed.
    public func landed(_ commits: [String]) async throws -> Bool {
        guard !commits.isEmpty else { return false }
        _ = try await mirror.refreshed()
        for commit in commits where !(try await repository.landed(commit)) { return false }
        return true
    }

    /// Makes every pending review branch built on an older head of the
    /// target again on its head, one branch per turn of the writer (requests
    /// wait for at most one), and records those that cannot be.
    public func rebuildPendingChanges() async throws {
        let state = try await mirror.refreshed()
        guard state != lastRebuilt.current else { return }
        var stale: [ClusterID] = []
        for (id, branch) in state.branches.sorted(by: { $0.key.description < $1.key.description }) where !branch.merged {
            if let conflict = state.conflicts[id], conflict.branchCommit == branch.commit, conflict.target == state.target { continue }
            let key = "\(branch.commit) \(state.target)"
            var fresh = freshness.current[key]
            if fresh == nil {
                fresh = try await repository.mergeBase(branch.commit, state.target) == state.target
                freshness.withLock { $0[key] = fresh }
            }
            if fresh == false { stale.append(id) }
        }
        for id in stale {
            let rebuilt: Bool = try await writer.submit { workspace in
                let rebuilt = try await workspace.rebuild(id)
                return { _ in rebuilt }
            }
            if rebuilt { audit.notice("rebuilt a pending change", metadata: ["audit": "cluster-request", "cluster": "\(id)"]) }
        }
        lastRebuilt.withLock { $0 = state }
    }

    /// Packs the repository's loose objects when there are many, while nothing else uses it.
    public func housekeeping() async throws {
        let _: Void = try await writer.submit { [mirror] _ in
            try await mirror.exclusively { await mirror.repository.housekeeping() }
            return { _ in () }
        }
    }

    /// How many times this service moved the target branch.
    public var targetMoves: Int { writer.targetMoves }
}
