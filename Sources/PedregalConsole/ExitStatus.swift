/// How a `pedregal` command ends, as a process exit status (sysexits.h
/// values where one fits); `pedregal --help` and the README document them.
public enum ExitStatus: Int32, Sendable, Comparable, CustomStringConvertible {
    /// Everything succeeded, or the state asked about was read.
    case success = 0
    /// Invalid input, a stale `check`, changes found by `diff`; for the
    /// runner a request failed, an object is missing, drifted or unhealthy,
    /// or a waited-for job failed.
    case failure = 1
    /// `diff` only: a side does not compile.
    case uncompilable = 2
    /// Bad usage: flags, arguments or names that cannot work.
    case usage = 64
    /// The cluster folder holds files `pedregal generate` would not write
    /// (the CI gate): nothing was sent.
    case rejected = 65
    /// The cluster could not be reached, even after retries.
    case unavailable = 69
    /// A bug of pedregal's own, such as a generated object that breaks Kubernetes' schemas.
    case internalError = 70
    /// A local file (manifest, kubeconfig, certificate, token) is unreadable.
    case ioError = 74
    /// Refused: the cluster-name guard, or the API answered 401 or 403.
    case refused = 77

    /// Worse statuses win when several objects fail differently: internal
    /// errors, unreachable, then refused, then local files, the folder gate
    /// and usage problems, then plain failures.
    private var severity: Int {
        switch self {
        case .success: return 0
        case .failure: return 1
        case .uncompilable: return 2
        case .usage: return 3
        case .rejected: return 4
        case .ioError: return 5
        case .refused: return 6
        case .unavailable: return 7
        case .internalError: return 8
        }
    }

    public static func < (a: ExitStatus, b: ExitStatus) -> Bool { a.severity < b.severity }

    public var description: String { String(rawValue) }
}
