/// One problem found in the input: what, where, how bad, and how to fix it.
///
/// Diagnostics are values. Library code collects them; only the command line
/// decides how they look and what exit status they imply.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    /// How serious a diagnostic is. Only errors stop generation.
    public enum Severity: String, Hashable, Sendable, Comparable {
        case error, warning

        public static func < (a: Severity, b: Severity) -> Bool { a == .error && b == .warning }
    }

    /// A secondary location that explains the diagnostic, e.g. the template
    /// line a default came from.
    public struct Note: Hashable, Sendable {
        /// Where the note points.
        public var location: SourceLocation
        /// What is at that location.
        public var message: String

        /// Creates a note.
        public init(_ message: String, at location: SourceLocation) {
            self.location = location
            self.message = message
        }
    }

    /// How serious it is.
    public var severity: Severity
    /// A stable, machine-readable identifier (`unknown-key`, `duplicate-name`, …).
    public var code: DiagnosticCode
    /// The sentence shown to the user: what is wrong and how to fix it.
    public var message: String
    /// Where the problem is.
    public var location: SourceLocation
    /// Related locations.
    public var notes: [Note]

    /// Creates a diagnostic.
    public init(
        _ severity: Severity, _ code: DiagnosticCode, _ message: String, at location: SourceLocation,
        notes: [Note] = []
    ) {
        self.severity = severity
        self.code = code
        self.message = message
        self.location = location
        self.notes = notes
    }

    /// An error.
    public static func error(
        _ code: DiagnosticCode, _ message: String, at location: SourceLocation, notes: [Note] = []
    ) -> Diagnostic {
        Diagnostic(.error, code, message, at: location, notes: notes)
    }

    /// A warning: reported, but generation goes on.
    public static func warning(
        _ code: DiagnosticCode, _ message: String, at location: SourceLocation, notes: [Note] = []
    ) -> Diagnostic {
        Diagnostic(.warning, code, message, at: location, notes: notes)
    }

    public var description: String { "\(location): \(severity.rawValue): \(message) [\(code.rawValue)]" }
}

extension Diagnostic: Comparable {
    /// Diagnostics sort by location, then severity, code and message, so that
    /// output never depends on the order in which parallel work finished.
    public static func < (a: Diagnostic, b: Diagnostic) -> Bool {
        if a.location != b.location { return a.location < b.location }
        if a.severity != b.severity { return a.severity < b.severity }
        if a.code != b.code { return a.code.rawValue < b.code.rawValue }
        return a.message < b.message
    }
}

extension Sequence where Element == Diagnostic {
    /// Whether any element is an error.
    public var containsErrors: Bool { contains { $0.severity == .error } }
}
