import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import PedregalBasics
import PedregalYAML

/// `KubernetesAPI` over HTTPS with AsyncHTTPClient: bearer token or client
/// certificate, the cluster's CA, JSON bodies, retries by `RetryPolicy`.
public final class KubernetesClient: KubernetesAPI {
    private let http: HTTPClient
    private let connection: Connection
    private let retry: RetryPolicy
    private let requestTimeout: TimeAmount
    private let tokens: TokenSource
    /// Largest response body accepted; lists of every ConfigMap stay far below it.
    private static let maxBody = 256 << 20

    /// Creates a client; call `shutdown()` when done (or use `with`).
    public init(connection: Connection, retry: RetryPolicy = .standard, requestTimeout: Duration = .seconds(30)) throws {
        self.connection = connection
        self.retry = retry
        self.tokens = TokenSource(token: connection.token, file: connection.tokenFile)
        let components = requestTimeout.components
        self.requestTimeout = .nanoseconds(components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000)
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: try TLSSettings.configuration(for: connection),
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10), read: self.requestTimeout))
        // Failed connections surface at once, so `RetryPolicy` alone decides
        // how often and how long to try.
        configuration.connectionPool.retryConnectionEstablishment = false
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Runs `body` with a client for `connection` and shuts the client down after.
    public static func with<T: Sendable>(
        _ connection: Connection, retry: RetryPolicy = .standard, requestTimeout: Duration = .seconds(30),
        _ body: (KubernetesClient) async throws -> T
    ) async throws -> T {
        let client = try KubernetesClient(connection: connection, retry: retry, requestTimeout: requestTimeout)
        do {
            let result = try await body(client)
            try? await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Closes connections.
    public func shutdown() async throws {
        try await http.shutdown()
    }

    /// GET, as JSON.
    public func get(_ path: String) async throws -> YAMLValue {
        try await json(send("GET", path))
    }

    /// GET with `labelSelector`; the items.
    public func list(_ path: String, labelSelector: String?) async throws -> [YAMLValue] {
        let query = labelSelector.map { [("labelSelector", $0)] } ?? []
        let value = try await json(send("GET", path, query: query))
        return value["items"]?.listValue ?? []
    }

    /// GET with `fieldSelector`; the items.
    public func list(_ path: String, fieldSelector: String) async throws -> [YAMLValue] {
        let value = try await json(send("GET", path, query: [("fieldSelector", fieldSelector)]))
        return value["items"]?.listValue ?? []
    }

    /// GET of a plain-text resource (a pod's log), as UTF-8 (invalid bytes replaced).
    public func text(_ path: String, query: [(String, String)]) async throws -> String {
        let response = try await send("GET", path, query: query, accept: "text/plain")
        return String(decoding: response.body, as: UTF8.self)
    }

    /// POST as `application/json`.
    public func create(_ path: String, object: YAMLValue, dryRun: Bool) async throws -> YAMLValue {
        try await json(
            send(
                "POST", path, query: dryRun ? [("dryRun", "All")] : [], contentType: "application/json",
                body: JSONWriter.string(object)))
    }

    /// PATCH as `application/apply-patch+yaml`; HTTP 201 means created.
    public func apply(_ path: String, object: YAMLValue, fieldManager: String, force: Bool, dryRun: Bool) async throws -> Applied {
        var query = [("fieldManager", fieldManager)]
        if force { query.append(("force", "true")) }
        if dryRun { query.append(("dryRun", "All")) }
        // JSON is YAML, and the API takes either as an apply patch.
        let response = try await send(
            "PATCH", path, query: query, contentType: "application/apply-patch+yaml", body: JSONWriter.string(object))
        return Applied(object: try json(response), created: response.status == 201)
    }

    /// DELETE.
    public func delete(_ path: String, dryRun: Bool) async throws {
        _ = try await send("DELETE", path, query: dryRun ? [("dryRun", "All")] : [])
    }

    private struct Response {
        var status: Int
        var body: [UInt8]
    }

    private func json(_ response: Response) throws -> YAMLValue {
        do {
            return try JSONReader.parse(response.body)
        } catch {
            throw APIError(code: response.status, reason: "InvalidResponse", message: "the server answered with \(error)")
        }
    }

    private func send(
        _ method: String, _ path: String, query: [(String, String)] = [], contentType: String? = nil, body: String? = nil,
        accept: String = "application/json"
    ) async throws -> Response {
        var url = connection.server + path
        if !query.isEmpty {
            url += "?" + query.map { "\(Self.percentEncode($0.0))=\(Self.percentEncode($0.1))" }.joined(separator: "&")
        }
        var attempt = 0
        while true {
            attempt += 1
            var request = HTTPClientRequest(url: url)
            switch method {
            case "POST": request.method = .POST
            case "PATCH": request.method = .PATCH
            case "DELETE": request.method = .DELETE
            default: request.method = .GET
            }
            request.headers.add(name: "Accept", value: accept)
            request.headers.add(name: "User-Agent", value: "pedregal")
            if let token = tokens.current() { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
            if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
            if let body { request.body = .bytes(ByteBuffer(string: body)) }

            let status: Int
            let bytes: [UInt8]
            let retryAfter: Int?
            do {
                let response = try await http.execute(request, timeout: requestTimeout)
                status = Int(response.status.code)
                retryAfter = response.headers.first(name: "Retry-After").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
                bytes = Array(buffer: try await response.body.collect(upTo: Self.maxBody))
            } catch {
                if error is CancellationError { throw error }
                let description = Self.describe(error)
                guard Self.isRetryable(error), attempt < retry.maxAttempts else {
                    throw UnreachableError(message: "\(method) \(connection.server)\(path): \(description)", attempts: attempt)
                }
                try await retry.sleep(retry.delay(afterAttempt: attempt, retryAfter: nil))
                continue
            }
            if (200..<300).contains(status) { return Response(status: status, body: bytes) }
            let error = APIError(code: status, body: bytes, retryAfter: retryAfter)
            guard RetryPolicy.isRetryable(status: status) else { throw error }
            guard attempt < retry.maxAttempts else {
                // A 500 with a Status body is the API server failing this one
                // request (an admission webhook that fails, say): the object
                // fails, the cluster is reachable. 429, 503 and 504 mean it is
                // overloaded or going away, and bodies that are not a Status
                // come from in front of it (a proxy, a load balancer).
                if error.code == 500 && error.fromAPIServer { throw error }
                throw UnreachableError(message: "\(method) \(path) answered \(error)", attempts: attempt)
            }
            try await retry.sleep(retry.delay(afterAttempt: attempt, retryAfter: retryAfter))
        }
    }

    /// TLS failures (an untrusted or misnamed server, a rejected client
    /// certificate) will not heal by trying again.
    private static func isRetryable(_ error: any Error) -> Bool {
        !(error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError)
    }

    private static func describe(_ error: any Error) -> String {
        guard !isRetryable(error) else { return "\(error)" }
        let text = "\(error)"
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return "TLS: the server's certificate is not signed by the certificate authority configured for it (\(text))"
        }
        if text.contains("CERTIFICATE_REQUIRED") || text.contains("HANDSHAKE_FAILURE") {
            return "TLS: the server refused the client certificate, or wants one (\(text))"
        }
        return "TLS: \(text)"
    }

    private static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}

/// The bearer token, read again from its file once a minute: the kubelet
/// rotates a pod's projected token well before it expires (the scheduled
/// submit's expires after ten minutes), and a retry chain runs for hours.
final class TokenSource: Sendable {
    private struct Read {
        var token: String?
        var at = ContinuousClock.now
    }
    private let last: Locked<Read>
    private let file: String?
    static let refresh = Duration.seconds(60)

    init(token: String?, file: String?) {
        last = Locked(Read(token: token))
        self.file = file
    }

    /// The token; a file that cannot be read now keeps the last one.
    func current() -> String? {
        last.withLock { last in
            if let file, ContinuousClock.now - last.at >= Self.refresh {
                last.at = ContinuousClock.now
                if let fresh = try? Connection.readToken(file) { last.token = fresh }
            }
            return last.token
        }
    }
}
