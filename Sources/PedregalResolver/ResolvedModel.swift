@_exported import PedregalSpec

/// The whole platform after defaults are applied and every rule checked:
/// what renderers turn into manifests. Nothing here refers back to YAML
/// except `source` paths, which objects carry as annotations.
public struct ResolvedPlatform: Sendable {
    public var settings: PlatformSettings
    /// Every target cluster, in templates/regions.yaml order.
    public var regions: [ResolvedRegion]
    /// Teams in file order.
    public var teams: [ResolvedTeam]

    public init(settings: PlatformSettings, regions: [ResolvedRegion], teams: [ResolvedTeam]) {
        self.settings = settings
        self.regions = regions
        self.teams = teams
    }
}

/// `templates/platform.yaml` with defaults applied.
public struct PlatformSettings: Sendable {
    public var domain: String
    public var namespacePrefix: String
    public var sparkConnectPort: Int
    public var gatewayNamespace: String
    public var groupPrefix: String
    public var sparkOperator: SparkOperatorFlavor
    public var operatorNamespace: String
    public var runnerImage: String
    public var argocd: ResolvedArgoCD?
    /// Where Spark applications report; nil when platform.yaml says nothing.
    public var observability: ResolvedObservability?
    /// The terms of self-service cluster requests; nil when platform.yaml sets none.
    public var clusterRequests: ClusterRequestPolicy?
    /// The Spark Gateway pedregal deploys in every cluster; nil when platform.yaml sets no `gateway`.
    public var gateway: ResolvedGateway?
    /// The file the settings came from, for source annotations.
    public var source: String

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

/// Where Argo CD finds generated/.
public struct ResolvedArgoCD: Sendable {
    /// The AppProject pedregal generates when platform.yaml names none.
    public static let defaultProject = "pedregal"

    public var namespace: String
    /// The AppProject every Application belongs to; pedregal writes it.
    public var project: String
    public var repoURL: String
    public var targetRevision: String
    public var path: String
}

/// A region and its cluster.
public struct ResolvedRegion: Sendable, Hashable {
    public var name: String
    public var alias: String
    public var cluster: String
    public var backend: RegionBackend
    public var gateway: String
}

/// A quota with every field known.
public struct ResolvedQuota: Sendable, Hashable {
    public var cpu: Quantity
    public var memory: Quantity
    public var pods: Int
}

/// Driver and executor sizes with every field known.
public struct SparkResources: Sendable, Hashable {
    public var driverCores: Int
    public var driverMemory: SparkMemory
    public var executorInstances: Int
    public var executorCores: Int
    public var executorMemory: SparkMemory
    /// Python and R applications: Spark gives their pods more memory
    /// overhead (0.4 instead of 0.1) for the interpreter beside the JVM.
    public var nonJVM: Bool = false

    /// What a pod asks for: the memory plus Spark's overhead
    /// (`spark.kubernetes.memoryOverheadFactor`: 0.1, or 0.4 for non-JVM
    /// applications; at least 384 MiB), so quota checks count what pods
    /// request. Sums saturate: absurd inputs fail the check, not overflow.
    public func podMemory(_ memory: SparkMemory) -> Int {
        let overhead = nonJVM ? memory.bytes / 10 * 4 : memory.bytes / 10
        return memory.bytes.saturatingAdd(max(overhead, 384 << 20))
    }

    /// CPU the driver and all executors request, in millicores.
    public var totalMillis: Int {
        driverCores.saturatingAdd(executorInstances.saturatingMultiply(executorCores)).saturatingMultiply(1000)
    }
    /// Memory the driver and all executors request, overhead included.
    public var totalBytes: Int {
        podMemory(driverMemory).saturatingAdd(executorInstances.saturatingMultiply(podMemory(executorMemory)))
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

/// An engine version.
public struct ResolvedEngine: Sendable, Hashable {
    public var version: String
    public var image: String
    public var sparkVersion: String
    public var scalaVersion: String?
    public var javaVersion: String?
}

/// A catalog as one environment sees it.
public struct ResolvedCatalog: Sendable, Hashable {
    public var name: String
    public var type: CatalogType
    public var uri: String?
    /// The warehouse property: the UC catalog (`<name>-<suffix>`) for
    /// per-environment catalogs, else the template's warehouse.
    public var warehouse: String?
    /// The Kubernetes Secret in the team namespace whose key
    /// ``credentialSecretKey`` holds the catalog's OAuth2 client credential.
    public var credentialSecret: String?

    /// The key of the credential inside ``credentialSecret``.
    public static let credentialSecretKey = "credential"

    /// The environment variable the driver receives the credential in.
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

/// One team, all environments resolved.
public struct ResolvedTeam: Sendable {
    public var name: String
    public var shortName: String
    /// Root-relative path of the team file.
    public var source: String
    public var contact: String?
    public var admins: [String]
    public var members: [String]
    public var environments: [ResolvedEnvironment]
}

/// A team in one environment: the namespace it gets in each region and
/// everything that runs there.
public struct ResolvedEnvironment: Sendable {
    public var name: String
    public var abbrev: String
    public var namespace: String
    public var podSecurity: PodSecurityLevel
    /// Regions in the order listed; the first is primary.
    public var regions: [ResolvedRegion]
    public var size: String
    public var quota: ResolvedQuota
    public var catalogs: [ResolvedCatalog]
    public var sparkConnectFrom: [String]
    public var sparkConnect: [ResolvedSparkConnect]
    public var jobs: [ResolvedJob]

    /// The primary region.
    public var primaryRegion: ResolvedRegion { regions[0] }
}

/// A Spark Connect cluster in one environment.
public struct ResolvedSparkConnect: Sendable {
    public var name: String
    public var hotServers: Int
    public var size: String
    public var resources: SparkResources
    public var engine: ResolvedEngine
    /// Canonical UTC RFC 3339 time, if the cluster expires.
    public var expiresAt: String?
    /// Hostname without the domain, shared by every region: `feature-eng-dev`.
    public var hostBase: String
    /// The regions it runs in, a subset of its environment's; the first
    /// serves the plain hostname.
    public var regions: [ResolvedRegion]
    /// The catalogs its servers open.
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

/// A job in one environment.
public struct ResolvedJob: Sendable {
    public var name: String
    public var type: JobType
    public var schedule: String?
    /// What a new run does while the previous one is active (batch jobs).
    public var concurrency: JobConcurrency
    public var regions: [ResolvedRegion]
    public var engine: ResolvedEngine
    public var mainApplicationFile: String
    public var mainClass: String?
    public var args: [String]
    public var resources: SparkResources
    /// The team's own Spark properties, in file order.
    public var sparkConf: [(String, String)]
    public var catalogs: [ResolvedCatalog]
}
