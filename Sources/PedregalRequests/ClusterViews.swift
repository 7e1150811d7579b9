import PedregalResolver

/// Gathers a cluster's facts from a remote state and the commits it names,
/// then derives its view with `ClusterStateRules`. Reads use the state last
/// read from the remote; the writer uses the state its batch has made.
struct ClusterViews: Sendable {
    let placements: PlacementReader
    let probe: ClusterProbe
    let targetBranch: String
    let clock: @Sendable () -> Int

    /// The cluster `id` as `state` says it is (with its cluster's account when
    /// `probe`); `target` replaces the state's target commit (the commit of a
    /// change, for the change's own answer).
    func view(_ id: ClusterID, in state: RemoteState, target: String? = nil, probe: Bool) async throws -> ClusterView? {
        let targetCommit = target ?? state.target
        var facts = ClusterFacts(id: id, targetBranch: targetBranch, targetCommit: targetCommit, now: clock())
        facts.target = try await placements.team(id.team, at: targetCommit).placements[id.name]
        if let placement = facts.target {
            let path =
                "generated/\(placement.region.cluster)/\(placement.environment.namespace)/dnsendpoint-\(ObjectNames.sparkConnectService(id.name)).yaml"
            facts.generated = try await placements.generated(path, at: targetCommit)
            if probe, facts.generated, self.probe.connections[placement.region.cluster] != nil {
                let manifests = try await placements.manifests(of: id.team, at: targetCommit)
                facts.live = await self.probe.state(of: placement, manifests: manifests)
            } else if probe, facts.generated {
                facts.live = .notConfigured(cluster: placement.region.cluster)
            }
        }
        if let branch = state.branches[id], !branch.merged {
            let placement = try await placements.team(id.team, at: branch.commit).placements[id.name]
            let applied = branch.action == .delete ? facts.target == nil : Self.same(placement, facts.target)
            if !applied {
                facts.branch = (branch, placement)
                if let conflict = state.conflicts[id], conflict.branchCommit == branch.commit { facts.conflict = conflict.reason }
            }
        }
        if let record = state.records[id], facts.target == nil, facts.branch == nil {
            let placement =
                record.action == .delete ? nil : try await placements.team(id.team, at: record.commit).placements[id.name]
            facts.record = (record, record.merged, placement)
        }
        return ClusterStateRules.view(facts)
    }

    /// Every cluster of `team` the API manages or has changed.
    func views(team: String, in state: RemoteState, probe: Bool) async throws -> [ClusterView] {
        var ids = Set(state.branches.keys.filter { $0.team == team }).union(state.records.keys.filter { $0.team == team })
        for name in try await placements.team(team, at: state.target).placements.keys { ids.insert(ClusterID(team: team, name: name)) }
        var views: [ClusterView] = []
        for id in ids.sorted(by: { $0.name < $1.name }) {
            if let view = try await view(id, in: state, probe: probe) { views.append(view) }
        }
        return views
    }

    /// Whether two placements are the same cluster with the same settings.
    static func same(_ a: Placement?, _ b: Placement?) -> Bool {
        guard let a, let b else { return false }
        return a.environment.name == b.environment.name && a.region == b.region && a.cluster.size == b.cluster.size
            && a.cluster.expiresAt == b.cluster.expiresAt && a.cluster.catalogs.map(\.name) == b.cluster.catalogs.map(\.name)
            && a.cluster.engine.version == b.cluster.engine.version
    }
}
