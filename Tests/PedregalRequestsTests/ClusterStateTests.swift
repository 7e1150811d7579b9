import Foundation
import PedregalCompiler
import PedregalRequests
import PedregalTestSupport
import Testing

/// States come from git and the cluster, by fixed rules: never pending when
/// closed, never ready unless the cluster says so.
@Suite struct ClusterStateTests {
    static let id = ClusterID(team: "alpha", name: "eval")

    static func placement(expiresAt: String = "2030-01-01T00:00:00Z") throws -> Placement {
        let team =
            GitFixture.team + """
                sparkConnect:
                  - name: eval
                    environments: [staging]
                    regions: [us-west-2]
                    expiresAt: \(expiresAt)

                """
        let compilation = Fixtures.compile(["teams/alpha.yaml": team])
        return try #require(compilation.platform?.placements(team: "alpha")["eval"])
    }

    static let now = 1_800_000_000  // 2027-01-15

    func facts() -> ClusterFacts { ClusterFacts(id: Self.id, targetBranch: "main", targetCommit: "aaaa", now: Self.now) }

    func ref(_ action: ChangeAction, _ commit: String = "bbbb") -> ClusterRef {
        ClusterRef(commit: commit, action: action)
    }

    @Test func onlyManagesClustersInOnePlace() throws {
        let placements = Fixtures.compile([
            "teams/alpha.yaml": GitFixture.team + """
                sparkConnect:
                  - name: default
                    environments: [dev]
                  - name: spread
                    environments: [prod]
                  - name: one
                    environments: [prod]
                    regions: [eu-west-1]

                """
        ]).platform?.placements(team: "alpha")
        #expect(placements?.keys.sorted() == ["one"])
        #expect(placements?["one"]?.endpoint == "sc://alpha-one.example.team")
    }

    @Test func pendingUntilMergedThenProvisioningThenReady() throws {
        var facts = facts()
        facts.branch = (ref(.create), try Self.placement())
        let pending = try #require(ClusterStateRules.view(facts))
        #expect(pending.status == .pendingReview)
        #expect(pending.pendingChange == PendingChange(action: .create, branch: "cluster-requests/alpha/eval", commit: "bbbb"))
        #expect(pending.commit == nil)

        facts.branch = nil
        facts.target = try Self.placement()
        #expect(ClusterStateRules.view(facts)?.status == .provisioning)
        #expect(ClusterStateRules.view(facts)?.reason?.contains("generated/ there does not hold it yet") == true)
        facts.generated = true
        #expect(ClusterStateRules.view(facts)?.reason?.contains("waiting for Argo CD") == true)
        facts.live = .notConfigured(cluster: "sk8-us-west-2")
        #expect(ClusterStateRules.view(facts)?.status == .provisioning)

        let service = LiveObject(id: "Service sjns-alpha-stg/sc-eval", present: true, ok: true, word: "ok")
        let server = "SparkApplication sjns-alpha-stg/sc-eval-0"
        facts.live = .objects(
            cluster: "sk8-us-west-2",
            [
                service, LiveObject(id: server, present: false, ok: false, word: "missing"),
            ])
        #expect(ClusterStateRules.view(facts)?.status == .provisioning)
        #expect(ClusterStateRules.view(facts)?.reason?.contains("waiting for Argo CD to sync: 1 of 2") == true)
        facts.live = .objects(
            cluster: "sk8-us-west-2",
            [
                service, LiveObject(id: server, present: true, ok: false, word: "unhealthy", health: "DriverRequested"),
            ])
        #expect(ClusterStateRules.view(facts)?.status == .provisioning)
        facts.live = .objects(
            cluster: "sk8-us-west-2",
            [
                service,
                LiveObject(id: server, present: true, ok: false, word: "unhealthy", health: "SchedulingFailure: 0/3 nodes are available"),
            ])
        #expect(ClusterStateRules.view(facts)?.status == .failed)
        #expect(ClusterStateRules.view(facts)?.reason?.contains("0/3 nodes are available") == true)
        facts.live = .objects(
            cluster: "sk8-us-west-2",
            [
                service, LiveObject(id: server, present: true, ok: true, word: "ok", health: "RunningHealthy"),
            ])
        let ready = try #require(ClusterStateRules.view(facts))
        #expect(ready.status == .ready)
        #expect(ready.reason == nil)
        #expect(ready.commit == "aaaa")
    }

    @Test func closedWithoutMergingIsFailed() throws {
        var facts = facts()
        facts.record = (ref(.create), false, try Self.placement())
        let view = try #require(ClusterStateRules.view(facts))
        #expect(view.status == .failed)
        #expect(view.reason?.contains("closed without being merged") == true)
    }

    @Test func expiredOnTheBranchOrRemoved() throws {
        var facts = facts()
        facts.target = try Self.placement(expiresAt: "2026-12-31T00:00:00Z")
        facts.generated = true
        #expect(ClusterStateRules.view(facts)?.status == .expired)
        facts.target = nil
        facts.record = (ref(.create), true, try Self.placement(expiresAt: "2026-12-31T00:00:00Z"))
        #expect(ClusterStateRules.view(facts)?.status == .expired)
        // Merged and removed before it expired: deleted by hand, so gone.
        facts.record = (ref(.create), true, try Self.placement())
        #expect(ClusterStateRules.view(facts) == nil)
        facts.record = (ref(.delete), true, nil)
        #expect(ClusterStateRules.view(facts) == nil)
    }

    @Test func aPendingDeletionIsShownOnTheCluster() throws {
        var facts = facts()
        facts.target = try Self.placement()
        facts.generated = true
        facts.branch = (ref(.delete), nil)
        let view = try #require(ClusterStateRules.view(facts))
        #expect(view.pendingChange?.action == .delete)
        #expect(view.status == .provisioning)
    }

    @Test func theCommittedDocumentIsTheServedOne() throws {
        let committed = try String(
            contentsOf: Paths.packageRoot.appendingPathComponent("schemas/cluster-requests.openapi.yaml"), encoding: .utf8)
        #expect(committed == OpenAPIDocument.text, "run: swift run pedregal serve --print-openapi > schemas/cluster-requests.openapi.yaml")
    }
}
