import Foundation
import PedregalBasics
import PedregalCompiler
import PedregalTestSupport
import Testing

@testable import PedregalDiff

/// The reports reviewers and bots read.
@Suite struct ReportTests {
    static let fixtures = Paths.packageRoot.appendingPathComponent("Tests/PedregalDiffTests/Fixtures")

    /// A change that touches every part of a report: a new team, a quota
    /// raise, a removed environment, a new peer namespace.
    static var report: DiffReport {
        let base = Fixtures.compile([
            "teams/alpha.yaml": DiffTests.team,
            "teams/beta.yaml":
                "team: beta\nowners: { admins: [beta-admins] }\nenvironments:\n  dev: { regions: [us-west-2], size: small }\n  prod: { regions: [eu-west-1], size: small }\n",
        ])
        let head = Fixtures.compile([
            "teams/alpha.yaml": DiffTests.team.replacingAll(
                "    size: small\n  prod:", with: "    size: small\n    quota: { cpu: \"48\" }\n  prod:")
                + "network:\n  sparkConnectFrom:\n    - namespace: jupyterhub\n",
            "teams/beta.yaml":
                "team: beta\nowners: { admins: [beta-admins] }\nenvironments:\n  dev: { regions: [us-west-2], size: small }\n",
            "teams/gamma.yaml":
                "team: gamma\nowners: { admins: [gamma-admins] }\nenvironments:\n  dev: { regions: [us-west-2], size: small }\nsparkConnect:\n  - name: default\n",
        ])
        return Differ.diff(base: base.manifests, head: head.manifests)
    }

    func golden(_ text: String, _ name: String) throws {
        let report = try Golden.compare(text, with: Self.fixtures.appendingPathComponent(name))
        #expect(report.isEmpty, "\(report)")
    }

    @Test func markdownCommentMatchesTheGolden() throws {
        let markdown = DiffFormatter(style: .markdown, maxLinesPerCluster: 20, baseLabel: "origin/main", headLabel: "pull/42")
            .format(Self.report)
        try golden(markdown, "pr-comment.md")
        #expect(markdown.contains("#### ⚠️ Risks"))
        #expect(markdown.contains("<details><summary><code>sk8-us-west-2</code>"))
        #expect(markdown.contains("more lines not shown"))
    }

    @Test func textReportMatchesTheGolden() throws {
        try golden(DiffFormatter(style: .text, baseLabel: "origin/main", headLabel: "pull/42").format(Self.report), "report.txt")
    }

    @Test func jsonHasTheDocumentedShape() throws {
        let text = DiffFormatter(style: .json, baseLabel: "a", headLabel: "b").format(Self.report)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["version", "base", "head", "changed", "totals", "summary", "risks", "changes"])
        #expect(object["version"] as? Int == 1)
        let change = try #require((object["changes"] as? [[String: Any]])?.first)
        #expect(Set(change.keys) == ["change", "cluster", "apiVersion", "kind", "namespace", "name", "team", "source", "fields"])
        let risk = try #require((object["risks"] as? [[String: Any]])?.first)
        #expect(Set(risk.keys) == ["kind", "cluster", "object", "team", "detail"])
        let summary = try #require((object["summary"] as? [[String: Any]])?.first)
        #expect(
            Set(summary.keys) == [
                "cluster", "team", "added", "changed", "removed", "cpuMillis", "memoryBytes", "pods", "dnsAdded", "dnsRemoved",
            ])
        try golden(text, "report.json")
    }

    @Test func noChangesSaySo() {
        let empty = DiffReport(changes: [], summaries: [], risks: [])
        #expect(DiffFormatter(style: .text, baseLabel: "a", headLabel: "b").format(empty) == "no changes between a and b\n")
        #expect(DiffFormatter(style: .markdown, baseLabel: "a", headLabel: "b").format(empty).contains("No changes"))
    }
}
