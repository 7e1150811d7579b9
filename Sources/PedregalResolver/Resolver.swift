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
        var checker = TemplateChecker(version: version)
        let index = checker.check(templates, brokenFiles: brokenFiles)
        var diagnostics = checker.diagnostics

        let resolver = TeamResolver(index: index)
        let results = teams.parallelMap { resolver.resolve($0) }
        for result in results { diagnostics += result.diagnostics }
        var cross = CrossTeamChecks(index: index)
        cross.check(results.map(\.claims))
        diagnostics += cross.diagnostics

        guard let settings = index.settings else { return Output(platform: nil, diagnostics: diagnostics) }
        let regions = index.regionNames.compactMap { index.regions[$0] ?? nil }
        return Output(
            platform: ResolvedPlatform(settings: settings, regions: regions, teams: results.compactMap(\.team)),
            diagnostics: diagnostics)
    }
}
