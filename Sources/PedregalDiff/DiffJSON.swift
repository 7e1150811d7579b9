import PedregalManifests
import PedregalYAML

/// The `--format json` document, version 1. Its shape is documented in
/// docs/diff.md and only grows: new keys may appear, none change meaning.
///
/// ```
/// { "version": 1, "base": "...", "head": "...", "changed": true,
///   "totals": {"added": 0, "changed": 0, "removed": 0},
///   "summary": [{"cluster", "team", "added", "changed", "removed",
///                "cpuMillis", "memoryBytes", "pods", "dnsAdded", "dnsRemoved"}],
///   "risks": [{"kind", "cluster", "object", "team", "detail"}],
///   "changes": [{"change": "added|changed|removed", "cluster", "apiVersion",
///                "kind", "namespace", "name", "team", "source",
///                "fields": [{"path", "old", "new"}]}] }
/// ```
enum DiffJSON {
    static func document(_ report: DiffReport, base: String, head: String) -> String {
        let count = { (kind: ObjectChange.Kind) in report.changes.filter { $0.kind == kind }.count }
        let value: YAMLValue = .object([
            "version": 1,
            "base": .string(base),
            "head": .string(head),
            "changed": .bool(report.hasChanges),
            "totals": ["added": .int(count(.added)), "changed": .int(count(.changed)), "removed": .int(count(.removed))],
            "summary": .list(
                report.summaries.map { s in
                    .object([
                        "cluster": .string(s.cluster), "team": s.team.map(YAMLValue.string) ?? .null,
                        "added": .int(s.added), "changed": .int(s.changed), "removed": .int(s.removed),
                        "cpuMillis": .int(s.cpuMillis), "memoryBytes": .int(s.memoryBytes), "pods": .int(s.pods),
                        "dnsAdded": .list(s.dnsAdded.map(YAMLValue.string)), "dnsRemoved": .list(s.dnsRemoved.map(YAMLValue.string)),
                    ])
                }),
            "risks": .list(
                report.risks.map { r in
                    .object([
                        "kind": .string(r.kind.rawValue), "cluster": .string(r.cluster), "object": .string(r.object),
                        "team": r.team.map(YAMLValue.string) ?? .null, "detail": .string(r.detail),
                    ])
                }),
            "changes": .list(
                report.changes.map { c in
                    .object([
                        "change": .string(c.kind.rawValue), "cluster": .string(c.key.cluster), "apiVersion": .string(c.apiVersion),
                        "kind": .string(c.key.kind), "namespace": c.key.namespace.map(YAMLValue.string) ?? .null,
                        "name": .string(c.key.name), "team": c.team.map(YAMLValue.string) ?? .null, "source": .string(c.source),
                        "fields": .list(
                            c.fields.map { f in
                                .object(["path": .string(f.path), "old": f.old ?? .null, "new": f.new ?? .null])
                            }),
                    ])
                }),
        ])
        return JSONWriter.pretty(value) + "\n"
    }
}
