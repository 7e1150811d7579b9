import Foundation
import Logging
import PedregalAuth
import PedregalCompiler
import PedregalLoader
import PedregalResolver
import PedregalSpec
import PedregalTeamEdits

/// A change the service commits: what it does, to which cluster, for whom.
struct ChangeDescription: Sendable {
    var action: ChangeAction
    var id: ClusterID
    var subject: String
    var summary: String

    /// The commit message, with trailers the service reads back.
    var message: String {
        let who = String(subject.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) })
        return """
            Cluster request: \(action.rawValue) \(id)

            \(summary).
            Requested by \(who) through the Cluster Request API.

            Pedregal-Request: \(action.rawValue)
            Pedregal-Cluster: \(id)
            Pedregal-Requested-By: \(who)

            """
    }
}

/// Runs bodies one at a time, in arrival order.
actor AsyncLock {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    private func acquire() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }
    }

    /// Runs `body` once every earlier body has finished.
    nonisolated func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        await acquire()
        do {
            let result = try await body()
            await release()
            return result
        } catch {
            await release()
            throw error
        }
    }
}

extension ClusterRequests {
    // MARK: Rules

    /// The target branch's head and compiled platform, fetched first.
    func targetState() async throws -> (String, ResolvedPlatform, ClusterRequestPolicy?) {
        do {
            try await repository.fetch()
        } catch {
            throw Problem.unavailable("the repository cannot be fetched: \(redactingCredentials("\(error)"))")
        }
        let branch = repository.settings.targetBranch
        guard let target = try await repository.commit(of: await repository.targetRef) else {
            throw Problem.unavailable("the remote has no branch '\(branch)'")
        }
        let snapshot = try await repository.snapshot(target)
        guard let platform = snapshot.compilation.platform else {
            var problem = Problem.unavailable("templates/ on \(branch) do not compile; fix them first")
            problem.diagnostics = snapshot.compilation.diagnostics
            throw problem
        }
        return (target, platform, platform.settings.clusterRequests)
    }

    static func team(_ platform: ResolvedPlatform, _ id: ClusterID) throws -> ResolvedTeam {
        guard let team = platform.teams.first(where: { $0.name == id.team }) else {
            throw Problem.notFound("there is no team '\(id.team)'")
        }
        return team
    }

    static func terms(_ policy: ClusterRequestPolicy?, _ environment: String) throws -> ClusterRequestPolicy.Terms {
        guard let policy else {
            throw Problem.invalid(
                "templates/platform.yaml sets no clusterRequests, so no environment takes cluster requests",
                [.init("/environment", "no environment takes requests")])
        }
        guard let terms = policy.environments[environment] else {
            let open = policy.environments.keys.sorted()
            throw Problem.invalid(
                "environment '\(environment)' takes no cluster requests (templates/platform.yaml clusterRequests); "
                    + (open.isEmpty ? "none does" : "these do: \(open.joined(separator: ", "))"),
                [.init("/environment", "'\(environment)' takes no cluster requests")])
        }
        return terms
    }

    static func authorize(
        _ caller: VerifiedIdentity, team: ResolvedTeam, terms: ClusterRequestPolicy.Terms, environment: String, action: String,
        groupPrefix: String
    ) throws {
        if caller.isMember(ofAny: team.admins, prefix: groupPrefix) { return }
        if terms.members && caller.isMember(ofAny: team.members, prefix: groupPrefix) { return }
        let groups = terms.members ? team.admins + team.members : team.admins
        throw Problem.forbidden(
            "'\(caller.subject)' may not \(action) for team '\(team.name)' in '\(environment)': that takes one of the groups \(groups.joined(separator: ", "))"
                + (terms.members ? "" : " (team admins; templates/platform.yaml lets members request in some environments only)"))
    }

    static func authorizeRead(_ caller: VerifiedIdentity, platform: ResolvedPlatform, team name: String) throws {
        guard let team = platform.teams.first(where: { $0.name == name }) else {
            throw Problem.notFound("there is no team '\(name)'")
        }
        guard caller.isMember(ofAny: team.admins + team.members, prefix: platform.settings.groupPrefix) else {
            throw Problem.forbidden(
                "'\(caller.subject)' is not in a group of team '\(name)' (\((team.admins + team.members).joined(separator: ", ")))")
        }
    }

    static func ttlProblem(_ ttl: TimeToLive, terms: ClusterRequestPolicy.Terms, environment: String) -> String? {
        switch ttl {
        case .persistent where !terms.persistent:
            return "'\(environment)' does not allow persistent clusters; give a time to live up to \(TimeToLive.seconds(terms.maxSeconds))"
        case .seconds(let seconds) where seconds > terms.maxSeconds:
            return "\(ttl) is longer than the \(TimeToLive.seconds(terms.maxSeconds)) '\(environment)' allows"
        default:
            return nil
        }
    }

    static func teamFile(_ id: ClusterID, _ tree: any SourceTree) throws -> TeamFile {
        guard let bytes = try tree.contents(of: id.teamFile) else {
            throw Problem.conflict("\(id.teamFile) does not exist on the branch the change is made on")
        }
        do {
            return try TeamFile(path: id.teamFile, bytes: bytes)
        } catch {
            throw Problem.conflict("\(id.teamFile) cannot be edited as text: \(error)")
        }
    }

    // MARK: Changes

    /// Commits an edit of the cluster's team file: to the target branch where
    /// the environment auto-approves, else on the cluster's review branch.
    /// Returns the commit, or nil when the edit changed nothing.
    func commit(
        _ change: ChangeDescription, autoApprove: Bool, replacingBranch: Bool = false,
        _ edit: @escaping @Sendable (Snapshot, any SourceTree) throws -> [UInt8]
    ) async throws -> String? {
        let id = change.id
        let target = repository.settings.targetBranch
        let targetRef = await repository.targetRef
        var base = targetRef
        if !autoApprove, !replacingBranch, let head = try await repository.commit(of: "refs/remotes/origin/\(id.reviewBranch)"),
            let targetHead = try await repository.commit(of: targetRef), !(try await repository.isAncestor(head, of: targetHead))
        {
            base = "refs/remotes/origin/\(id.reviewBranch)"
        }
        let message = change.message
        let result: RequestRepository.ChangeResult
        do {
            result = try await repository.change(
                base: base, branch: autoApprove ? target : id.reviewBranch, replacingBranch: replacingBranch && !autoApprove,
                record: id.recordRef
            ) { snapshot, tree in
                do {
                    return RequestRepository.Edit(files: [id.teamFile: try edit(snapshot, tree)], message: message)
                } catch let error as TeamFile.EditError {
                    throw Problem.conflict("\(id.teamFile) cannot be edited as text (\(error)); edit it by hand")
                }
            }
        } catch let problem as Problem {
            throw problem
        } catch {
            throw Problem.unavailable(
                "the change could not be committed and pushed: \(redactingCredentials("\(error)")); nothing was changed")
        }
        switch result {
        case .pushed(let commit, _):
            log(change, commit: commit, result: autoApprove ? "committed to \(target)" : "pushed to \(id.reviewBranch)")
            return commit
        case .doesNotCompile(let diagnostics):
            throw Problem.doesNotCompile(id.teamFile, diagnostics)
        case .unchanged:
            return nil
        }
    }

    /// One audit line per change: who, which team and cluster, which commit. Never a token.
    func log(_ change: ChangeDescription, commit: String, result: String) {
        audit.notice(
            "cluster request \(change.action.rawValue): \(result)",
            metadata: [
                "audit": "cluster-request", "subject": .string(change.subject), "team": .string(change.id.team),
                "cluster": .string(change.id.description), "action": .string(change.action.rawValue), "commit": .string(commit),
            ])
    }

    // MARK: Facts

    /// The cluster `id` as git (and, with `probe`, its cluster) says it is.
    func facts(_ id: ClusterID, target: String?, probe: Bool) async throws -> ClusterView? {
        guard let targetCommit = try await repository.commit(of: await repository.targetRef) else { return nil }
        let refs = try await repository.clusterRefs(team: id.team)
        return try await view(id, targetCommit: target ?? targetCommit, branch: refs.branches[id], record: refs.records[id], probe: probe)
    }

    /// Every cluster of `team` the API manages or has changed.
    func facts(team: String, target: String, probe: Bool) async throws -> [ClusterView] {
        let snapshot = try await repository.snapshot(target)
        let refs = try await repository.clusterRefs(team: team)
        var ids = Set(refs.branches.keys).union(refs.records.keys)
        for name in (snapshot.compilation.platform?.placements(team: team) ?? [:]).keys { ids.insert(ClusterID(team: team, name: name)) }
        var views: [ClusterView] = []
        for id in ids {
            if let view = try await view(id, targetCommit: target, branch: refs.branches[id], record: refs.records[id], probe: probe) {
                views.append(view)
            }
        }
        return views
    }

    private func view(
        _ id: ClusterID, targetCommit: String, branch: RequestRepository.ClusterRef?, record: RequestRepository.ClusterRef?,
        probe: Bool
    ) async throws -> ClusterView? {
        let snapshot = try await repository.snapshot(targetCommit)
        var facts = ClusterFacts(id: id, targetBranch: repository.settings.targetBranch, targetCommit: targetCommit, now: clock())
        facts.target = snapshot.compilation.platform?.placements(team: id.team)[id.name]
        if let placement = facts.target {
            let path =
                "generated/\(placement.region.cluster)/\(placement.environment.namespace)/dnsendpoint-\(ObjectNames.sparkConnectService(id.name)).yaml"
            facts.generated = try await repository.exists(path, at: targetCommit)
            if probe, facts.generated { facts.live = await self.probe.state(of: placement, manifests: snapshot.compilation.manifests) }
        }
        if let branch, !(try await repository.isAncestor(branch.commit, of: targetCommit)) {
            let placement = try await repository.snapshot(branch.commit).compilation.platform?.placements(team: id.team)[id.name]
            let applied = branch.action == .delete ? facts.target == nil : Self.same(placement, facts.target)
            if !applied { facts.branch = (branch, placement) }
        }
        if let record, facts.target == nil, facts.branch == nil {
            let merged = try await repository.isAncestor(record.commit, of: targetCommit)
            let placement =
                record.action == .delete
                ? nil : try await repository.snapshot(record.commit).compilation.platform?.placements(team: id.team)[id.name]
            facts.record = (record, merged, placement)
        }
        return ClusterStateRules.view(facts)
    }

    static func same(_ a: Placement?, _ b: Placement?) -> Bool {
        guard let a, let b else { return false }
        return a.environment.name == b.environment.name && a.region == b.region && a.cluster.size == b.cluster.size
            && a.cluster.expiresAt == b.cluster.expiresAt && a.cluster.catalogs.map(\.name) == b.cluster.catalogs.map(\.name)
            && a.cluster.engine.version == b.cluster.engine.version
    }
}
