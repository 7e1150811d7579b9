import Foundation
import Logging
import PedregalAuth
import PedregalBasics
import PedregalCompiler
import PedregalDiagnostics
import PedregalResolver
import PedregalTeamEdits

/// The Cluster Request API's behaviour, apart from HTTP: a request becomes
/// a change to teams/<team>.yaml (compiled with the whole root, committed,
/// pushed), and every answer is derived from git and the cluster.
/// Operations run one at a time on the repository.
public final class ClusterRequests: Sendable {
    public let repository: RequestRepository
    public let probe: ClusterProbe
    let lock = AsyncLock()
    let audit: Logger
    let clock: @Sendable () -> Int

    /// Creates the service.
    public init(
        repository: RequestRepository, probe: ClusterProbe, audit: Logger,
        clock: @escaping @Sendable () -> Int = { Int(Date().timeIntervalSince1970) }
    ) {
        self.repository = repository
        self.probe = probe
        self.audit = audit
        self.clock = clock
    }

    /// A created or updated cluster.
    public struct Outcome: Sendable {
        public var view: ClusterView
        /// Whether the request made a new cluster (201) or changed one (200).
        public var created: Bool
    }

    // MARK: Create

    /// `POST`: adds the cluster (or updates the same cluster's entry).
    public func create(_ request: CreateClusterRequest, by caller: VerifiedIdentity) async throws -> Outcome {
        try await lock.run {
            let (target, platform, policy) = try await targetState()
            let snapshot = try await repository.snapshot(target)
            guard let team = platform.teams.first(where: { $0.name == request.team }) else {
                let known = platform.teams.map(\.name)
                throw Problem.invalid(
                    "unknown team '\(request.team)'",
                    [.init("/team", "no team '\(request.team)' in teams/" + Suggestion.hint(for: request.team, in: known))])
            }
            guard let environment = team.environments.first(where: { $0.name == request.environment }) else {
                let has = team.environments.map(\.name)
                throw Problem.invalid(
                    "team '\(team.name)' has no environment '\(request.environment)'",
                    [
                        .init(
                            "/environment",
                            "team '\(team.name)' has no environment '\(request.environment)'"
                                + Suggestion.hint(for: request.environment, in: has, then: "it has: \(has.joined(separator: ", "))"))
                    ])
            }
            let terms = try Self.terms(policy, environment.name)
            try Self.authorize(
                caller, team: team, terms: terms, environment: environment.name, action: "request clusters",
                groupPrefix: platform.settings.groupPrefix)
            var errors: [Problem.FieldError] = []
            let region = environment.regions.first { $0.name == request.region }
            if region == nil {
                let has = environment.regions.map(\.name)
                errors.append(
                    .init(
                        "/region",
                        "'\(environment.name)' of team '\(team.name)' has no region '\(request.region)'"
                            + Suggestion.hint(for: request.region, in: has, then: "it has: \(has.joined(separator: ", "))")))
            }
            let templates = snapshot.templates
            if let size = request.size, !templates.sizes.contains(where: { $0.name.value == size }) {
                let known = templates.sizes.map(\.name.value)
                errors.append(
                    .init(
                        "/size",
                        "unknown size '\(size)'"
                            + Suggestion.hint(for: size, in: known, then: "templates/sizes.yaml defines: \(known.joined(separator: ", "))"))
                )
            }
            for (index, catalog) in (request.catalogs ?? []).enumerated()
            where !templates.catalogs.contains(where: { $0.name.value == catalog }) {
                let known = templates.catalogs.map(\.name.value)
                errors.append(
                    .init(
                        "/catalogs/\(index)",
                        "unknown catalog '\(catalog)'"
                            + Suggestion.hint(
                                for: catalog, in: known, then: "templates/catalogs.yaml defines: \(known.joined(separator: ", "))")))
            }
            if let engine = request.engine, !templates.engines.versions.contains(where: { $0.version.value == engine }) {
                let known = templates.engines.versions.map(\.version.value)
                errors.append(
                    .init(
                        "/engine",
                        "unknown engine '\(engine)'"
                            + Suggestion.hint(
                                for: engine, in: known, then: "templates/engines.yaml defines: \(known.joined(separator: ", "))")))
            }
            let ttl = request.ttl ?? terms.defaultTTL
            if let problem = Self.ttlProblem(ttl, terms: terms, environment: environment.name) { errors.append(.init("/ttl", problem)) }
            guard errors.isEmpty, let region else { throw Problem.invalid(errors.map(\.detail).joined(separator: "; "), errors) }
            let name = request.name ?? "\(environment.name)-\(region.alias)"
            if let problem = NameRules.dns1035LabelProblem(name, maxLength: 40) {
                throw Problem.invalid("the cluster name '\(name)' is not valid: \(problem); give a 'name'", [.init("/name", problem)])
            }
            let id = ClusterID(team: team.name, name: name)
            let expiresAt = ttl.seconds.map { RFC3339.format(Double(clock() + $0)) }
            var fields: [(key: String, value: EditValue)] = [
                ("name", .text(name)), ("environments", .list([environment.name])), ("regions", .list([region.name])),
            ]
            if let size = request.size { fields.append(("size", .text(size))) }
            if let catalogs = request.catalogs { fields.append(("catalogs", .list(catalogs))) }
            if let engine = request.engine { fields.append(("engine", .text(engine))) }
            if let expiresAt { fields.append(("expiresAt", .timestamp(expiresAt))) }
            let existsBefore = try await self.facts(id, target: target, probe: false) != nil
            let change = ChangeDescription(
                action: existsBefore ? .update : .create, id: id, subject: caller.subject,
                summary:
                    "\(environment.name), \(region.name)\(request.size.map { ", size \($0)" } ?? "")\(expiresAt.map { ", expires \($0)" } ?? ", persistent")"
            )
            let fieldsToWrite = fields
            let result = try await commit(change, autoApprove: terms.autoApprove) { snapshot, tree in
                let file = try Self.teamFile(id, tree)
                guard file.sparkConnectEntries.contains(where: { $0.name == name }) else {
                    return try file.addingSparkConnect(fieldsToWrite)
                }
                // The same name must be the same cluster: one environment, one region.
                let placed = snapshot.compilation.platform?.placements(team: id.team)[name]
                guard let placed, placed.environment.name == environment.name, placed.region.name == region.name else {
                    throw Problem.conflict(
                        "team '\(id.team)' already has a Spark Connect cluster '\(name)' that runs elsewhere (see \(id.teamFile)); give this request another 'name'"
                    )
                }
                var bytes = file.text.bytes
                for key in ["size", "catalogs", "engine", "expiresAt"] {
                    let value = fieldsToWrite.first { $0.key == key }?.value
                    bytes = try TeamFile(path: id.teamFile, bytes: bytes).settingSparkConnectField(name, key: key, to: value)
                }
                return bytes
            }
            guard let view = try await facts(id, target: nil, probe: false) else {
                throw Problem.unavailable("the change \(result ?? "") was pushed, but the cluster cannot be read back; try GET \(id)")
            }
            return Outcome(view: view, created: !existsBefore)
        }
    }

    // MARK: Read

    /// `GET /{id}`.
    public func get(_ id: ClusterID, by caller: VerifiedIdentity) async throws -> ClusterView {
        try await lock.run {
            let (_, platform, _) = try await targetState()
            try Self.authorizeRead(caller, platform: platform, team: id.team)
            guard let view = try await facts(id, target: nil, probe: true) else {
                throw Problem.notFound(
                    "there is no requested cluster '\(id)' (a request, a merged cluster, or a change closed without merging)")
            }
            return view
        }
    }

    /// `GET ?team=…&expiring_within=…`: the clusters of one team, or of every
    /// team the caller belongs to; with `expiringWithin` (seconds), only those
    /// expiring by then.
    public func list(team: String?, expiringWithin: Int?, by caller: VerifiedIdentity) async throws -> [ClusterView] {
        try await lock.run {
            let (target, platform, _) = try await targetState()
            let teams: [String]
            if let team {
                try Self.authorizeRead(caller, platform: platform, team: team)
                teams = [team]
            } else {
                let prefix = platform.settings.groupPrefix
                teams = platform.teams.filter { caller.isMember(ofAny: $0.admins + $0.members, prefix: prefix) }.map(\.name)
            }
            var views: [ClusterView] = []
            for team in teams {
                views += try await facts(team: team, target: target, probe: true)
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
    }

    // MARK: Change and delete

    /// `PATCH /{id}`: a new time to live, from now.
    public func update(_ id: ClusterID, _ request: UpdateClusterRequest, by caller: VerifiedIdentity) async throws -> ClusterView {
        try await lock.run {
            let (target, platform, policy) = try await targetState()
            guard let current = try await facts(id, target: target, probe: false), current.status != .failed else {
                throw Problem.notFound("there is no requested cluster '\(id)' to change")
            }
            let team = try Self.team(platform, id)
            let terms = try Self.terms(policy, current.environment)
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
                action: .extend, id: id, subject: caller.subject,
                summary: expiresAt.map { "expires \($0)" } ?? "persistent")
            _ = try await commit(change, autoApprove: terms.autoApprove) { _, tree in
                try Self.teamFile(id, tree).settingSparkConnectField(id.name, key: "expiresAt", to: expiresAt.map(EditValue.timestamp))
            }
            guard let view = try await facts(id, target: nil, probe: false) else { throw Problem.notFound("'\(id)' is gone") }
            return view
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
    public func delete(_ id: ClusterID, by caller: VerifiedIdentity) async throws -> Deletion {
        try await lock.run {
            let (target, platform, policy) = try await targetState()
            guard let current = try await facts(id, target: target, probe: false), current.status != .failed || current.commit != nil else {
                throw Problem.notFound("there is no requested cluster '\(id)' to delete")
            }
            let team = try Self.team(platform, id)
            let terms = try Self.terms(policy, current.environment)
            try Self.authorize(
                caller, team: team, terms: terms, environment: current.environment, action: "delete clusters",
                groupPrefix: platform.settings.groupPrefix)
            let change = ChangeDescription(action: .delete, id: id, subject: caller.subject, summary: "remove it")
            if current.status == .pendingReview, let pending = current.pendingChange {
                // Never merged: withdrawing the request is dropping its branch.
                let record = try await repository.recordCommit(parent: pending.commit, message: change.message)
                try await repository.withdraw(branch: id.reviewBranch, record: id.recordRef, recordCommit: record)
                log(change, commit: record, result: "withdrawn")
                return Deletion(clusterId: id.description, status: "withdrawn", branch: id.reviewBranch, commit: nil)
            }
            let commit = try await commit(change, autoApprove: terms.autoApprove, replacingBranch: true) { _, tree in
                try Self.teamFile(id, tree).removingSparkConnect([id.name])
            }
            return Deletion(
                clusterId: id.description, status: terms.autoApprove ? "committed" : "pending-review",
                branch: terms.autoApprove ? repository.settings.targetBranch : id.reviewBranch, commit: commit)
        }
    }
}
