/// One `teams/<team>.yaml`, as written (no defaults applied).
public struct TeamSpec: Sendable {
    /// Root-relative path of the file.
    public var file: String
    /// Where the document starts.
    public var location: SourceLocation
    public var team: Located<String>?
    public var shortName: Located<String>?
    public var owners: Owners?
    public var contact: Located<String>?
    public var catalogs: Located<[Located<String>]>?
    public var environments: [TeamEnvironment]
    /// Where `environments` is written, if it is.
    public var environmentsLocation: SourceLocation?
    public var network: NetworkSpec?
    public var sparkConnect: [SparkConnectSpec]
    public var jobs: [JobSpec]

    public init(file: String, location: SourceLocation) {
        self.file = file
        self.location = location
        self.environments = []
        self.sparkConnect = []
        self.jobs = []
    }
}

/// `owners`: Okta groups.
public struct Owners: Sendable {
    public var location: SourceLocation
    public var admins: Located<[Located<String>]>?
    public var members: Located<[Located<String>]>?

    public init(location: SourceLocation) { self.location = location }
}

/// One entry of a team's `environments`.
public struct TeamEnvironment: Sendable {
    public var name: Located<String>
    public var regions: Located<[Located<String>]>?
    public var size: Located<String>?
    public var quota: QuotaSpec?

    public init(name: Located<String>) { self.name = name }
}

/// `network`.
public struct NetworkSpec: Sendable {
    public var location: SourceLocation
    public var sparkConnectFrom: [Located<String>]

    public init(location: SourceLocation, sparkConnectFrom: [Located<String>] = []) {
        self.location = location
        self.sparkConnectFrom = sparkConnectFrom
    }
}

/// One entry of `sparkConnect`.
public struct SparkConnectSpec: Sendable {
    public var location: SourceLocation
    public var name: Located<String>?
    public var environments: Located<[Located<String>]>?
    /// Regions it runs in (each a region of one of its environments); nil: all of them.
    public var regions: Located<[Located<String>]>?
    public var size: Located<String>?
    /// Catalogs its servers open; nil: the team's.
    public var catalogs: Located<[Located<String>]>?
    /// Environment name → number of pre-warmed servers, in file order.
    public var hotClusters: [(environment: Located<String>, count: Located<Int>)]?
    public var expiresAt: Located<String>?
    public var engine: Located<String>?

    public init(location: SourceLocation) { self.location = location }
}

/// Batch or streaming.
public enum JobType: String, CaseIterable, Sendable {
    case batch, streaming
}

/// What a scheduled or submitted batch run does when the previous run of
/// the same job is still active.
public enum JobConcurrency: String, CaseIterable, Sendable {
    /// Skip the new run (the default: two runs of one job would write the same outputs).
    case forbid
    /// Start it beside the running one.
    case allow
    /// Stop the running one, then start the new one.
    case replace
}

/// One entry of `jobs`.
public struct JobSpec: Sendable {
    public var location: SourceLocation
    public var name: Located<String>?
    public var type: Located<JobType>?
    public var schedule: Located<String>?
    public var concurrency: Located<JobConcurrency>?
    public var environments: Located<[Located<String>]>?
    public var regions: Located<[Located<String>]>?
    public var engine: Located<String>?
    public var mainApplicationFile: Located<String>?
    public var mainClass: Located<String>?
    public var args: [Located<String>]?
    public var driver: DriverResources?
    public var executor: ExecutorResources?
    public var sparkConf: [(key: Located<String>, value: Located<String>)]?
    public var catalogs: Located<[Located<String>]>?

    public init(location: SourceLocation) { self.location = location }
}
