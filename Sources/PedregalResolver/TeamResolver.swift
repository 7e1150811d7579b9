/// What a team claims that must be unique or bounded across all teams;
/// gathered per team (in parallel), checked once in `CrossTeamChecks`.
struct TeamClaims: Sendable {
    var team: Located<String>?
    var shortName: Located<String>?
    /// Whether `shortName` is the team name standing in.
    var shortNameIsDefault = false
    /// (cluster, namespace) and where it comes from.
    var namespaces: [(cluster: String, namespace: String, location: SourceLocation)] = []
    /// Hostnames, where they come from, and the Spark Connect cluster.
    var hostnames: [(host: String, location: SourceLocation, cluster: String)] = []
    /// Quota placed in each region.
    /// Quota placed in each region, where the environment is written, and
    /// what to call it in a note.
    var quotas: [(region: String, cpuMillis: Int, memoryBytes: Int, pods: Int, location: SourceLocation, label: String)] = []
}

/// Applies template defaults to one team and checks every rule that needs
/// only that team and the templates.
struct TeamResolver {
    let index: TemplateIndex

    func resolve(_ spec: TeamSpec) -> (team: ResolvedTeam?, diagnostics: [Diagnostic], claims: TeamClaims) {
        let run = TeamResolution(index: index, spec: spec)
        let team = run.resolve()
        // A definition shared by several environments is checked once per
        // environment; identical findings are reported once.
        var seen: Set<Diagnostic> = []
        let diagnostics = run.diagnostics.filter { seen.insert($0).inserted }
        return (team, diagnostics, run.claims)
    }
}

/// One team's resolution, collecting diagnostics as it goes.
private final class TeamResolution {
    let index: TemplateIndex
    let spec: TeamSpec
    var diagnostics: [Diagnostic] = []
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

    /// Reports a name that is not among `known`, unless `file` itself could
    /// not be read (that is reported once, at the file).
    func unknown(_ what: String, _ name: Located<String>, known: [String], file: String, extra: String = "") {
        if index.brokenTemplates.contains(file) { return }
        let defined = known.isEmpty ? "\(file) defines none" : "\(file) defines: \(known.joined(separator: ", "))"
        error(.unknownReference,
              "unknown \(what) '\(name.value)'\(extra)" + Suggestion.hint(for: name.value, in: known, then: defined),
              at: name.location)
    }

    func checkLabel(_ value: Located<String>, _ what: String, dns1035: Bool = false, maxLength: Int = 63) -> Bool {
        let problem = dns1035 ? NameRules.dns1035LabelProblem(value.value, maxLength: maxLength)
            : NameRules.dns1123LabelProblem(value.value, maxLength: maxLength)
        guard let problem else { return true }
        error(.invalidName, "\(what) '\(value.value)' is not valid: \(problem)", at: value.location)
        return false
    }

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
                warning(.fileNameMismatch, "team '\(team.value)' is defined in '\(spec.file)'; name the file teams/\(team.value).yaml",
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
            error(.missingKey, "'environments' is empty; list at least one of \(index.environmentNames.joined(separator: ", "))",
                  at: location)
        }
        let peers = networkPeers()
        let sparkConnectNames = uniqueNames(spec.sparkConnect.map(\.name), what: "Spark Connect cluster",
                                            maxLength: ObjectNames.maxSparkConnectName)
        let jobNames = uniqueNames(spec.jobs.map(\.name), what: "job", maxLength: ObjectNames.maxJobName)
        checkEnvironmentLists()
        checkReferences()

        var environments: [ResolvedEnvironment] = []
        for environment in spec.environments {
            if let resolved = resolveEnvironment(
                environment, shortName: shortName?.value, teamCatalogs: teamCatalogs, peers: peers)
            {
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

    private func catalogList(_ list: Located<[Located<String>]>?) -> [String]? {
        guard let list else { return nil }
        var seen: Set<String> = []
        var result: [String] = []
        for name in list.value {
            guard index.catalogs[name.value] != nil else {
                unknown("catalog", name, known: index.catalogNames, file: "templates/catalogs.yaml")
                continue
            }
            if !seen.insert(name.value).inserted {
                error(.duplicateName, "catalog '\(name.value)' is listed twice", at: name.location)
                continue
            }
            result.append(name.value)
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
                error(.duplicateName, "\(what) '\(name.value)' is defined twice in this team; rename one",
                      at: name.location, notes: [.init("first defined here", at: first)])
                ok = false
            } else {
                seen[name.value] = name.location
            }
        }
        return ok
    }

    /// References of clusters and jobs to templates, checked once for the
    /// team (they are checked again per environment, where the same finding
    /// is dropped as a repeat), so a definition that runs in no valid
    /// environment still has them checked.
    private func checkReferences() {
        func check(_ name: Located<String>?, _ what: String, _ known: [String], _ file: String, _ exists: (String) -> Bool) {
            if let name, !exists(name.value) { unknown(what, name, known: known, file: file) }
        }
        for cluster in spec.sparkConnect {
            check(cluster.engine, "engine", index.engineNames, "templates/engines.yaml") { index.engines[$0] != nil }
            check(cluster.size, "size", index.sizeNames, "templates/sizes.yaml") { index.sizes[$0] != nil }
        }
        for job in spec.jobs {
            check(job.engine, "engine", index.engineNames, "templates/engines.yaml") { index.engines[$0] != nil }
            for name in job.catalogs?.value ?? [] {
                check(name, "catalog", index.catalogNames, "templates/catalogs.yaml") { index.catalogs[$0] != nil }
            }
            for name in job.regions?.value ?? [] {
                check(name, "region", index.regionNames, "templates/regions.yaml") { index.regions[$0] != nil }
            }
            if let cls = job.mainClass, cls.value.trimmingSpaces.isEmpty || cls.value.contains(" ") {
                error(.invalidValue, "mainClass '\(cls.value)' of job '\(job.name?.value ?? "?")' is not a class name, e.g. com.example.Main",
                      at: cls.location)
            }
        }
    }

    /// `environments` lists of clusters and jobs must name the team's environments.
    private func checkEnvironmentLists() {
        let teamEnvironments = spec.environments.map(\.name.value)
        let lists = spec.sparkConnect.map { ($0.environments, "Spark Connect cluster", $0.name?.value) }
            + spec.jobs.map { ($0.environments, "job", $0.name?.value) }
        for (list, what, name) in lists {
            guard let list else { continue }
            if list.value.isEmpty {
                error(.missingKey, "'environments' of \(what) '\(name ?? "?")' is empty; list at least one, or leave it out for all",
                      at: list.location)
            }
            var seen: Set<String> = []
            for environment in list.value {
                if !teamEnvironments.contains(environment.value) {
                    let defined = index.environments[environment.value] != nil
                    let has = teamEnvironments.isEmpty ? "the team has none" : "the team has: \(teamEnvironments.joined(separator: ", "))"
                    error(.unknownReference,
                          "\(what) '\(name ?? "?")' runs in environment '\(environment.value)', "
                            + (defined ? "which the team does not have; add it under 'environments' or remove it here; \(has)"
                                : "which does not exist" + Suggestion.hint(for: environment.value, in: teamEnvironments, then: has)),
                          at: environment.location)
                }
                if !seen.insert(environment.value).inserted {
                    error(.duplicateName, "environment '\(environment.value)' is listed twice", at: environment.location)
                }
            }
        }
        for cluster in spec.sparkConnect { checkClusterRegions(cluster, teamEnvironments: teamEnvironments) }
        for cluster in spec.sparkConnect {
            let runsIn = cluster.environments.map { $0.value.map(\.value) } ?? teamEnvironments
            for (environment, _) in cluster.hotClusters ?? [] where !runsIn.contains(environment.value) {
                let teamHasIt = teamEnvironments.contains(environment.value)
                error(.unknownReference,
                      "hotClusters names environment '\(environment.value)', "
                        + (teamHasIt ? "where Spark Connect cluster '\(cluster.name?.value ?? "?")' does not run"
                            : "which the team does not have")
                        + Suggestion.hint(for: environment.value, in: runsIn,
                                          then: runsIn.isEmpty ? "it runs in none" : "it runs in: \(runsIn.joined(separator: ", "))"),
                      at: environment.location)
            }
        }
    }

    /// A cluster's `regions` must be regions of its environments.
    private func checkClusterRegions(_ cluster: SparkConnectSpec, teamEnvironments: [String]) {
        guard let list = cluster.regions else { return }
        let name = cluster.name?.value ?? "?"
        if list.value.isEmpty {
            error(.missingKey, "'regions' of Spark Connect cluster '\(name)' is empty; list at least one, or leave it out for every region of its environments",
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
                error(.unknownReference,
                      "Spark Connect cluster '\(name)' runs in region '\(region.value)', which none of its environments (\(runsIn.joined(separator: ", "))) lists; "
                        + (places.isEmpty ? "add it to an environment's regions or remove it here"
                            : "add it to an environment's regions or choose one of \(places.joined(separator: ", "))"),
                      at: region.location)
            }
        }
    }

    // MARK: One environment

    private func resolveEnvironment(
        _ environment: TeamEnvironment, shortName: String?, teamCatalogs: [String], peers: [String]
    ) -> ResolvedEnvironment? {
        guard let template = index.environments[environment.name.value] else {
            unknown("environment", environment.name, known: index.environmentNames, file: "templates/environments.yaml")
            return nil
        }
        let regions = resolveRegions(environment.regions, environment: environment.name.value)
        var sizeTemplate: SizeTemplate?
        if let size = environment.size {
            sizeTemplate = index.sizes[size.value]
            if sizeTemplate == nil { unknown("size", size, known: index.sizeNames, file: "templates/sizes.yaml") }
        }
        let quota = resolveQuota(size: sizeTemplate, override: environment.quota)

        var namespace: String?
        if let settings = index.settings, let shortName, let abbrev = template.abbrev?.value,
            index.validAbbrevs.contains(abbrev), index.prefixIsValid
        {
            let name = ObjectNames.namespace(prefix: settings.namespacePrefix, shortName: shortName, abbrev: abbrev)
            if let problem = NameRules.dns1123LabelProblem(name) {
                let shortLocation = spec.shortName?.location ?? spec.team?.location ?? spec.location
                error(.nameTooLong,
                      "namespace '\(name)' for environment '\(environment.name.value)' is not a valid namespace name: \(problem); "
                        + "choose a shorter shortName",
                      at: environment.name.location, notes: [.init("the namespace is built from this name", at: shortLocation)])
            } else {
                namespace = name
                for region in regions ?? [] { claims.namespaces.append((region.cluster, name, environment.name.location)) }
            }
        }
        if let quota, let regions {
            for region in regions {
                claims.quotas.append((region.name, quota.value.cpu.millis ?? .max, quota.value.memory.bytes ?? .max,
                                      quota.value.pods, environment.name.location,
                                      "team '\(spec.team?.value ?? "?")' in '\(environment.name.value)'"))
            }
        }
        let catalogs = teamCatalogs.compactMap { resolveCatalog($0, environment: template) }
        let sparkConnect = spec.sparkConnect.filter { runs($0.environments, in: environment.name.value) }.compactMap {
            resolveSparkConnect($0, environment: environment, template: template, size: sizeTemplate, quota: quota,
                                regions: regions, shortName: shortName, teamCatalogs: teamCatalogs)
        }
        let jobs = spec.jobs.filter { runs($0.environments, in: environment.name.value) }.compactMap {
            resolveJob($0, environment: environment, size: sizeTemplate, quota: quota, regions: regions,
                       teamCatalogs: teamCatalogs, template: template)
        }
        // A job's SparkApplication is named after the job; a Spark Connect
        // server is `sc-<cluster>-<n>`: the two must not meet.
        var collides = false
        let servers = Set(sparkConnect.flatMap { cluster in
            (0..<cluster.hotServers).map { ObjectNames.sparkConnectServer(cluster.name, index: $0) }
        })
        for job in jobs where servers.contains(job.name) {
            let location = spec.jobs.first { $0.name?.value == job.name }?.name?.location ?? spec.location
            error(.duplicateName,
                  "job '\(job.name)' has the name of a Spark Connect server in environment '\(environment.name.value)'; names 'sc-<cluster>-<n>' belong to Spark Connect clusters, rename the job",
                  at: location)
            collides = true
        }
        guard !collides, let regions, !regions.isEmpty, let sizeName = environment.size?.value, let quota, let namespace,
            let podSecurity = template.podSecurity?.value, let abbrev = template.abbrev?.value,
            sparkConnect.count == spec.sparkConnect.filter({ runs($0.environments, in: environment.name.value) }).count,
            jobs.count == spec.jobs.filter({ runs($0.environments, in: environment.name.value) }).count
        else { return nil }
        return ResolvedEnvironment(
            name: environment.name.value, abbrev: abbrev, namespace: namespace, podSecurity: podSecurity,
            regions: regions, size: sizeName, quota: quota.value, catalogs: catalogs, sparkConnectFrom: peers,
            sparkConnect: sparkConnect, jobs: jobs)
    }

    private func runs(_ environments: Located<[Located<String>]>?, in environment: String) -> Bool {
        environments.map { $0.value.contains { $0.value == environment } } ?? true
    }

    private func resolveRegions(_ list: Located<[Located<String>]>?, environment: String) -> [ResolvedRegion]? {
        guard let list else { return nil }
        if list.value.isEmpty {
            error(.missingKey, "'environments.\(environment).regions' is empty; list at least one of \(index.regionNames.joined(separator: ", "))",
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
        return Located(ResolvedQuota(cpu: cpu.value, memory: memory.value, pods: pods.value),
                       at: override?.location ?? base?.location ?? spec.location)
    }

    private func resolveCatalog(_ name: String, environment: EnvironmentTemplate) -> ResolvedCatalog? {
        guard let template = index.catalogs[name], let type = template.type?.value else { return nil }
        var warehouse = template.warehouse?.value
        if template.perEnvironment?.value == true, let suffix = environment.catalogSuffix?.value {
            warehouse = "\(name)-\(suffix)"
        }
        return ResolvedCatalog(name: name, type: type, uri: template.uri?.value, warehouse: warehouse,
                               credentialSecret: template.credential?.value)
    }

    /// The named engine, or the default; `user` is where the definition
    /// that needs an engine is written.
    private func resolveEngine(_ name: Located<String>?, for user: String, at location: SourceLocation) -> ResolvedEngine? {
        if let name {
            guard let engine = index.engines[name.value] else {
                unknown("engine", name, known: index.engineNames, file: "templates/engines.yaml")
                return nil
            }
            return engine
        }
        // A default that names a missing version was reported at its line.
        if index.defaultEngine == nil && index.defaultEngineLocation == nil && !index.engineNames.isEmpty {
            error(.missingSetting,
                  "\(user) names no engine and templates/engines.yaml has no 'default'; set 'engine' to one of \(index.engineNames.joined(separator: ", "))",
                  at: location)
        }
        return index.defaultEngine
    }

    private func resources(
        driver: DriverResources?, executor: ExecutorResources?, size: SizeTemplate?
    ) -> SparkResources? {
        guard let driverCores = driver?.cores ?? size?.driver?.cores,
            let driverMemory = driver?.memory ?? size?.driver?.memory,
            let instances = executor?.instances ?? size?.executor?.instances,
            let executorCores = executor?.cores ?? size?.executor?.cores,
            let executorMemory = executor?.memory ?? size?.executor?.memory
        else { return nil }
        return SparkResources(
            driverCores: driverCores.value, driverMemory: driverMemory.value, executorInstances: instances.value,
            executorCores: executorCores.value, executorMemory: executorMemory.value)
    }

    /// Reports when `resources` cannot run inside `quota`.
    private func checkFits(
        _ resources: SparkResources, count: Int = 1, quota: Located<ResolvedQuota>, what: String, environment: String,
        at location: SourceLocation, notes extra: [Diagnostic.Note] = [], severity: Diagnostic.Severity = .error
    ) {
        var problems: [String] = []
        let cpuQuota = quota.value.cpu.millis ?? .max
        let memoryQuota = quota.value.memory.bytes ?? .max
        let needCPU = resources.totalMillis.saturatingMultiply(count)
        let needMemory = resources.totalBytes.saturatingMultiply(count)
        let needPods = resources.totalPods.saturatingMultiply(count)
        let times = count == 1 ? "" : "\(count) × "
        if needCPU > cpuQuota {
            problems.append("\(AmountText.cpu(millis: needCPU)) CPUs (\(times)driver \(resources.driverCores) + \(resources.executorInstances) executors × \(resources.executorCores)) but the quota allows \(AmountText.cpu(millis: cpuQuota))")
        }
        if needMemory > memoryQuota {
            problems.append("\(AmountText.memory(bytes: needMemory)) of memory (\(times)driver \(resources.driverMemory) + \(resources.executorInstances) executors × \(resources.executorMemory), with Spark's memory overhead) but the quota allows \(AmountText.memory(bytes: memoryQuota))")
        }
        if needPods > quota.value.pods {
            problems.append("\(needPods) pods but the quota allows \(quota.value.pods)")
        }
        guard !problems.isEmpty else { return }
        let message = "\(what) cannot fit in the '\(environment)' quota: it needs " + problems.joined(separator: "; it needs ")
            + "; lower its driver/executor resources or raise the environment's quota"
        diagnostics.append(Diagnostic(severity, .exceedsQuota, message, at: location,
                                      notes: extra + [.init("the '\(environment)' quota is set here", at: quota.location)]))
    }

    // MARK: Spark Connect

    private func resolveSparkConnect(
        _ cluster: SparkConnectSpec, environment: TeamEnvironment, template: EnvironmentTemplate, size envSize: SizeTemplate?,
        quota: Located<ResolvedQuota>?, regions envRegions: [ResolvedRegion]?, shortName: String?, teamCatalogs: [String]
    ) -> ResolvedSparkConnect? {
        guard let name = cluster.name?.value else { return nil }
        // Its own regions, in its own order, where this environment has them
        // (unknown or foreign regions were reported once for the team).
        var regions = envRegions
        if let list = cluster.regions, let available = envRegions {
            var own: [ResolvedRegion] = []
            for region in list.value {
                if let match = available.first(where: { $0.name == region.value }), !own.contains(match) { own.append(match) }
            }
            if own.isEmpty {
                if !list.value.isEmpty {
                    error(.unknownReference,
                          "Spark Connect cluster '\(name)' runs in environment '\(environment.name.value)', but none of its regions is a region of '\(environment.name.value)' (\(available.map(\.name).joined(separator: ", "))); add one, or list only the environments it should run in under 'environments'",
                          at: list.location)
                }
                return nil
            }
            regions = own
        }
        let catalogs = cluster.catalogs.map { catalogList($0) ?? [] } ?? teamCatalogs
        let engine = resolveEngine(cluster.engine, for: "Spark Connect cluster '\(name)'",
                                   at: cluster.name?.location ?? cluster.location)
        var size = envSize
        if let sizeName = cluster.size {
            size = index.sizes[sizeName.value]
            if size == nil {
                unknown("size", sizeName, known: index.sizeNames, file: "templates/sizes.yaml")
                return nil
            }
        }
        var expiresAt: String?
        if let text = cluster.expiresAt {
            switch RFC3339.canonicalUTC(text.value) {
            case .success(let canonical): expiresAt = canonical
            case .failure(let problem):
                error(.invalidTime, "expiresAt '\(text.value)' is invalid: \(problem.message)", at: text.location)
                return nil
            }
        }
        let hot = cluster.hotClusters?.first { $0.environment.value == environment.name.value }?.count.value
            ?? template.hotClusters?.value ?? 0
        guard let resources = resources(driver: nil, executor: nil, size: size) else { return nil }
        let location = cluster.name?.location ?? cluster.location
        if let quota {
            var notes: [Diagnostic.Note] = []
            if let sizeLocation = (cluster.size ?? environment.size)?.location {
                notes.append(.init("the server's size is chosen here", at: sizeLocation))
            }
            checkFits(resources, quota: quota, what: "a server of Spark Connect cluster '\(name)'",
                      environment: environment.name.value, at: location, notes: notes)
            if hot > 1 {
                checkFits(resources, count: hot, quota: quota, what: "\(hot) hot servers of Spark Connect cluster '\(name)'",
                          environment: environment.name.value, at: location, notes: notes, severity: .warning)
            }
        }
        guard let shortName, let dnsSuffix = template.dnsSuffix?.value, let settings = index.settings else { return nil }
        let hostBase = ObjectNames.sparkConnectHostBase(shortName: shortName, cluster: name, dnsSuffix: dnsSuffix)
        let resolved = ResolvedSparkConnect(
            name: name, hotServers: hot, size: (cluster.size ?? environment.size)?.value ?? "", resources: resources,
            engine: engine ?? ResolvedEngine(version: "", image: "", sparkVersion: ""), expiresAt: expiresAt,
            hostBase: hostBase, regions: regions ?? [],
            catalogs: catalogs.compactMap { resolveCatalog($0, environment: template) })
        // Names from templates that are invalid were reported there; do not
        // blame the team for them.
        guard index.validDNSSuffixes.contains(dnsSuffix), index.domainIsValid else { return nil }
        for (position, region) in (regions ?? []).enumerated() where index.validAliases.contains(region.alias) {
            for host in resolved.hostnames(in: region, primary: position == 0, domain: settings.domain) {
                if let problem = NameRules.hostnameProblem(host) {
                    let shortLocation = spec.shortName?.location ?? spec.team?.location ?? spec.location
                    let cause = name == "default" ? "the team's shortName" : "the team's shortName or the cluster's name"
                    error(.nameTooLong,
                          "hostname '\(host)' of Spark Connect cluster '\(name)' is not a valid DNS name: \(problem); shorten \(cause)",
                          at: name == "default" ? shortLocation : location,
                          notes: name == "default" ? [] : [.init("the hostname starts with this shortName", at: shortLocation)])
                    return nil
                }
                claims.hostnames.append((host, location, name))
            }
        }
        return engine == nil ? nil : resolved
    }

    // MARK: Jobs

    private static let reservedConf: [String: String] = [
        "spark.kubernetes.container.image": "set 'engine' instead",
        "spark.kubernetes.driver.container.image": "set 'engine' instead",
        "spark.kubernetes.executor.container.image": "set 'engine' instead",
        "spark.kubernetes.namespace": "pedregal places the job in the team's namespace",
        "spark.master": "pedregal sets the master",
        "spark.submit.deployMode": "jobs run in cluster mode",
        "spark.kubernetes.authenticate.driver.serviceAccountName": "pedregal sets the driver's ServiceAccount",
        "spark.driver.cores": "set 'driver.cores' instead, so quota checks see it",
        "spark.driver.memory": "set 'driver.memory' instead, so quota checks see it",
        "spark.executor.instances": "set 'executor.instances' instead, so quota checks see it",
        "spark.executor.cores": "set 'executor.cores' instead, so quota checks see it",
        "spark.executor.memory": "set 'executor.memory' instead, so quota checks see it",
        "spark.sql.defaultCatalog": "list the catalog first in 'catalogs' instead",
        "spark.driver.memoryOverhead": "pedregal counts Spark's memory overhead in quota checks; size 'driver.memory' instead",
        "spark.executor.memoryOverhead": "pedregal counts Spark's memory overhead in quota checks; size 'executor.memory' instead",
        "spark.driver.memoryOverheadFactor": "pedregal counts Spark's memory overhead in quota checks",
        "spark.executor.memoryOverheadFactor": "pedregal counts Spark's memory overhead in quota checks",
        "spark.kubernetes.memoryOverheadFactor": "pedregal counts Spark's memory overhead in quota checks",
        "spark.kubernetes.driver.request.cores": "set 'driver.cores' instead, so quota checks see it",
        "spark.kubernetes.driver.limit.cores": "set 'driver.cores' instead, so quota checks see it",
        "spark.kubernetes.executor.request.cores": "set 'executor.cores' instead, so quota checks see it",
        "spark.kubernetes.executor.limit.cores": "set 'executor.cores' instead, so quota checks see it",
        "spark.kubernetes.driver.podTemplateFile": "pedregal sets the pod templates (Pod Security)",
        "spark.kubernetes.executor.podTemplateFile": "pedregal sets the pod templates (Pod Security)",
        "spark.kubernetes.driver.podTemplateContainerName": "pedregal sets the pod templates (Pod Security)",
        "spark.kubernetes.executor.podTemplateContainerName": "pedregal sets the pod templates (Pod Security)",
    ]

    /// Prefixes of properties pedregal owns, with why.
    private static let reservedPrefixes: [(String, String)] = [
        ("spark.sql.catalog.", "catalogs come from templates/catalogs.yaml; list them in 'catalogs'"),
        ("spark.kubernetes.authenticate.", "pedregal sets the ServiceAccounts and their credentials"),
        ("spark.kubernetes.driver.label.", "pedregal sets the pod labels"),
        ("spark.kubernetes.executor.label.", "pedregal sets the pod labels"),
    ]

    private func checkSparkConf(_ conf: [(key: Located<String>, value: Located<String>)]) -> Bool {
        var ok = true
        var seen: Set<String> = []
        for (key, value) in conf {
            if key.value.isEmpty || key.value.contains(" ") {
                error(.invalidName, "Spark property name '\(key.value)' is invalid", at: key.location)
                ok = false
            } else if let reason = Self.reservedConf[key.value] {
                error(.invalidValue, "'\(key.value)' cannot be set in sparkConf: \(reason)", at: key.location)
                ok = false
            } else if let (_, reason) = Self.reservedPrefixes.first(where: { key.value.hasPrefix($0.0) }) {
                error(.invalidValue, "'\(key.value)' cannot be set in sparkConf: \(reason)", at: key.location)
                ok = false
            } else if let owned = index.settings?.observability?.ownedProperties,
                owned.keys.contains(key.value) || owned.prefixes.contains(where: key.value.hasPrefix)
            {
                error(.invalidValue,
                      "'\(key.value)' cannot be set in sparkConf: the platform sets event logs and metrics for every application (templates/platform.yaml observability), so runs show up in the History Server and dashboards",
                      at: key.location)
                ok = false
            } else if SecretPolicy.isSecret(key: key.value, value: value.value) {
                error(.secretValue,
                      "'\(key.value)' looks like a secret; never put secret values in teams/*.yaml. Keep it in a Kubernetes Secret and reference it by name, e.g. spark.kubernetes.driver.secretKeyRef.\(Self.environmentName(key.value))=<secret>:<key>",
                      at: key.location)
                ok = false
            }
            if !seen.insert(key.value).inserted {
                error(.duplicateKey, "Spark property '\(key.value)' is set twice", at: key.location)
                ok = false
            }
        }
        return ok
    }

    private static func environmentName(_ key: String) -> String {
        String((key.split(separator: ".").last ?? "VALUE").uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }

    private func resolveJob(
        _ job: JobSpec, environment: TeamEnvironment, size: SizeTemplate?, quota: Located<ResolvedQuota>?,
        regions envRegions: [ResolvedRegion]?, teamCatalogs: [String], template: EnvironmentTemplate
    ) -> ResolvedJob? {
        guard let name = job.name?.value, let type = job.type?.value else { return nil }
        var ok = true
        let location = job.name?.location ?? job.location
        if let schedule = job.schedule {
            if type == .streaming {
                error(.invalidValue, "streaming job '\(name)' has a schedule; streaming jobs run continuously, remove 'schedule' or make it a batch job",
                      at: schedule.location)
                ok = false
            } else if let problem = CronSchedule.problem(schedule.value) {
                error(.invalidCron, "schedule '\(schedule.value)' of job '\(name)' is invalid: \(problem)", at: schedule.location)
                ok = false
            }
        }
        var mainClass = job.mainClass?.value
        if let file = job.mainApplicationFile {
            if let problem = Self.applicationFileProblem(file.value, mainClass: job.mainClass?.value) {
                error(.invalidValue, "mainApplicationFile '\(file.value)' of job '\(name)': \(problem)", at: file.location)
                ok = false
            }
        } else {
            ok = false
        }
        if let cls = job.mainClass, file(job).hasSuffix(".py") || file(job).hasSuffix(".R") {
            warning(.invalidValue, "mainClass is ignored for a \(file(job).hasSuffix(".py") ? "Python" : "R") application; remove it",
                    at: cls.location)
            mainClass = nil
        }
        if let conf = job.sparkConf, !checkSparkConf(conf) { ok = false }
        if let concurrency = job.concurrency, type == .streaming {
            error(.invalidValue,
                  "streaming job '\(name)' has a concurrency policy; a streaming job is one application that runs continuously, so remove 'concurrency' (it applies to the runs of batch jobs)",
                  at: concurrency.location)
            ok = false
        }
        if let args = job.args, let index = SecretPolicy.secretArgument(in: args.map(\.value)) {
            error(.secretValue,
                  "argument \(index + 1) of job '\(name)' looks like a secret; arguments are readable by everyone who can read the team file and its SparkApplication. Keep the value in a Kubernetes Secret, pass it as an environment variable with sparkConf spark.kubernetes.driver.secretKeyRef.<ENV_NAME>=<secret>:<key>, and read it there",
                  at: args[index].location)
            ok = false
        }

        // Regions: the job's own list must be within the environment's.
        var regions: [ResolvedRegion] = []
        if let list = job.regions {
            if list.value.isEmpty {
                error(.missingKey, "'regions' of job '\(name)' is empty; list at least one, or leave it out for the primary region",
                      at: list.location)
                ok = false
            }
            for region in list.value {
                if index.regions[region.value] == nil {
                    unknown("region", region, known: index.regionNames, file: "templates/regions.yaml")
                    ok = false
                    continue
                }
                guard let envRegions else { ok = false; continue }
                guard let match = envRegions.first(where: { $0.name == region.value }) else {
                    // Reported for every environment that lacks the region.
                    error(.unknownReference,
                          "job '\(name)' runs in region '\(region.value)', which environment '\(environment.name.value)' of this team does not list; add it to environments.\(environment.name.value).regions or remove it here",
                          at: region.location)
                    ok = false
                    continue
                }
                if regions.contains(match) {
                    error(.duplicateName, "region '\(region.value)' is listed twice", at: region.location)
                } else {
                    regions.append(match)
                }
            }
        } else if let primary = envRegions?.first {
            regions = [primary]
        }

        let catalogs: [String]
        if let list = job.catalogs {
            catalogs = catalogList(list) ?? []
        } else {
            catalogs = teamCatalogs
        }
        let engine = resolveEngine(job.engine, for: "job '\(name)'", at: location)
        guard var resources = resources(driver: job.driver, executor: job.executor, size: size) else { return nil }
        let file = job.mainApplicationFile?.value ?? ""
        resources.nonJVM = file.hasSuffix(".py") || file.hasSuffix(".R")
        // With dynamic allocation the executors can grow to maxExecutors:
        // that, not `instances`, is what must fit the quota.
        let conf = Dictionary((job.sparkConf ?? []).map { ($0.key.value, $0.value) }, uniquingKeysWith: { first, _ in first })
        if conf["spark.dynamicAllocation.enabled"]?.value.lowercased() == "true" {
            if let maximum = conf["spark.dynamicAllocation.maxExecutors"] {
                if let count = Int(maximum.value), count >= 0 {
                    resources.executorInstances = max(resources.executorInstances, count)
                } else {
                    error(.invalidValue, "spark.dynamicAllocation.maxExecutors must be a whole number, not '\(maximum.value)'",
                          at: maximum.location)
                    ok = false
                }
            } else if let enabled = conf["spark.dynamicAllocation.enabled"] {
                error(.invalidValue,
                      "job '\(name)' enables dynamic allocation without spark.dynamicAllocation.maxExecutors; set it, so the executors stay within the quota",
                      at: enabled.location)
                ok = false
            }
        }
        if let quota {
            var notes: [Diagnostic.Note] = []
            if let sizeLocation = environment.size?.location, job.driver == nil || job.executor == nil {
                notes.append(.init("defaults come from this size", at: sizeLocation))
            }
            let before = diagnostics.count
            checkFits(resources, quota: quota, what: "job '\(name)'", environment: environment.name.value,
                      at: job.executor?.location ?? job.driver?.location ?? location, notes: notes)
            if diagnostics.count > before { ok = false }
        }
        guard ok, let engine, let file = job.mainApplicationFile?.value, !regions.isEmpty else { return nil }
        return ResolvedJob(
            name: name, type: type, schedule: job.schedule?.value.trimmingSpaces, concurrency: job.concurrency?.value ?? .forbid,
            regions: regions, engine: engine,
            mainApplicationFile: file, mainClass: mainClass, args: job.args?.map(\.value) ?? [], resources: resources,
            sparkConf: (job.sparkConf ?? []).map { ($0.key.value, $0.value.value) },
            catalogs: catalogs.compactMap { resolveCatalog($0, environment: template) })
    }

    private func file(_ job: JobSpec) -> String { job.mainApplicationFile?.value ?? "" }

    static func applicationFileProblem(_ file: String, mainClass: String?) -> String? {
        guard let schemeEnd = file.firstRange(of: "://"), schemeEnd.lowerBound > file.startIndex else {
            return "it must be a URI with a scheme, e.g. s3://bucket/jobs/job.py or local:///opt/app/job.jar"
        }
        let path = file[schemeEnd.upperBound...]
        if path.isEmpty || path.hasSuffix("/") { return "it names a folder, not a file" }
        if file.hasSuffix(".jar") {
            return mainClass == nil ? "a jar application needs 'mainClass'" : nil
        }
        if file.hasSuffix(".py") || file.hasSuffix(".R") { return nil }
        return "it must end in .py, .jar or .R"
    }
}
