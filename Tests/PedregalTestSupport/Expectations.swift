import PedregalCompiler
import PedregalDiagnostics

/// Compiles the standard fixtures plus one marked team file and returns the
/// diagnostics with the marked text, for rule tests.
public struct RuleCase {
    public let marked: MarkedText
    public let file: String
    public let diagnostics: [Diagnostic]

    public init(team: String, file: String = "teams/alpha.yaml", extra: [String: String] = [:]) {
        self.marked = MarkedText(team)
        self.file = file
        self.diagnostics = Fixtures.compile(extra.merging([file: marked.text]) { _, new in new }).diagnostics
    }

    /// Template-file cases: `file` is the marked template.
    public init(template file: String, _ text: String, extra: [String: String] = [:]) {
        self.marked = MarkedText(text)
        self.file = file
        self.diagnostics =
            Fixtures.compile(
                ["teams/alpha.yaml": Fixtures.team].merging(extra) { _, new in new }.merging([file: marked.text]) { _, new in new }
            ).diagnostics
    }

    /// The location of a marker in the case's file.
    public func at(_ marker: String) -> SourceLocation { marked.location(marker, file: file) }

    /// Errors only.
    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }

    /// The diagnostics with `code`.
    public func with(_ code: DiagnosticCode) -> [Diagnostic] { diagnostics.filter { $0.code == code } }
}

/// The compiler's source location (Swift Testing has its own `SourceLocation`).
public typealias Location = PedregalDiagnostics.SourceLocation

extension PedregalDiagnostics.SourceLocation {
    /// The same file at another position.
    public func with(line: Int, column: Int) -> Location { Location(file: file, line: line, column: column) }
}
