@_exported import PedregalDiagnostics

/// Everything under `templates/`: the platform team's defaults.
/// Fields are optional where a broken or missing value was already reported;
/// later stages skip what is absent instead of inventing follow-on errors.
public struct Templates: Sendable {
    public var platform: PlatformTemplate
    public var environments: [EnvironmentTemplate]
    public var regions: [RegionTemplate]
    public var sizes: [SizeTemplate]
    public var catalogs: [CatalogTemplate]
    public var engines: EngineTemplates

    public init(
        platform: PlatformTemplate, environments: [EnvironmentTemplate] = [], regions: [RegionTemplate] = [],
        sizes: [SizeTemplate] = [], catalogs: [CatalogTemplate] = [], engines: EngineTemplates = EngineTemplates()
    ) {
        self.platform = platform
        self.environments = environments
        self.regions = regions
        self.sizes = sizes
        self.catalogs = catalogs
        self.engines = engines
    }
}

/// Which Spark operator's custom resources the platform runs.
public enum SparkOperatorFlavor: String, CaseIterable, Sendable {
    /// The Apache Spark Kubernetes Operator (`spark.apache.org/v1`).
    case apache
    /// The Kubeflow Spark Operator (`sparkoperator.k8s.io/v1beta2`).
    case kubeflow
}

/// `templates/platform.yaml`.
public struct PlatformTemplate: Sendable {
    public var file: String
    public var domain: Located<String>?
    public var namespacePrefix: Located<String>?
    public var sparkConnectPort: Located<Int>?
    public var gatewayNamespace: Located<String>?
    public var groupPrefix: Located<String>?
    public var sparkOperator: Located<SparkOperatorFlavor>?
    public var operatorNamespace: Located<String>?
    public var runnerImage: Located<String>?
    public var argocd: ArgoCDSettings?
    public var observability: ObservabilitySettings?
    /// The Kubernetes minor version (`1.33`) whose schemas every object is checked against.
    public var kubernetesVersion: Located<String>?
    public var clusterRequests: ClusterRequestSettings?
    /// The Spark Gateway pedregal deploys in every cluster; nil leaves the gateway to be installed on its own.
    public var gateway: GatewaySettings?

    public init(file: String) { self.file = file }
}

/// How the gateway's Service is exposed.
public enum GatewayServiceType: String, CaseIterable, Sendable {
    /// A cloud load balancer: clients outside the cluster reach the region's gateway host.
    case LoadBalancer
    /// Inside the cluster only (an ingress or a mesh in front of it).
    case ClusterIP
    /// A port on every node.
    case NodePort
}

/// `templates/platform.yaml` `gateway`: pedregal deploys the Spark Gateway
/// (`pedregal gateway`) in every cluster, with these settings.
public struct GatewaySettings: Sendable {
    public var location: SourceLocation
    /// Container image (default: the runner image).
    public var image: Located<String>?
    public var replicas: Located<Int>?
    /// OIDC issuer (`iss`) of the tokens clients send.
    public var issuer: Located<String>?
    /// Accepted audience (`aud`).
    public var audience: Located<String>?
    /// The issuer's JWKS, an https URL.
    public var jwksURL: Located<String>?
    /// Claim holding the caller's groups.
    public var groupsClaim: Located<String>?
    /// Okta groups allowed to cordon and drain servers.
    public var adminGroups: Located<[Located<String>]>?
    /// Secret (`kubernetes.io/tls`) in the gateway namespace holding the serving certificate.
    public var tlsSecret: Located<String>?
    /// The port clients reach on the Service.
    public var port: Located<Int>?
    public var serviceType: Located<GatewayServiceType>?
    /// CPU of each replica (requested and limit).
    public var cpu: Located<Quantity>?
    /// Memory of each replica (requested and limit).
    public var memory: Located<Quantity>?
    /// Pass-through upstreams of the routes in regions that do not run Spark on Kubernetes.
    public var upstreams: [GatewayUpstreams] = []

    public init(location: SourceLocation) { self.location = location }
}

/// The Spark Connect endpoints a region's gateway forwards its routes to
/// when Spark there runs outside Kubernetes (EMR).
public struct GatewayUpstreams: Sendable {
    public var region: Located<String>
    /// `host:port` addresses.
    public var addresses: Located<[Located<String>]>

    public init(region: Located<String>, addresses: Located<[Located<String>]>) {
        self.region = region
        self.addresses = addresses
    }
}

/// `templates/platform.yaml` `clusterRequests`: which environments take
/// self-service Spark Connect cluster requests (`pedregal serve`), and on
/// what terms.
public struct ClusterRequestSettings: Sendable {
    public var location: SourceLocation
    /// Per environment, in file order.
    public var environments: [ClusterRequestTerms]

    public init(location: SourceLocation, environments: [ClusterRequestTerms] = []) {
        self.location = location
        self.environments = environments
    }
}

/// The terms of cluster requests in one environment.
public struct ClusterRequestTerms: Sendable {
    public var environment: Located<String>
    /// A duration (`7d`) or `persistent`.
    public var defaultTTL: Located<String>?
    /// The longest duration a request may ask for.
    public var maxTTL: Located<String>?
    /// Whether a request may ask for a cluster that never expires.
    public var persistent: Located<Bool>?
    /// Whether requests are committed to the target branch without review.
    public var autoApprove: Located<Bool>?
    /// Whether a team's members (not only its admins) may request.
    public var members: Located<Bool>?

    public init(environment: Located<String>) { self.environment = environment }
}

/// `templates/platform.yaml` `observability`: where every Spark application
/// reports, so teams find their runs where the platform looks.
public struct ObservabilitySettings: Sendable {
    public var location: SourceLocation
    /// Spark History Server base URL.
    public var historyServer: Located<String>?
    /// Event log folder (object store); `{region}` and `{cluster}` are replaced per region.
    public var eventLogDir: Located<String>?
    /// Prometheus metrics on the driver, for the OpenTelemetry collector.
    public var prometheus: Located<Bool>?
    /// Namespace of the collector that scrapes drivers.
    public var scrapeNamespace: Located<String>?

    public init(location: SourceLocation) { self.location = location }
}

/// `templates/platform.yaml` `argocd`: where Argo CD runs and which git
/// repository holds `generated/`.
public struct ArgoCDSettings: Sendable {
    public var location: SourceLocation
    public var namespace: Located<String>?
    public var project: Located<String>?
    public var repoURL: Located<String>?
    public var targetRevision: Located<String>?
    public var path: Located<String>?

    public init(location: SourceLocation) { self.location = location }
}

/// One entry of `templates/environments.yaml`.
public struct EnvironmentTemplate: Sendable {
    public var name: Located<String>
    public var abbrev: Located<String>?
    public var dnsSuffix: Located<String>?
    public var hotClusters: Located<Int>?
    public var catalogSuffix: Located<String>?
    public var podSecurity: Located<PodSecurityLevel>?

    public init(name: Located<String>) { self.name = name }
}

/// Pod Security Admission levels.
public enum PodSecurityLevel: String, CaseIterable, Sendable {
    case privileged, baseline, restricted
}

/// Where a region's Spark work runs.
public enum RegionBackend: String, CaseIterable, Sendable {
    /// Spark on Kubernetes.
    case sk8
    /// The interim EMR fallback: tenant objects, DNS and routes only.
    case emr
}

/// One entry of `templates/regions.yaml`.
public struct RegionTemplate: Sendable {
    public var name: Located<String>
    public var alias: Located<String>?
    public var cluster: Located<String>?
    public var backend: Located<RegionBackend>?
    public var gateway: Located<String>?
    public var capacity: QuotaSpec?

    public init(name: Located<String>) { self.name = name }
}

/// A resource budget: a size's quota, a team's override, or a region's capacity.
public struct QuotaSpec: Sendable {
    public var location: SourceLocation
    public var cpu: Located<Quantity>?
    public var memory: Located<Quantity>?
    public var pods: Located<Int>?

    public init(location: SourceLocation) { self.location = location }
}

/// Spark driver resources.
public struct DriverResources: Sendable {
    public var location: SourceLocation
    public var cores: Located<Int>?
    public var memory: Located<SparkMemory>?

    public init(location: SourceLocation) { self.location = location }
}

/// Spark executor resources.
public struct ExecutorResources: Sendable {
    public var location: SourceLocation
    public var instances: Located<Int>?
    public var cores: Located<Int>?
    public var memory: Located<SparkMemory>?

    public init(location: SourceLocation) { self.location = location }
}

/// One entry of `templates/sizes.yaml`.
public struct SizeTemplate: Sendable {
    public var name: Located<String>
    public var quota: QuotaSpec?
    public var driver: DriverResources?
    public var executor: ExecutorResources?

    public init(name: Located<String>) { self.name = name }
}

/// Iceberg catalog implementations Spark's `SparkCatalog` accepts as `type`.
public enum CatalogType: String, CaseIterable, Sendable {
    case rest, hive, hadoop, glue, jdbc, nessie
}

/// One entry of `templates/catalogs.yaml`.
public struct CatalogTemplate: Sendable {
    public var name: Located<String>
    public var type: Located<CatalogType>?
    public var uri: Located<String>?
    public var warehouse: Located<String>?
    public var credential: Located<String>?
    public var perEnvironment: Located<Bool>?
    public var isDefault: Located<Bool>?

    public init(name: Located<String>) { self.name = name }
}

/// `templates/engines.yaml`: engine versions and the default one.
public struct EngineTemplates: Sendable {
    public var versions: [EngineTemplate]
    public var defaultVersion: Located<String>?

    public init(versions: [EngineTemplate] = [], defaultVersion: Located<String>? = nil) {
        self.versions = versions
        self.defaultVersion = defaultVersion
    }
}

/// One engine version: the pinned image and the versions inside it.
public struct EngineTemplate: Sendable {
    public var version: Located<String>
    public var image: Located<String>?
    public var sparkVersion: Located<String>?
    public var scalaVersion: Located<String>?
    public var javaVersion: Located<String>?

    public init(version: Located<String>) { self.version = version }
}
