import PedregalSpec

/// The whole platform after defaults are applied and every rule checked:
/// what renderers turn into manifests. Nothing here refers back to YAML
/// except `source` paths, which objects carry as annotations.
public struct ResolvedPlatform: Sendable {
    /// `templates/platform.yaml` with defaults applied.
    public var settings: PlatformSettings
    /// Every target cluster, in templates/regions.yaml order; regions missing a required key are left out.
    public var regions: [ResolvedRegion]
    /// Teams in file order (teams/ sorted by path bytes); a team that did not resolve completely is left out.
    public var teams: [ResolvedTeam]

    /// The platform made of `settings`, `regions` and `teams`.
    public init(settings: PlatformSettings, regions: [ResolvedRegion], teams: [ResolvedTeam]) {
        self.settings = settings
        self.regions = regions
        self.teams = teams
    }
}

/// `templates/platform.yaml` with defaults applied.
public struct PlatformSettings: Sendable {
    /// `domain`: the DNS zone of Spark Connect hostnames (`doordash.team`).
    public var domain: String
    /// `namespacePrefix`: first part of every team namespace, `<prefix>-<shortName>-<abbrev>`.
    public var namespacePrefix: String
    /// `sparkConnectPort`: the gRPC port of Spark Connect servers, their Services, routes and NetworkPolicy.
    public var sparkConnectPort: Int
    /// `gatewayNamespace`: the Spark Gateway's namespace in every cluster; holds the routes, may reach the port.
    public var gatewayNamespace: String
    /// `groupPrefix`: prefix of RBAC Group subjects and gateway allowed groups, `<groupPrefix><okta group>`.
    public var groupPrefix: String
    /// `operator`, default `apache`: which SparkApplication flavour is generated.
    public var sparkOperator: SparkOperatorFlavor
    /// `operatorNamespace`, default `spark-operator`: where the operator's watched-namespace ConfigMap goes.
    public var operatorNamespace: String
    /// `runnerImage`, default `registry.<domain>/pedregal:<compiler version>`: what scheduled-submit CronJobs run.
    public var runnerImage: String
    /// `argocd` with defaults applied; nil when it is absent or has no `repoURL` (no Argo CD objects then).
    public var argocd: ResolvedArgoCD?
    /// Where Spark applications report; nil when platform.yaml says nothing.
    public var observability: ResolvedObservability?
    /// The terms of self-service cluster requests; nil when platform.yaml sets none.
    public var clusterRequests: ClusterRequestPolicy?
    /// The Spark Gateway pedregal deploys in every cluster; nil when platform.yaml sets no `gateway`.
    public var gateway: ResolvedGateway?
    /// The file the settings came from, for source annotations.
    public var source: String

    /// Settings with the given values; `observability` and `clusterRequests` start nil.
    public init(
        domain: String, namespacePrefix: String, sparkConnectPort: Int, gatewayNamespace: String, groupPrefix: String,
        sparkOperator: SparkOperatorFlavor, operatorNamespace: String, runnerImage: String, argocd: ResolvedArgoCD?,
        source: String
    ) {
        self.domain = domain
        self.namespacePrefix = namespacePrefix
        self.sparkConnectPort = sparkConnectPort
        self.gatewayNamespace = gatewayNamespace
        self.groupPrefix = groupPrefix
        self.sparkOperator = sparkOperator
        self.operatorNamespace = operatorNamespace
        self.runnerImage = runnerImage
        self.argocd = argocd
        self.source = source
    }
}

/// `templates/platform.yaml` `argocd` with defaults applied: where Argo CD
/// runs and where it finds generated/.
public struct ResolvedArgoCD: Sendable {
    /// The AppProject pedregal generates when platform.yaml names none.
    public static let defaultProject = "pedregal"

    /// `argocd.namespace`, default `argocd`: where the Applications and the AppProject go.
    public var namespace: String
    /// `argocd.project`, default ``defaultProject``: the AppProject every Application belongs to; pedregal writes it.
    public var project: String
    /// `argocd.repoURL`: the git repository holding generated/; the AppProject's only source.
    public var repoURL: String
    /// `argocd.targetRevision`, default `HEAD`: the branch, tag or commit Argo CD syncs.
    public var targetRevision: String
    /// `argocd.path`, default `generated`, without leading `/`, `./` or trailing `/`: the folder holding
    /// one folder per cluster; empty: the repository root.
    public var path: String
}

/// One entry of `templates/regions.yaml` with every required key present: a region and its cluster.
public struct ResolvedRegion: Sendable, Hashable {
    /// The entry's key (`us-west-2`); the `pedregal.io/region` label of objects placed there.
    public var name: String
    /// `alias`: the region's part of regional hostnames, `<host>-<alias>.<domain>`.
    public var alias: String
    /// `cluster`: the target cluster's name, its folder under generated/ and its Argo CD destination.
    public var cluster: String
    /// `backend`: sk8 runs Spark here; emr gets tenant objects, DNS and routes only.
    public var backend: RegionBackend
    /// `gateway`: hostname of the region's Spark Gateway, the target of its Spark Connect CNAMEs.
    public var gateway: String
}

/// A team environment's quota with every field known: the size's `quota`
/// with the environment's `quota` override laid over it key by key.
public struct ResolvedQuota: Sendable, Hashable {
    /// CPU, as written; the ResourceQuota's `requests.cpu`.
    public var cpu: Quantity
    /// Memory, as written; the ResourceQuota's `requests.memory` and `limits.memory`.
    public var memory: Quantity
    /// The most pods in the namespace; the ResourceQuota's `pods`.
    public var pods: Int
}

/// Driver and executor sizes with every field known: the size's `driver`
/// and `executor`, with a job's own `driver`/`executor` keys laid over them.
public struct SparkResources: Sendable, Hashable {
    /// `driver.cores`: `spark.driver.cores`.
    public var driverCores: Int
    /// `driver.memory`: `spark.driver.memory`, JVM heap without overhead.
    public var driverMemory: SparkMemory
    /// `executor.instances`: `spark.executor.instances`; for a job with dynamic allocation, raised to
    /// `spark.dynamicAllocation.maxExecutors` when that is more, so the quota check counts the ceiling.
    public var executorInstances: Int
    /// `executor.cores`: `spark.executor.cores`.
    public var executorCores: Int
    /// `executor.memory`: `spark.executor.memory`, JVM heap without overhead.
    public var executorMemory: SparkMemory
    /// `driver.memoryOverhead`: `spark.driver.memoryOverhead`; nil: Spark's default.
    public var driverMemoryOverhead: SparkMemory? = nil
    /// `executor.memoryOverhead`: `spark.executor.memoryOverhead`; nil: Spark's default.
    public var executorMemoryOverhead: SparkMemory? = nil
    /// Python and R applications: Spark gives their pods more memory
    /// overhead (0.4 instead of 0.1) for the interpreter beside the JVM.
    public var nonJVM: Bool = false

    /// What a pod asks for: the memory plus its overhead, the written one or
    /// Spark's (`spark.kubernetes.memoryOverheadFactor`: 0.1, or 0.4 for
    /// non-JVM applications; at least 384 MiB), so quota checks count what
    /// pods request. Sums saturate: absurd inputs fail the check, not overflow.
    public func podMemory(_ memory: SparkMemory, overhead written: SparkMemory? = nil) -> Int {
        if let written { return memory.bytes.saturatingAdd(written.bytes) }
        let overhead = nonJVM ? memory.bytes / 10 * 4 : memory.bytes / 10
        return memory.bytes.saturatingAdd(max(overhead, 384 << 20))
    }

    /// CPU the driver and all executors request, in millicores.
    public var totalMillis: Int {
        driverCores.saturatingAdd(executorInstances.saturatingMultiply(executorCores)).saturatingMultiply(1000)
    }
    /// Memory the driver and all executors request, overhead included.
    public var totalBytes: Int {
        podMemory(driverMemory, overhead: driverMemoryOverhead).saturatingAdd(
            executorInstances.saturatingMultiply(podMemory(executorMemory, overhead: executorMemoryOverhead)))
    }
    /// Pods: the driver and its executors.
    public var totalPods: Int { executorInstances.saturatingAdd(1) }
}

extension Int {
    /// `self + other`, or `Int.max` when that overflows.
    public func saturatingAdd(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }

    /// `self × other`, or `Int.max` when that overflows.
    public func saturatingMultiply(_ other: Int) -> Int {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? .max : product
    }
}

/// An engine version of `templates/engines.yaml` with its required keys present.
public struct ResolvedEngine: Sendable, Hashable {
    /// The entry's key (`3.5`): what `engine` names.
    public var version: String
    /// `image`: the pinned container image of drivers and executors.
    public var image: String
    /// `sparkVersion`: the Spark version in the image (`3.5.3`).
    public var sparkVersion: String
    /// `scalaVersion`: the Scala version in the image; nil when not given.
    public var scalaVersion: String?
    /// `javaVersion`: the Java version in the image; nil when not given.
    public var javaVersion: String?
}

/// An entry of `templates/catalogs.yaml` as one environment sees it.
public struct ResolvedCatalog: Sendable, Hashable {
    /// The entry's key (`pedregal`): the Spark catalog name, `spark.sql.catalog.<name>`.
    public var name: String
    /// `type`: the Iceberg catalog type, `spark.sql.catalog.<name>.type`.
    public var type: CatalogType
    /// `uri`: the catalog endpoint; nil when not given.
    public var uri: String?
    /// The warehouse property: the UC catalog (`<name>-<catalogSuffix>`) for
    /// per-environment catalogs, else the template's `warehouse`; nil when neither.
    public var warehouse: String?
    /// `credential`: the Kubernetes Secret in the team namespace whose key
    /// ``credentialSecretKey`` holds the catalog's OAuth2 client credential; nil: none.
    public var credentialSecret: String?

    /// The key of the credential inside ``credentialSecret``.
    public static let credentialSecretKey = "credential"

    /// The environment variable the driver receives the credential in:
    /// `PEDREGAL_CATALOG_<NAME>_CREDENTIAL`, with `-` as `_`.
    public var credentialVariable: String {
        "PEDREGAL_CATALOG_" + String(name.uppercased().map { $0 == "-" ? "_" : $0 }) + "_CREDENTIAL"
    }

    /// Spark properties for this catalog.
    ///
    /// The credential never appears as a value: Spark puts the Secret's key
    /// into the driver's environment (`spark.kubernetes.driver.secretKeyRef`,
    /// which both operators pass through to spark-submit), and Iceberg's REST
    /// catalog reads a property written `env:NAME` from that variable
    /// (`EnvironmentUtil.resolveAll` in `RESTSessionCatalog.initialize`).
    public var sparkConf: [(String, String)] {
        let prefix = "spark.sql.catalog.\(name)"
        var conf: [(String, String)] = [(prefix, "org.apache.iceberg.spark.SparkCatalog"), ("\(prefix).type", type.rawValue)]
        if let uri { conf.append(("\(prefix).uri", uri)) }
        if let warehouse { conf.append(("\(prefix).warehouse", warehouse)) }
        if let credentialSecret {
            conf.append(("\(prefix).credential", "env:\(credentialVariable)"))
            conf.append(("spark.kubernetes.driver.secretKeyRef.\(credentialVariable)", "\(credentialSecret):\(Self.credentialSecretKey)"))
        }
        return conf
    }
}

/// One `teams/<team>.yaml` with defaults applied and all environments resolved.
public struct ResolvedTeam: Sendable {
    /// `team`: the team's name; the `pedregal.io/team` label of its objects.
    public var name: String
    /// `shortName`, default `team`: the name in its namespaces and hostnames.
    public var shortName: String
    /// Root-relative path of the team file.
    public var source: String
    /// `contact`: how to reach the team, annotated on its namespaces; nil when not given.
    public var contact: String?
    /// `owners.admins`: Okta groups, at least one, each once, in file order; bound to the `pedregal-admin`
    /// Role and allowed through the gateway.
    public var admins: [String]
    /// `owners.members`: Okta groups, each once, in file order; bound to the read-only `pedregal-member`
    /// Role and allowed through the gateway; empty when absent.
    public var members: [String]
    /// `environments`, in file order.
    public var environments: [ResolvedEnvironment]
}

/// A team in one environment: the namespace it gets in each region and
/// everything that runs there.
public struct ResolvedEnvironment: Sendable {
    /// The key under the team's `environments` (`prod`); the `pedregal.io/environment` label.
    public var name: String
    /// The environment's `abbrev` in templates/environments.yaml.
    public var abbrev: String
    /// The team's namespace in every region of the environment: `<namespacePrefix>-<shortName>-<abbrev>`.
    public var namespace: String
    /// The environment's `podSecurity` in templates/environments.yaml, enforced on the namespace.
    public var podSecurity: PodSecurityLevel
    /// `environments.<env>.regions`, in the order listed, each once; the first is primary.
    public var regions: [ResolvedRegion]
    /// The size's quota with `environments.<env>.quota` laid over it; the namespace's ResourceQuota.
    public var quota: ResolvedQuota
    /// The team's `catalogs` (default: those marked `default: true`), in order; the first is the
    /// default catalog of the namespace's spark-defaults.
    public var catalogs: [ResolvedCatalog]
    /// `network.sparkConnectFrom` namespaces, each once, sorted; admitted to Spark Connect beside the gateway's.
    public var sparkConnectFrom: [String]
    /// The team's `sparkConnect` clusters that run in this environment, in file order.
    public var sparkConnect: [ResolvedSparkConnect]
    /// The team's `jobs` that run in this environment, in file order.
    public var jobs: [ResolvedJob]

    /// The primary region: the first of `regions`.
    public var primaryRegion: ResolvedRegion { regions[0] }
}

/// An entry of the team's `sparkConnect` in one environment.
public struct ResolvedSparkConnect: Sendable {
    /// `name`: unique within the team; names its servers `sc-<name>-<n>` and Service `sc-<name>`.
    public var name: String
    /// Always-on servers per region: `hotClusters.<env>`, else the environment's `hotClusters` template.
    public var hotServers: Int
    /// Name of the size its servers use: its own `size`, else the environment's.
    public var size: String
    /// That size's driver and executor (a cluster sets no resources of its own).
    public var resources: SparkResources
    /// `engine`, else templates/engines.yaml's default.
    public var engine: ResolvedEngine
    /// `expiresAt` as canonical UTC RFC 3339 time; nil: persistent.
    public var expiresAt: String?
    /// Hostname without the domain, shared by every region: `feature-eng-dev`.
    public var hostBase: String
    /// Its own `regions` that this environment has, in its own order, else
    /// all of the environment's; the first serves the plain hostname.
    public var regions: [ResolvedRegion]
    /// The catalogs its servers open: its own `catalogs`, else the team's.
    public var catalogs: [ResolvedCatalog]

    /// Whether it runs in `region`.
    public func runs(in region: ResolvedRegion) -> Bool { regions.contains(region) }

    /// Whether `region` is its primary region (the plain hostname's).
    public func isPrimary(_ region: ResolvedRegion) -> Bool { regions.first == region }

    /// The hostnames served in `region` (the plain one only in the primary region).
    public func hostnames(in region: ResolvedRegion, primary: Bool, domain: String) -> [String] {
        (primary ? ["\(hostBase).\(domain)"] : []) + ["\(hostBase)-\(region.alias).\(domain)"]
    }
}

/// An entry of the team's `jobs` in one environment.
public struct ResolvedJob: Sendable {
    /// `name`: unique within the team; names its SparkApplication and CronJob, and its template `job-<name>`.
    public var name: String
    /// `type`: batch or streaming.
    public var type: JobType
    /// `schedule`, trimmed: a cron schedule in UTC; nil: run on demand (always nil for streaming).
    public var schedule: String?
    /// `concurrency`, default `forbid`: what a new run does while the previous one is active (batch jobs).
    public var concurrency: JobConcurrency
    /// `retry` with policy auto: failed runs are classified and retried with their remedy; nil: not retried.
    public var retry: ResolvedRetry?
    /// Its own `regions`, in file order, else the environment's primary region only.
    public var regions: [ResolvedRegion]
    /// `engine`, else templates/engines.yaml's default.
    public var engine: ResolvedEngine
    /// `mainApplicationFile`: URI of the `.py`, `.R` or `.jar` application.
    public var mainApplicationFile: String
    /// `mainClass`: the JVM entry point; nil when absent or for a `.py`/`.R` application.
    public var mainClass: String?
    /// `args`, each as its text; empty when absent.
    public var args: [String]
    /// The size's driver and executor with the job's `driver`/`executor` laid over them;
    /// `nonJVM` for `.py`/`.R`.
    public var resources: SparkResources
    /// The team's own Spark properties (`sparkConf`), in file order; they win over derived ones.
    public var sparkConf: [(String, String)]
    /// Its own `catalogs`, else the team's.
    public var catalogs: [ResolvedCatalog]
    /// `sizing` with mode auto, every bound known; nil: the written values, always.
    public var sizing: ResolvedSizing? = nil
}

/// A job's pre-submit sizing bounds, defaults applied (`jobs[].sizing` with mode auto).
public struct ResolvedSizing: Sendable, Hashable {
    /// How many of the latest runs to learn from.
    public var runs: Int
    /// Bounds on `executor.instances`.
    public var executorInstances: ClosedRange<Int>
    /// Bounds on `executor.memory`, MiB.
    public var executorMemoryMiB: ClosedRange<Int>
    /// Bounds on `driver.memory`, MiB.
    public var driverMemoryMiB: ClosedRange<Int>
    /// Bounds on `spark.sql.shuffle.partitions`.
    public var shufflePartitions: ClosedRange<Int>
}

/// A job's `retry` with policy auto.
public struct ResolvedRetry: Sendable, Hashable {
    /// The default of `maxAttempts`.
    public static let defaultAttempts = 3
    /// `maxAttempts`, else 3: the most attempts, the first included.
    public var maxAttempts: Int

    /// Creates a retry setting.
    public init(maxAttempts: Int) { self.maxAttempts = maxAttempts }
}
