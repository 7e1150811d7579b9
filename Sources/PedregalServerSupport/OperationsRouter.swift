import Foundation
import Hummingbird
import Logging
import NIOCore

/// The operations endpoints every pedregal server answers, on a Hummingbird
/// router: `GET /healthz` (the process answers), `GET /readyz` (it can serve:
/// 503 with the reason otherwise) and `GET /metrics` (Prometheus). A server
/// adds its own routes to the same router; an unknown path or a failure is
/// answered as problem details.
public enum OperationsRouter {
    /// Whether a server can serve, and if not why.
    public enum Readiness: Sendable, Equatable {
        case ready
        case notReady(String)
    }

    /// A router with the three endpoints.
    public static func make(
        metrics: PrometheusExporter, readiness: @escaping @Sendable () -> Readiness
    ) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: ProblemMiddleware())
        router.get("healthz") { _, _ in "ok\n" }
        router.get("readyz") { _, _ -> Response in
            switch readiness() {
            case .ready: return text("ready\n")
            case .notReady(let reason): return text("not ready: \(reason)\n", status: .serviceUnavailable)
            }
        }
        router.get("metrics") { _, _ -> Response in
            let body = metrics.exposition()
            return Response(
                status: .ok, headers: [.contentType: PrometheusExporter.contentType],
                body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        return router
    }

    /// A plain-text answer.
    public static func text(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// The operations listener as a `Service`: serves `router` on `host:port`
    /// (0 picks a free port) on `group`, and calls `onListening` with the port
    /// it bound.
    public static func application(
        router: Router<BasicRequestContext>, host: String, port: Int, serverName: String, group: any EventLoopGroup,
        logger: Logger, onListening: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
        Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: serverName),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            eventLoopGroupProvider: .shared(group), logger: logger)
    }
}

/// An error answer as RFC 9457 problem details (`application/problem+json`).
public struct Problem: HTTPResponseError, Codable, Sendable, Equatable {
    /// A short summary (the status's reason phrase).
    public var title: String
    /// The HTTP status code.
    public var code: Int
    /// What went wrong, and what to do.
    public var detail: String

    /// Creates a problem.
    public init(_ status: HTTPResponse.Status, _ detail: String) {
        self.title = status.reasonPhrase
        self.code = status.code
        self.detail = detail
    }

    enum CodingKeys: String, CodingKey {
        case title
        case code = "status"
        case detail
    }

    public var status: HTTPResponse.Status { HTTPResponse.Status(code: code) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        JSONBody(self, status: status, contentType: "application/problem+json").response
    }
}

/// A `Codable` value as a JSON answer: keys sorted, one line, a newline at the end.
public struct JSONBody<Value: Encodable>: ResponseGenerator {
    /// The value.
    public var value: Value
    /// The status.
    public var status: HTTPResponse.Status
    /// The content type.
    public var contentType: String

    /// Wraps `value`.
    public init(_ value: Value, status: HTTPResponse.Status = .ok, contentType: String = "application/json") {
        self.value = value
        self.status = status
        self.contentType = contentType
    }

    /// The response.
    public var response: Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var bytes = (try? encoder.encode(value)) ?? Data("null".utf8)
        bytes.append(UInt8(ascii: "\n"))
        return Response(
            status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response { response }
}

/// Answers an unknown endpoint, and any error that is not already one, as problem details.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            throw problem
        } catch let error as HTTPError where error.status == .notFound {
            throw Problem(.notFound, "no such endpoint: \(request.method) \(request.uri.path)")
        } catch let error as HTTPError {
            throw Problem(error.status, error.body ?? error.status.reasonPhrase)
        }
    }
}
