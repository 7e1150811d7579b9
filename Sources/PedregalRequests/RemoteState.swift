import Foundation

/// A review branch or record ref of a cluster on the remote.
public struct ClusterRef: Sendable, Equatable {
    /// The commit it points at.
    public var commit: String
    /// The `Pedregal-Request` trailer of that commit.
    public var action: ChangeAction?
    /// Whether the target branch holds the commit.
    public var merged: Bool

    /// Creates a ref.
    public init(commit: String, action: ChangeAction?, merged: Bool = false) {
        self.commit = commit
        self.action = action
        self.merged = merged
    }
}

/// A pending change that could not be rebuilt on the target branch's head.
public struct RebuildConflict: Sendable, Equatable {
    /// The review branch's head when the rebuild was tried.
    public var branchCommit: String
    /// The target branch's head it was tried on.
    public var target: String
    /// Why, in words.
    public var reason: String

    /// Creates a conflict.
    public init(branchCommit: String, target: String, reason: String) {
        self.branchCommit = branchCommit
        self.target = target
        self.reason = reason
    }
}

/// The remote as last read (or as the service's own last push left it):
/// everything a cluster's state is derived from, apart from the commits'
/// contents. Reads answer from it without waiting for a change.
public struct RemoteState: Sendable, Equatable {
    /// The target branch's head.
    public var target: String
    /// Review branches, by cluster.
    public var branches: [ClusterID: ClusterRef]
    /// The service's last change to each cluster.
    public var records: [ClusterID: ClusterRef]
    /// Review branches that could not be rebuilt on `target`, by cluster.
    public var conflicts: [ClusterID: RebuildConflict] = [:]

    /// Creates a state.
    public init(target: String, branches: [ClusterID: ClusterRef] = [:], records: [ClusterID: ClusterRef] = [:]) {
        self.target = target
        self.branches = branches
        self.records = records
    }

    /// The remote refs the service reads, as `git ls-remote` patterns.
    static func patterns(targetBranch: String) -> [String] {
        ["refs/heads/\(targetBranch)", "refs/heads/cluster-requests/*", "refs/pedregal-requests/*"]
    }

    /// Whether a listing of the remote (`git ls-remote`: ref → commit) holds
    /// exactly the refs this state was read from.
    func agrees(with listing: [String: String], targetBranch: String) -> Bool {
        var expected: [String: String] = ["refs/heads/\(targetBranch)": target]
        for (id, ref) in branches { expected["refs/heads/\(id.reviewBranch)"] = ref.commit }
        for (id, ref) in records { expected[id.recordRef] = ref.commit }
        let relevant = listing.filter { key, _ in
            key == "refs/heads/\(targetBranch)" || Self.clusterID(key, under: "refs/heads/cluster-requests/") != nil
                || Self.clusterID(key, under: "refs/pedregal-requests/") != nil
        }
        return relevant == expected
    }

    /// The state read from the clone's refs: `lines` are `for-each-ref`
    /// lines `<refname> <commit> <Pedregal-Request trailer>` of the remote's
    /// review branches (as `refs/remotes/origin/…`) and records; `merged`
    /// holds the refnames the target branch contains.
    static func read(target: String, lines: [Substring], merged: Set<String>) -> RemoteState {
        var state = RemoteState(target: target)
        for line in lines {
            let fields = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 2 else { continue }
            let action = fields.count > 2 ? ChangeAction(rawValue: fields[2].trimmed) : nil
            let ref = ClusterRef(commit: fields[1], action: action, merged: merged.contains(fields[0]))
            if let id = clusterID(fields[0], under: "refs/remotes/origin/cluster-requests/") {
                state.branches[id] = ref
            } else if let id = clusterID(fields[0], under: "refs/pedregal-requests/") {
                state.records[id] = ref
            }
        }
        return state
    }

    /// `<prefix><team>/<name>` → the cluster, when both are names.
    static func clusterID(_ ref: String, under prefix: String) -> ClusterID? {
        guard ref.hasPrefix(prefix) else { return nil }
        let parts = ref.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        return ClusterID("\(parts[0]).\(parts[1])")
    }

    /// Parses `git ls-remote` output: ref → commit.
    static func listing(_ text: String) -> [String: String] {
        var refs: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", maxSplits: 1)
            if fields.count == 2 { refs[String(fields[1])] = String(fields[0]) }
        }
        return refs
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
