import PedregalBasics
import PedregalCompiler

/// What the cluster itself says about a requested cluster's objects.
public enum LiveState: Sendable, Equatable {
    /// The service has no connection to the region's cluster.
    case notConfigured(cluster: String)
    /// The cluster could not be read.
    case unreadable(cluster: String, reason: String)
    /// Every object's state.
    case objects(cluster: String, [LiveObject])
}

/// One object of a cluster as `pedregal status` sees it.
public struct LiveObject: Sendable, Equatable {
    /// `Kind namespace/name`.
    public var id: String
    public var present: Bool
    /// Present, in sync and healthy (or expired, so not expected).
    public var ok: Bool
    /// `ok`, `missing`, `drifted`, `unhealthy`, `failed` or `expired`.
    public var word: String
    /// The operator's state and message, for workloads: `SchedulingFailure: …`.
    public var health: String?
    /// Why it could not be read.
    public var problem: String?

    /// Creates an object state.
    public init(id: String, present: Bool, ok: Bool, word: String, health: String? = nil, problem: String? = nil) {
        self.id = id
        self.present = present
        self.ok = ok
        self.word = word
        self.health = health
        self.problem = problem
    }
}

/// Everything git says about one cluster, gathered before its state is
/// derived (a pure function, tested on its own).
public struct ClusterFacts: Sendable {
    public var id: ClusterID
    /// The target branch's name and head.
    public var targetBranch: String
    public var targetCommit: String
    /// The cluster as the target branch holds it.
    public var target: Placement?
    /// Whether generated/ on the target branch holds its objects.
    public var generated: Bool = false
    /// A review branch not merged yet, and the cluster as it holds it.
    public var branch: (ref: ClusterRef, placement: Placement?)?
    /// Why that branch could not be rebuilt on the target's head, if it could not.
    public var conflict: String?
    /// The service's last change to it, whether the target holds that
    /// commit, and the cluster as that commit held it.
    public var record: (ref: ClusterRef, merged: Bool, placement: Placement?)?
    /// The cluster's own account, when read.
    public var live: LiveState?
    /// Seconds since 1970.
    public var now: Int

    public init(id: ClusterID, targetBranch: String, targetCommit: String, now: Int) {
        self.id = id
        self.targetBranch = targetBranch
        self.targetCommit = targetCommit
        self.now = now
    }
}

/// Derives a cluster's state from its facts.
public enum ClusterStateRules {
    /// The cluster as the API shows it, or nil when it does not exist (never
    /// requested, or deleted).
    public static func view(_ facts: ClusterFacts) -> ClusterView? {
        guard var view = gitView(facts) else { return nil }
        // A pending change that cannot be rebuilt needs a person, whatever else holds.
        if let conflict = facts.conflict, let pending = view.pendingChange, view.status != .expired {
            view.status = .conflict
            view.reason =
                "the pending change on branch \(pending.branch) (commit \(short(pending.commit))) cannot be rebuilt on \(facts.targetBranch): \(conflict)"
        }
        return view
    }

    private static func gitView(_ facts: ClusterFacts) -> ClusterView? {
        let pending = facts.branch.map {
            PendingChange(action: $0.ref.action ?? .update, branch: facts.id.reviewBranch, commit: $0.ref.commit)
        }
        if let placement = facts.target {
            var view = ClusterView(placement, status: .provisioning, reason: nil, commit: facts.targetCommit)
            view.pendingChange = pending
            if let expiresAt = placement.cluster.expiresAt, let seconds = RFC3339.seconds(expiresAt), Int(seconds) <= facts.now {
                view.status = .expired
                view.reason = "it expired at \(expiresAt); `pedregal expire --root` removes it from \(facts.id.teamFile)"
                return view
            }
            guard facts.generated else {
                view.reason =
                    "merged into \(facts.targetBranch), but generated/ there does not hold it yet; run `pedregal generate` and commit"
                return view
            }
            (view.status, view.reason) = liveState(facts.live, facts)
            return view
        }
        if let branch = facts.branch, let placement = branch.placement, branch.ref.action != .delete {
            return ClusterView(
                placement, status: .pendingReview,
                reason:
                    "waiting for review: merge branch \(facts.id.reviewBranch) (commit \(short(branch.ref.commit))) into \(facts.targetBranch)",
                commit: nil, pendingChange: pending)
        }
        if let record = facts.record, let placement = record.placement, record.ref.action != .delete {
            if record.merged {
                // Merged, then removed from the team file: by expiry, or by hand.
                guard let expiresAt = placement.cluster.expiresAt, let seconds = RFC3339.seconds(expiresAt),
                    Int(seconds) <= facts.now
                else { return nil }
                return ClusterView(
                    placement, status: .expired,
                    reason: "it expired at \(expiresAt) and was removed from \(facts.id.teamFile) on \(facts.targetBranch)",
                    commit: nil)
            }
            return ClusterView(
                placement, status: .failed,
                reason:
                    "the change (commit \(short(record.ref.commit)) on branch \(facts.id.reviewBranch)) was closed without being merged into \(facts.targetBranch); request it again to open a new one",
                commit: nil)
        }
        return nil
    }

    /// The state of a merged, generated cluster from what its cluster says.
    static func liveState(_ live: LiveState?, _ facts: ClusterFacts) -> (ClusterStatus, String?) {
        guard let live else {
            return (.provisioning, "committed to \(facts.targetBranch) as \(short(facts.targetCommit)); waiting for Argo CD to sync it")
        }
        switch live {
        case .notConfigured(let cluster):
            return (
                .provisioning,
                "merged and generated; this service has no connection to cluster \(cluster), so it cannot tell when the servers are up"
            )
        case .unreadable(let cluster, let reason):
            return (.provisioning, "merged and generated; cluster \(cluster) could not be read: \(reason)")
        case .objects(let cluster, let objects):
            if objects.allSatisfy(\.ok) { return (.ready, nil) }
            if let broken = objects.first(where: { isFailed($0) }) {
                return (.failed, "\(broken.id) in \(cluster) is \(broken.word): \(broken.health ?? "")")
            }
            let missing = objects.filter { !$0.present && $0.word == "missing" }
            if !missing.isEmpty {
                return (
                    .provisioning,
                    "waiting for Argo CD to sync: \(missing.count) of \(objects.count) objects are not in \(cluster) yet (\(missing.prefix(3).map(\.id.description).joined(separator: ", ")))"
                )
            }
            let waiting = objects.filter { !$0.ok }
            return (
                .provisioning,
                "syncing in \(cluster): "
                    + waiting.prefix(3).map { "\($0.id) \($0.word)\($0.health.map { " (\($0))" } ?? $0.problem.map { " (\($0))" } ?? "")" }
                    .joined(separator: ", ")
            )
        }
    }

    /// Operator states of a server that has stopped or cannot start.
    static let failedStates: Set<String> = [
        "Failed", "DriverStartTimedOut", "ExecutorsStartTimedOut", "DriverReadyTimedOut", "SchedulingFailure", "DriverEvicted",
        "Succeeded", "ResourceReleased", "TerminatedWithoutReleaseResources", "FAILED", "SUBMISSION_FAILED", "COMPLETED",
    ]

    static func isFailed(_ object: LiveObject) -> Bool {
        guard object.problem == nil, object.present, object.word == "unhealthy", let detail = object.health else { return false }
        let state = detail.split(separator: ":", maxSplits: 1).first.map(String.init) ?? detail
        return failedStates.contains(state)
    }

    static func short(_ commit: String) -> String { String(commit.prefix(12)) }
}

extension ClusterView {
    init(_ placement: Placement, status: ClusterStatus, reason: String?, commit: String?, pendingChange: PendingChange? = nil) {
        self.init(
            clusterId: ClusterID(team: placement.team.name, name: placement.cluster.name).description,
            team: placement.team.name, name: placement.cluster.name, environment: placement.environment.name,
            region: placement.region.name, size: placement.cluster.size, catalogs: placement.cluster.catalogs.map(\.name),
            endpoint: placement.endpoint, status: status, reason: reason, expiresAt: placement.cluster.expiresAt,
            commit: commit, pendingChange: pendingChange)
    }
}
