import PedregalBasics
import PedregalCompiler
import PedregalDiagnostics

/// An error answer as RFC 9457 problem details (`application/problem+json`):
/// a status, a stable type, a sentence for people, and what a program needs
/// to act on it (the body fields at fault, the compiler's diagnostics).
public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
    /// One field of the request body at fault.
    public struct FieldError: Sendable, Equatable, Codable {
        /// A JSON Pointer (RFC 6901) into the body: `/ttl`, `/catalogs/1`.
        public var pointer: String
        public var detail: String

        public init(_ pointer: String, _ detail: String) {
            self.pointer = pointer
            self.detail = detail
        }
    }

    /// The HTTP status.
    public var status: Int
    /// The kind of problem, the last part of `type`: `invalid-request`, `forbidden`, …
    public var kind: String
    /// A short summary of the kind.
    public var title: String
    /// What went wrong this time, and how to fix it.
    public var detail: String
    /// Body fields at fault.
    public var errors: [FieldError] = []
    /// The compiler's findings, for a change that does not compile.
    public var diagnostics: [Diagnostic] = []
    /// The line each diagnostic located in an edited file points at, as the
    /// file would have been committed.
    public var quotes: [Diagnostic: String] = [:]
    /// The lines the change wrote, per file, numbered as committed.
    public var edits: [ChangeDiagnostics.EditedFile] = []
    /// Seconds after which a retry may succeed (503).
    public var retryAfter: Int?

    /// Creates a problem.
    public init(
        status: Int, kind: String, title: String, detail: String, errors: [FieldError] = [],
        diagnostics: [Diagnostic] = []
    ) {
        self.status = status
        self.kind = kind
        self.title = title
        self.detail = detail
        self.errors = errors
        self.diagnostics = diagnostics
    }

    /// The `type` URI.
    public var type: String { "urn:pedregal:problem:\(kind)" }

    public var description: String { "\(status) \(kind): \(detail)" }

    /// The body, as JSON text.
    public func json(instance: String?) -> String {
        var members = [
            "\"type\": \(JSONText.quote(type))", "\"title\": \(JSONText.quote(title))", "\"status\": \(status)",
            "\"detail\": \(JSONText.quote(detail))",
        ]
        if let instance { members.append("\"instance\": \(JSONText.quote(instance))") }
        if !errors.isEmpty {
            let items = errors.map { "{\"pointer\": \(JSONText.quote($0.pointer)), \"detail\": \(JSONText.quote($0.detail))}" }
            members.append("\"errors\": [\(items.joined(separator: ", "))]")
        }
        if !diagnostics.isEmpty {
            let items = diagnostics.map { d -> String in
                let notes = d.notes.map {
                    "{\"file\": \(JSONText.quote($0.location.file)), \"line\": \($0.location.line), \"column\": \($0.location.column), \"message\": \(JSONText.quote($0.message))}"
                }
                return "{\"severity\": \"\(d.severity.rawValue)\", \"code\": \(JSONText.quote(d.code.rawValue)), "
                    + "\"file\": \(JSONText.quote(d.location.file)), \"line\": \(d.location.line), \"column\": \(d.location.column), "
                    + "\"message\": \(JSONText.quote(d.message)), \"notes\": [\(notes.joined(separator: ", "))]"
                    + (quotes[d].map { ", \"quote\": \(JSONText.quote($0))" } ?? "") + "}"
            }
            members.append("\"diagnostics\": [\(items.joined(separator: ", "))]")
        }
        if !edits.isEmpty {
            let items = edits.map { edit in
                let lines = edit.lines.map { "{\"line\": \($0.line), \"text\": \(JSONText.quote($0.text))}" }
                return "{\"file\": \(JSONText.quote(edit.file)), \"lines\": [\(lines.joined(separator: ", "))]}"
            }
            members.append("\"edits\": [\(items.joined(separator: ", "))]")
        }
        return "{" + members.joined(separator: ", ") + "}\n"
    }
}

extension Problem {
    /// 400: the body is not JSON.
    public static func malformed(_ detail: String) -> Problem {
        Problem(status: 400, kind: "malformed-request", title: "The request body is not valid JSON", detail: detail)
    }

    /// 422: fields are missing, unknown, of the wrong type or refer to nothing.
    public static func invalid(_ detail: String, _ errors: [FieldError] = []) -> Problem {
        Problem(status: 422, kind: "invalid-request", title: "The request is not valid", detail: detail, errors: errors)
    }

    /// 422: the change does not compile: the diagnostics it introduced, in
    /// the files as they would have been committed, with the edited lines.
    public static func doesNotCompile(_ file: String, _ report: ChangeDiagnostics) -> Problem {
        let errors = report.introduced.filter { $0.severity == .error }
        var problem = Problem(
            status: 422, kind: "does-not-compile", title: "The change does not compile",
            detail:
                "with this change \(file) does not compile (\(errors.count) error\(errors.count == 1 ? "" : "s"): \(errors.first.map(\.description) ?? "")); nothing was committed",
            diagnostics: report.introduced)
        problem.quotes = report.quotes
        problem.edits = report.edits
        return problem
    }

    /// 409: the target branch does not compile, whatever the change.
    public static func targetDoesNotCompile(_ branch: String, _ errors: [Diagnostic]) -> Problem {
        Problem(
            status: 409, kind: "target-does-not-compile", title: "The target branch does not compile",
            detail:
                "\(branch) does not compile without this change (\(errors.count) error\(errors.count == 1 ? "" : "s"), none caused by it: \(errors.first.map(\.description) ?? "")); nothing can be committed until it is fixed",
            diagnostics: errors)
    }

    /// 401.
    public static func unauthenticated(_ detail: String) -> Problem {
        Problem(status: 401, kind: "unauthenticated", title: "Authentication required", detail: detail)
    }

    /// 403.
    public static func forbidden(_ detail: String) -> Problem {
        Problem(status: 403, kind: "forbidden", title: "Not allowed", detail: detail)
    }

    /// 404.
    public static func notFound(_ detail: String) -> Problem {
        Problem(status: 404, kind: "not-found", title: "No such cluster", detail: detail)
    }

    /// 409.
    public static func conflict(_ detail: String) -> Problem {
        Problem(status: 409, kind: "conflict", title: "Conflict", detail: detail)
    }

    /// 413.
    public static func tooLarge(_ limit: Int) -> Problem {
        Problem(
            status: 413, kind: "body-too-large", title: "The request body is too large",
            detail: "the body is larger than \(limit) bytes; a cluster request is a few hundred")
    }

    /// 503: the repository cannot be used right now.
    public static func unavailable(_ detail: String, retryAfter: Int = 5) -> Problem {
        var problem = Problem(status: 503, kind: "unavailable", title: "The service cannot act now", detail: detail)
        problem.retryAfter = retryAfter
        return problem
    }
}
