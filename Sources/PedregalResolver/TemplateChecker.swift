import PedregalDiagnostics
import PedregalSpec

/// Checks templates/ and builds the index.
struct TemplateChecker {
    private(set) var diagnostics: [Diagnostic] = []
    /// The compiler's version, for the default runner image.
    let version: String

    private mutating func error(
        _ code: DiagnosticCode, _ message: String, at location: SourceLocation,
        notes: [Diagnostic.Note] = []
    ) {
        diagnostics.append(.error(code, message, at: location, notes: notes))
    }

    private mutating func checkLabel(_ value: Located<String>?, _ what: String, dns1035: Bool = false) {
        guard let value else { return }
        let problem = dns1035 ? NameRules.dns1035LabelProblem(value.value) : NameRules.dns1123LabelProblem(value.value)
        if let problem {
            error(.invalidName, "\(what) '\(value.value)' is not a valid DNS label: \(problem)", at: value.location)
        }
    }

    /// Environment and region names become label values on every object.
    private mutating func checkLabelValue(_ value: Located<String>, _ what: String) {
        if let problem = NameRules.labelValueProblem(value.value) {
            error(.invalidName, "\(what) '\(value.value)' cannot be a Kubernetes label value: \(problem)", at: value.location)
        }
    }

    private mutating func checkHost(_ value: Located<String>?, _ what: String) {
        guard let value else { return }
        if let problem = NameRules.hostnameProblem(value.value) {
            error(.invalidName, "\(what) '\(value.value)' is not a valid DNS name: \(problem)", at: value.location)
        }
    }

    mutating func check(_ templates: Templates, brokenFiles: Set<String>) -> TemplateIndex {
        var index = TemplateIndex(platformTemplate: templates.platform)
        index.brokenTemplates = brokenFiles
        index.domainIsValid = templates.platform.domain.map { NameRules.hostnameProblem($0.value) == nil } ?? false
        index.prefixIsValid = templates.platform.namespacePrefix.map { NameRules.dns1123LabelProblem($0.value) == nil } ?? false
        index.settings = platform(templates.platform)
        environments(templates.environments, into: &index)
        if let requests = templates.platform.clusterRequests {
            let (policy, problems) = ClusterRequestPolicy.resolve(requests, environments: index.environmentNames)
            diagnostics += problems
            index.settings?.clusterRequests = policy
        }
        regions(templates.regions, into: &index)
        if let gateway = templates.platform.gateway {
            let (resolved, problems) = ResolvedGateway.resolve(
                gateway, regions: index.regionNames.map { ($0, index.regions[$0] ?? nil) },
                defaultImage: index.settings?.runnerImage ?? "", defaultPort: index.settings?.sparkConnectPort ?? 15002)
            diagnostics += problems
            index.settings?.gateway = resolved
        }
        sizes(templates.sizes, into: &index)
        catalogs(templates.catalogs, into: &index)
        engines(templates.engines, into: &index)
        return index
    }

    private mutating func platform(_ p: PlatformTemplate) -> PlatformSettings? {
        checkHost(p.domain, "domain")
        checkLabel(p.namespacePrefix, "namespacePrefix")
        checkLabel(p.gatewayNamespace, "gatewayNamespace")
        checkLabel(p.operatorNamespace, "operatorNamespace")
        if let prefix = p.groupPrefix, prefix.value.contains(where: { $0.isWhitespace }) {
            error(.invalidValue, "groupPrefix '\(prefix.value)' must not contain spaces", at: prefix.location)
        }
        if let image = p.runnerImage, image.value.isEmpty || image.value.contains(" ") {
            error(.invalidValue, "runnerImage '\(image.value)' is not an image reference", at: image.location)
        }
        var argocd: ResolvedArgoCD?
        if let a = p.argocd {
            checkLabel(a.namespace, "argocd.namespace")
            checkLabel(a.project, "argocd.project")
            if let project = a.project, project.value == "default" {
                // pedregal writes the project it names; Argo CD's built-in
                // `default` admits any kind to any destination, and other
                // Applications rely on it.
                error(
                    .invalidValue,
                    "argocd.project 'default' is Argo CD's built-in project, which lets an Application sync any kind to any destination; name a project of pedregal's own (default: \(ResolvedArgoCD.defaultProject)), which pedregal generates with only what it needs",
                    at: project.location)
            }
            if let repo = a.repoURL {
                argocd = ResolvedArgoCD(
                    namespace: a.namespace?.value ?? "argocd", project: a.project?.value ?? ResolvedArgoCD.defaultProject,
                    repoURL: repo.value, targetRevision: a.targetRevision?.value ?? "HEAD",
                    path: trimSlashes(a.path?.value ?? "generated"))
            } else {
                diagnostics.append(
                    .warning(
                        .missingSetting,
                        "argocd has no repoURL, so no Argo CD Applications are generated; add the git URL of this repository",
                        at: a.location))
            }
        }
        guard let domain = p.domain?.value, let prefix = p.namespacePrefix?.value, let port = p.sparkConnectPort?.value,
            let gateway = p.gatewayNamespace?.value, let groupPrefix = p.groupPrefix?.value
        else { return nil }
        let operatorNamespace = p.operatorNamespace?.value ?? "spark-operator"
        if operatorNamespace == gateway, let location = p.operatorNamespace?.location {
            error(
                .duplicateNamespace, "operatorNamespace and gatewayNamespace are both '\(gateway)'; give the operator its own namespace",
                at: location)
        }
        var settings = PlatformSettings(
            domain: domain, namespacePrefix: prefix, sparkConnectPort: port, gatewayNamespace: gateway,
            groupPrefix: groupPrefix, sparkOperator: p.sparkOperator?.value ?? .apache,
            operatorNamespace: operatorNamespace,
            runnerImage: p.runnerImage?.value ?? "registry.\(domain)/pedregal:\(version)", argocd: argocd, source: p.file)
        if let o = p.observability { settings.observability = observability(o) }
        return settings
    }

    private mutating func observability(_ o: ObservabilitySettings) -> ResolvedObservability {
        if let url = o.historyServer, let problem = ResolvedObservability.urlProblem(url.value) {
            error(.invalidValue, "observability.historyServer '\(url.value)' is not a URL: \(problem)", at: url.location)
        }
        if let dir = o.eventLogDir, let problem = ResolvedObservability.eventLogDirProblem(dir.value) {
            error(.invalidValue, "observability.eventLogDir '\(dir.value)' cannot hold event logs: \(problem)", at: dir.location)
        }
        checkLabel(o.scrapeNamespace, "observability.scrapeNamespace")
        var history = o.historyServer?.value
        while history?.hasSuffix("/") == true { history?.removeLast() }
        return ResolvedObservability(
            historyServer: history, eventLogDir: o.eventLogDir?.value, prometheus: o.prometheus?.value ?? true,
            scrapeNamespace: o.scrapeNamespace?.value)
    }

    private func trimSlashes(_ path: String) -> String {
        var s = Substring(path)
        while s.hasPrefix("/") || s.hasPrefix("./") { s = s.hasPrefix("./") ? s.dropFirst(2) : s.dropFirst() }
        while s.hasSuffix("/") { s = s.dropLast() }
        return String(s)
    }

    private mutating func environments(_ list: [EnvironmentTemplate], into index: inout TemplateIndex) {
        var abbrevs: [String: Located<String>] = [:]
        var suffixes: [String: Located<String>] = [:]
        for e in list {
            checkLabelValue(e.name, "environment name")
            checkLabel(e.abbrev, "abbrev of environment '\(e.name.value)'")
            if let abbrev = e.abbrev?.value, NameRules.dns1123LabelProblem(abbrev) == nil { index.validAbbrevs.insert(abbrev) }
            if let abbrev = e.abbrev {
                if let first = abbrevs[abbrev.value] {
                    error(
                        .duplicateName,
                        "environments '\(first.value)' and '\(e.name.value)' share abbrev '\(abbrev.value)', so their namespaces would collide",
                        at: abbrev.location, notes: [.init("'\(first.value)' is defined here", at: first.location)])
                } else {
                    abbrevs[abbrev.value] = e.name
                }
            }
            if let suffix = e.dnsSuffix {
                var valid = true
                if !suffix.value.isEmpty {
                    let body = suffix.value.hasPrefix("-") ? String(suffix.value.dropFirst()) : ""
                    if let problem = body.isEmpty ? "it must be empty or start with '-'" : NameRules.dns1123LabelProblem(body) {
                        error(
                            .invalidName, "dnsSuffix '\(suffix.value)' of environment '\(e.name.value)' is invalid: \(problem)",
                            at: suffix.location)
                        valid = false
                    }
                }
                if valid { index.validDNSSuffixes.insert(suffix.value) }
                if let first = suffixes[suffix.value] {
                    error(
                        .duplicateName,
                        "environments '\(first.value)' and '\(e.name.value)' share dnsSuffix '\(suffix.value)', so their hostnames would collide",
                        at: suffix.location, notes: [.init("'\(first.value)' is defined here", at: first.location)])
                } else {
                    suffixes[suffix.value] = e.name
                }
            }
            if let suffix = e.catalogSuffix, let problem = NameRules.dns1123LabelProblem(suffix.value) {
                error(
                    .invalidName, "catalogSuffix '\(suffix.value)' of environment '\(e.name.value)' is invalid: \(problem)",
                    at: suffix.location)
            }
            index.environments[e.name.value] = e
            index.environmentNames.append(e.name.value)
        }
    }

    private mutating func regions(_ list: [RegionTemplate], into index: inout TemplateIndex) {
        var aliases: [String: Located<String>] = [:]
        var clusters: [String: Located<String>] = [:]
        for r in list {
            checkLabelValue(r.name, "region name")
            checkLabel(r.alias, "alias of region '\(r.name.value)'")
            if let alias = r.alias?.value, NameRules.dns1123LabelProblem(alias) == nil { index.validAliases.insert(alias) }
            checkLabel(r.cluster, "cluster of region '\(r.name.value)'")
            checkHost(r.gateway, "gateway of region '\(r.name.value)'")
            if let alias = r.alias {
                if let first = aliases[alias.value] {
                    error(
                        .duplicateName,
                        "regions '\(first.value)' and '\(r.name.value)' share alias '\(alias.value)', so their hostnames would collide",
                        at: alias.location, notes: [.init("'\(first.value)' is defined here", at: first.location)])
                } else {
                    aliases[alias.value] = r.name
                }
            }
            if let cluster = r.cluster {
                if let first = clusters[cluster.value] {
                    error(
                        .duplicateName,
                        "regions '\(first.value)' and '\(r.name.value)' both target cluster '\(cluster.value)'; each region needs its own cluster",
                        at: cluster.location, notes: [.init("'\(first.value)' is defined here", at: first.location)])
                } else if cluster.value == ObjectNames.argocdFolder {
                    error(
                        .invalidName, "cluster name '\(cluster.value)' is reserved for the Argo CD Applications folder; choose another",
                        at: cluster.location)
                } else {
                    clusters[cluster.value] = r.name
                }
            }
            if let capacity = r.capacity {
                if capacity.cpu == nil && capacity.memory == nil && capacity.pods == nil {
                    error(.missingKey, "capacity of region '\(r.name.value)' sets nothing; give cpu and memory", at: capacity.location)
                }
            }
            var resolved: ResolvedRegion?
            if let alias = r.alias?.value, let cluster = r.cluster?.value, let backend = r.backend?.value,
                let gateway = r.gateway?.value
            {
                resolved = ResolvedRegion(name: r.name.value, alias: alias, cluster: cluster, backend: backend, gateway: gateway)
            }
            index.regions[r.name.value] = .some(resolved)
            index.regionTemplates[r.name.value] = r
            index.regionNames.append(r.name.value)
        }
    }

    private mutating func sizes(_ list: [SizeTemplate], into index: inout TemplateIndex) {
        for s in list {
            if let quota = s.quota {
                for (field, present) in [("cpu", quota.cpu != nil), ("memory", quota.memory != nil), ("pods", quota.pods != nil)]
                where !present {
                    error(
                        .missingKey, "quota of size '\(s.name.value)' has no \(field); every size sets cpu, memory and pods",
                        at: quota.location)
                }
            }
            if let driver = s.driver {
                if driver.cores == nil { error(.missingKey, "driver of size '\(s.name.value)' has no cores", at: driver.location) }
                if driver.memory == nil { error(.missingKey, "driver of size '\(s.name.value)' has no memory", at: driver.location) }
            }
            if let executor = s.executor {
                for (field, present) in [
                    ("instances", executor.instances != nil), ("cores", executor.cores != nil),
                    ("memory", executor.memory != nil),
                ] where !present {
                    error(.missingKey, "executor of size '\(s.name.value)' has no \(field)", at: executor.location)
                }
            }
            index.sizes[s.name.value] = s
            index.sizeNames.append(s.name.value)
        }
    }

    private mutating func catalogs(_ list: [CatalogTemplate], into index: inout TemplateIndex) {
        var credentialVariables: [String: String] = [:]
        for c in list {
            if let problem = NameRules.catalogNameProblem(c.name.value) {
                error(.invalidName, "catalog name '\(c.name.value)' is invalid: \(problem)", at: c.name.location)
            }
            if c.type?.value == .rest && c.uri == nil {
                error(.missingKey, "catalog '\(c.name.value)' is a rest catalog and needs a 'uri'", at: c.name.location)
            }
            if let credential = c.credential {
                if credential.value.contains(":") || SecretPolicy.looksSecret(credential.value) {
                    error(
                        .secretValue,
                        "credential of catalog '\(c.name.value)' looks like the credential itself; write the name of the Kubernetes Secret that holds it (key '\(ResolvedCatalog.credentialSecretKey)'), provisioned by the platform in each team namespace, and keep the value out of templates/",
                        at: credential.location)
                } else if let problem = NameRules.dns1123SubdomainProblem(credential.value) {
                    error(
                        .invalidName,
                        "credential of catalog '\(c.name.value)' must name a Kubernetes Secret, but '\(credential.value)' is not a Secret name: \(problem)",
                        at: credential.location)
                }
                let variable = ResolvedCatalog(name: c.name.value, type: .rest).credentialVariable
                if let other = credentialVariables[variable] {
                    error(
                        .duplicateName,
                        "catalogs '\(other)' and '\(c.name.value)' would pass their credentials in the same environment variable \(variable); rename one",
                        at: c.name.location)
                }
                credentialVariables[variable] = c.name.value
            }
            index.catalogs[c.name.value] = c
            index.catalogNames.append(c.name.value)
        }
    }

    private mutating func engines(_ e: EngineTemplates, into index: inout TemplateIndex) {
        for engine in e.versions {
            var resolved: ResolvedEngine?
            if let image = engine.image?.value, let spark = engine.sparkVersion?.value {
                if image.isEmpty || image.contains(" ") {
                    error(
                        .invalidValue, "image '\(image)' of engine '\(engine.version.value)' is not an image reference",
                        at: engine.image!.location)
                }
                resolved = ResolvedEngine(
                    version: engine.version.value, image: image, sparkVersion: spark,
                    scalaVersion: engine.scalaVersion?.value, javaVersion: engine.javaVersion?.value)
            }
            index.engines[engine.version.value] = .some(resolved)
            index.engineNames.append(engine.version.value)
        }
        if let name = e.defaultVersion {
            index.defaultEngineLocation = name.location
            if let engine = index.engines[name.value] {
                index.defaultEngine = engine
            } else {
                error(
                    .unknownReference,
                    "the default engine '\(name.value)' is not defined in templates/engines.yaml"
                        + Suggestion.hint(
                            for: name.value, in: index.engineNames,
                            then: index.engineNames.isEmpty ? "it defines none" : "defined: \(index.engineNames.joined(separator: ", "))"),
                    at: name.location)
            }
        } else if index.engineNames.count == 1 {
            index.defaultEngine = index.engines[index.engineNames[0]] ?? nil
        }
    }
}

extension NameRules {
    /// Why `value` is not a label value (at most 63 of letters, digits, '-',
    /// '_' and '.', alphanumeric at both ends), or nil.
    static func labelValueProblem(_ value: String) -> String? {
        if value.isEmpty { return "it is empty" }
        if value.utf8.count > 63 { return "it is \(value.utf8.count) characters long; the limit is 63" }
        let isAlnum: (Unicode.Scalar) -> Bool = {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
        }
        if let bad = value.unicodeScalars.first(where: { !isAlnum($0) && $0 != "-" && $0 != "_" && $0 != "." }) {
            return "it contains '\(bad)'; use letters, digits, '-', '_' and '.'"
        }
        if !isAlnum(value.unicodeScalars.first!) || !isAlnum(value.unicodeScalars.last!) {
            return "it must start and end with a letter or digit"
        }
        return nil
    }

    /// Catalog names become Spark property segments and SQL identifiers.
    static func catalogNameProblem(_ name: String) -> String? {
        guard let first = name.unicodeScalars.first else { return "it is empty" }
        if !(("a"..."z").contains(first) || first == "_") { return "it must start with a lowercase letter or '_'" }
        if name.unicodeScalars.contains(where: { !(("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") }) {
            return "use lowercase letters, digits, '_' and '-'"
        }
        return nil
    }
}
