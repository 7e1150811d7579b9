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

    static func authorizeRead(_ caller: VerifiedIdentity, _ read: TeamAtCommit, name: String) throws {
        guard let team = read.team else { throw Problem.notFound("there is no team '\(name)'") }
        guard caller.isMember(ofAny: team.admins + team.members, prefix: read.groupPrefix ?? "") else {
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

    /// One audit line per change: who, which team and cluster, which commit. Never a token.
    func log(_ change: ChangeDescription, commit: String, result: String) {
        audit.notice(
            "cluster request \(change.action.rawValue): \(result)",
            metadata: [
                "audit": "cluster-request", "subject": .string(change.subject), "team": .string(change.id.team),
                "cluster": .string(change.id.description), "action": .string(change.action.rawValue), "commit": .string(commit),
            ])
    }
}
