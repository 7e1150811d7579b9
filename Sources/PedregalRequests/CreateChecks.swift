import PedregalAuth
import PedregalBasics
import PedregalDiagnostics
import PedregalResolver
import PedregalSpec
import PedregalTeamEdits

/// A create request checked against the target's teams, templates and
/// terms: what the entry will hold, or a 403/422 naming every field at fault.
struct CheckedCreate: Sendable {
    var team: ResolvedTeam
    var environment: ResolvedEnvironment
    var region: ResolvedRegion
    var terms: ClusterRequestPolicy.Terms
    var id: ClusterID
    var expiresAt: String?
    /// The entry's fields, in the order they are written.
    var fields: [(key: String, value: EditValue)]

    init(
        _ request: CreateClusterRequest, platform: ResolvedPlatform, templates: Templates, caller: VerifiedIdentity, now: Int
    ) throws {
        let policy = platform.settings.clusterRequests
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
        let terms = try ClusterRequests.terms(policy, environment.name)
        try ClusterRequests.authorize(
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

        let names = TemplateNames(templates)
        if let size = request.size, let problem = names.problem(.size, size) { errors.append(.init("/size", problem)) }
        for (index, catalog) in (request.catalogs ?? []).enumerated() {
            if let problem = names.problem(.catalog, catalog) { errors.append(.init("/catalogs/\(index)", problem)) }
        }
        if let engine = request.engine, let problem = names.problem(.engine, engine) { errors.append(.init("/engine", problem)) }
        let ttl = request.ttl ?? terms.defaultTTL
        if let problem = ClusterRequests.ttlProblem(ttl, terms: terms, environment: environment.name) {
            errors.append(.init("/ttl", problem))
        }
        guard errors.isEmpty, let region else { throw Problem.invalid(errors.map(\.detail).joined(separator: "; "), errors) }
        let name = request.name ?? "\(environment.name)-\(region.alias)"
        if let problem = NameRules.dns1035LabelProblem(name, maxLength: 40) {
            throw Problem.invalid("the cluster name '\(name)' is not valid: \(problem); give a 'name'", [.init("/name", problem)])
        }
        let expiresAt = ttl.seconds.map { RFC3339.format(Double(now + $0)) }
        var fields: [(key: String, value: EditValue)] = [
            ("name", .text(name)), ("environments", .list([environment.name])), ("regions", .list([region.name])),
        ]
        if let size = request.size { fields.append(("size", .text(size))) }
        if let catalogs = request.catalogs { fields.append(("catalogs", .list(catalogs))) }
        if let engine = request.engine { fields.append(("engine", .text(engine))) }
        if let expiresAt { fields.append(("expiresAt", .timestamp(expiresAt))) }
        self.team = team
        self.environment = environment
        self.region = region
        self.terms = terms
        self.id = ClusterID(team: team.name, name: name)
        self.expiresAt = expiresAt
        self.fields = fields
    }

    /// What the commit message says the request asks for.
    func summary(_ request: CreateClusterRequest) -> String {
        "\(environment.name), \(region.name)\(request.size.map { ", size \($0)" } ?? "")\(expiresAt.map { ", expires \($0)" } ?? ", persistent")"
    }
}
