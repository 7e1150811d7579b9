import Foundation
import PedregalConsole
import PedregalYAML

/// The Kubernetes API verbs the runner uses. Paths are API paths
/// (`/api/v1/namespaces/ns/configmaps/name`), built by `APIResource`.
///
/// Every method throws `APIError` when the server answers with an error
/// status, and `UnreachableError` when it could not be reached (or kept
/// answering 429/5xx) through the client's retries.
public protocol KubernetesAPI: Sendable {
    /// GETs an object or a discovery document.
    func get(_ path: String) async throws -> YAMLValue
    /// GETs a collection, filtered by a label selector; returns its items.
    func list(_ path: String, labelSelector: String?) async throws -> [YAMLValue]
    /// GETs a collection filtered by a field selector (`involvedObject.name=x`
    /// for events); returns its items.
    func list(_ path: String, fieldSelector: String) async throws -> [YAMLValue]
    /// GETs a resource that answers in plain text (`pods/{name}/log`), with query parameters.
    func text(_ path: String, query: [(String, String)]) async throws -> String
    /// POSTs `object` to the collection `path`.
    func create(_ path: String, object: YAMLValue, dryRun: Bool) async throws -> YAMLValue
    /// Server-side apply: PATCHes `object` to `path` as `application/apply-patch+yaml`.
    func apply(_ path: String, object: YAMLValue, fieldManager: String, force: Bool, dryRun: Bool) async throws -> Applied
    /// DELETEs the object at `path`.
    func delete(_ path: String, dryRun: Bool) async throws
}

/// The answer to a server-side apply.
public struct Applied: Sendable {
    /// The object as the server now holds it (or would, in a dry run).
    public var object: YAMLValue
    /// Whether the apply created the object (HTTP 201).
    public var created: Bool

    /// Creates an answer.
    public init(object: YAMLValue, created: Bool) {
        self.object = object
        self.created = created
    }
}

extension KubernetesAPI {
    /// The object at `path`, or nil when the server answers NotFound.
    public func getIfPresent(_ path: String) async throws -> YAMLValue? {
        do {
            return try await get(path)
        } catch let error as APIError where error.code == 404 {
            return nil
        }
    }
}

/// An error the API server answered with: the HTTP status and, when the
/// body is a `Status` object, its reason and message.
public struct APIError: Error, Sendable, CustomStringConvertible {
    /// HTTP status code (also `Status.code`).
    public var code: Int
    /// `Status.reason`: NotFound, AlreadyExists, Conflict, Unauthorized, Forbidden, Invalid, …
    public var reason: String
    /// `Status.message`, or the body's text when it is not a Status.
    public var message: String
    /// Seconds from a `Retry-After` header, if any.
    public var retryAfter: Int?
    /// Whether the body was a `Status` object: the API server itself answered
    /// (a proxy or load balancer in front of it answers with something else).
    public var fromAPIServer: Bool
    /// `Status.details.kind` and `.name`: what the error is about
    /// (`namespaces` and `spark-operator` when that namespace is missing).
    public var details: (kind: String, name: String)?

    /// Creates an error.
    public init(
        code: Int, reason: String, message: String, retryAfter: Int? = nil, fromAPIServer: Bool = true,
        details: (kind: String, name: String)? = nil
    ) {
        self.code = code
        self.reason = reason
        self.message = message
        self.retryAfter = retryAfter
        self.fromAPIServer = fromAPIServer
        self.details = details
    }

    /// Reads a response body: a `Status` object when it is one.
    public init(code: Int, body: [UInt8], retryAfter: Int? = nil) {
        let parsed = try? JSONReader.parse(body)
        let isStatus = parsed?["kind"]?.string == "Status"
        let reason = parsed?["reason"]?.string
        let message = parsed?["message"]?.string
        let details = parsed?["details"]
        self.init(
            code: code, reason: reason.flatMap { $0.isEmpty ? nil : $0 } ?? APIError.reasonPhrase(code),
            message: message
                ?? String(decoding: body.prefix(500), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines),
            retryAfter: retryAfter, fromAPIServer: isStatus,
            details: details?["kind"]?.string.map { ($0, details?["name"]?.string ?? "") })
    }

    /// Whether this is the API server saying that namespace `name` does not exist.
    public func isMissingNamespace(_ name: String) -> Bool {
        code == 404 && details?.kind == "namespaces" && details?.name == name
    }

    /// 401 and 403 are refusals (exit 77); every other answer is a failure.
    public var exitStatus: ExitStatus { code == 401 || code == 403 ? .refused : .failure }

    public var description: String {
        message.isEmpty ? "\(code) \(reason)" : "\(code) \(reason): \(message)"
    }

    static func reasonPhrase(_ code: Int) -> String {
        switch code {
        case 400: return "BadRequest"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "NotFound"
        case 405: return "MethodNotAllowed"
        case 409: return "Conflict"
        case 410: return "Expired"
        case 415: return "UnsupportedMediaType"
        case 422: return "Invalid"
        case 429: return "TooManyRequests"
        case 500: return "InternalError"
        case 503: return "ServiceUnavailable"
        case 504: return "Timeout"
        default: return "HTTP\(code)"
        }
    }
}

/// The API server could not be reached, or kept failing, through every retry.
public struct UnreachableError: Error, Sendable, CustomStringConvertible {
    /// What happened on the last attempt.
    public var message: String
    /// How many attempts were made.
    public var attempts: Int

    /// Creates an error.
    public init(message: String, attempts: Int) {
        self.message = message
        self.attempts = attempts
    }

    public var description: String {
        attempts > 1
            ? "the cluster is unreachable after \(attempts) attempts: \(message)" : "the cluster is unreachable: \(message)"
    }
}

extension Error {
    /// The exit status this error deserves and its message, for any error the
    /// runner may meet.
    public var runnerFailure: RunnerError {
        switch self {
        case let error as RunnerError: return error
        case let error as APIError: return RunnerError(error.exitStatus, error.description)
        case let error as UnreachableError: return RunnerError(.unavailable, error.description)
        default: return RunnerError(.failure, "\(self)")
        }
    }
}

/// Errors after which no further request can succeed: the cluster is gone,
/// or it does not accept the credentials.
public func isFatal(_ error: any Error) -> Bool {
    if error is UnreachableError { return true }
    if let error = error as? APIError, error.code == 401 { return true }
    return false
}
