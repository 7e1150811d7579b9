import Foundation
import PedregalBasics
import PedregalCompiler
import PedregalManifests
import PedregalTestSupport
import PedregalYAML
import Testing

@testable import PedregalDiff

/// Pairs of roots: each kind of change and each risk.
@Suite struct DiffTests {
    static let team = """
        team: alpha
        owners:
          admins: [alpha-admins]
          members: [alpha]
        environments:
          dev:
            regions: [us-west-2]
            size: small
          prod:
            regions: [us-west-2, eu-west-1]
            size: small
        sparkConnect:
          - name: default
        jobs:
          - name: stream
            type: streaming
            environments: [prod]
            mainApplicationFile: s3://alpha/stream.py

        """

    func diff(base: [String: String], head: [String: String]) -> DiffReport {
        let old = Fixtures.compile(base)
        let new = Fixtures.compile(head)
        #expect(!old.hasErrors, "\(old.diagnostics)")
        #expect(!new.hasErrors, "\(new.diagnostics)")
        return Differ.diff(base: old.manifests, head: new.manifests)
    }

    func diff(from old: String, to new: String) -> DiffReport {
        diff(base: ["teams/alpha.yaml": old], head: ["teams/alpha.yaml": new])
    }

    @Test func identicalInputHasNoChanges() {
        let report = diff(from: Self.team, to: Self.team)
        #expect(!report.hasChanges)
        #expect(report.risks.isEmpty)
    }

    @Test func keyOrderAndFormattingNeverCount() {
        let reordered = """
            environments:
              prod: { size: small, regions: ["us-west-2", 'eu-west-1'] }
              dev: {regions: [us-west-2], size: "small"}
            owners: {members: [alpha], admins: [alpha-admins]}
            team: "alpha"
            jobs: [{type: streaming, name: stream, mainApplicationFile: "s3://alpha/stream.py", environments: [prod]}]
            sparkConnect: [{name: default}]

            """
        #expect(!diff(from: Self.team, to: reordered).hasChanges)
    }

    @Test func quotaChangesShowFieldsAndDeltas() throws {
        let bigger = Self.team.replacingAll(
            "  dev:\n    regions: [us-west-2]\n    size: small",
            with: "  dev:\n    regions: [us-west-2]\n    size: small\n    quota: { cpu: \"64\", pods: 150 }")
        let report = diff(from: Self.team, to: bigger)
        let change = try #require(report.changes.first { $0.key.kind == "ResourceQuota" })
        #expect(change.kind == .changed)
        #expect(
            change.fields == [
                FieldChange(path: #"spec.hard.pods"#, old: "100", new: "150"),
                FieldChange(path: #"spec.hard["requests.cpu"]"#, old: "32", new: "64"),
            ])
        let summary = try #require(report.summaries.first { $0.team == "alpha" })
        #expect(summary.cpuMillis == 32_000)
        #expect(summary.pods == 50)
        #expect(summary.memoryBytes == 0)
        #expect(report.risks.isEmpty)
    }

    @Test func newTeamAddsObjectsDNSAndSubjects() throws {
        let report = diff(base: [:], head: ["teams/alpha.yaml": Self.team])
        #expect(report.changes.allSatisfy { $0.kind == .added || $0.key.kind == "ConfigMap" && $0.key.namespace == "spark-operator" })
        let us = try #require(report.summaries.first { $0.cluster == "sk8-us-west-2" && $0.team == "alpha" })
        #expect(us.dnsAdded == ["alpha-dev-us.example.team", "alpha-dev.example.team", "alpha-us.example.team", "alpha.example.team"])
        #expect(us.cpuMillis == 64_000)
        #expect(report.risks.contains { $0.kind == .rbacSubjectsAdded && $0.detail == "gains Group okta:alpha-admins" })
        // The operator's watched namespaces grow.
        let watched = try #require(
            report.changes.first { $0.key.name == "spark-kubernetes-operator-dynamic-configuration" && $0.key.cluster == "sk8-us-west-2" })
        #expect(watched.fields.map(\.path) == [#"data["spark.kubernetes.operator.watchedNamespaces"]"#])
    }

    @Test func removingAnEnvironmentFlagsNamespaceAndDNS() {
        let noDev = Self.team.replacingAll("  dev:\n    regions: [us-west-2]\n    size: small\n", with: "")
        let report = diff(from: Self.team, to: noDev)
        let kinds = Set(report.risks.map(\.kind))
        #expect(kinds.contains(.namespaceRemoved))
        #expect(kinds.contains(.dnsNameRemoved))
        #expect(report.risks.contains { $0.kind == .namespaceRemoved && $0.object == "Namespace sjns-alpha-dev" })
        #expect(report.risks.contains { $0.detail.hasPrefix("'alpha-dev.example.team' will stop resolving") })
        #expect(report.changes.filter { $0.kind == .removed }.count > 10)
    }

    @Test func newMemberGroupAddsSubjects() {
        let more = Self.team.replacingAll("members: [alpha]", with: "members: [alpha, contractors]")
        let report = diff(from: Self.team, to: more)
        let added = report.risks.filter { $0.kind == .rbacSubjectsAdded }
        #expect(added.count == 3)  // dev in us, prod in us and eu
        #expect(added.allSatisfy { $0.detail == "gains Group okta:contractors" })
    }

    @Test func anotherSparkConnectSourceLoosensTheNetworkPolicy() {
        let open = Self.team + "network:\n  sparkConnectFrom:\n    - namespace: jupyterhub\n"
        let report = diff(from: Self.team, to: open)
        let loosened = report.risks.filter { $0.kind == .networkPolicyLoosened }
        #expect(loosened.count == 3)
        #expect(loosened.first?.detail == "it now admits namespace jupyterhub on TCP/15002")
    }

    @Test func streamingSpecChangesRestartTheJob() throws {
        let changed = Self.team.replacingAll(
            "mainApplicationFile: s3://alpha/stream.py", with: "mainApplicationFile: s3://alpha/stream.py\n    args: [--fast]")
        let report = diff(from: Self.team, to: changed)
        let restarts = report.risks.filter { $0.kind == .workloadRestarted }
        #expect(restarts.count == 1)  // a job runs in the environment's primary region only
        #expect(restarts.allSatisfy { $0.detail.hasPrefix("the streaming job restarts") })
        let change = try #require(report.changes.first { $0.key.kind == "SparkApplication" && $0.key.name == "stream" })
        #expect(change.fields == [FieldChange(path: "spec.driverArgs", old: nil, new: ["--fast"])])
    }

    @Test func removingAStreamingJobStopsIt() {
        let without = String(Self.team[..<Self.team.firstRange(of: "jobs:")!.lowerBound])
        let report = diff(from: Self.team, to: without)
        #expect(report.risks.contains { $0.kind == .workloadStopped && $0.object == "SparkApplication sjns-alpha-prod/stream" })
    }

    @Test func widenedRolesAndRemovedPoliciesAreRisks() {
        func manifest(_ object: YAMLValue) -> Manifest { Manifest(cluster: "c", object: object, source: "teams/a.yaml") }
        let role: (YAMLValue) -> Manifest = { verbs in
            manifest([
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": ["name": "r", "namespace": "n"],
                "rules": [["apiGroups": [""], "resources": ["pods"], "verbs": verbs]],
            ])
        }
        let policy = manifest([
            "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": ["name": "default-deny-ingress", "namespace": "n"],
            "spec": ["podSelector": [:], "policyTypes": ["Ingress"]],
        ])
        let report = Differ.diff(base: [role(["get"]), policy], head: [role(["get", "delete"])])
        #expect(report.risks.map(\.kind) == [.rbacRulesWidened, .networkPolicyRemoved])  // ordered by kind
        #expect(report.risks[0].detail == "now allows delete pods")
    }

    @Test func listItemsAreMatchedByName() {
        let old: YAMLValue = ["spec": ["containers": [["name": "a", "image": "x:1"], ["name": "b", "image": "y:1"]]]]
        let new: YAMLValue = [
            "spec": ["containers": [["name": "z", "image": "z:1"], ["name": "a", "image": "x:1"], ["name": "b", "image": "y:2"]]]
        ]
        #expect(
            ValueDiff.changes(old, new) == [
                FieldChange(path: "spec.containers[name=b].image", old: "y:1", new: "y:2"),
                FieldChange(path: "spec.containers[name=z]", old: nil, new: ["name": "z", "image": "z:1"]),
            ])
    }

    @Test func embeddedDocumentsAreComparedAsTrees() {
        let old: YAMLValue = ["data": ["route.yaml": "hostnames:\n- a\nport: 1\n"]]
        let new: YAMLValue = ["data": ["route.yaml": "port: 1\nhostnames:\n- a\n- b\n"]]
        #expect(ValueDiff.changes(old, new) == [FieldChange(path: #"data["route.yaml"].hostnames"#, old: ["a"], new: ["a", "b"])])
    }

    @Test func multiLineTextShowsALineDiff() {
        #expect(ValueText.lineDiff("a\nb\nc\n", "a\nc\nd\n") == ["- b", "+ d"])
    }
}
