import PedregalBasics
import PedregalDiagnostics
import PedregalSpec

/// Spark Connect clusters: bound once for the team, then placed in each
/// environment they run in.
struct SparkConnectDefinition {
    var spec: SparkConnectSpec
    var name: String
    /// Where problems with the whole cluster point.
    var location: SourceLocation
    /// Nil when its engine is unknown or there is no default (reported).
    var engine: ResolvedEngine?
    /// Its own size; nil: the environment's.
    var size: SizeTemplate?
    /// False when it names a size that does not exist (reported).
    var sizeIsKnown: Bool
    /// Its own catalogs; nil: the team's.
    var catalogs: [String]?
    /// Canonical UTC RFC 3339 time, if the cluster expires.
    var expiresAt: String?
    /// False when `expiresAt` is not a time (reported).
    var expiresAtIsValid: Bool
}

extension TeamResolution {
    /// Binds a cluster to its templates and checks what every environment shares.
    func bindSparkConnect(_ cluster: SparkConnectSpec) -> SparkConnectDefinition? {
        guard let name = cluster.name?.value else { return nil }
        let location = cluster.name?.location ?? cluster.location
        let engine = bindEngine(cluster.engine, for: "Spark Connect cluster '\(name)'", at: location)
        let size = cluster.size.flatMap { bindSize($0) }
        let catalogs = cluster.catalogs.map { catalogList($0) ?? [] }
        var expiresAt: String?
        var expiresAtIsValid = true
        if let text = cluster.expiresAt {
            switch RFC3339.canonicalUTC(text.value) {
            case .success(let canonical): expiresAt = canonical
            case .failure(let problem):
                error(.invalidTime, "expiresAt '\(text.value)' is invalid: \(problem.message)", at: text.location)
                expiresAtIsValid = false
            }
        }
        return SparkConnectDefinition(
            spec: cluster, name: name, location: location, engine: engine, size: size,
            sizeIsKnown: cluster.size == nil || size != nil, catalogs: catalogs, expiresAt: expiresAt,
            expiresAtIsValid: expiresAtIsValid)
    }

    /// The cluster in one environment: its regions there, hot servers,
    /// quota fit and hostnames; nil when it cannot run there (reported).
    func placeSparkConnect(
        _ cluster: SparkConnectDefinition, in environment: EnvironmentBinding, teamCatalogs: [String], shortName: String?
    ) -> ResolvedSparkConnect? {
        let name = cluster.name
        guard let regions = regions(of: cluster, in: environment), cluster.sizeIsKnown, cluster.expiresAtIsValid,
            let resources = SparkResources(driver: nil, executor: nil, size: cluster.size ?? environment.size)
        else { return nil }
        let hot =
            cluster.spec.hotClusters?.first { $0.environment.value == environment.name }?.count.value
            ?? environment.template.hotClusters?.value ?? 0
        if let quota = environment.quota {
            var notes: [Diagnostic.Note] = []
            if let sizeLocation = (cluster.spec.size ?? environment.spec.size)?.location {
                notes.append(.init("the server's size is chosen here", at: sizeLocation))
            }
            checkFits(
                resources, quota: quota, what: "a server of Spark Connect cluster '\(name)'",
                environment: environment.name, at: cluster.location, notes: notes)
            if hot > 1 {
                checkFits(
                    resources, count: hot, quota: quota, what: "\(hot) hot servers of Spark Connect cluster '\(name)'",
                    environment: environment.name, at: cluster.location, notes: notes, severity: .warning)
            }
        }
        guard let shortName, let dnsSuffix = environment.template.dnsSuffix?.value, let settings = index.settings else { return nil }
        let resolved = ResolvedSparkConnect(
            name: name, hotServers: hot, size: (cluster.spec.size ?? environment.spec.size)?.value ?? "", resources: resources,
            engine: cluster.engine ?? ResolvedEngine(version: "", image: "", sparkVersion: ""), expiresAt: cluster.expiresAt,
            hostBase: ObjectNames.sparkConnectHostBase(shortName: shortName, cluster: name, dnsSuffix: dnsSuffix),
            regions: regions, catalogs: resolveCatalogs(cluster.catalogs ?? teamCatalogs, environment: environment.template))
        // Names from templates that are invalid were reported there; do not
        // blame the team for them.
        guard index.validDNSSuffixes.contains(dnsSuffix), index.domainIsValid,
            claimHostnames(of: resolved, at: cluster.location, domain: settings.domain)
        else { return nil }
        // Hostnames are claimed even without an engine, so clashes with other
        // teams are reported at the same time.
        return cluster.engine == nil ? nil : resolved
    }

    /// Its own regions, in its own order, where this environment has them
    /// (unknown or foreign regions were reported once for the team); nil
    /// when it has none there. Empty when the environment's regions are
    /// invalid (reported), so the quota is still checked.
    private func regions(of cluster: SparkConnectDefinition, in environment: EnvironmentBinding) -> [ResolvedRegion]? {
        guard let available = environment.regions else { return [] }
        guard let list = cluster.spec.regions else { return available }
        var own: [ResolvedRegion] = []
        for region in list.value {
            if let match = available.first(where: { $0.name == region.value }), !own.contains(match) { own.append(match) }
        }
        if own.isEmpty {
            if !list.value.isEmpty {
                error(
                    .unknownReference,
                    "Spark Connect cluster '\(cluster.name)' runs in environment '\(environment.name)', but none of its regions is a region of '\(environment.name)' (\(available.map(\.name).joined(separator: ", "))); add one, or list only the environments it should run in under 'environments'",
                    at: list.location)
            }
            return nil
        }
        return own
    }

    /// Claims the cluster's hostnames; false when one is not a valid DNS name (reported).
    private func claimHostnames(of cluster: ResolvedSparkConnect, at location: SourceLocation, domain: String) -> Bool {
        for (position, region) in cluster.regions.enumerated() where index.validAliases.contains(region.alias) {
            for host in cluster.hostnames(in: region, primary: position == 0, domain: domain) {
                if let problem = NameRules.hostnameProblem(host) {
                    let isDefault = cluster.name == "default"
                    let cause = isDefault ? "the team's shortName" : "the team's shortName or the cluster's name"
                    error(
                        .nameTooLong,
                        "hostname '\(host)' of Spark Connect cluster '\(cluster.name)' is not a valid DNS name: \(problem); shorten \(cause)",
                        at: isDefault ? shortNameLocation : location,
                        notes: isDefault ? [] : [.init("the hostname starts with this shortName", at: shortNameLocation)])
                    return false
                }
                claims.hostnames.append((host, location, cluster.name))
            }
        }
        return true
    }

    /// A cluster's `regions` must be regions of its environments.
    func checkClusterRegions(_ cluster: SparkConnectSpec, teamEnvironments: [String]) {
        guard let list = cluster.regions else { return }
        let name = cluster.name?.value ?? "?"
        if list.value.isEmpty {
            error(
                .missingKey,
                "'regions' of Spark Connect cluster '\(name)' is empty; list at least one, or leave it out for every region of its environments",
                at: list.location)
            return
        }
        let runsIn = cluster.environments.map { $0.value.map(\.value) } ?? teamEnvironments
        let available = spec.environments.filter { runsIn.contains($0.name.value) }.flatMap { $0.regions?.value.map(\.value) ?? [] }
        var seen: Set<String> = []
        for region in list.value {
            if !seen.insert(region.value).inserted {
                error(.duplicateName, "region '\(region.value)' is listed twice", at: region.location)
            } else if index.regions[region.value] == nil {
                unknown("region", region, known: index.regionNames, file: "templates/regions.yaml")
            } else if !available.contains(region.value) {
                let places = Array(Set(available)).sorted()
                error(
                    .unknownReference,
                    "Spark Connect cluster '\(name)' runs in region '\(region.value)', which none of its environments (\(runsIn.joined(separator: ", "))) lists; "
                        + (places.isEmpty
                            ? "add it to an environment's regions or remove it here"
                            : "add it to an environment's regions or choose one of \(places.joined(separator: ", "))"),
                    at: region.location)
            }
        }
    }

    /// `hotClusters` may name only environments the cluster runs in.
    func checkHotClusters(_ cluster: SparkConnectSpec, teamEnvironments: [String]) {
        let runsIn = cluster.environments.map { $0.value.map(\.value) } ?? teamEnvironments
        for (environment, _) in cluster.hotClusters ?? [] where !runsIn.contains(environment.value) {
            let teamHasIt = teamEnvironments.contains(environment.value)
            error(
                .unknownReference,
                "hotClusters names environment '\(environment.value)', "
                    + (teamHasIt
                        ? "where Spark Connect cluster '\(cluster.name?.value ?? "?")' does not run"
                        : "which the team does not have")
                    + Suggestion.hint(
                        for: environment.value, in: runsIn,
                        then: runsIn.isEmpty ? "it runs in none" : "it runs in: \(runsIn.joined(separator: ", "))"),
                at: environment.location)
        }
    }
}
