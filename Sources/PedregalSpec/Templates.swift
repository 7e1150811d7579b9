import PedregalDiagnostics

/// Everything under `templates/`: the platform team's defaults.
/// Fields are optional where a broken or missing value was already reported;
/// later stages skip what is absent instead of inventing follow-on errors.
public struct Templates: Sendable {
    /// `templates/platform.yaml`; every field nil when the file is missing or unusable.
    public var platform: PlatformTemplate
    /// Entries of `templates/environments.yaml`, in file order; empty when the file is missing or unusable.
    public var environments: [EnvironmentTemplate]
    /// Entries of `templates/regions.yaml`, in file order; empty when the file is missing or unusable.
    public var regions: [RegionTemplate]
    /// Entries of `templates/sizes.yaml`, in file order; empty when the file is missing or unusable.
    public var sizes: [SizeTemplate]
    /// Entries of `templates/catalogs.yaml` (optional), in file order; empty when absent or unusable.
    public var catalogs: [CatalogTemplate]
    /// `templates/engines.yaml`: the engine versions and the default one.
    public var engines: EngineTemplates

    /// Templates made of `platform` and the given files' entries (none by default).
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

/// `templates/platform.yaml` `operator`: which Spark operator's custom
/// resources the platform runs.
public enum SparkOperatorFlavor: String, CaseIterable, Sendable {
    /// The Apache Spark Kubernetes Operator (`spark.apache.org/v1`).
    case apache
    /// The Kubeflow Spark Operator (`sparkoperator.k8s.io/v1beta2`).
    case kubeflow
}

/// `templates/platform.yaml`: platform-wide settings, as written (no
/// defaults applied); a field is nil when its key is absent or was rejected (reported).
public struct PlatformTemplate: Sendable {
    /// Root-relative path of the file (`templates/platform.yaml`), for locations and source annotations.
    public var file: String
    /// `domain` (required): the DNS zone of Spark Connect hostnames (`doordash.team`).
    public var domain: Located<String>?
    /// `namespacePrefix` (required): first part of every team namespace, `<prefix>-<shortName>-<abbrev>`.
    public var namespacePrefix: Located<String>?
    /// `sparkConnectPort` (required, 1–65535): the gRPC port Spark Connect servers and their Services listen on.
    public var sparkConnectPort: Located<Int>?
    /// `gatewayNamespace` (required): namespace of the Spark Gateway in every cluster; holds its routes.
    public var gatewayNamespace: Located<String>?
    /// `groupPrefix` (required): prefix of RBAC Group subjects, `<groupPrefix><okta group>` (`okta:`).
    public var groupPrefix: Located<String>?
    /// `operator`: which SparkApplication flavour to generate; nil: `apache`.
    public var sparkOperator: Located<SparkOperatorFlavor>?
    /// `operatorNamespace`: namespace of the Spark operator, where its watched-namespace ConfigMap goes;
    /// nil: `spark-operator`.
    public var operatorNamespace: Located<String>?
    /// `runnerImage`: the pedregal runner image that scheduled-submit CronJobs run;
    /// nil: `registry.<domain>/pedregal:<compiler version>`.
    public var runnerImage: Located<String>?
    /// `argocd`: where Argo CD runs and reads generated/; nil: no Argo CD objects are generated.
    public var argocd: ArgoCDSettings?
    /// `observability`: event logs, History Server and metrics of every Spark application; nil: none set.
    public var observability: ObservabilitySettings?
    /// `kubernetesVersion`: the Kubernetes minor version (`1.33`) whose schemas every generated object
    /// is checked against; nil: the compiler's default (`ManifestValidator.defaultKubernetesVersion`).
    public var kubernetesVersion: Located<String>?
    /// `clusterRequests`: which environments take self-service cluster requests; nil: none do.
    public var clusterRequests: ClusterRequestSettings?
    /// The Spark Gateway pedregal deploys in every cluster; nil leaves the gateway to be installed on its own.
    public var gateway: GatewaySettings?

    /// The platform file at `file`, with nothing read yet.
    public init(file: String) { self.file = file }
}

/// How the gateway's Service is exposed.
public enum GatewayServiceType: String, CaseIterable, Sendable {
    /// A cloud load balancer: clients outside the cluster reach the region's gateway host.
    case loadBalancer = "LoadBalancer"
    /// Inside the cluster only (an ingress or a mesh in front of it).
    case clusterIP = "ClusterIP"
    /// A port on every node.
    case nodePort = "NodePort"
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
    /// Where the `clusterRequests` mapping starts.
    public var location: SourceLocation
    /// `clusterRequests.environments` (required): the terms per environment, in file order;
    /// an environment not listed takes no requests.
    public var environments: [ClusterRequestTerms]

    /// A `clusterRequests` mapping starting at `location`.
    public init(location: SourceLocation, environments: [ClusterRequestTerms] = []) {
        self.location = location
        self.environments = environments
    }
}

/// `clusterRequests.environments.<environment>`: the terms of cluster
/// requests in one environment, as written (nil: absent or rejected).
public struct ClusterRequestTerms: Sendable {
    /// The key under `clusterRequests.environments`, located at the key; names an entry of environments.yaml.
    public var environment: Located<String>
    /// `defaultTTL` (required): time to live of a request that names none, a duration (`7d`) or `persistent`.
    public var defaultTTL: Located<String>?
    /// `maxTTL` (required): the longest duration (`30d`) a request or an extension may ask for.
    public var maxTTL: Located<String>?
    /// `persistent`: whether a request may ask for a cluster that never expires; nil: false.
    public var persistent: Located<Bool>?
    /// `autoApprove`: whether requests are committed to the target branch without review; nil: false.
    public var autoApprove: Located<Bool>?
    /// `members`: whether a team's members (not only its admins) may request; nil: false.
    public var members: Located<Bool>?

    /// The terms keyed `environment`, with no fields read yet.
    public init(environment: Located<String>) { self.environment = environment }
}

/// `templates/platform.yaml` `observability`: where every Spark application
/// reports, so teams find their runs where the platform looks.
public struct ObservabilitySettings: Sendable {
    /// Where the `observability` mapping starts.
    public var location: SourceLocation
    /// `historyServer`: Spark History Server base URL (http or https), linked from `pedregal job status`;
    /// nil: none.
    public var historyServer: Located<String>?
    /// `eventLogDir`: event log folder (object store, `s3a://…`); `{region}` and `{cluster}` are replaced
    /// per region; nil: event logs are not configured.
    public var eventLogDir: Located<String>?
    /// `prometheus`: whether drivers serve Prometheus metrics on the UI port, for the OpenTelemetry
    /// collector; nil: true.
    public var prometheus: Located<Bool>?
    /// `scrapeNamespace`: namespace of the collector that scrapes drivers; team NetworkPolicies admit it
    /// to the driver UI port when `prometheus` is on; nil: no namespace is admitted.
    public var scrapeNamespace: Located<String>?

    /// An `observability` mapping starting at `location`, with no fields read yet.
    public init(location: SourceLocation) { self.location = location }
}

/// `templates/platform.yaml` `argocd`: where Argo CD runs and which git
/// repository holds `generated/`.
public struct ArgoCDSettings: Sendable {
    /// Where the `argocd` mapping starts.
    public var location: SourceLocation
    /// `argocd.namespace`: namespace of Argo CD, where the Applications and AppProject go; nil: `argocd`.
    public var namespace: Located<String>?
    /// `argocd.project`: the AppProject pedregal generates and every Application uses; nil: `pedregal`.
    /// Never `default`.
    public var project: Located<String>?
    /// `argocd.repoURL`: git repository holding generated/; nil: no Argo CD objects are generated (warning).
    public var repoURL: Located<String>?
    /// `argocd.targetRevision`: branch, tag or commit to sync; nil: `HEAD`.
    public var targetRevision: Located<String>?
    /// `argocd.path`: folder of generated/ inside the repository; nil: `generated`.
    public var path: Located<String>?

    /// An `argocd` mapping starting at `location`, with no fields read yet.
    public init(location: SourceLocation) { self.location = location }
}

/// One entry of `templates/environments.yaml`, as written (nil: absent or rejected).
public struct EnvironmentTemplate: Sendable {
    /// The entry's key (`prod`), located at the key; a label value on every object of the environment.
    public var name: Located<String>
    /// `abbrev` (required): last part of the environment's namespaces, `<prefix>-<shortName>-<abbrev>`.
    public var abbrev: Located<String>?
    /// `dnsSuffix` (required): `""` or `-<label>`, ending the host of Spark Connect hostnames,
    /// `<shortName>[-<cluster>]<dnsSuffix>`.
    public var dnsSuffix: Located<String>?
    /// `hotClusters` (required, 0–100): pre-warmed servers per Spark Connect cluster unless it sets its own.
    public var hotClusters: Located<Int>?
    /// `catalogSuffix` (required): per-environment catalogs open the UC catalog `<catalog>-<catalogSuffix>`.
    public var catalogSuffix: Located<String>?
    /// `podSecurity` (required): the Pod Security Admission level the environment's namespaces enforce.
    public var podSecurity: Located<PodSecurityLevel>?

    /// The entry keyed `name`, with no fields read yet.
    public init(name: Located<String>) { self.name = name }
}

/// `templates/environments.yaml` `podSecurity`: Pod Security Admission levels.
public enum PodSecurityLevel: String, CaseIterable, Sendable {
    /// The Kubernetes levels, least to most strict; the namespace labels enforce, audit and warn at it.
    case privileged, baseline, restricted
}

/// `templates/regions.yaml` `backend`: where a region's Spark work runs.
public enum RegionBackend: String, CaseIterable, Sendable {
    /// Spark on Kubernetes.
    case sk8
    /// The interim EMR fallback: tenant objects, DNS and routes only.
    case emr
}

/// One entry of `templates/regions.yaml`, as written (nil: absent or rejected).
public struct RegionTemplate: Sendable {
    /// The entry's key (`us-west-2`), located at the key; a label value on every object in the region.
    public var name: Located<String>
    /// `alias` (required): the region's part of regional hostnames, `<host>-<alias>.<domain>`.
    public var alias: Located<String>?
    /// `cluster` (required): the target cluster's name; its folder under generated/.
    public var cluster: Located<String>?
    /// `backend` (required): sk8 or emr.
    public var backend: Located<RegionBackend>?
    /// `gateway` (required): hostname of the region's Spark Gateway, the target of its Spark Connect CNAMEs.
    public var gateway: Located<String>?
    /// `capacity`: bound on the sum of all quotas placed in the region, per key given; nil: unbounded.
    public var capacity: QuotaSpec?

    /// The entry keyed `name`, with no fields read yet.
    public init(name: Located<String>) { self.name = name }
}

/// A resource budget: a size's `quota`, a team environment's `quota`
/// override, or a region's `capacity`. Nil fields: absent or rejected.
public struct QuotaSpec: Sendable {
    /// Where the mapping starts.
    public var location: SourceLocation
    /// `cpu`: CPU as a Kubernetes quantity (`"32"`, `500m`).
    public var cpu: Located<Quantity>?
    /// `memory`: memory as a Kubernetes quantity (`128Gi`).
    public var memory: Located<Quantity>?
    /// `pods`: the most pods (an integer, or a string of digits).
    public var pods: Located<Int>?

    /// A budget whose mapping starts at `location`, with no fields read yet.
    public init(location: SourceLocation) { self.location = location }
}

/// `driver` of a size or a job: Spark driver resources. Nil fields: absent or rejected.
public struct DriverResources: Sendable {
    /// Where the mapping starts.
    public var location: SourceLocation
    /// `driver.cores` (1–256): the driver's CPU cores, `spark.driver.cores`.
    public var cores: Located<Int>?
    /// `driver.memory`: the driver's JVM memory (`4g`), without Spark's memory overhead.
    public var memory: Located<SparkMemory>?
    /// `driver.memoryOverhead`: memory beside the heap, `spark.driver.memoryOverhead`; nil: Spark's default.
    public var memoryOverhead: Located<SparkMemory>?

    /// A `driver` mapping starting at `location`, with no fields read yet.
    public init(location: SourceLocation) { self.location = location }
}

/// `executor` of a size or a job: Spark executor resources. Nil fields: absent or rejected.
public struct ExecutorResources: Sendable {
    /// Where the mapping starts.
    public var location: SourceLocation
    /// `executor.instances` (0–10000): the number of executors.
    public var instances: Located<Int>?
    /// `executor.cores` (1–256): CPU cores per executor, `spark.executor.cores`.
    public var cores: Located<Int>?
    /// `executor.memory`: JVM memory per executor (`16g`), without Spark's memory overhead.
    public var memory: Located<SparkMemory>?
    /// `executor.memoryOverhead`: memory per executor beside the heap, `spark.executor.memoryOverhead`; nil: Spark's default.
    public var memoryOverhead: Located<SparkMemory>?

    /// An `executor` mapping starting at `location`, with no fields read yet.
    public init(location: SourceLocation) { self.location = location }
}

/// One entry of `templates/sizes.yaml`: a t-shirt size (nil: absent or rejected).
public struct SizeTemplate: Sendable {
    /// The entry's key (`small`), located at the key.
    public var name: Located<String>
    /// `quota` (required, all of cpu, memory and pods): the namespace quota of environments of this size.
    public var quota: QuotaSpec?
    /// `driver` (required, cores and memory): the driver of Spark Connect servers, and of jobs
    /// under their own `driver` keys.
    public var driver: DriverResources?
    /// `executor` (required, every key): the executors of Spark Connect servers, and of jobs
    /// under their own `executor` keys.
    public var executor: ExecutorResources?

    /// The entry keyed `name`, with no fields read yet.
    public init(name: Located<String>) { self.name = name }
}

/// `templates/catalogs.yaml` `type`: Iceberg catalog implementations Spark's
/// `SparkCatalog` accepts as `type`.
public enum CatalogType: String, CaseIterable, Sendable {
    /// Written as `spark.sql.catalog.<name>.type`; `rest` also needs a `uri`.
    case rest, hive, hadoop, glue, jdbc, nessie
}

/// One entry of `templates/catalogs.yaml`: a Spark catalog (Iceberg), as
/// written (nil: absent or rejected).
public struct CatalogTemplate: Sendable {
    /// The entry's key (`pedregal`), located at the key: the Spark catalog name teams list.
    public var name: Located<String>
    /// `type` (required): the Iceberg catalog type.
    public var type: Located<CatalogType>?
    /// `uri`: the catalog endpoint, `spark.sql.catalog.<name>.uri`; required for `rest`.
    public var uri: Located<String>?
    /// `warehouse`: `spark.sql.catalog.<name>.warehouse`, unless `perEnvironment` replaces it.
    public var warehouse: Located<String>?
    /// `credential`: name of the Kubernetes Secret (in each team namespace) whose key `credential`
    /// holds the catalog's client credential; never the credential itself. Nil: none.
    public var credential: Located<String>?
    /// `perEnvironment`: whether the warehouse is the UC catalog `<name>-<catalogSuffix>`; nil: false.
    public var perEnvironment: Located<Bool>?
    /// `default`: whether teams that list no `catalogs` get this one; nil: false.
    public var isDefault: Located<Bool>?

    /// The entry keyed `name`, with no fields read yet.
    public init(name: Located<String>) { self.name = name }
}

/// `templates/engines.yaml`: engine versions and the default one.
public struct EngineTemplates: Sendable {
    /// Every key but `default`, in file order.
    public var versions: [EngineTemplate]
    /// `default`: the version used where `engine` is not set; nil: the only version when there is
    /// exactly one, else an error where one is needed.
    public var defaultVersion: Located<String>?

    /// Engines with `versions` and the `default` key's value.
    public init(versions: [EngineTemplate] = [], defaultVersion: Located<String>? = nil) {
        self.versions = versions
        self.defaultVersion = defaultVersion
    }
}

/// One engine version of `templates/engines.yaml`: the pinned image and the
/// versions inside it (nil: absent or rejected).
public struct EngineTemplate: Sendable {
    /// The entry's key (`"3.5"`), located at the key: what `engine` names.
    public var version: Located<String>
    /// `image` (required): the pinned container image of drivers and executors.
    public var image: Located<String>?
    /// `sparkVersion` (required): the Spark version in the image (`3.5.3`).
    public var sparkVersion: Located<String>?
    /// `scalaVersion`: the Scala version in the image (`"2.12"`).
    public var scalaVersion: Located<String>?
    /// `javaVersion`: the Java version in the image.
    public var javaVersion: Located<String>?

    /// The entry keyed `version`, with no fields read yet.
    public init(version: Located<String>) { self.version = version }
}
