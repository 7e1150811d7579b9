import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import PedregalAuth
import PedregalBasics

/// What the HTTP handlers share: the verifier, the request logic, the
/// idempotency records and the metrics. Handlers stay thin: parse, call,
/// answer; every rule lives in `ClusterRequests`.
final class ServiceState: Sendable {
    let configuration: ServeConfiguration
    let keys: KeyStore
    let verifier: TokenVerifier
    let requests: ClusterRequests
    let idempotency: IdempotencyStore
    let metrics = ServiceMetrics()
    let logger: Logger
    private let started = Locked(false)

    init(_ configuration: ServeConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        keys = KeyStore(source: configuration.jwks)
        verifier = TokenVerifier(
            configuration: VerifierConfiguration(
                issuer: configuration.issuer, audiences: configuration.audiences, clockSkew: configuration.clockSkew,
                groupsClaim: configuration.groupsClaim),
            keys: keys)
        let repository = RequestRepository(
            settings: .init(
                remote: configuration.remote, targetBranch: configuration.targetBranch,
                checkout: configuration.stateDirectory + "/checkout", committerName: configuration.committerName,
                committerEmail: configuration.committerEmail, gitEnvironment: configuration.gitEnvironment))
        var audit = logger
        audit[metadataKey: "component"] = "audit"
        requests = ClusterRequests(repository: repository, probe: ClusterProbe(connections: configuration.clusters), audit: audit)
        idempotency = try IdempotencyStore(
            folder: configuration.stateDirectory + "/idempotency", lifetime: configuration.idempotencyLifetime)
    }

    /// Restores the repository, loads the keys, prunes old idempotency records.
    func start() async throws {
        try await requests.start()
        do {
            try await keys.refresh()
        } catch {
            // Served as 401s with the reason, and retried by the refresher.
            logger.error("cannot load the issuer's keys: \(error)")
        }
        await idempotency.prune(now: Int(Date().timeIntervalSince1970))
        started.withLock { $0 = true }
        logger.notice(
            "ready", metadata: ["remote": "\(redactingCredentials(configuration.remote))", "branch": "\(configuration.targetBranch)"])
    }

    /// Whether the repository is prepared.
    var isStarted: Bool { started.current }

    func readiness() async -> Response {
        guard started.current else { return text("starting: preparing the repository\n", status: .serviceUnavailable) }
        guard keys.isLoaded else { return text("the issuer's keys are not loaded\n", status: .serviceUnavailable) }
        return text("ready\n")
    }

    // MARK: Answers

    /// One call to a handler.
    struct Call: Sendable {
        var identity: VerifiedIdentity
        var body: [UInt8]
        var id: String?
        var query: [String: String]
        /// With an `Idempotency-Key`: keeps a change's answer before it is
        /// pushed, so a retry after a crash can give it again.
        var intent: (@Sendable (Answer, [String]) async -> Void)?
    }

    /// A handler's answer: a status and a JSON body.
    struct Answer: Sendable {
        var status: HTTPResponse.Status
        var json: String
    }

    func text(_ body: String, type: String = "text/plain; charset=utf-8", status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    func problem(_ problem: Problem, instance: String?) -> Response {
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if problem.status == 401 { headers[.wwwAuthenticate] = "Bearer error=\"invalid_token\"" }
        if let retryAfter = problem.retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(
            status: .init(code: problem.status), headers: headers,
            body: .init(byteBuffer: ByteBuffer(string: problem.json(instance: instance))))
    }

    private func json(_ status: HTTPResponse.Status, _ json: String, replayed: Bool = false) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if replayed { headers[HTTPField.Name("Idempotent-Replayed")!] = "true" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: json)))
    }

    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }

    /// Authenticates, reads the body, applies `Idempotency-Key`, runs
    /// `handler`, and answers JSON or problem+json; counts and times it.
    func respond(
        to request: Request, context: BasicRequestContext, route: String, handler: (Call) async throws -> Answer
    ) async throws -> Response {
        let path = request.uri.path
        let identity: VerifiedIdentity
        do {
            identity = try await verifier.verifyRefreshing(try TokenVerifier.bearerToken(request.headers[.authorization]))
        } catch .missingToken {
            return problem(
                .unauthenticated(
                    "no bearer token: send 'Authorization: Bearer <token>' with an OIDC token from \(configuration.issuer)"), instance: path
            )
        } catch {
            return problem(.unauthenticated("\(error)"), instance: path)
        }
        var body: [UInt8] = []
        if request.method == .post || request.method == .patch {
            do {
                body = Array(buffer: try await request.body.collect(upTo: configuration.maxBodyBytes))
            } catch {
                return problem(.tooLarge(configuration.maxBodyBytes), instance: path)
            }
        }
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        var call = Call(identity: identity, body: body, id: context.parameters.get("id"), query: query)

        let key = request.headers[HTTPField.Name("Idempotency-Key")!]
        if let key, request.method != .get {
            guard IdempotencyStore.isValid(key) else {
                return problem(
                    .invalid("Idempotency-Key must be 1 to 255 printable ASCII characters", [.init("", "bad Idempotency-Key")]),
                    instance: path)
            }
            let fingerprint = IdempotencyStore.fingerprint(method: request.method.rawValue, path: path, body: body)
            switch await idempotency.begin(subject: identity.subject, key: key, fingerprint: fingerprint, now: now()) {
            case .replay(let record):
                return json(.init(code: record.status), record.body, replayed: true)
            case .mismatch:
                return problem(
                    Problem(
                        status: 422, kind: "idempotency-key-reused", title: "The Idempotency-Key was used for another request",
                        detail: "this Idempotency-Key was first sent with a different method, path or body; use a new key for a new request"
                    ),
                    instance: path)
            case .inProgress:
                return problem(.conflict("a request with this Idempotency-Key is still being answered; retry later"), instance: path)
            case .unconfirmed(let record):
                // The service stopped while this change was being pushed: if it landed, its answer is the answer.
                let landed: Bool
                do {
                    landed = try await requests.landed(record.commits ?? [])
                } catch {
                    // Unknown: keep the intent for a retry that can tell.
                    await idempotency.release(subject: identity.subject, key: key)
                    return problem(
                        .unavailable("cannot tell whether this request's change landed: \(redactingCredentials("\(error)"))"),
                        instance: path)
                }
                if landed {
                    var confirmed = record
                    confirmed.confirmed = true
                    await idempotency.store(subject: identity.subject, key: key, confirmed)
                    return json(.init(code: record.status), record.body, replayed: true)
                }
                await idempotency.discardIntent(subject: identity.subject, key: key)
            case .proceed:
                break
            }
            let subject = identity.subject
            let idempotency = self.idempotency
            let storedAt = now()
            call.intent = { answer, commits in
                await idempotency.intend(
                    subject: subject, key: key,
                    .init(
                        fingerprint: fingerprint, status: Int(answer.status.code), body: answer.json, storedAt: storedAt, commits: commits))
            }
            let response = await run(handler, call, path: path)
            if let answer = response.answer, (200..<300).contains(Int(answer.status.code)) {
                await idempotency.store(
                    subject: identity.subject, key: key,
                    .init(
                        fingerprint: fingerprint, status: Int(answer.status.code), body: answer.json, storedAt: now()))
            } else {
                await idempotency.forget(subject: identity.subject, key: key)
            }
            return response.response
        }
        return await run(handler, call, path: path).response
    }

    private func run(_ handler: (Call) async throws -> Answer, _ call: Call, path: String) async -> (response: Response, answer: Answer?) {
        do {
            let answer = try await handler(call)
            return (json(answer.status, answer.json), answer)
        } catch let failure as Problem {
            return (problem(failure, instance: path), nil)
        } catch {
            logger.error("internal error", metadata: ["path": "\(path)", "error": "\(redactingCredentials("\(error)"))"])
            return (
                problem(
                    Problem(
                        status: 500, kind: "internal", title: "Internal error",
                        detail: "an unexpected error happened; nothing was committed unless the cluster's state says so"),
                    instance: path), nil
            )
        }
    }

    private func now() -> Int { Int(Date().timeIntervalSince1970) }
}
