import PedregalCompiler
import PedregalResolver

/// A requested Spark Connect cluster's identity: its team and its name in
/// the team's `sparkConnect` list, written `<team>.<name>` (neither holds a
/// dot: a team is a DNS-1123 label, a cluster a DNS-1035 label).
public struct ClusterID: Sendable, Hashable, CustomStringConvertible {
    public var team: String
    public var name: String

    /// Creates an identity.
    public init(team: String, name: String) {
        self.team = team
        self.name = name
    }

    /// Parses `<team>.<name>`; nil when it is not two DNS labels.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, NameRules.dns1123LabelProblem(String(parts[0])) == nil,
            NameRules.dns1123LabelProblem(String(parts[1])) == nil
        else { return nil }
        self.init(team: String(parts[0]), name: String(parts[1]))
    }

    public var description: String { "\(team).\(name)" }

    /// The branch that carries a change for review.
    public var reviewBranch: String { "cluster-requests/\(team)/\(name)" }

    /// The ref that remembers the service's last change to this cluster, so
    /// a change closed without merging is told apart from one never made.
    public var recordRef: String { "refs/pedregal-requests/\(team)/\(name)" }

    /// The team file.
    public var teamFile: String { "teams/\(team).yaml" }
}

/// Where a cluster stands, derived from git and the cluster every time.
public enum ClusterStatus: String, Sendable, Codable, CaseIterable {
    /// Its change is on a branch waiting for review.
    case pendingReview = "pending-review"
    /// Its change is merged and generated/ holds it; the servers are not
    /// (known to be) up yet.
    case provisioning
    /// The cluster's objects are present, in sync and healthy.
    case ready
    /// The change was closed without merging, or the cluster is unhealthy.
    case failed
    /// Its `expiresAt` passed; `pedregal expire --root` removes it.
    case expired
    /// Its pending change could not be rebuilt on the target branch's new
    /// head (the same entry was edited there by hand); `reason` says why.
    case conflict
}

/// What a change the service made does.
public enum ChangeAction: String, Sendable, Codable {
    case create, update, extend, delete
}

/// A change to a cluster that is not on the target branch yet.
public struct PendingChange: Sendable, Codable, Equatable {
    /// What it does.
    public var action: ChangeAction
    /// The branch to review and merge.
    public var branch: String
    /// Its head commit.
    public var commit: String

    /// Creates a pending change.
    public init(action: ChangeAction, branch: String, commit: String) {
        self.action = action
        self.branch = branch
        self.commit = commit
    }
}

/// A cluster as the API shows it.
public struct ClusterView: Sendable, Codable, Equatable {
    public var clusterId: String
    public var team: String
    public var name: String
    public var environment: String
    public var region: String
    public var size: String
    public var catalogs: [String]
    /// `sc://host` of the cluster's plain hostname (its region's gateway).
    public var endpoint: String
    public var status: ClusterStatus
    /// Why it is in this state, in words (always set for failed, provisioning and pending-review).
    public var reason: String?
    /// RFC 3339 UTC, or nil for a persistent cluster.
    public var expiresAt: String?
    /// The commit on the target branch that holds the cluster, when merged.
    public var commit: String?
    /// A change not merged yet (the request itself, an extension, a deletion).
    public var pendingChange: PendingChange?

    enum CodingKeys: String, CodingKey {
        case clusterId = "cluster_id"
        case team, name, environment, region, size, catalogs, endpoint, status, reason
        case expiresAt = "expires_at"
        case commit
        case pendingChange = "pending_change"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(clusterId, forKey: .clusterId)
        try c.encode(team, forKey: .team)
        try c.encode(name, forKey: .name)
        try c.encode(environment, forKey: .environment)
        try c.encode(region, forKey: .region)
        try c.encode(size, forKey: .size)
        try c.encode(catalogs, forKey: .catalogs)
        try c.encode(endpoint, forKey: .endpoint)
        try c.encode(status, forKey: .status)
        // Absent values are explicit nulls: the document says so.
        try c.encode(reason, forKey: .reason)
        try c.encode(expiresAt, forKey: .expiresAt)
        try c.encode(commit, forKey: .commit)
        try c.encode(pendingChange, forKey: .pendingChange)
    }
}

/// One page of a list.
public struct ClusterList: Sendable, Codable, Equatable {
    public var items: [ClusterView]
}

/// A Spark Connect cluster placed in exactly one environment and region:
/// what a request creates, read from a compiled root.
public struct Placement: Sendable {
    public var team: ResolvedTeam
    public var environment: ResolvedEnvironment
    public var region: ResolvedRegion
    public var cluster: ResolvedSparkConnect
    public var domain: String

    /// `sc://<host>`.
    public var endpoint: String { "sc://\(cluster.hostBase).\(domain)" }
}

extension ResolvedPlatform {
    /// The clusters of `team` the API manages: those placed in one
    /// environment and one region, except the team's `default` one.
    public func placements(team name: String) -> [String: Placement] {
        guard let team = teams.first(where: { $0.name == name }) else { return [:] }
        var seen: [String: [Placement]] = [:]
        for environment in team.environments {
            for cluster in environment.sparkConnect {
                for region in cluster.regions {
                    seen[cluster.name, default: []].append(
                        Placement(
                            team: team, environment: environment, region: region, cluster: cluster, domain: settings.domain))
                }
            }
        }
        return seen.compactMapValues { $0.count == 1 && $0[0].cluster.name != "default" ? $0[0] : nil }
    }
}
