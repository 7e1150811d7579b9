/// The input format (FORMAT.md, version 1) as data: every object, its keys,
/// which are required, their types and what they mean.
///
/// The loader takes its key lists and required keys from here (so "unknown
/// key" and "did you mean" follow the format), and `pedregal schema` prints a
/// JSON Schema of teams/*.yaml from the same description, so the editor
/// schema can never drift from the keys the compiler accepts.
public enum FormatSchema {
    static let groups = FieldType.list(.string(pattern: nil))
    static let names = FieldType.list(.dnsLabel)
    static let catalogNames = FieldType.list(.string(pattern: "^[a-z_][a-z0-9_-]*$"))

    /// A size's `quota`, a team environment's `quota` override, or a region's `capacity`.
    public static let quota = ObjectSchema(
        "Quota", "A resource budget; any subset of cpu, memory and pods.",
        [
            FieldSchema("cpu", .quantity, "CPU as a Kubernetes quantity, e.g. \"32\" or 500m."),
            FieldSchema("memory", .quantity, "Memory as a Kubernetes quantity, e.g. 128Gi."),
            FieldSchema("pods", .integer(minimum: 0, maximum: nil), "Maximum number of pods."),
        ])

    /// `driver` of a size or a job.
    public static let driver = ObjectSchema(
        "Driver", "Spark driver resources.",
        [
            FieldSchema("cores", .integer(minimum: 1, maximum: 256), "Driver cores."),
            FieldSchema("memory", .sparkMemory, "Driver JVM memory, e.g. 4g (Spark's size syntax)."),
            FieldSchema(
                "memoryOverhead", .sparkMemory,
                "Driver memory beside the JVM heap (native, Python, buffers), e.g. 1g: spark.driver.memoryOverhead (default: Spark's, 10% of memory, 40% for Python and R, at least 384m)."
            ),
        ])

    /// `executor` of a size or a job.
    public static let executor = ObjectSchema(
        "Executor", "Spark executor resources.",
        [
            FieldSchema("instances", .integer(minimum: 0, maximum: 10_000), "Number of executors."),
            FieldSchema("cores", .integer(minimum: 1, maximum: 256), "Cores per executor."),
            FieldSchema("memory", .sparkMemory, "JVM memory per executor, e.g. 16g."),
            FieldSchema(
                "memoryOverhead", .sparkMemory,
                "Memory per executor beside the JVM heap (Python workers, native and network buffers), e.g. 2g: spark.executor.memoryOverhead (default: Spark's, 10% of memory, 40% for Python and R, at least 384m)."
            ),
        ])

    /// `teams/<team>.yaml` `environments.<environment>`.
    public static let teamEnvironment = ObjectSchema(
        "TeamEnvironment", "The team's presence in one environment.",
        [
            FieldSchema(
                "regions", names, required: true,
                "Regions from templates/regions.yaml; the first is the primary region for this environment."),
            FieldSchema("size", .dnsLabel, required: true, "A size from templates/sizes.yaml."),
            FieldSchema("quota", .object(quota), "Overrides of the size's quota (any subset of cpu, memory, pods)."),
        ])

    /// `teams/<team>.yaml` `owners`.
    public static let owners = ObjectSchema(
        "Owners", "Okta groups that own the team.",
        [
            FieldSchema(
                "admins", groups, required: true,
                "Okta groups (at least one) that may manage Spark workloads in the team's namespaces."),
            FieldSchema("members", groups, "Okta groups with read-only access plus Spark Connect use."),
        ])

    /// `teams/<team>.yaml` `network.sparkConnectFrom[]`.
    public static let networkPeer = ObjectSchema(
        "NetworkPeer", "A namespace allowed to reach Spark Connect.",
        [
            FieldSchema("namespace", .dnsLabel, required: true, "A namespace in the same cluster.")
        ])

    /// `teams/<team>.yaml` `network`.
    public static let network = ObjectSchema(
        "Network", "Extra network access.",
        [
            FieldSchema(
                "sparkConnectFrom", .list(.object(networkPeer)),
                "Namespaces (in the same cluster) allowed to reach Spark Connect on its port.")
        ])

    /// `teams/<team>.yaml` `sparkConnect[]`.
    public static let sparkConnect = ObjectSchema(
        "SparkConnectCluster", "An interactive Spark Connect cluster.",
        [
            FieldSchema("name", .dnsLabel, required: true, "Unique within the team; `default` gets the team's plain hostname."),
            FieldSchema("environments", names, "Environments it runs in (default: all of the team's)."),
            FieldSchema(
                "regions", names,
                "Regions it runs in, each a region of one of its environments; the first it shares with an environment serves the plain hostname there (default: every region of its environments)."
            ),
            FieldSchema("size", .dnsLabel, "A size from templates/sizes.yaml (default: the environment's size)."),
            FieldSchema("catalogs", catalogNames, "Catalogs from templates/catalogs.yaml its servers open (default: the team's)."),
            FieldSchema(
                "hotClusters", .map(keys: "environment", values: .integer(minimum: 0, maximum: 100)),
                "Pre-warmed servers per environment (default: templates/environments.yaml)."),
            FieldSchema(
                "expiresAt", .timestamp,
                "RFC 3339 time after which the runner removes its servers; absent means persistent."),
            FieldSchema("engine", .string(pattern: nil), "An engine version from templates/engines.yaml (default: its default)."),
        ])

    /// `teams/<team>.yaml` `jobs[]`.
    public static let job = ObjectSchema(
        "Job", "A batch or streaming Spark job.",
        [
            FieldSchema("name", .dnsLabel, required: true, "Unique within the team; starts with a letter."),
            FieldSchema(
                "type", .enumeration(JobType.allCases.map(\.rawValue)), required: true,
                "batch (run on demand or on a schedule) or streaming (runs continuously)."),
            FieldSchema("schedule", .cron, "Batch only: 5-field cron (UTC). Omitted: run on demand with `pedregal submit`."),
            FieldSchema(
                "concurrency", .enumeration(JobConcurrency.allCases.map(\.rawValue)),
                "Batch only: when the previous run of this job is still active, a new run is skipped (forbid, the default), started beside it (allow), or replaces it (replace)."
            ),
            FieldSchema(
                "retry", .object(retry), "What happens when a run fails: policy auto retries what a retry can fix, with the remedy applied."
            ),
            FieldSchema("environments", names, "Environments it runs in (default: all of the team's)."),
            FieldSchema("regions", names, "Regions it runs in (default: each environment's primary region)."),
            FieldSchema("engine", .string(pattern: nil), "An engine version from templates/engines.yaml (default: its default)."),
            FieldSchema(
                "mainApplicationFile", .string(pattern: nil), required: true,
                "The application: a .py file, or a .jar with mainClass (e.g. s3://bucket/jobs/job.py)."),
            FieldSchema("mainClass", .string(pattern: nil), "JVM entry point, for jar applications."),
            FieldSchema("args", .list(.scalarText), "Application arguments."),
            FieldSchema("driver", .object(driver), "Driver resources (default: the size's)."),
            FieldSchema("executor", .object(executor), "Executor resources (default: the size's)."),
            FieldSchema(
                "sparkConf", .map(keys: "Spark property", values: .scalarText),
                "Extra Spark properties; values are strings. Never put secrets here."),
            FieldSchema("catalogs", catalogNames, "Catalogs from templates/catalogs.yaml (default: the team's)."),
            FieldSchema(
                "sizing", .object(sizing),
                "Pre-submit sizing: with mode auto, `pedregal submit` sizes each run from the job's recent event logs within these bounds."),
        ])

    /// `teams/<team>.yaml`.
    public static let team = ObjectSchema(
        "Team", "A team's definition: teams/<team>.yaml.",
        [
            FieldSchema("team", .dnsLabel, required: true, "The team's name: a DNS-1123 label, unique across teams/."),
            FieldSchema("shortName", .dnsLabel, "Used in namespaces and hostnames (default: team); unique across teams/."),
            FieldSchema("owners", .object(owners), required: true, "Okta groups that own the team."),
            FieldSchema("contact", .string(pattern: nil), "How to reach the team, e.g. a Slack channel."),
            FieldSchema("catalogs", catalogNames, "Catalogs from templates/catalogs.yaml (default: those marked default)."),
            FieldSchema(
                "environments", .map(keys: "environment", values: .object(teamEnvironment)), required: true,
                "Environments from templates/environments.yaml, each with regions and a size."),
            FieldSchema("network", .object(network), "Extra network access."),
            FieldSchema("sparkConnect", .list(.object(sparkConnect)), "Interactive Spark Connect clusters."),
            FieldSchema("jobs", .list(.object(job)), "Batch and streaming Spark jobs."),
        ])

    /// `templates/platform.yaml` `argocd`.
    public static let argocd = ObjectSchema(
        "ArgoCD", "Where Argo CD runs and where it reads generated/.",
        [
            FieldSchema("repoURL", .string(pattern: nil), "Git repository holding generated/; without it no Applications are written."),
            FieldSchema("targetRevision", .string(pattern: nil), "Branch, tag or commit to sync (default: HEAD)."),
            FieldSchema("path", .string(pattern: nil), "Folder of generated/ inside the repository (default: generated)."),
            FieldSchema("namespace", .dnsLabel, "Namespace of Argo CD (default: argocd)."),
            FieldSchema(
                "project", .string(pattern: nil),
                "The AppProject pedregal generates and every Application uses (default: pedregal); never Argo CD's unrestricted `default`."),
        ])

    /// `templates/platform.yaml` `observability`.
    public static let observability = ObjectSchema(
        "Observability", "Where every Spark application reports: event logs, History Server, metrics.",
        [
            FieldSchema(
                "historyServer", .string(pattern: "^https?://"),
                "Spark History Server URL, linked from `pedregal job status`."),
            FieldSchema(
                "eventLogDir", .string(pattern: nil),
                "Object-store folder for Spark event logs (s3a://, gs://, abfss://, …); {region} and {cluster} are replaced per region."),
            FieldSchema(
                "prometheus", .boolean,
                "Serve driver and executor metrics in Prometheus format on the driver's UI port, annotated for scraping (default: true)."),
            FieldSchema(
                "scrapeNamespace", .dnsLabel,
                "Namespace of the OpenTelemetry collector (or Prometheus) allowed through the team namespaces' NetworkPolicies to scrape drivers."
            ),
        ])

    /// A time to live: a whole number of minutes, hours, days or weeks.
    static let duration = FieldType.string(pattern: "^[1-9][0-9]{0,5}[mhdw]$")

    /// `templates/platform.yaml` `clusterRequests.environments.<environment>`.
    public static let clusterRequestTerms = ObjectSchema(
        "ClusterRequestTerms", "The terms of self-service cluster requests in one environment.",
        [
            FieldSchema(
                "defaultTTL", .string(pattern: "^([1-9][0-9]{0,5}[mhdw]|persistent)$"), required: true,
                "Time to live of a cluster whose request names none: a duration such as 7d (m, h, d, w), or persistent where allowed."),
            FieldSchema("maxTTL", duration, required: true, "The longest time to live a request (or an extension) may ask for."),
            FieldSchema("persistent", .boolean, "Whether a request may ask for a cluster that never expires (default: false)."),
            FieldSchema(
                "autoApprove", .boolean,
                "Commit requests straight to the target branch instead of a branch for review (default: false)."),
            FieldSchema("members", .boolean, "Whether the team's members may request, not only its admins (default: false)."),
        ])

    /// `templates/platform.yaml` `clusterRequests`.
    public static let clusterRequests = ObjectSchema(
        "ClusterRequests", "Self-service Spark Connect cluster requests (pedregal serve).",
        [
            FieldSchema(
                "environments", .map(keys: "environment", values: .object(clusterRequestTerms)), required: true,
                "Environments that take requests, each with its terms; requests for any other are refused.")
        ])

    /// `templates/platform.yaml`.
    public static let platform = ObjectSchema(
        "Platform", "Platform-wide settings: templates/platform.yaml.",
        [
            FieldSchema("domain", .string(pattern: nil), required: true, "DNS zone for Spark Connect endpoints."),
            FieldSchema("namespacePrefix", .dnsLabel, required: true, "Namespace = <prefix>-<shortName>-<env abbrev>."),
            FieldSchema("sparkConnectPort", .integer(minimum: 1, maximum: 65535), required: true, "Spark Connect gRPC port."),
            FieldSchema("gatewayNamespace", .dnsLabel, required: true, "Namespace of the Spark Gateway in every cluster."),
            FieldSchema("groupPrefix", .string(pattern: nil), required: true, "RBAC Group subject = <groupPrefix><okta group>."),
            FieldSchema(
                "operator", .enumeration(SparkOperatorFlavor.allCases.map(\.rawValue)),
                "SparkApplication flavour: apache (default) or kubeflow."),
            FieldSchema("operatorNamespace", .dnsLabel, "Namespace of the Spark operator (default: spark-operator)."),
            FieldSchema(
                "runnerImage", .string(pattern: nil),
                "Image of the pedregal runner used by scheduled jobs (default: registry.<domain>/pedregal:<version>)."),
            FieldSchema("argocd", .object(argocd), "Argo CD Applications for the cluster folders."),
            FieldSchema("observability", .object(observability), "Event logs, History Server and metrics for every Spark application."),
            FieldSchema(
                "kubernetesVersion", .string(pattern: "^[0-9]+\\.[0-9]+$"),
                "Kubernetes minor version of the clusters, e.g. \"1.33\"; every generated object is checked against its schemas."),
            FieldSchema(
                "clusterRequests", .object(clusterRequests),
                "Which environments take self-service Spark Connect cluster requests, and on what terms."),
            FieldSchema(
                "gateway", .object(gateway),
                "Deploy the Spark Gateway in every cluster (Deployment, Service, RBAC); without it the gateway is installed on its own."),
        ])

    /// One entry of `templates/environments.yaml`.
    public static let environment = ObjectSchema(
        "Environment", "An environment.",
        [
            FieldSchema("abbrev", .dnsLabel, required: true, "Abbreviation used in namespace names."),
            FieldSchema("dnsSuffix", .string(pattern: nil), required: true, "Suffix after the short name in hostnames (\"\" for none)."),
            FieldSchema(
                "hotClusters", .integer(minimum: 0, maximum: 100), required: true,
                "Default number of pre-warmed Spark Connect servers."),
            FieldSchema("catalogSuffix", .string(pattern: nil), required: true, "Suffix of per-environment UC catalog names."),
            FieldSchema(
                "podSecurity", .enumeration(PodSecurityLevel.allCases.map(\.rawValue)), required: true,
                "Pod Security Admission level enforced in the namespaces."),
        ])

    /// One entry of `templates/regions.yaml`.
    public static let region = ObjectSchema(
        "Region", "A region and its cluster.",
        [
            FieldSchema("alias", .dnsLabel, required: true, "Short name used in regional hostnames."),
            FieldSchema("cluster", .dnsLabel, required: true, "Target cluster; the folder under generated/."),
            FieldSchema("backend", .enumeration(RegionBackend.allCases.map(\.rawValue)), required: true, "sk8 or emr."),
            FieldSchema("gateway", .string(pattern: nil), required: true, "Hostname of the region's Spark Gateway."),
            FieldSchema("capacity", .object(quota), "Upper bound of the sum of all quotas placed in the region."),
        ])

    /// One entry of `templates/sizes.yaml`.
    public static let size = ObjectSchema(
        "Size", "A t-shirt size.",
        [
            FieldSchema("quota", .object(quota), required: true, "Namespace quota."),
            FieldSchema("driver", .object(driver), required: true, "Default driver resources."),
            FieldSchema("executor", .object(executor), required: true, "Default executor resources."),
        ])

    /// One entry of `templates/catalogs.yaml`.
    public static let catalog = ObjectSchema(
        "Catalog", "A Spark catalog (Iceberg).",
        [
            FieldSchema("type", .enumeration(CatalogType.allCases.map(\.rawValue)), required: true, "Iceberg catalog type."),
            FieldSchema("uri", .string(pattern: nil), "Catalog endpoint."),
            FieldSchema("warehouse", .string(pattern: nil), "Warehouse location."),
            FieldSchema(
                "credential", .string(pattern: "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"),
                "Name of the Kubernetes Secret, provisioned by the platform in each team namespace, whose key `credential` holds the catalog's OAuth2 client credential; the value reaches Spark only at run time."
            ),
            FieldSchema("perEnvironment", .boolean, "The environment's catalogSuffix names the UC catalog."),
            FieldSchema("default", .boolean, "Given to teams that list no catalogs."),
        ])

    /// One entry of `templates/engines.yaml`.
    public static let engine = ObjectSchema(
        "Engine", "An engine version.",
        [
            FieldSchema("image", .string(pattern: nil), required: true, "Pinned container image."),
            FieldSchema("sparkVersion", .string(pattern: nil), required: true, "Spark version in the image."),
            FieldSchema("scalaVersion", .string(pattern: nil), "Scala version in the image."),
            FieldSchema("javaVersion", .string(pattern: nil), "Java version in the image."),
        ])
}
