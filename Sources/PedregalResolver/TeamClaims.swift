import PedregalDiagnostics

/// What a team claims that must be unique or bounded across all teams;
/// gathered per team (in parallel), checked once in `CrossTeamChecks`.
/// A plain value, so that an incremental compile can keep it for teams
/// whose files did not change.
public struct TeamClaims: Sendable, Equatable {
    /// The team name, when valid.
    public var team: Located<String>?
    /// The shortName (or the team name standing in), when valid.
    public var shortName: Located<String>?
    /// Whether `shortName` is the team name standing in.
    public var shortNameIsDefault = false
    /// (cluster, namespace) and where it comes from.
    public var namespaces: [(cluster: String, namespace: String, location: SourceLocation)] = []
    /// Hostnames, where they come from, and the Spark Connect cluster.
    public var hostnames: [(host: String, location: SourceLocation, cluster: String)] = []
    /// Quota placed in each region, where the environment is written, and
    /// what to call it in a note.
    public var quotas: [(region: String, cpuMillis: Int, memoryBytes: Int, pods: Int, location: SourceLocation, label: String)] = []

    /// No claims.
    public init() {}

    public static func == (a: TeamClaims, b: TeamClaims) -> Bool {
        a.team == b.team && a.shortName == b.shortName && a.shortNameIsDefault == b.shortNameIsDefault
            && a.namespaces.elementsEqual(b.namespaces) { $0 == $1 }
            && a.hostnames.elementsEqual(b.hostnames) { $0 == $1 }
            && a.quotas.elementsEqual(b.quotas) { $0 == $1 }
    }
}
