import PedregalDiagnostics
import PedregalSpec

/// Applies template defaults to one team and checks every rule that needs
/// only that team and the templates.
struct TeamResolver {
    let index: TemplateIndex

    func resolve(_ spec: TeamSpec) -> (team: ResolvedTeam?, diagnostics: [Diagnostic], claims: TeamClaims) {
        let run = TeamResolution(index: index, spec: spec)
        let team = run.resolve()
        return (team, run.diagnostics, run.claims)
    }
}

/// One team's resolution, collecting diagnostics as it goes.
///
/// It runs in two steps so that every finding is made once: first each
/// Spark Connect cluster and job is bound to the templates it names and
/// checked for what does not depend on the environment
/// (`SparkConnectDefinition`, `JobDefinition`); then each environment
/// places the bound definitions in its regions and quota.
final class TeamResolution {
    let index: TemplateIndex
    let spec: TeamSpec
    private(set) var diagnostics: [Diagnostic] = []
    var claims = TeamClaims()

    init(index: TemplateIndex, spec: TeamSpec) {
        self.index = index
        self.spec = spec
    }

    func error(_ code: DiagnosticCode, _ message: String, at location: SourceLocation, notes: [Diagnostic.Note] = []) {
        diagnostics.append(.error(code, message, at: location, notes: notes))
    }

    func warning(_ code: DiagnosticCode, _ message: String, at location: SourceLocation, notes: [Diagnostic.Note] = []) {
        diagnostics.append(.warning(code, message, at: location, notes: notes))
    }

    func report(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
    }

    func checkLabel(_ value: Located<String>, _ what: String, dns1035: Bool = false, maxLength: Int = 63) -> Bool {
        let problem =
            dns1035
            ? NameRules.dns1035LabelProblem(value.value, maxLength: maxLength)
            : NameRules.dns1123LabelProblem(value.value, maxLength: maxLength)
        guard let problem else { return true }
        error(.invalidName, "\(what) '\(value.value)' is not valid: \(problem)", at: value.location)
        return false
    }

    /// Where a problem with a name built from the shortName points.
    var shortNameLocation: SourceLocation { spec.shortName?.location ?? spec.team?.location ?? spec.location }

    // MARK: The team

    func resolve() -> ResolvedTeam? {
        var complete = true
        if let team = spec.team {
            if checkLabel(team, "team name") {
                claims.team = team
            } else {
                complete = false
            }
            let stem = fileStem(spec.file)
            if stem != team.value, claims.team != nil {
                warning(
                    .fileNameMismatch, "team '\(team.value)' is defined in '\(spec.file)'; name the file teams/\(team.value).yaml",
                    at: team.location)
            }
        } else {
            complete = false
        }
        // The team name stands in for a missing shortName; an invalid team
        // name is reported once, not again as a shortName.
        var shortName: Located<String>?
        if let explicit = spec.shortName {
            if checkLabel(explicit, "shortName") { shortName = explicit } else { complete = false }
        } else if claims.team != nil {
            shortName = spec.team
        }
        if let shortName {
            claims.shortName = shortName
            claims.shortNameIsDefault = spec.shortName == nil
        }

        let admins = groups(spec.owners?.admins, what: "owners.admins", atLeastOne: true)
        let members = groups(spec.owners?.members, what: "owners.members", atLeastOne: false)
        if spec.owners == nil || admins == nil { complete = false }

        let teamCatalogs = catalogList(spec.catalogs) ?? index.catalogNames.filter { index.catalogs[$0]?.isDefault?.value == true }

        if spec.environments.isEmpty, let location = spec.environmentsLocation {
            error(
                .missingKey, "'environments' is empty; list at least one of \(index.environmentNames.joined(separator: ", "))",
                at: location)
        }
        let peers = networkPeers()
        let sparkConnectNames = uniqueNames(
            spec.sparkConnect.map(\.name), what: "Spark Connect cluster",
            maxLength: ObjectNames.maxSparkConnectName)
        let jobNames = uniqueNames(spec.jobs.map(\.name), what: "job", maxLength: ObjectNames.maxJobName)
        checkEnvironmentLists()
        // Bound once for the team, so a definition that runs in no valid
        // environment is still checked, and one that runs in several is
        // reported once.
        let definitions = TeamDefinitions(
            sparkConnect: spec.sparkConnect.map { bindSparkConnect($0) },
            jobs: spec.jobs.map { bindJob($0) },
            catalogs: teamCatalogs, peers: peers, shortName: shortName?.value)

        var environments: [ResolvedEnvironment] = []
        for environment in spec.environments {
            if let resolved = resolveEnvironment(environment, definitions: definitions) {
                environments.append(resolved)
            } else {
                complete = false
            }
        }
        if !sparkConnectNames || !jobNames { complete = false }
        guard complete, let team = spec.team?.value, let shortName = shortName?.value, let admins else { return nil }
        return ResolvedTeam(
            name: team, shortName: shortName, source: spec.file, contact: spec.contact?.value, admins: admins,
            members: members ?? [], environments: environments)
    }

    private func fileStem(_ path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if name.hasSuffix(".yaml") { return String(name.dropLast(5)) }
        if name.hasSuffix(".yml") { return String(name.dropLast(4)) }
        return name
    }

    private func groups(_ list: Located<[Located<String>]>?, what: String, atLeastOne: Bool) -> [String]? {
        guard let list else { return nil }
        if atLeastOne && list.value.isEmpty {
            error(.missingKey, "'\(what)' is empty; name at least one Okta group", at: list.location)
            return nil
        }
        var seen: Set<String> = []
        var result: [String] = []
        for group in list.value {
            if group.value.trimmingSpaces.isEmpty || group.value.unicodeScalars.contains(where: { $0.value < 0x20 }) {
                error(.invalidName, "'\(what)' has an empty or unprintable group name", at: group.location)
                continue
            }
            if !seen.insert(group.value).inserted {
                warning(.duplicateName, "group '\(group.value)' is listed twice in '\(what)'", at: group.location)
                continue
            }
            result.append(group.value)
        }
        return result
    }

    private func networkPeers() -> [String] {
        var seen: Set<String> = []
        var result: [String] = []
        for peer in spec.network?.sparkConnectFrom ?? [] {
            guard checkLabel(peer, "namespace in network.sparkConnectFrom") else { continue }
            if !seen.insert(peer.value).inserted {
                warning(.duplicateName, "namespace '\(peer.value)' is listed twice in network.sparkConnectFrom", at: peer.location)
                continue
            }
            result.append(peer.value)
        }
        return result.sorted()
    }

    private func uniqueNames(_ names: [Located<String>?], what: String, maxLength: Int) -> Bool {
        var seen: [String: SourceLocation] = [:]
        var ok = true
        for name in names.compactMap({ $0 }) {
            if !checkLabel(name, "\(what) name", dns1035: true, maxLength: maxLength) { ok = false }
            if let first = seen[name.value] {
                error(
                    .duplicateName, "\(what) '\(name.value)' is defined twice in this team; rename one",
                    at: name.location, notes: [.init("first defined here", at: first)])
                ok = false
            } else {
                seen[name.value] = name.location
            }
        }
        return ok
    }
}

/// What every environment of a team shares: its bound definitions, in file
/// order (nil where a definition has no name), and team-wide settings.
struct TeamDefinitions {
    var sparkConnect: [SparkConnectDefinition?]
    var jobs: [JobDefinition?]
    /// The team's catalogs (`catalogs`, or the templates' defaults).
    var catalogs: [String]
    /// Namespaces admitted to the team's Spark Connect servers.
    var peers: [String]
    /// Nil when the team's name or shortName is invalid (reported).
    var shortName: String?
}
