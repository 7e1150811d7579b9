/// How a runner command ends, as a process exit status (sysexits.h values
/// where one fits).
public enum ExitStatus: Int32, Sendable, Comparable, CustomStringConvertible {
    /// Everything succeeded, or the state asked about was read.
    case success = 0
    /// A request failed, an object is missing, drifted or unhealthy, or a
    /// waited-for job failed.
    case failure = 1
    /// Bad usage: flags, arguments or names that cannot work.
    case usage = 64
    /// The cluster folder holds files `pedregal generate` would not write
    /// (the CI gate): nothing was sent.
    case rejected = 65
    /// The cluster could not be reached, even after retries.
    case unavailable = 69
    /// A local file (manifest, kubeconfig, certificate, token) is unreadable.
    case ioError = 74
    /// Refused: the cluster-name guard, or the API answered 401 or 403.
    case refused = 77

    /// Worse statuses win when several objects fail differently: unreachable,
    /// then refused, then local files, the folder gate and usage problems,
    /// then plain failures.
    private var severity: Int {
        switch self {
        case .success: return 0
        case .failure: return 1
        case .usage: return 2
        case .rejected: return 3
        case .ioError: return 4
        case .refused: return 5
        case .unavailable: return 6
        }
    }

    public static func < (a: ExitStatus, b: ExitStatus) -> Bool { a.severity < b.severity }

    public var description: String { String(rawValue) }
}
