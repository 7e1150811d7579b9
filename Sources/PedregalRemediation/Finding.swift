/// One piece of evidence that points at a class: what it says and the line
/// that proves it.
public struct Finding: Sendable, Equatable {
    /// The class it points at.
    public var failureClass: FailureClass
    /// The process it is about, when known.
    public var role: SparkRole?
    /// What it means, in a few words (`the driver container was OOMKilled`).
    public var detail: String
    /// The line that proves it.
    public var proof: Proof
    /// What a retry must change beyond the class's own remedy (a Spark
    /// property that was the limit, such as `spark.driver.maxResultSize`).
    public var setting: String?
    /// Whether waiting cannot help: a run larger than its whole quota, an
    /// image that does not exist.
    public var permanent: Bool
    /// A hint rather than a proof (a pod that waited for a node, a SIGTERM):
    /// it decides only when nothing stronger was found.
    public var weak: Bool

    /// Creates a finding.
    public init(
        _ failureClass: FailureClass, role: SparkRole? = nil, detail: String, proof: Proof, setting: String? = nil,
        permanent: Bool = false, weak: Bool = false
    ) {
        self.failureClass = failureClass
        self.role = role
        // Details quote bits of logs (an OutOfMemoryError's kind, a Secret's name): redacted like proofs.
        self.detail = Redaction.redact(detail, limit: 200)
        self.proof = proof
        self.setting = setting
        self.permanent = permanent
        self.weak = weak
    }
}

/// A line of evidence, with where it was read.
public struct Proof: Sendable, Equatable, CustomStringConvertible {
    /// `SparkApplication status`, `pod ns/x-0-driver`, `event Warning FailedScheduling on Pod x`,
    /// `driver log`, `event log`.
    public var source: String
    /// The line, secrets masked and cut to a readable length.
    public var line: String

    /// Creates a proof line; `line` is redacted and shortened here, so no
    /// proof can carry a secret into output.
    public init(source: String, line: String) {
        self.source = source
        self.line = Redaction.redact(line, limit: 400)
    }

    public var description: String { "\(source): \(line)" }
}
