import PedregalManifests
import PedregalYAML

/// The changes a reviewer must see called out, whatever else the diff holds:
/// lost namespaces and hostnames, wider access, weaker network isolation,
/// and running workloads that a sync restarts or stops.
enum RiskRules {
    static func risks(in changes: [ObjectChange]) -> [Risk] {
        // Inside a namespace that goes away, losing its policies is implied.
        let removedNamespaces = Set(
            changes.filter { $0.kind == .removed && $0.key.kind == "Namespace" }
                .map { "\($0.key.cluster)/\($0.key.name)" })
        func inRemovedNamespace(_ change: ObjectChange) -> Bool {
            change.key.namespace.map { removedNamespaces.contains("\(change.key.cluster)/\($0)") } ?? false
        }
        var risks: [Risk] = []
        func add(_ kind: Risk.Kind, _ change: ObjectChange, _ detail: String) {
            risks.append(
                Risk(
                    kind: kind, cluster: change.key.cluster, object: change.key.description, team: change.team,
                    detail: detail))
        }
        for change in changes {
            switch change.key.kind {
            case "Namespace" where change.kind == .removed:
                add(.namespaceRemoved, change, "namespace '\(change.key.name)' and everything in it will be deleted")
            case "DNSEndpoint":
                for host in Differ.dnsNames(change.old).subtracting(Differ.dnsNames(change.new)).sorted() {
                    add(.dnsNameRemoved, change, "'\(host)' will stop resolving; clients using sc://\(host) break")
                }
            case "RoleBinding", "ClusterRoleBinding":
                // People and foreign ServiceAccounts gain access; a namespace's
                // own ServiceAccount bound in it does not widen who can act.
                let own = change.key.namespace.map { "ServiceAccount \($0)/" } ?? "\u{0}"
                let added = subjects(change.new).subtracting(subjects(change.old)).filter { !$0.hasPrefix(own) }.sorted()
                if !added.isEmpty {
                    add(.rbacSubjectsAdded, change, "gains \(added.joined(separator: ", "))")
                }
            case "Role", "ClusterRole":
                guard change.kind == .changed || change.key.kind == "ClusterRole" else { break }
                let widened = ruleAtoms(change.new).subtracting(ruleAtoms(change.old)).sorted()
                if !widened.isEmpty && change.kind != .removed {
                    add(
                        .rbacRulesWidened, change,
                        "now allows \(widened.prefix(8).joined(separator: ", "))"
                            + (widened.count > 8 ? " and \(widened.count - 8) more" : ""))
                }
            case "NetworkPolicy":
                if change.kind == .removed, !inRemovedNamespace(change) {
                    add(.networkPolicyRemoved, change, "policy '\(change.key.name)' no longer restricts traffic")
                } else if change.kind == .changed, let reason = loosening(change.old, change.new) {
                    add(.networkPolicyLoosened, change, reason)
                }
            case "SparkApplication":
                let component = (change.new ?? change.old)?["metadata"]?["labels"]?[Vocabulary.component]?.string
                let what = component == SparkComponent.connectServer ? "Spark Connect server (open sessions drop)" : "streaming job"
                if change.kind == .changed, change.fields.contains(where: { $0.path.hasPrefix("spec") }) {
                    add(
                        .workloadRestarted, change,
                        "the \(what) restarts: \(change.fields.filter { $0.path.hasPrefix("spec") }.count) spec field(s) change")
                } else if change.kind == .removed, !inRemovedNamespace(change) {
                    add(.workloadStopped, change, "the \(what) is stopped and deleted")
                }
            default:
                break
            }
        }
        let order = Dictionary(uniqueKeysWithValues: Risk.Kind.allCases.enumerated().map { ($1, $0) })
        return risks.enumerated().sorted { a, b in
            (order[a.element.kind]!, a.offset) < (order[b.element.kind]!, b.offset)
        }.map(\.element)
    }

    private static func subjects(_ object: YAMLValue?) -> Set<String> {
        Set(
            (object?["subjects"]?.listValue ?? []).map { subject in
                let kind = subject["kind"]?.string ?? "?"
                let name = subject["name"]?.string ?? "?"
                return subject["namespace"]?.string.map { "\(kind) \($0)/\(name)" } ?? "\(kind) \(name)"
            })
    }

    /// Every (apiGroup, resource, verb) a role grants, as "verb group/resource".
    private static func ruleAtoms(_ object: YAMLValue?) -> Set<String> {
        var atoms: Set<String> = []
        for rule in object?["rules"]?.listValue ?? [] {
            let groups = rule["apiGroups"]?.listValue?.compactMap(\.string) ?? [""]
            let resources = rule["resources"]?.listValue?.compactMap(\.string) ?? []
            let verbs = rule["verbs"]?.listValue?.compactMap(\.string) ?? []
            for group in groups {
                for resource in resources {
                    for verb in verbs { atoms.insert("\(verb) \(group.isEmpty ? "" : group + "/")\(resource)") }
                }
            }
        }
        return atoms
    }

    /// Why `new` admits traffic `old` did not, if it does.
    private static func loosening(_ old: YAMLValue?, _ new: YAMLValue?) -> String? {
        let oldSpec = old?["spec"]
        let newSpec = new?["spec"]
        let oldTypes = Set(oldSpec?["policyTypes"]?.listValue?.compactMap(\.string) ?? [])
        let newTypes = Set(newSpec?["policyTypes"]?.listValue?.compactMap(\.string) ?? [])
        if oldTypes.contains("Ingress") && !newTypes.contains("Ingress") { return "it no longer restricts ingress" }
        if oldSpec?["podSelector"] != newSpec?["podSelector"] {
            return
                "it now selects different pods (\(JSONWriter.string(oldSpec?["podSelector"] ?? .null)) → \(JSONWriter.string(newSpec?["podSelector"] ?? .null)))"
        }
        let added = allowances(newSpec).subtracting(allowances(oldSpec)).sorted()
        return added.isEmpty ? nil : "it now admits \(added.joined(separator: "; "))"
    }

    /// Each (peer, port) an ingress policy admits, with `In` expressions
    /// split into one peer per value so adding a namespace shows as such.
    private static func allowances(_ spec: YAMLValue?) -> Set<String> {
        var result: Set<String> = []
        for rule in spec?["ingress"]?.listValue ?? [] {
            var peers: [String] = []
            for peer in rule["from"]?.listValue ?? [.null] {
                var expanded = false
                if let expressions = peer["namespaceSelector"]?["matchExpressions"]?.listValue {
                    for expression in expressions where expression["operator"]?.string == "In" {
                        for value in expression["values"]?.listValue?.compactMap(\.string) ?? [] {
                            peers.append("namespace \(value)")
                            expanded = true
                        }
                    }
                }
                if !expanded { peers.append(peer == .null ? "any source" : JSONWriter.string(peer)) }
            }
            let ports = (rule["ports"]?.listValue ?? []).map { port in
                "\(port["protocol"]?.string ?? "TCP")/\(port["port"].map(JSONWriter.string) ?? "any")"
            }
            for peer in peers {
                for port in ports.isEmpty ? ["any port"] : ports { result.insert("\(peer) on \(port)") }
            }
        }
        return result
    }
}
