import PedregalDiagnostics

/// One `teams/<team>.yaml`, as written (no defaults applied). An optional
/// field is nil when its key is absent, empty (`key:`), or rejected by the
/// loader (reported there); `Located` values carry their file:line:column.
public struct TeamSpec: Sendable {
    /// Root-relative path of the file (`teams/feature-eng.yaml`).
    public var file: String
    /// Where the document's root mapping starts.
    public var location: SourceLocation
    /// `team` (required): the team's name, a DNS-1123 label unique across teams/;
    /// the file should be `teams/<team>.yaml`.
    public var team: Located<String>?
    /// `shortName`: the name used in namespaces and hostnames, unique across teams/; nil: `team`.
    public var shortName: Located<String>?
    /// `owners` (required): the Okta groups that own the team.
    public var owners: Owners?
    /// `contact`: how to reach the team (e.g. a Slack channel); annotated on its namespaces.
    public var contact: Located<String>?
    /// `catalogs`: names from templates/catalogs.yaml, the first is Spark's default catalog;
    /// nil: the catalogs marked `default: true`.
    public var catalogs: Located<[Located<String>]>?
    /// `environments` (required): one entry per key, in file order; empty when absent or not a mapping.
    public var environments: [TeamEnvironment]
    /// Where the `environments` key is written; nil when it is absent.
    public var environmentsLocation: SourceLocation?
    /// `network`: extra network access; nil when absent.
    public var network: NetworkSpec?
    /// `sparkConnect`: interactive Spark Connect clusters, in file order; empty when absent.
    public var sparkConnect: [SparkConnectSpec]
    /// `jobs`: batch and streaming jobs, in file order; empty when absent.
    public var jobs: [JobSpec]

    /// A team file at `file` whose document starts at `location`, with nothing read yet.
    public init(file: String, location: SourceLocation) {
        self.file = file
        self.location = location
        self.environments = []
        self.sparkConnect = []
        self.jobs = []
    }
}

/// `owners`: the Okta groups that own the team, bound to RBAC Roles as
/// Groups `<groupPrefix><group>` in every team namespace.
public struct Owners: Sendable {
    /// Where the `owners` mapping starts.
    public var location: SourceLocation
    /// `owners.admins` (required, at least one): groups that manage Spark workloads in the team's namespaces.
    public var admins: Located<[Located<String>]>?
    /// `owners.members`: groups with read-only access plus Spark Connect use; nil: none.
    public var members: Located<[Located<String>]>?

    /// An `owners` mapping starting at `location`, with no groups read yet.
    public init(location: SourceLocation) { self.location = location }
}

/// One entry of a team's `environments`: the team's presence in one
/// environment of templates/environments.yaml.
public struct TeamEnvironment: Sendable {
    /// The key under `environments` (`dev`), located at the key; names an entry of templates/environments.yaml.
    public var name: Located<String>
    /// `environments.<env>.regions` (required): regions from templates/regions.yaml; the first is primary.
    public var regions: Located<[Located<String>]>?
    /// `environments.<env>.size` (required): a size from templates/sizes.yaml.
    public var size: Located<String>?
    /// `environments.<env>.quota`: overrides of the size's quota, key by key; nil: the size's quota.
    public var quota: QuotaSpec?

    /// The environment keyed `name`, with no fields read yet.
    public init(name: Located<String>) { self.name = name }
}

/// `network`: extra network access to the team's namespaces.
public struct NetworkSpec: Sendable {
    /// Where the `network` mapping starts.
    public var location: SourceLocation
    /// `network.sparkConnectFrom[].namespace`: namespaces (same cluster) allowed to reach Spark Connect
    /// on its port, beside the gateway namespace; entries that failed to decode are left out.
    public var sparkConnectFrom: [Located<String>]

    /// A `network` mapping starting at `location`.
    public init(location: SourceLocation, sparkConnectFrom: [Located<String>] = []) {
        self.location = location
        self.sparkConnectFrom = sparkConnectFrom
    }
}

/// One entry of `sparkConnect`: an interactive Spark Connect cluster.
public struct SparkConnectSpec: Sendable {
    /// Where the entry's mapping starts.
    public var location: SourceLocation
    /// `name` (required): unique within the team; `default` gets the team's plain hostname.
    public var name: Located<String>?
    /// `environments`: names of the team's environments it runs in; nil: all of them.
    public var environments: Located<[Located<String>]>?
    /// `regions`: regions it runs in (each a region of one of its environments); nil: all of them.
    public var regions: Located<[Located<String>]>?
    /// `size`: a size from templates/sizes.yaml for its servers; nil: the environment's size.
    public var size: Located<String>?
    /// `catalogs`: catalogs its servers open; nil: the team's.
    public var catalogs: Located<[Located<String>]>?
    /// `hotClusters`: environment name → number of pre-warmed servers (0–100), in file order;
    /// nil, or an environment not named: that environment's `hotClusters` in templates/environments.yaml.
    public var hotClusters: [(environment: Located<String>, count: Located<Int>)]?
    /// `expiresAt`: RFC 3339 time as written (checked by the resolver) after which the runner
    /// removes its servers; nil: persistent.
    public var expiresAt: Located<String>?
    /// `engine`: a version key of templates/engines.yaml; nil: that file's default.
    public var engine: Located<String>?

    /// An entry whose mapping starts at `location`, with no fields read yet.
    public init(location: SourceLocation) { self.location = location }
}

/// `jobs[].type`: how a job runs.
public enum JobType: String, CaseIterable, Sendable {
    /// `batch` runs to completion, submitted by the runner on demand or on its `schedule`;
    /// `streaming` runs continuously, a SparkApplication restarted whenever it stops.
    case batch, streaming
}

/// `jobs[].concurrency`: what a scheduled or submitted batch run does when
/// the previous run of the same job is still active.
public enum JobConcurrency: String, CaseIterable, Sendable {
    /// Skip the new run (the default: two runs of one job would write the same outputs).
    case forbid
    /// Start it beside the running one.
    case allow
    /// Stop the running one, then start the new one.
    case replace
}

/// `jobs[].retry.policy`: what the runner does when a run fails.
public enum RetryPolicy: String, CaseIterable, Sendable {
    /// Classify the failure and retry only what a retry can fix, with the remedy applied.
    case auto
    /// Do not retry (the same as leaving `retry` out).
    case never
}

/// `jobs[].retry`.
public struct RetrySpec: Sendable {
    /// Where the mapping starts.
    public var location: SourceLocation
    /// `policy` (required).
    public var policy: Located<RetryPolicy>?
    /// `maxAttempts` (1–10): the most attempts, the first included; nil: 3.
    public var maxAttempts: Located<Int>?

    /// A `retry` mapping starting at `location`, with no fields read yet.
    public init(location: SourceLocation) { self.location = location }
}

/// One entry of `jobs`: a batch or streaming Spark job.
public struct JobSpec: Sendable {
    /// Where the entry's mapping starts.
    public var location: SourceLocation
    /// `name` (required): unique within the team, a DNS-1035 label of at most 52 characters.
    public var name: Located<String>?
    /// `type` (required): batch or streaming.
    public var type: Located<JobType>?
    /// `schedule`: batch only, a cron schedule in UTC (5 fields or `@daily`…); nil: run on demand
    /// (`pedregal submit`).
    public var schedule: Located<String>?
    /// `concurrency`: batch only, what a run does while the previous one is active; nil: `forbid`.
    public var concurrency: Located<JobConcurrency>?
    /// `retry`: what the runner does when a run fails; nil: no retries.
    public var retry: RetrySpec?
    /// `environments`: names of the team's environments it runs in; nil: all of them.
    public var environments: Located<[Located<String>]>?
    /// `regions`: regions it runs in, each listed by every environment it runs in;
    /// nil: each environment's primary region only.
    public var regions: Located<[Located<String>]>?
    /// `engine`: a version key of templates/engines.yaml; nil: that file's default.
    public var engine: Located<String>?
    /// `mainApplicationFile` (required): URI of the application, a `.py`, `.R` or `.jar` file.
    public var mainApplicationFile: Located<String>?
    /// `mainClass`: JVM entry point, required for a `.jar` and ignored for `.py`/`.R`.
    public var mainClass: Located<String>?
    /// `args`: application arguments, each scalar as its text; nil when absent.
    public var args: [Located<String>]?
    /// `driver`: driver resources laid over the size's, key by key; nil: the size's.
    public var driver: DriverResources?
    /// `executor`: executor resources laid over the size's, key by key; nil: the size's.
    public var executor: ExecutorResources?
    /// `sparkConf`: extra Spark properties (key → value as text), in file order; nil when absent.
    public var sparkConf: [(key: Located<String>, value: Located<String>)]?
    /// `catalogs`: catalogs the job opens, replacing the team's; nil: the team's.
    public var catalogs: Located<[Located<String>]>?
    /// `sizing`: pre-submit sizing; nil: the written values.
    public var sizing: SizingSpec?

    /// An entry whose mapping starts at `location`, with no fields read yet.
    public init(location: SourceLocation) { self.location = location }
}

/// `jobs[].sizing.mode`.
public enum SizingMode: String, CaseIterable, Sendable {
    /// `pedregal submit` sizes each run from the job's recent runs, within the bounds.
    case auto
    /// The written values, always (the same as no `sizing`).
    case fixed
}

/// `jobs[].sizing`: pre-submit sizing and its bounds.
public struct SizingSpec: Sendable {
    /// Where the mapping starts.
    public var location: SourceLocation
    /// `mode` (required).
    public var mode: Located<SizingMode>?
    /// `runs`: how many recent runs to learn from; nil: 5.
    public var runs: Located<Int>?
    /// `executorInstances`: bounds on `executor.instances`.
    public var executorInstances: CountRangeSpec?
    /// `executorMemory`: bounds on `executor.memory`.
    public var executorMemory: MemoryRangeSpec?
    /// `driverMemory`: bounds on `driver.memory`.
    public var driverMemory: MemoryRangeSpec?
    /// `shufflePartitions`: bounds on `spark.sql.shuffle.partitions`.
    public var shufflePartitions: CountRangeSpec?

    /// A `sizing` mapping starting at `location`.
    public init(location: SourceLocation) { self.location = location }
}

/// `{min, max}` of a count.
public struct CountRangeSpec: Sendable {
    /// Where the mapping starts.
    public var location: SourceLocation
    /// `min`.
    public var min: Located<Int>?
    /// `max`.
    public var max: Located<Int>?

    /// Bounds at `location`.
    public init(location: SourceLocation, min: Located<Int>?, max: Located<Int>?) {
        self.location = location
        self.min = min
        self.max = max
    }
}

/// `{min, max}` of a JVM memory size.
public struct MemoryRangeSpec: Sendable {
    /// Where the mapping starts.
    public var location: SourceLocation
    /// `min`.
    public var min: Located<SparkMemory>?
    /// `max`.
    public var max: Located<SparkMemory>?

    /// Bounds at `location`.
    public init(location: SourceLocation, min: Located<SparkMemory>?, max: Located<SparkMemory>?) {
        self.location = location
        self.min = min
        self.max = max
    }
}
