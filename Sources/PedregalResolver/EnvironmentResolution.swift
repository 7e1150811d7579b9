import PedregalDiagnostics
import PedregalSpec

/// One environment of a team: its namespace, regions and quota, and the
/// team's definitions placed in it.
extension TeamResolution {
    /// An environment of the team bound to its templates.
    struct EnvironmentBinding {
        var spec: TeamEnvironment
        var template: EnvironmentTemplate
        /// The environment's size; nil when it names none or an unknown one (reported).
        var size: SizeTemplate?
        var regions: [ResolvedRegion]?
        var quota: Located<ResolvedQuota>?

        var name: String { spec.name.value }
    }

    func resolveEnvironment(_ environment: TeamEnvironment, definitions: TeamDefinitions) -> ResolvedEnvironment? {
        guard let template = index.environments[environment.name.value] else {
            unknown("environment", environment.name, known: index.environmentNames, file: "templates/environments.yaml")
            return nil
        }
        let size = environment.size.flatMap { bindSize($0) }
        let regions = resolveRegions(environment.regions, environment: environment.name.value)
        let binding = EnvironmentBinding(
            spec: environment, template: template, size: size, regions: regions,
            quota: resolveQuota(size: size, override: environment.quota))
        let namespace = claimNamespace(binding, shortName: definitions.shortName)
        if let quota = binding.quota, let regions {
            for region in regions {
                claims.quotas.append(
                    (
                        region.name, quota.value.cpu.millis ?? .max, quota.value.memory.bytes ?? .max,
                        quota.value.pods, environment.name.location,
                        "team '\(spec.team?.value ?? "?")' in '\(binding.name)'"
                    ))
            }
        }
        let clusterDefinitions = definitions.sparkConnect.enumerated().filter {
            runs(spec.sparkConnect[$0.offset].environments, in: binding.name)
        }
        let jobDefinitions = definitions.jobs.enumerated().filter { runs(spec.jobs[$0.offset].environments, in: binding.name) }
        let sparkConnect = clusterDefinitions.compactMap { _, definition in
            definition.flatMap { placeSparkConnect($0, in: binding, teamCatalogs: definitions.catalogs, shortName: definitions.shortName) }
        }
        let jobs = jobDefinitions.compactMap { _, definition in
            definition.flatMap { placeJob($0, in: binding, teamCatalogs: definitions.catalogs) }
        }
        let collides = checkJobsAgainstServers(jobs: jobs, sparkConnect: sparkConnect, environment: binding.name)
        guard !collides, let regions, !regions.isEmpty, environment.size != nil, let quota = binding.quota, let namespace,
            let podSecurity = template.podSecurity?.value, let abbrev = template.abbrev?.value,
            sparkConnect.count == clusterDefinitions.count, jobs.count == jobDefinitions.count
        else { return nil }
        return ResolvedEnvironment(
            name: binding.name, abbrev: abbrev, namespace: namespace, podSecurity: podSecurity,
            regions: regions, quota: quota.value, catalogs: resolveCatalogs(definitions.catalogs, environment: template),
            sparkConnectFrom: definitions.peers, sparkConnect: sparkConnect, jobs: jobs)
    }

    /// The team's namespace in `environment`, claimed in each of its regions;
    /// nil when a name it is built from is invalid (reported).
    private func claimNamespace(_ environment: EnvironmentBinding, shortName: String?) -> String? {
        guard let settings = index.settings, let shortName, let abbrev = environment.template.abbrev?.value,
            index.validAbbrevs.contains(abbrev), index.prefixIsValid
        else { return nil }
        let name = ObjectNames.namespace(prefix: settings.namespacePrefix, shortName: shortName, abbrev: abbrev)
        if let problem = NameRules.dns1123LabelProblem(name) {
            error(
                .nameTooLong,
                "namespace '\(name)' for environment '\(environment.name)' is not a valid namespace name: \(problem); "
                    + "choose a shorter shortName",
                at: environment.spec.name.location, notes: [.init("the namespace is built from this name", at: shortNameLocation)])
            return nil
        }
        for region in environment.regions ?? [] { claims.namespaces.append((region.cluster, name, environment.spec.name.location)) }
        return name
    }

    /// A job's SparkApplication is named after the job; a Spark Connect
    /// server is `sc-<cluster>-<n>`: the two must not meet. True when they do.
    private func checkJobsAgainstServers(jobs: [ResolvedJob], sparkConnect: [ResolvedSparkConnect], environment: String) -> Bool {
        var collides = false
        let servers = Set(
            sparkConnect.flatMap { cluster in
                (0..<cluster.hotServers).map { ObjectNames.sparkConnectServer(cluster.name, index: $0) }
            })
        for job in jobs where servers.contains(job.name) {
            let location = spec.jobs.first { $0.name?.value == job.name }?.name?.location ?? spec.location
            error(
                .duplicateName,
                "job '\(job.name)' has the name of a Spark Connect server in environment '\(environment)'; names 'sc-<cluster>-<n>' belong to Spark Connect clusters, rename the job",
                at: location)
            collides = true
        }
        return collides
    }

    private func resolveRegions(_ list: Located<[Located<String>]>?, environment: String) -> [ResolvedRegion]? {
        guard let list else { return nil }
        if list.value.isEmpty {
            error(
                .missingKey,
                "'environments.\(environment).regions' is empty; list at least one of \(index.regionNames.joined(separator: ", "))",
                at: list.location)
            return nil
        }
        var result: [ResolvedRegion] = []
        var seen: Set<String> = []
        var ok = true
        for name in list.value {
            guard let entry = index.regions[name.value] else {
                unknown("region", name, known: index.regionNames, file: "templates/regions.yaml")
                ok = false
                continue
            }
            if !seen.insert(name.value).inserted {
                error(.duplicateName, "region '\(name.value)' is listed twice", at: name.location)
                continue
            }
            if let region = entry { result.append(region) } else { ok = false }
        }
        return ok ? result : nil
    }

    /// The size's quota with the team's override laid over it field by field;
    /// located at the override when there is one, else at the size.
    private func resolveQuota(size: SizeTemplate?, override: QuotaSpec?) -> Located<ResolvedQuota>? {
        let base = size?.quota
        if let override, override.cpu == nil && override.memory == nil && override.pods == nil {
            warning(.invalidValue, "'quota' overrides nothing; set cpu, memory or pods, or remove it", at: override.location)
        }
        guard let cpu = override?.cpu ?? base?.cpu, let memory = override?.memory ?? base?.memory,
            let pods = override?.pods ?? base?.pods
        else { return nil }
        return Located(
            ResolvedQuota(cpu: cpu.value, memory: memory.value, pods: pods.value),
            at: override?.location ?? base?.location ?? spec.location)
    }

    /// `environments` lists of clusters and jobs must name the team's environments.
    func checkEnvironmentLists() {
        let teamEnvironments = spec.environments.map(\.name.value)
        let lists =
            spec.sparkConnect.map { ($0.environments, "Spark Connect cluster", $0.name?.value) }
            + spec.jobs.map { ($0.environments, "job", $0.name?.value) }
        for (list, what, name) in lists {
            guard let list else { continue }
            if list.value.isEmpty {
                error(
                    .missingKey, "'environments' of \(what) '\(name ?? "?")' is empty; list at least one, or leave it out for all",
                    at: list.location)
            }
            var seen: Set<String> = []
            for environment in list.value {
                if !teamEnvironments.contains(environment.value) {
                    let defined = index.environments[environment.value] != nil
                    let has = teamEnvironments.isEmpty ? "the team has none" : "the team has: \(teamEnvironments.joined(separator: ", "))"
                    error(
                        .unknownReference,
                        "\(what) '\(name ?? "?")' runs in environment '\(environment.value)', "
                            + (defined
                                ? "which the team does not have; add it under 'environments' or remove it here; \(has)"
                                : "which does not exist" + Suggestion.hint(for: environment.value, in: teamEnvironments, then: has)),
                        at: environment.location)
                }
                if !seen.insert(environment.value).inserted {
                    error(.duplicateName, "environment '\(environment.value)' is listed twice", at: environment.location)
                }
            }
        }
        for cluster in spec.sparkConnect { checkClusterRegions(cluster, teamEnvironments: teamEnvironments) }
        for cluster in spec.sparkConnect { checkHotClusters(cluster, teamEnvironments: teamEnvironments) }
    }
}
