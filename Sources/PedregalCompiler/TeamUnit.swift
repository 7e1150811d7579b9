import PedregalDiagnostics
import PedregalEmitter
import PedregalManifests
import PedregalResolver

/// Everything compiling one team file produced. A team's results depend on
/// nothing but its file, templates/ and pedregal itself (teams never see
/// each other until the cross-team rules, which run over `claims`), so a
/// unit is reused for as long as its `key` is unchanged.
public struct TeamUnit: Sendable {
    /// The team file, root-relative.
    public var file: String
    /// The digest of everything the unit depends on: pedregal's build, the
    /// compiler's settings, templates/, the file's path and its bytes.
    public var key: ContentDigest
    /// Problems of the file on its own: syntax, shape and every rule that
    /// needs only this team and the templates.
    public var diagnostics: [Diagnostic]
    /// Objects of the team that break Kubernetes' schemas (a bug of
    /// pedregal), reported only when the root has no other error.
    public var outputProblems: [Diagnostic]
    /// What the team claims across teams (names, namespaces, hosts, quota).
    public var claims: TeamClaims
    /// Whether the file held a team at all (it was readable YAML of the right shape).
    public var isLoaded: Bool
    /// Whether the team resolved completely, so its objects were made.
    public var isResolved: Bool
    /// The team's objects, in the order they were rendered.
    public var objects: [EmittedObject]

    /// What only the process that compiled the unit holds; nil when the
    /// unit was read back from a cache on disk.
    public var details: Details?

    /// The resolved team and its objects and files, kept in memory.
    public struct Details: Sendable {
        public var team: ResolvedTeam?
        /// In the same order as `objects`.
        public var manifests: [Manifest]
        /// In the same order as `objects`.
        public var files: [OutputFile]

        public init(team: ResolvedTeam?, manifests: [Manifest], files: [OutputFile]) {
            self.team = team
            self.manifests = manifests
            self.files = files
        }
    }

    public init(
        file: String, key: ContentDigest, diagnostics: [Diagnostic], outputProblems: [Diagnostic], claims: TeamClaims,
        isLoaded: Bool, isResolved: Bool, objects: [EmittedObject], details: Details?
    ) {
        self.file = file
        self.key = key
        self.diagnostics = diagnostics
        self.outputProblems = outputProblems
        self.claims = claims
        self.isLoaded = isLoaded
        self.isResolved = isResolved
        self.objects = objects
        self.details = details
    }
}

/// One object a team unit made: where it goes and what its file holds.
public struct EmittedObject: Hashable, Sendable {
    public var address: ObjectAddress
    /// The object's file under the output folder.
    public var record: OutputRecord

    public init(address: ObjectAddress, record: OutputRecord) {
        self.address = address
        self.record = record
    }

    /// The object at `address` whose file has `digest`, at the path the
    /// emitter gives that address.
    public init(address: ObjectAddress, digest: ContentDigest) {
        self.init(address: address, record: OutputRecord(path: OutputLayout.path(for: address), digest: digest))
    }
}
