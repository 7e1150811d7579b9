import PedregalManifests
import PedregalYAML

/// Compares the manifests of two compilations object by object.
public enum Differ {
    public static func diff(base: [Manifest], head: [Manifest]) -> DiffReport {
        let old = Dictionary(base.map { (ObjectKey($0), $0) }, uniquingKeysWith: { first, _ in first })
        let new = Dictionary(head.map { (ObjectKey($0), $0) }, uniquingKeysWith: { first, _ in first })
        var changes: [ObjectChange] = []
        for key in Set(old.keys).union(new.keys).sorted() {
            let before = old[key]
            let after = new[key]
            let manifest = after ?? before!
            let team = manifest.object["metadata"]?["labels"]?[Vocabulary.team]?.string
            switch (before, after) {
            case (nil, let a?):
                changes.append(
                    ObjectChange(
                        kind: .added, key: key, apiVersion: a.id.apiVersion, team: team,
                        source: a.source, fields: [], old: nil, new: a.object))
            case (let b?, nil):
                changes.append(
                    ObjectChange(
                        kind: .removed, key: key, apiVersion: b.id.apiVersion, team: team,
                        source: b.source, fields: [], old: b.object, new: nil))
            case (let b?, let a?):
                let fields = ValueDiff.changes(b.object, a.object)
                if !fields.isEmpty {
                    changes.append(
                        ObjectChange(
                            kind: .changed, key: key, apiVersion: a.id.apiVersion, team: team,
                            source: a.source, fields: fields, old: b.object, new: a.object))
                }
            case (nil, nil): break
            }
        }
        return DiffReport(changes: changes, summaries: summarize(changes), risks: RiskRules.risks(in: changes))
    }

    private struct SummaryKey: Hashable, Comparable {
        var cluster: String
        var team: String
        static func < (a: SummaryKey, b: SummaryKey) -> Bool { (a.cluster, a.team) < (b.cluster, b.team) }
    }

    private static func summarize(_ changes: [ObjectChange]) -> [TeamSummary] {
        var summaries: [SummaryKey: TeamSummary] = [:]
        for change in changes {
            let key = SummaryKey(cluster: change.key.cluster, team: change.team ?? "")
            var summary = summaries[key] ?? TeamSummary(cluster: change.key.cluster, team: change.team)
            switch change.kind {
            case .added: summary.added += 1
            case .changed: summary.changed += 1
            case .removed: summary.removed += 1
            }
            if change.key.kind == "ResourceQuota" {
                let (oldCPU, oldMemory, oldPods) = quota(change.old)
                let (newCPU, newMemory, newPods) = quota(change.new)
                summary.cpuMillis += newCPU - oldCPU
                summary.memoryBytes += newMemory - oldMemory
                summary.pods += newPods - oldPods
            }
            if change.key.kind == "DNSEndpoint" {
                let before = dnsNames(change.old)
                let after = dnsNames(change.new)
                summary.dnsAdded += after.subtracting(before).sorted()
                summary.dnsRemoved += before.subtracting(after).sorted()
            }
            summaries[key] = summary
        }
        return summaries.keys.sorted().map { summaries[$0]! }
    }

    private static func quota(_ object: YAMLValue?) -> (Int, Int, Int) {
        let hard = object?["spec"]?["hard"]
        // Quotas are written in the API server's canonical form (`2k` pods).
        func amount(_ key: String, scale: Int = 0) -> Int {
            hard?[key]?.string.flatMap { KubernetesQuantity($0) }?.value(scale: scale) ?? 0
        }
        let cpu = amount("requests.cpu", scale: -3)
        let memory = amount("requests.memory")
        let pods = amount("pods")
        return (cpu, memory, pods)
    }

    /// Hostnames a DNSEndpoint publishes.
    static func dnsNames(_ object: YAMLValue?) -> Set<String> {
        Set((object?["spec"]?["endpoints"]?.listValue ?? []).compactMap { $0["dnsName"]?.string })
    }
}
