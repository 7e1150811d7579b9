import PedregalBasics
import PedregalDiagnostics

/// Rules that span teams: unique names, namespaces and hostnames, and region
/// capacity. Each is one pass over the claims with a hash map, so the cost
/// grows linearly with the number of teams.
struct CrossTeamChecks {
    let index: TemplateIndex
    private(set) var diagnostics: [Diagnostic] = []
    /// Files already told their team name or shortName is taken: their
    /// namespaces and hostnames collide too, and saying so again is noise.
    private var duplicated: Set<String> = []

    init(index: TemplateIndex) {
        self.index = index
    }

    mutating func check(_ claims: [TeamClaims]) {
        unique(
            claims.compactMap(\.team), what: "team name", code: .duplicateName,
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
        unique(
            shortNames, what: "shortName", code: .duplicateName,
            fix: "short names are unique across teams/ (the team name is the default); set a distinct 'shortName'")
        namespaces(claims)
        hostnames(claims)
        capacity(claims)
    }

    private mutating func unique(_ names: [Located<String>], what: String, code: DiagnosticCode, fix: String) {
        var first: [String: SourceLocation] = [:]
        for name in names {
            if let earlier = first[name.value] {
                duplicated.insert(name.location.file)
                diagnostics.append(
                    .error(
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
        for claim in claims where !duplicated.contains(claim.team?.location.file ?? "") {
            for (cluster, namespace, location) in claim.namespaces {
                if let owner = reserved[namespace] {
                    diagnostics.append(
                        .error(
                            .duplicateNamespace, "namespace '\(namespace)' belongs to \(owner); choose another shortName",
                            at: location))
                    continue
                }
                let key = cluster + "/" + namespace
                if let earlier = first[key] {
                    // Teams that share a shortName already got an error for it.
                    if earlier.file != location.file && !sameShortName(claims, earlier.file, location.file) {
                        diagnostics.append(
                            .error(
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
        var first: [String: (location: SourceLocation, cluster: String)] = [:]
        for claim in claims where !duplicated.contains(claim.team?.location.file ?? "") {
            for (host, location, cluster) in claim.hostnames {
                if let owner = reserved[host] {
                    diagnostics.append(
                        .error(
                            .duplicateHostname, "hostname '\(host)' is \(owner); choose another name",
                            at: location))
                } else if let earlier = first[host] {
                    // One cluster defined twice in a team is reported as a duplicate name.
                    if earlier.location.file == location.file && earlier.cluster == cluster { continue }
                    if earlier.location != location {
                        diagnostics.append(
                            .error(
                                .duplicateHostname,
                                "hostname '\(host)' is already claimed by \(earlier.location.file); each Spark Connect hostname names one cluster, so rename the cluster or the team's shortName",
                                at: location, notes: [.init("first claimed here", at: earlier.location)]))
                    }
                } else {
                    first[host] = (location, cluster)
                }
            }
        }
    }

    private mutating func capacity(_ claims: [TeamClaims]) {
        struct Contribution {
            var cpu: Int, memory: Int, pods: Int
            var location: SourceLocation
            var label: String
        }
        var contributions: [String: [Contribution]] = [:]
        for claim in claims {
            for quota in claim.quotas {
                contributions[quota.region, default: []].append(
                    Contribution(
                        cpu: quota.cpuMillis, memory: quota.memoryBytes, pods: quota.pods, location: quota.location,
                        label: quota.label))
            }
        }
        for name in index.regionNames {
            guard let capacity = index.regionTemplates[name]?.capacity, let placed = contributions[name] else { continue }
            let cpu = placed.reduce(0) { $0.saturatingAdd($1.cpu) }
            let memory = placed.reduce(0) { $0.saturatingAdd($1.memory) }
            let pods = placed.reduce(0) { $0.saturatingAdd($1.pods) }
            var over: [(text: String, location: SourceLocation, size: (Contribution) -> Int)] = []
            if let limit = capacity.cpu, let millis = limit.value.millis, cpu > millis {
                over.append(("cpu \(AmountText.cpu(millis: cpu)) > \(limit.value.text)", limit.location, { $0.cpu }))
            }
            if let limit = capacity.memory, let bytes = limit.value.bytes, memory > bytes {
                over.append(("memory \(AmountText.memory(bytes: memory)) > \(limit.value.text)", limit.location, { $0.memory }))
            }
            if let limit = capacity.pods, pods > limit.value {
                over.append(("pods \(pods) > \(limit.value)", limit.location, { $0.pods }))
            }
            guard let first = over.first else { continue }
            // The biggest contributors of the first exceeded resource, where
            // their teams can lower them.
            let largest = placed.sorted { (first.size($0), $0.location) > (first.size($1), $1.location) }.prefix(3)
            diagnostics.append(
                .error(
                    .exceedsCapacity,
                    "the quotas of the \(placed.count) namespace\(placed.count == 1 ? "" : "s") placed in region '\(name)' add up to more than its capacity ("
                        + over.map(\.text).joined(separator: ", ")
                        + "); raise the region's capacity or lower team quotas",
                    at: first.location,
                    notes: largest.map {
                        .init(
                            "\($0.label) places \(AmountText.cpu(millis: $0.cpu)) CPU, \(AmountText.memory(bytes: $0.memory)), \($0.pods) pods",
                            at: $0.location)
                    }))
        }
    }
}
