/// Why an event log could not be read.
public struct EventLogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file, folder or URL concerned.
    public var source: String
    /// What is wrong, and how to fix it where that is known.
    public var message: String

    /// The problem `message` with `source`.
    public init(_ source: String, _ message: String) {
        self.source = source
        self.message = message
    }

    public var description: String { "\(source): \(message)" }
}
