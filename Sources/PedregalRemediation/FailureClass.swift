/// Why a Spark run failed: the classes `job status` reports and `submit
/// --retry auto` acts on, each with whether a retry can help and who must
/// act otherwise.
public enum FailureClass: String, Sendable, CaseIterable {
    /// The application's own code threw (a Python UDF, the driver program).
    case userCode = "user-code"
    /// The data or its schema is not what the job expects (a missing table or column, a bad cast).
    case dataOrSchema = "data-or-schema"
    /// The job's identity may not read or write something (object store, catalog, Kubernetes).
    case permissionDenied = "permission-denied"
    /// The job's configuration cannot work (main class, application file, a missing Secret).
    case configuration
    /// The driver JVM ran out of heap.
    case driverOutOfMemory = "driver-out-of-memory"
    /// Executor JVMs ran out of heap.
    case executorOutOfMemory = "executor-out-of-memory"
    /// A container went past its memory limit (heap plus overhead): Kubernetes killed it.
    case containerMemory = "container-memory"
    /// Local disk filled up (shuffle, spill, temporary files).
    case diskFull = "disk-full"
    /// Shuffle blocks could not be fetched from other executors.
    case shuffleFetchFailure = "shuffle-fetch-failure"
    /// The namespace's quota or the cluster's capacity could not hold the pods.
    case quotaOrCapacity = "quota-or-capacity"
    /// The container image could not be pulled.
    case image
    /// A service the job depends on failed for a while (catalog, object store, network).
    case transientDependency = "transient-dependency"
    /// The platform took the pods away (eviction, preemption, a lost node).
    case platform
    /// Nothing the cluster holds says why.
    case unknown

    /// How people read the class.
    public var title: String {
        switch self {
        case .userCode: return "user code error"
        case .dataOrSchema: return "data or schema error"
        case .permissionDenied: return "permission denied"
        case .configuration: return "configuration error"
        case .driverOutOfMemory: return "driver out of memory"
        case .executorOutOfMemory: return "executor out of memory"
        case .containerMemory: return "container memory overhead"
        case .diskFull: return "disk full"
        case .shuffleFetchFailure: return "shuffle fetch failure"
        case .quotaOrCapacity: return "quota or capacity"
        case .image: return "image"
        case .transientDependency: return "transient dependency"
        case .platform: return "platform"
        case .unknown: return "unknown"
        }
    }

    /// Which class wins when several are seen: the cause before its
    /// consequences (an executor lost to memory makes shuffle fetches fail,
    /// and the job then ends in an exception in the driver program).
    public static let precedence: [FailureClass] = [
        .image, .quotaOrCapacity, .platform, .containerMemory, .driverOutOfMemory, .executorOutOfMemory, .diskFull,
        .shuffleFetchFailure, .permissionDenied, .dataOrSchema, .configuration, .transientDependency, .userCode, .unknown,
    ]

    /// Position in `precedence` (lower wins).
    var rank: Int { Self.precedence.firstIndex(of: self) ?? Self.precedence.count }
}

/// Which Spark process a finding is about.
public enum SparkRole: String, Sendable {
    case driver, executor
}

/// Who has to do something when a retry cannot help.
public enum Actor: String, Sendable {
    /// The team that owns the job (its code, its team file, its data).
    case team
    /// The platform team (images, Secrets, RBAC, nodes).
    case platform
    /// Whoever owns the upstream data or service.
    case upstream
}
