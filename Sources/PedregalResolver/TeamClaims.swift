import PedregalDiagnostics

/// What a team claims that must be unique or bounded across all teams;
/// gathered per team (in parallel), checked once in `CrossTeamChecks`.
struct TeamClaims: Sendable {
    var team: Located<String>?
    var shortName: Located<String>?
    /// Whether `shortName` is the team name standing in.
    var shortNameIsDefault = false
    /// (cluster, namespace) and where it comes from.
    var namespaces: [(cluster: String, namespace: String, location: SourceLocation)] = []
    /// Hostnames, where they come from, and the Spark Connect cluster.
    var hostnames: [(host: String, location: SourceLocation, cluster: String)] = []
    /// Quota placed in each region, where the environment is written, and
    /// what to call it in a note.
    var quotas: [(region: String, cpuMillis: Int, memoryBytes: Int, pods: Int, location: SourceLocation, label: String)] = []
}
