/// Rules that span teams: unique names, namespaces and hostnames, and region
/// capacity. Each is one pass over the claims with a hash map, so the cost
/// grows linearly with the number of teams.
struct CrossTeamChecks {
    let index: TemplateIndex
    private(set) var diagnostics: [Diagnostic] = []

    init(index: TemplateIndex) {
        self.index = index
    }

    mutating func check(_ claims: [TeamClaims]) {
        unique(claims.compactMap(\.team), what: "team name", code: .duplicateName,
               fix: "team names are unique across teams/; rename one")
        // Two teams that share a name also share the default shortName: one
        // error is enough.
        var shortNames: [Located<String>] = []
        var duplicatedTeams: Set<String> = []
        var seenTeams: Set<String> = []
        for team in claims.compactMap(\.team) where !seenTeams.insert(team.value).inserted {
            duplicatedTeams.insert(team.value)
        }
        for claim in claims {
            guard let shortName = claim.shortName else { continue }
            if claim.shortNameIsDefault && duplicatedTeams.contains(shortName.value) { continue }
            shortNames.append(shortName)
        }
        unique(shortNames, what: "shortName", code: .duplicateName,
               fix: "short names are unique across teams/ (the team name is the default); set a distinct 'shortName'")
        namespaces(claims)
        hostnames(claims)
        capacity(claims)
    }

    private mutating func unique(_ names: [Located<String>], what: String, code: DiagnosticCode, fix: String) {
        var first: [String: SourceLocation] = [:]
        for name in names {
            if let earlier = first[name.value] {
                diagnostics.append(.error(
                    code, "\(what) '\(name.value)' is already used by \(earlier.file); \(fix)", at: name.location,
                    notes: [.init("'\(name.value)' is first used here", at: earlier)]))
            } else {
                first[name.value] = name.location
            }
        }
    }

    private mutating func namespaces(_ claims: [TeamClaims]) {
        var reserved: [String: String] = [
            "default": "Kubernetes", "kube-system": "Kubernetes", "kube-public": "Kubernetes",
            "kube-node-lease": "Kubernetes",
        ]
        if let settings = index.settings {
            reserved[settings.gatewayNamespace] = "the Spark Gateway (gatewayNamespace)"
            reserved[settings.operatorNamespace] = "the Spark operator (operatorNamespace)"
            if let argocd = settings.argocd { reserved[argocd.namespace] = "Argo CD" }
        }
        var first: [String: SourceLocation] = [:]
        for claim in claims {
            for (cluster, namespace, location) in claim.namespaces {
                if let owner = reserved[namespace] {
                    diagnostics.append(.error(
                        .duplicateNamespace, "namespace '\(namespace)' belongs to \(owner); choose another shortName",
                        at: location))
                    continue
                }
                let key = cluster + "/" + namespace
                if let earlier = first[key] {
                    // Teams that share a shortName already got an error for it.
                    if earlier.file != location.file && !sameShortName(claims, earlier.file, location.file) {
                        diagnostics.append(.error(
                            .duplicateNamespace,
                            "namespace '\(namespace)' in cluster '\(cluster)' is also produced by \(earlier.file); choose another shortName",
                            at: location, notes: [.init("also produced here", at: earlier)]))
                    }
                } else {
                    first[key] = location
                }
            }
        }
    }

    private func sameShortName(_ claims: [TeamClaims], _ a: String, _ b: String) -> Bool {
        let lookup = claims.first { $0.shortName?.location.file == a }?.shortName?.value
        return lookup != nil && lookup == claims.first { $0.shortName?.location.file == b }?.shortName?.value
    }

    private mutating func hostnames(_ claims: [TeamClaims]) {
        var reserved: [String: String] = [:]
        for name in index.regionNames {
            if let gateway = index.regionTemplates[name]?.gateway?.value { reserved[gateway] = "the gateway of region '\(name)'" }
        }
        var first: [String: SourceLocation] = [:]
        for claim in claims {
            for (host, location) in claim.hostnames {
                if let owner = reserved[host] {
                    diagnostics.append(.error(.duplicateHostname, "hostname '\(host)' is \(owner); choose another name",
                                              at: location))
                } else if let earlier = first[host] {
                    if earlier != location {
                        diagnostics.append(.error(
                            .duplicateHostname,
                            "hostname '\(host)' is already claimed by \(earlier.file); each Spark Connect hostname names one cluster, so rename the cluster or the team's shortName",
                            at: location, notes: [.init("first claimed here", at: earlier)]))
                    }
                } else {
                    first[host] = location
                }
            }
        }
    }

    private mutating func capacity(_ claims: [TeamClaims]) {
        struct Total {
            var cpu = 0, memory = 0, pods = 0
            var largest: [(cpu: Int, memory: Int, location: SourceLocation)] = []
        }
        var totals: [String: Total] = [:]
        for claim in claims {
            for quota in claim.quotas {
                var total = totals[quota.region, default: Total()]
                total.cpu = total.cpu.saturatingAdd(quota.cpuMillis)
                total.memory = total.memory.saturatingAdd(quota.memoryBytes)
                total.pods = total.pods.saturatingAdd(quota.pods)
                total.largest.append((quota.cpuMillis, quota.memoryBytes, quota.location))
                totals[quota.region] = total
            }
        }
        for name in index.regionNames {
            guard let capacity = index.regionTemplates[name]?.capacity, let total = totals[name] else { continue }
            var over: [(String, SourceLocation)] = []
            if let cpu = capacity.cpu, let limit = cpu.value.millis, total.cpu > limit {
                over.append(("cpu \(AmountText.cpu(millis: total.cpu)) > \(cpu.value.text)", cpu.location))
            }
            if let memory = capacity.memory, let limit = memory.value.bytes, total.memory > limit {
                over.append(("memory \(AmountText.memory(bytes: total.memory)) > \(memory.value.text)", memory.location))
            }
            if let pods = capacity.pods, total.pods > pods.value {
                over.append(("pods \(total.pods) > \(pods.value)", pods.location))
            }
            guard let firstOver = over.first else { continue }
            let count = total.largest.count
            let top = total.largest.sorted { ($0.cpu, $0.memory) > ($1.cpu, $1.memory) }.prefix(3)
            diagnostics.append(.error(
                .exceedsCapacity,
                "the quotas of the \(count) namespace\(count == 1 ? "" : "s") placed in region '\(name)' add up to more than its capacity ("
                    + over.map(\.0).joined(separator: ", ")
                    + "); raise the region's capacity or lower team quotas",
                at: firstOver.1,
                notes: top.map { .init("quota of \(AmountText.cpu(millis: $0.cpu)) CPU, \(AmountText.memory(bytes: $0.memory)) placed here", at: $0.location) }))
        }
    }
}
