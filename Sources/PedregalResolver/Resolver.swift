import PedregalBasics
import PedregalDiagnostics
import PedregalSpec

/// Applies the written merge rules to the loaded input and checks every
/// semantic rule, per team in parallel and then across teams.
///
/// Merge rules, in one place:
/// - A team environment's quota is its size's quota with `quota` laid over
///   it key by key.
/// - A job's or Spark Connect cluster's driver and executor are the
///   environment's size (or the cluster's `size`) with the job's own
///   `driver`/`executor` laid over them key by key.
/// - Lists (`catalogs`, `environments`, `regions`) replace, never append:
///   a job's `catalogs` replaces the team's; absent means inherit.
/// - `hotClusters` per environment replaces the environment's default.
public struct Resolver: Sendable {
    /// The compiler's version, used in the default runner image tag.
    public var version: String

    public init(version: String) {
        self.version = version
    }

    /// The outcome of resolution.
    public struct Output: Sendable {
        /// The resolved platform; nil when templates/platform.yaml is too
        /// broken to build anything.
        public var platform: ResolvedPlatform?
        public var diagnostics: [Diagnostic]
    }

    /// Resolves and checks; `brokenFiles` are template files (root-relative
    /// paths) that could not be read or parsed, whose absence was reported.
    public func resolve(templates: Templates, teams: [TeamSpec], brokenFiles: Set<String> = []) -> Output {
        let checked = check(templates, brokenFiles: brokenFiles)
        let results = teams.parallelMap { checked.resolve($0) }
        let diagnostics = checked.diagnostics + results.flatMap(\.diagnostics) + checked.crossTeamDiagnostics(results.map(\.claims))
        return Output(platform: checked.platform(teams: results.compactMap(\.team)), diagnostics: diagnostics)
    }

    /// Checks templates/ once; teams are then resolved one by one against
    /// the result (what an incremental compile reuses while templates/ is unchanged).
    public func check(_ templates: Templates, brokenFiles: Set<String> = []) -> CheckedTemplates {
        var checker = TemplateChecker(version: version)
        let index = checker.check(templates, brokenFiles: brokenFiles)
        return CheckedTemplates(index: index, diagnostics: checker.diagnostics)
    }
}

/// templates/, checked and indexed: what every team is resolved against.
public struct CheckedTemplates: Sendable {
    let index: TemplateIndex
    /// The problems of templates/.
    public let diagnostics: [Diagnostic]

    /// `templates/platform.yaml` with defaults applied; nil when it is too
    /// broken to build anything.
    public var settings: PlatformSettings? { index.settings }

    /// The usable regions, in templates/regions.yaml order.
    public var regions: [ResolvedRegion] { index.regionNames.compactMap { index.regions[$0] ?? nil } }

    /// Resolves one team: everything that needs only that team and the
    /// templates. Teams never see each other here, so the result can be
    /// reused while the team file and templates/ are unchanged.
    public func resolve(_ spec: TeamSpec) -> TeamResolutionResult {
        let result = TeamResolver(index: index).resolve(spec)
        return TeamResolutionResult(team: result.team, diagnostics: result.diagnostics, claims: result.claims)
    }

    /// The rules that span teams (unique names, namespaces, hostnames,
    /// region capacity), over every team's claims in file order.
    public func crossTeamDiagnostics(_ claims: [TeamClaims]) -> [Diagnostic] {
        var cross = CrossTeamChecks(index: index)
        cross.check(claims)
        return cross.diagnostics
    }

    /// The platform of `teams`; nil when templates/platform.yaml is unusable.
    public func platform(teams: [ResolvedTeam]) -> ResolvedPlatform? {
        guard let settings = index.settings else { return nil }
        return ResolvedPlatform(settings: settings, regions: regions, teams: teams)
    }
}

/// One team, resolved against checked templates.
public struct TeamResolutionResult: Sendable {
    /// The team with every default applied; nil when one of its errors
    /// leaves it incomplete.
    public var team: ResolvedTeam?
    /// What is wrong with the team, on its own.
    public var diagnostics: [Diagnostic]
    /// What it claims that must be unique or bounded across teams.
    public var claims: TeamClaims
}
