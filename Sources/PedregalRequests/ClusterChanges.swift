import PedregalAuth
import PedregalBasics
import PedregalResolver
import PedregalTeamEdits

/// The API's changes, each a job for the writer: checked against the
/// target as the batch has it, made in the batch's workspace, answered from
/// the batch's final state (an auto-approved change with its own commit).
extension ClusterRequests {
    /// `POST`: adds the cluster (or updates the same cluster's entry).
    /// `beforePush` sees the answer and the commits before they are pushed.
    public func create(
        _ request: CreateClusterRequest, by caller: VerifiedIdentity,
        beforePush: (@Sendable (Outcome, [String]) async throws -> Void)? = nil
    ) async throws -> Outcome {
        try await writer.submit(beforePush: beforePush) { [self] workspace in
            let checked = try CheckedCreate(
                request, platform: try Self.platform(workspace), templates: workspace.templates, caller: caller, now: clock())
            let id = checked.id
            let current = try await workspace.view(id)
            // The same name must be the same cluster: one environment, one region.
            if let current, current.environment != checked.environment.name || current.region != checked.region.name {
                throw Self.nameTaken(id)
            }
            let change = ChangeDescription(
                action: current == nil ? .create : .update, id: id, subject: caller.subject, summary: checked.summary(request))
            let fields = checked.fields
            let commit = try await workspace.change(change, onTarget: checked.terms.autoApprove, replay: .whenPossible) { file in
                guard file.sparkConnectEntries.contains(where: { $0.name == id.name }) else { return try file.addingSparkConnect(fields) }
                guard current != nil else { throw Self.nameTaken(id) }
                var bytes = file.text.bytes
                for key in ["size", "catalogs", "engine", "expiresAt"] {
                    let value = fields.first { $0.key == key }?.value
                    bytes = try TeamFile(path: id.teamFile, bytes: bytes).settingSparkConnectField(id.name, key: key, to: value)
                }
                return bytes
            }
            let onTarget = checked.terms.autoApprove
            if let commit { logAfterPush(workspace, change, commit: commit, onTarget: onTarget) }
            return { workspace in
                guard let view = try await workspace.view(id, at: onTarget ? commit : nil) else {
                    throw Problem.unavailable("the change \(commit ?? "") was made, but the cluster cannot be read back; try GET \(id)")
                }
                return Outcome(view: view, created: current == nil)
            }
        }
    }

    /// `PATCH /{id}`: a new time to live, from now.
    public func update(
        _ id: ClusterID, _ request: UpdateClusterRequest, by caller: VerifiedIdentity,
        beforePush: (@Sendable (ClusterView, [String]) async throws -> Void)? = nil
    ) async throws -> ClusterView {
        try await writer.submit(beforePush: beforePush) { [self] workspace in
            let platform = try Self.platform(workspace)
            guard let current = try await workspace.view(id), current.status != .failed else {
                throw Problem.notFound("there is no requested cluster '\(id)' to change")
            }
            let team = try Self.team(platform, id)
            let terms = try Self.terms(platform.settings.clusterRequests, current.environment)
            try Self.authorize(
                caller, team: team, terms: terms, environment: current.environment, action: "change clusters",
                groupPrefix: platform.settings.groupPrefix)
            if let problem = Self.ttlProblem(request.ttl, terms: terms, environment: current.environment) {
                throw Problem.invalid(problem, [.init("/ttl", problem)])
            }
            if current.pendingChange?.action == .delete {
                throw Problem.conflict("a deletion of '\(id)' is waiting for review on branch \(id.reviewBranch); merge or close it first")
            }
            let expiresAt = request.ttl.seconds.map { RFC3339.format(Double(clock() + $0)) }
            let change = ChangeDescription(
                action: .extend, id: id, subject: caller.subject, summary: expiresAt.map { "expires \($0)" } ?? "persistent")
            let commit = try await workspace.change(change, onTarget: terms.autoApprove, replay: .required) { file in
                try file.settingSparkConnectField(id.name, key: "expiresAt", to: expiresAt.map(EditValue.timestamp))
            }
            if let commit { logAfterPush(workspace, change, commit: commit, onTarget: terms.autoApprove) }
            return { workspace in
                guard let view = try await workspace.view(id, at: terms.autoApprove ? commit : nil) else {
                    throw Problem.notFound("'\(id)' is gone")
                }
                return view
            }
        }
    }

    /// What `DELETE` did.
    public struct Deletion: Sendable, Codable, Equatable {
        public var clusterId: String
        /// `pending-review` (a branch removes it), `committed` (removed on the
        /// target branch) or `withdrawn` (an unmerged request was dropped).
        public var status: String
        public var branch: String
        public var commit: String?

        enum CodingKeys: String, CodingKey {
            case clusterId = "cluster_id"
            case status, branch, commit
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(clusterId, forKey: .clusterId)
            try c.encode(status, forKey: .status)
            try c.encode(branch, forKey: .branch)
            try c.encode(commit, forKey: .commit)  // null when withdrawn, as documented
        }
    }

    /// `DELETE /{id}`: a change that removes the entry; an unmerged request is withdrawn.
    public func delete(
        _ id: ClusterID, by caller: VerifiedIdentity, beforePush: (@Sendable (Deletion, [String]) async throws -> Void)? = nil
    ) async throws -> Deletion {
        try await writer.submit(beforePush: beforePush) { [self] workspace in
            let platform = try Self.platform(workspace)
            guard let current = try await workspace.view(id), current.status != .failed || current.commit != nil else {
                throw Problem.notFound("there is no requested cluster '\(id)' to delete")
            }
            let team = try Self.team(platform, id)
            let terms = try Self.terms(platform.settings.clusterRequests, current.environment)
            try Self.authorize(
                caller, team: team, terms: terms, environment: current.environment, action: "delete clusters",
                groupPrefix: platform.settings.groupPrefix)
            let change = ChangeDescription(action: .delete, id: id, subject: caller.subject, summary: "remove it")
            let targetBranch = workspace.targetBranch
            if current.commit == nil, current.pendingChange != nil {
                // Never merged: withdrawing the request is dropping its branch.
                let record = try await workspace.withdraw(id, message: change.message)
                logAfterPush(workspace, change, commit: record, result: "withdrawn")
                let deletion = Deletion(clusterId: id.description, status: "withdrawn", branch: id.reviewBranch, commit: nil)
                return { _ in deletion }
            }
            let commit = try await workspace.change(change, onTarget: terms.autoApprove, replay: .none) { file in
                try file.removingSparkConnect([id.name])
            }
            if let commit { logAfterPush(workspace, change, commit: commit, onTarget: terms.autoApprove) }
            let deletion = Deletion(
                clusterId: id.description, status: terms.autoApprove ? "committed" : "pending-review",
                branch: terms.autoApprove ? targetBranch : id.reviewBranch, commit: commit)
            return { _ in deletion }
        }
    }

    static func nameTaken(_ id: ClusterID) -> Problem {
        Problem.conflict(
            "team '\(id.team)' already has a Spark Connect cluster '\(id.name)' that runs elsewhere (see \(id.teamFile)); give this request another 'name'"
        )
    }

    /// The target's compiled platform, or a 503 when templates/ do not compile.
    static func platform(_ workspace: Workspace) throws -> ResolvedPlatform {
        guard let platform = workspace.platform else {
            var problem = Problem.unavailable("templates/ on \(workspace.targetBranch) do not compile; fix them first")
            problem.diagnostics = workspace.target.compilation.diagnostics
            throw problem
        }
        return platform
    }

    private func logAfterPush(_ workspace: Workspace, _ change: ChangeDescription, commit: String, onTarget: Bool) {
        let result = onTarget ? "committed to \(workspace.targetBranch)" : "pushed to \(change.id.reviewBranch)"
        logAfterPush(workspace, change, commit: commit, result: result)
    }

    private func logAfterPush(_ workspace: Workspace, _ change: ChangeDescription, commit: String, result: String) {
        workspace.afterPush { [self] in log(change, commit: commit, result: result) }
    }
}
