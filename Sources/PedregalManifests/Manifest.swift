import PedregalYAML

/// One Kubernetes object bound for one cluster, with the input file it came from.
public struct Manifest: Sendable {
    /// The target cluster: the first folder of its path under generated/.
    public var cluster: String
    /// The whole object: apiVersion, kind, metadata, and the rest.
    public var object: YAMLValue
    /// Root-relative path of the input the object was made from.
    public var source: String
    public var id: ResourceID

    /// Wraps an object; `object` must carry apiVersion, kind and metadata.name.
    public init(cluster: String, object: YAMLValue, source: String) {
        self.cluster = cluster
        self.object = object
        self.source = source
        let metadata = object["metadata"]
        self.id = ResourceID(
            apiVersion: object["apiVersion"]?.string ?? "", kind: object["kind"]?.string ?? "",
            namespace: metadata?["namespace"]?.string, name: metadata?["name"]?.string ?? "")
    }
}

/// Labels and annotations pedregal puts on objects.
public enum Vocabulary {
    public static let managedBy = "app.kubernetes.io/managed-by"
    public static let managedByValue = "pedregal"
    public static let team = "pedregal.io/team"
    public static let environment = "pedregal.io/environment"
    public static let region = "pedregal.io/region"
    /// The generated folder (target cluster) an object belongs to; prune
    /// never reaches past it, even when two folders land on one cluster.
    public static let cluster = "pedregal.io/cluster"
    public static let backend = "pedregal.io/backend"
    public static let component = "pedregal.io/component"
    public static let job = "pedregal.io/job"
    public static let sparkConnect = "pedregal.io/spark-connect"
    public static let runToken = "pedregal.io/run-token"
    /// On a run and its driver and executor pods: the run's name, so logs
    /// and metrics of one run can be found together.
    public static let run = "pedregal.io/run"
    /// On a job's SparkApplication template: what `submit` does while an
    /// earlier run of the job is active (`Forbid`, `Allow`, `Replace`).
    public static let concurrencyPolicy = "pedregal.io/concurrency-policy"
    /// On runs (and streaming jobs): the retry policy, `auto`, and the most
    /// attempts its chain may make.
    public static let retryPolicy = "pedregal.io/retry-policy"
    public static let maxAttempts = "pedregal.io/max-attempts"
    /// On a run of a retry chain: its attempt (1 for the first), the run it
    /// retries and why that one failed, and the Spark properties the chain
    /// changed (`key=value,…`) with their first values.
    public static let attempt = "pedregal.io/attempt"
    public static let retryOf = "pedregal.io/retry-of"
    public static let retryReason = "pedregal.io/retry-reason"
    public static let remedy = "pedregal.io/remedy"
    public static let remedyBaseline = "pedregal.io/remedy-baseline"
    /// On SparkApplications: the Spark History Server that shows their runs.
    public static let historyServer = "pedregal.io/history-server"
    /// On a batch job's template: `auto` when `submit` sizes each run from the job's history.
    public static let sizing = "pedregal.io/sizing"
    /// On a batch job's template with sizing auto: the bounds, as compact JSON.
    public static let sizingBounds = "pedregal.io/sizing-bounds"
    /// On a run sized by `submit`: what it chose (`executor.instances=4 (written 10), …`), or why it kept the written values.
    public static let sizingApplied = "pedregal.io/sizing-applied"
    /// On a run sized by `submit`: the runs the choice came from and its expected effect.
    public static let sizingReason = "pedregal.io/sizing-reason"
    /// Where the object came from: `teams/<team>.yaml`.
    public static let source = "pedregal.io/source"
    public static let expiresAt = "pedregal.io/expires-at"
    public static let contact = "pedregal.io/contact"
    public static let syncWave = "argocd.argoproj.io/sync-wave"
    public static let syncOptions = "argocd.argoproj.io/sync-options"
    /// Key of the SparkApplication inside job and Spark Connect template ConfigMaps.
    public static let templateKey = "sparkapplication.yaml"
    /// Key of the route inside gateway route ConfigMaps.
    public static let routeKey = "route.yaml"
}

/// Values of the `pedregal.io/component` label.
public enum SparkComponent {
    public static let connectServer = "spark-connect-server"
    public static let job = "spark-job"
    public static let gatewayRoute = "gateway-route"
    public static let jobTemplate = "job-template"
    public static let connectTemplate = "spark-connect-template"
    public static let submitter = "scheduled-submit"
    /// The Spark Gateway's own objects (not its routes).
    public static let gateway = "spark-gateway"
}

/// Builds objects with the metadata every pedregal object carries.
public struct ObjectBuilder: Sendable {
    /// The target cluster.
    public var cluster: String
    /// The input file.
    public var source: String
    /// Labels every object gets besides `managed-by` (team, environment, …).
    public var labels: [String: String]

    public init(cluster: String, source: String, labels: [String: String] = [:]) {
        self.cluster = cluster
        self.source = source
        self.labels = labels
    }

    /// A manifest with standard metadata; `body` follows metadata in order.
    public func make(
        _ apiVersion: String, _ kind: String, name: String, namespace: String?,
        labels extraLabels: [String: String] = [:], annotations extraAnnotations: [String: String] = [:],
        _ body: YAMLMap = [:]
    ) -> Manifest {
        var allLabels = labels.merging(extraLabels) { _, new in new }
        allLabels[Vocabulary.managedBy] = Vocabulary.managedByValue
        allLabels[Vocabulary.cluster] = cluster
        var annotations = extraAnnotations
        annotations[Vocabulary.source] = source
        annotations[Vocabulary.syncWave] = String(KindOrder.syncWave(kind))
        var object: YAMLMap = [
            "apiVersion": .string(apiVersion),
            "kind": .string(kind),
            "metadata": [
                "name": .string(name),
                "namespace": .optional(namespace),
                "labels": .sortedStrings(allLabels),
                "annotations": .sortedStrings(annotations),
            ],
        ]
        object.entries += body.entries
        // Written as the API server stores it, so a synced object equals its file.
        return Manifest(cluster: cluster, object: StoredForm.canonicalizingQuantities(.map(object)), source: source)
    }
}
