/// The names pedregal gives the objects it generates. They live here, beside
/// the rules that keep them within Kubernetes' limits, so that renderers and
/// the length checks cannot disagree.
public enum ObjectNames {
    /// The folder of generated/ that holds Argo CD Applications; no cluster may take it.
    public static let argocdFolder = "argocd"
    /// ServiceAccount of Spark drivers in every team namespace.
    public static let driverServiceAccount = "spark-driver"
    /// ServiceAccount of the scheduled-submit CronJobs.
    public static let submitterServiceAccount = "pedregal-submitter"
    /// The Spark Gateway's Deployment, Service, ServiceAccount, Role and the rest, in the gateway namespace.
    public static let gateway = "pedregal-gateway"
    /// The gateway's in-cluster Service for metrics and health.
    public static let gatewayMetrics = "pedregal-gateway-metrics"
    /// The Role and RoleBinding in each team namespace that let the gateway read its Services' endpoints.
    public static let gatewayEndpointsRole = "pedregal-gateway-endpoints"
    /// The ConfigMap with the gateway's backends file (upstreams of regions not on sk8).
    public static let gatewayBackends = "pedregal-gateway-backends"
    /// ConfigMap of spark-defaults for the environment's catalogs.
    public static let catalogConfigMap = "spark-defaults"
    /// Longest job name: a CronJob's name may have 52 characters, and a run
    /// is named `<job>-<10-character token hash>` within 63.
    public static let maxJobName = 52
    /// Longest Spark Connect cluster name, so `sc-<name>-<n>` fits in 63.
    public static let maxSparkConnectName = 56

    /// The always-on server number `index` of a Spark Connect cluster.
    public static func sparkConnectServer(_ cluster: String, index: Int) -> String { "sc-\(cluster)-\(index)" }
    /// The Service in front of a Spark Connect cluster's servers.
    public static func sparkConnectService(_ cluster: String) -> String { "sc-\(cluster)" }
    /// The ConfigMap with the server the gateway starts on demand.
    public static func sparkConnectTemplate(_ cluster: String) -> String { "sc-\(cluster)-template" }
    /// The ConfigMap with a batch job's SparkApplication template.
    public static func jobTemplate(_ job: String) -> String { "job-\(job)" }
    /// The namespace of a team in an environment.
    public static func namespace(prefix: String, shortName: String, abbrev: String) -> String {
        "\(prefix)-\(shortName)-\(abbrev)"
    }
    /// The hostname (without domain) shared by every region of a Spark Connect cluster.
    public static func sparkConnectHostBase(shortName: String, cluster: String, dnsSuffix: String) -> String {
        shortName + (cluster == "default" ? "" : "-\(cluster)") + dnsSuffix
    }
}
