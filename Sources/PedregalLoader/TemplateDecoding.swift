import PedregalDiagnostics
import PedregalSpec
import PedregalYAML

// Decoders for templates/*.yaml. Each takes the document's root node; the
// FileDecoder collects every problem.

extension FileDecoder {
    func platform(_ root: YAMLNode) -> PlatformTemplate {
        var platform = PlatformTemplate(file: file)
        guard let r = object(root, FormatSchema.platform, path: "") else { return platform }
        platform.domain = r.string("domain")
        platform.namespacePrefix = r.string("namespacePrefix")
        platform.sparkConnectPort = r.int("sparkConnectPort", minimum: 1, maximum: 65535)
        platform.gatewayNamespace = r.string("gatewayNamespace")
        platform.groupPrefix = r.string("groupPrefix")
        platform.sparkOperator = r.enumeration("operator", as: SparkOperatorFlavor.self)
        platform.operatorNamespace = r.string("operatorNamespace")
        platform.runnerImage = r.string("runnerImage")
        platform.kubernetesVersion = r.string("kubernetesVersion")
        if let a = r.object("argocd", FormatSchema.argocd) {
            var argocd = ArgoCDSettings(location: a.location)
            argocd.repoURL = a.string("repoURL")
            argocd.targetRevision = a.string("targetRevision")
            argocd.path = a.string("path")
            argocd.namespace = a.string("namespace")
            argocd.project = a.string("project")
            platform.argocd = argocd
        }
        if let o = r.object("observability", FormatSchema.observability) {
            var observability = ObservabilitySettings(location: o.location)
            observability.historyServer = o.string("historyServer")
            observability.eventLogDir = o.string("eventLogDir")
            observability.prometheus = o.bool("prometheus")
            observability.scrapeNamespace = o.string("scrapeNamespace")
            platform.observability = observability
        }
        if let c = r.object("clusterRequests", FormatSchema.clusterRequests) {
            var requests = ClusterRequestSettings(location: c.location)
            requests.environments = (c.entries("environments", what: "environments") ?? []).compactMap { pair in
                guard
                    let e = object(
                        pair.value, FormatSchema.clusterRequestTerms,
                        path: "clusterRequests.environments.\(pair.key)", owner: pair.keyLocation)
                else { return nil }
                var terms = ClusterRequestTerms(environment: Located(pair.key, at: pair.keyLocation))
                terms.defaultTTL = e.string("defaultTTL")
                terms.maxTTL = e.string("maxTTL")
                terms.persistent = e.bool("persistent")
                terms.autoApprove = e.bool("autoApprove")
                terms.members = e.bool("members")
                return terms
            }
            platform.clusterRequests = requests
        }
        if let g = r.object("gateway", FormatSchema.gateway) { platform.gateway = gateway(g) }
        return platform
    }

    private func gateway(_ g: ObjectReader) -> GatewaySettings {
        var gateway = GatewaySettings(location: g.location)
        gateway.image = g.string("image")
        gateway.replicas = g.int("replicas", minimum: 1, maximum: 100)
        gateway.issuer = g.string("issuer")
        gateway.audience = g.string("audience")
        gateway.jwksURL = g.string("jwksURL")
        gateway.groupsClaim = g.string("groupsClaim")
        gateway.adminGroups = g.stringList("adminGroups")
        gateway.tlsSecret = g.string("tlsSecret")
        gateway.port = g.int("port", minimum: 1, maximum: 65535)
        gateway.serviceType = g.enumeration("serviceType", as: GatewayServiceType.self)
        gateway.cpu = g.raw("cpu").flatMap { quantity($0, path: g.path("cpu")) }
        gateway.memory = g.raw("memory").flatMap { quantity($0, path: g.path("memory")) }
        gateway.upstreams = (g.entries("upstreams", what: "regions") ?? []).compactMap { pair in
            stringList(pair.value, path: "gateway.upstreams.\(pair.key)").map {
                GatewayUpstreams(region: Located(pair.key, at: pair.keyLocation), addresses: $0)
            }
        }
        return gateway
    }

    /// The entries of a template file keyed by name, each read with `schema`.
    private func namedTemplates<T>(
        _ root: YAMLNode, _ schema: ObjectSchema, what: String, skip: Set<String> = [],
        _ build: (Located<String>, ObjectReader) -> T
    ) -> [T] {
        guard let pairs = namedEntries(root, path: "", what: what) else { return [] }
        return pairs.compactMap { pair in
            if skip.contains(pair.key) { return nil }
            let name = Located(pair.key, at: pair.keyLocation)
            guard let reader = object(pair.value, schema, path: pair.key, owner: pair.keyLocation) else { return nil }
            return build(name, reader)
        }
    }

    func environments(_ root: YAMLNode) -> [EnvironmentTemplate] {
        namedTemplates(root, FormatSchema.environment, what: "environments") { name, r in
            var environment = EnvironmentTemplate(name: name)
            environment.abbrev = r.string("abbrev")
            environment.dnsSuffix = r.string("dnsSuffix")
            environment.hotClusters = r.int("hotClusters", minimum: 0, maximum: 100)
            environment.catalogSuffix = r.string("catalogSuffix")
            environment.podSecurity = r.enumeration("podSecurity", as: PodSecurityLevel.self)
            return environment
        }
    }

    func regions(_ root: YAMLNode) -> [RegionTemplate] {
        namedTemplates(root, FormatSchema.region, what: "regions") { name, r in
            var region = RegionTemplate(name: name)
            region.alias = r.string("alias")
            region.cluster = r.string("cluster")
            region.backend = r.enumeration("backend", as: RegionBackend.self)
            region.gateway = r.string("gateway")
            region.capacity = r.object("capacity", FormatSchema.quota).map(quota)
            return region
        }
    }

    func sizes(_ root: YAMLNode) -> [SizeTemplate] {
        namedTemplates(root, FormatSchema.size, what: "sizes") { name, r in
            var size = SizeTemplate(name: name)
            size.quota = r.object("quota", FormatSchema.quota).map(quota)
            size.driver = r.object("driver", FormatSchema.driver).map(driver)
            size.executor = r.object("executor", FormatSchema.executor).map(executor)
            return size
        }
    }

    func catalogs(_ root: YAMLNode) -> [CatalogTemplate] {
        namedTemplates(root, FormatSchema.catalog, what: "catalogs") { name, r in
            var catalog = CatalogTemplate(name: name)
            catalog.type = r.enumeration("type", as: CatalogType.self)
            catalog.uri = r.string("uri")
            catalog.warehouse = r.string("warehouse")
            catalog.credential = r.string("credential")
            catalog.perEnvironment = r.bool("perEnvironment")
            catalog.isDefault = r.bool("default")
            return catalog
        }
    }

    func engines(_ root: YAMLNode) -> EngineTemplates {
        var engines = EngineTemplates()
        if let pairs = root.mapping, let pair = pairs.first(where: { $0.key == "default" }) {
            engines.defaultVersion = string(pair.value, path: "default")
        }
        engines.versions = namedTemplates(root, FormatSchema.engine, what: "engine versions", skip: ["default"]) {
            version, r in
            var engine = EngineTemplate(version: version)
            engine.image = r.string("image")
            engine.sparkVersion = r.string("sparkVersion")
            engine.scalaVersion = r.string("scalaVersion")
            engine.javaVersion = r.string("javaVersion")
            return engine
        }
        return engines
    }

    // MARK: Shared objects

    func quota(_ r: ObjectReader) -> QuotaSpec {
        var quota = QuotaSpec(location: r.location)
        quota.cpu = r.raw("cpu").flatMap { self.quantity($0, path: r.path("cpu")) }
        quota.memory = r.raw("memory").flatMap { self.quantity($0, path: r.path("memory")) }
        quota.pods = r.raw("pods").flatMap { self.count($0, path: r.path("pods")) }
        return quota
    }

    func driver(_ r: ObjectReader) -> DriverResources {
        var driver = DriverResources(location: r.location)
        driver.cores = r.int("cores", minimum: 1, maximum: 256)
        driver.memory = r.raw("memory").flatMap { self.sparkMemory($0, path: r.path("memory")) }
        driver.memoryOverhead = r.raw("memoryOverhead").flatMap { self.sparkMemory($0, path: r.path("memoryOverhead")) }
        return driver
    }

    func executor(_ r: ObjectReader) -> ExecutorResources {
        var executor = ExecutorResources(location: r.location)
        executor.instances = r.int("instances", minimum: 0, maximum: 10_000)
        executor.cores = r.int("cores", minimum: 1, maximum: 256)
        executor.memory = r.raw("memory").flatMap { self.sparkMemory($0, path: r.path("memory")) }
        executor.memoryOverhead = r.raw("memoryOverhead").flatMap { self.sparkMemory($0, path: r.path("memoryOverhead")) }
        return executor
    }
}
