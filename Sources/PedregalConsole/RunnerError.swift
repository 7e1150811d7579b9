/// A problem that ends a command, with the exit status it deserves and a
/// message that names what was involved.
public struct RunnerError: Error, Sendable, CustomStringConvertible {
    /// The exit status.
    public var status: ExitStatus
    /// What went wrong and, where possible, what to do about it.
    public var message: String

    /// Creates an error.
    public init(_ status: ExitStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { message }

    /// A bad flag or argument.
    public static func usage(_ message: String) -> RunnerError { RunnerError(.usage, message) }
    /// An unreadable local file.
    public static func io(_ message: String) -> RunnerError { RunnerError(.ioError, message) }
    /// The guard or the API said no.
    public static func refused(_ message: String) -> RunnerError { RunnerError(.refused, message) }
    /// A request that failed.
    public static func failure(_ message: String) -> RunnerError { RunnerError(.failure, message) }
}
