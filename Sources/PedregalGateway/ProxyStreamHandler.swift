import Foundation
import NIOCore
import NIOHPACK
import NIOHTTP2
import PedregalAuth

/// Proxies one client stream (one Spark Connect call): authenticates the
/// headers, reads the first request message to learn the session, places
/// it, then forwards request messages (rewriting `user_context.user_id`)
/// and passes response frames through untouched. Reads on either side wait
/// while the other side cannot write.
final class ProxyStreamHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias OutboundIn = HTTP2Frame.FramePayload
    typealias OutboundOut = HTTP2Frame.FramePayload

    enum State {
        case awaitingHeaders
        /// Reading until the first message is complete.
        case readingFirstMessage
        /// Token or placement being resolved asynchronously; frames wait.
        case waiting
        case proxying
        case finished
    }

    let core: GatewayCore
    let connection: ClientConnectionState
    var state = State.awaitingHeaders
    var context: ChannelHandlerContext?
    var reader: GRPCMessageReader
    var deferred: [HTTP2Frame.FramePayload] = []
    var requestHeaders = HPACKHeaders()
    var outgoing: [[UInt8]] = []
    var requestEnded = false
    var readPending = false

    var route: GatewayRoute?
    var method: SparkConnectMethod?
    var identity: VerifiedIdentity?
    var authority = ""
    var sessionID: String?
    var server: ServerAddress?
    var opensSession = false
    /// The client has seen a response of this session before (it sent the server's session id).
    var sessionObserved = false
    var executionStarted = false
    var backend: BackendStreamHandler?
    var backendChannel: (any Channel)?
    /// The backend stream has been sent END_STREAM (the client's request is all forwarded).
    var requestEndForwarded = false
    /// The backend stream has received END_STREAM (its status).
    var backendEnded = false
    var responseStarted = false
    let started = ContinuousClock.now

    init(core: GatewayCore, connection: ClientConnectionState) {
        self.core = core
        self.connection = connection
        self.reader = GRPCMessageReader(maxMessageBytes: core.settings.maxRequestMessageBytes)
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    // MARK: Client → gateway

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        if case .waiting = state {
            deferred.append(frame)
            return
        }
        handle(frame)
    }

    func handle(_ frame: HTTP2Frame.FramePayload) {
        switch (state, frame) {
        case (.awaitingHeaders, .headers(let headers)):
            receivedHeaders(headers.headers, endStream: headers.endStream)
        case (.readingFirstMessage, .data(let data)), (.proxying, .data(let data)):
            receivedData(data)
        case (.proxying, .headers(let trailers)) where trailers.endStream:
            requestEnded = true
            flushRequest()
        case (_, .rstStream):
            finish(GatewayRefusal(.cancelled, "the client cancelled the call"), tellClient: false)
        case (.finished, _):
            break
        default:
            break
        }
    }

    func receivedHeaders(_ headers: HPACKHeaders, endStream: Bool) {
        do throws(GatewayRefusal) {
            requestHeaders = headers
            authority = headers.first(name: ":authority") ?? headers.first(name: "host") ?? ""
            guard headers.first(name: ":method") == "POST",
                headers.first(name: "content-type")?.hasPrefix("application/grpc") == true
            else { throw GatewayRefusal(.unimplemented, "the Spark Gateway serves gRPC (POST application/grpc) only") }
            guard let route = core.registry.route(authority: authority) else {
                throw GatewayRefusal(
                    .notFound,
                    "no Spark Connect cluster answers to host '\(RouteTable.host(ofAuthority: authority))'; check the sc:// host name")
            }
            self.route = route
            guard let method = SparkConnectMethod(path: Substring(headers.first(name: ":path") ?? "")) else {
                throw GatewayRefusal(.unimplemented, "'\(headers.first(name: ":path") ?? "")' is not a Spark Connect method")
            }
            self.method = method
            if endStream { throw GatewayRefusal(.invalidArgument, "the call carries no request message") }
            let token: String
            do {
                token = try TokenVerifier.bearerToken(headers.first(name: "authorization"))
            } catch {
                core.metrics.recordAuthFailure("missing")
                throw GatewayRefusal(.unauthenticated, error.description)
            }
            if token == connection.lastToken, let identity = connection.lastIdentity,
                identity.expiresAt.map({ $0 > Date().timeIntervalSince1970 - 60 }) ?? false
            {
                try authenticated(identity, token: token)
                return
            }
            do {
                try authenticated(try core.verifier.verify(token), token: token)
            } catch AuthError.unknownKey, AuthError.keysUnavailable {
                // A rotated key: refresh the key set once, off the event loop, then retry.
                state = .waiting
                let verifier = core.verifier
                let bound = NIOLoopBound(self, eventLoop: context!.eventLoop)
                context!.eventLoop.makeFutureWithTask { () async -> Result<VerifiedIdentity, AuthError> in
                    do throws(AuthError) {
                        return .success(try await verifier.verifyRefreshing(token))
                    } catch {
                        return .failure(error)
                    }
                }.whenSuccess { result in bound.value.resumeAfterAuthentication(result, token: token) }
            } catch let error as AuthError {
                core.metrics.recordAuthFailure(Self.reason(error))
                throw GatewayRefusal(.unauthenticated, error.description)
            } catch let refusal as GatewayRefusal {
                throw refusal
            } catch {
                throw GatewayRefusal(.internalError, "\(error)")
            }
        } catch {
            finish(error, tellClient: true)
        }
    }

    func authenticated(_ identity: VerifiedIdentity, token: String) throws(GatewayRefusal) {
        try core.authorize(identity, route: route!)
        connection.lastToken = token
        connection.lastIdentity = identity
        self.identity = identity
        state = .readingFirstMessage
    }

    func resumeAfterAuthentication(_ result: Result<VerifiedIdentity, AuthError>, token: String) {
        guard case .waiting = state else { return }
        do throws(GatewayRefusal) {
            switch result {
            case .success(let identity):
                try authenticated(identity, token: token)
            case .failure(let error):
                core.metrics.recordAuthFailure(Self.reason(error))
                throw GatewayRefusal(.unauthenticated, error.description)
            }
        } catch {
            finish(error, tellClient: true)
            return
        }
        replayDeferred()
    }

    private static func reason(_ error: AuthError) -> String {
        switch error {
        case .missingToken: return "missing"
        case .malformed: return "malformed"
        case .unsupportedAlgorithm: return "algorithm"
        case .unknownKey: return "unknown-key"
        case .badSignature: return "signature"
        case .expired: return "expired"
        case .notYetValid: return "not-yet-valid"
        case .wrongIssuer: return "issuer"
        case .wrongAudience: return "audience"
        case .missingSubject: return "subject"
        case .keysUnavailable: return "keys-unavailable"
        }
    }

    func receivedData(_ data: HTTP2Frame.FramePayload.Data) {
        guard case .byteBuffer(let buffer) = data.data else { return }
        do throws(GatewayRefusal) {
            let messages = try reader.append(buffer)
            for message in messages { try rewrite(message) }
            if data.endStream {
                requestEnded = true
                if reader.hasPartialMessage { throw GatewayRefusal(.invalidArgument, "the request ends inside a message") }
                if sessionID == nil { throw GatewayRefusal(.invalidArgument, "the call carries no request message") }
            }
        } catch {
            finish(error, tellClient: true)
            return
        }
        if case .proxying = state { flushRequest() }
    }

    func rewrite(_ message: [UInt8]) throws(GatewayRefusal) {
        let result: (facts: RequestFacts, message: [UInt8])
        do {
            result = try message.withUnsafeBytes { bytes in
                try SparkConnectRequest.rewrite(bytes, method: method!, userID: identity!.subject)
            }
        } catch {
            throw GatewayRefusal(.invalidArgument, "\(error)")
        }
        outgoing.append(result.message)
        if let sessionID {
            guard result.facts.sessionID == sessionID else {
                throw GatewayRefusal(.invalidArgument, "one call cannot change session_id between messages")
            }
        } else {
            sessionID = result.facts.sessionID
            place(result.facts)
        }
    }

    // MARK: Back-pressure

    var backendWritable: Bool { backendChannel?.isWritable ?? true }

    func read(context: ChannelHandlerContext) {
        switch state {
        case .waiting:
            readPending = true
        case .proxying where !backendWritable:
            readPending = true
        default:
            context.read()
        }
    }

    /// The backend stream's writability changed: resume reading the client.
    func backendWritabilityChanged(_ writable: Bool) {
        if writable, readPending, case .proxying = state {
            readPending = false
            context?.read()
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        backend?.clientWritabilityChanged(context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    /// Whether response frames can be written to the client now.
    var clientWritable: Bool { context?.channel.isWritable ?? false }

    // MARK: Backend → client

    func responseHeaders(_ headers: HTTP2Frame.FramePayload.Headers) {
        guard let context, case .proxying = state else { return }
        context.write(wrapOutboundOut(.headers(headers)), promise: nil)
        if headers.endStream {
            let status = headers.headers.first(name: "grpc-status").flatMap(Int.init).flatMap(GRPCStatusCode.init) ?? .unknown
            completed(status)
        } else {
            responseStarted = true
        }
    }

    func responseData(_ data: HTTP2Frame.FramePayload.Data) {
        guard let context, case .proxying = state else { return }
        context.write(wrapOutboundOut(.data(data)), promise: nil)
        if data.endStream { completed(.ok) }
    }

    func flushResponse() { context?.flush() }

    /// The backend stream ended without a status: its server may have gone
    /// away. A health check decides (a reset stream alone does not prove it).
    func backendClosed(_ reason: String) {
        guard case .proxying = state else { return }
        if let server { core.suspect(server) }
        finish(GatewayRefusal(.unavailable, "the Spark Connect server \(server?.description ?? "") went away: \(reason)"), tellClient: true)
    }

    func completed(_ status: GRPCStatusCode) {
        backendEnded = true
        if status == .ok, method == .releaseSession, let route, let sessionID, let identity {
            core.sessions.release(route: route.name, sessionID: sessionID, owner: identity.subject)
        }
        // Record the outcome before flushing: the flush ends the stream, which
        // closes its channel synchronously.
        finish(GatewayRefusal(status, ""), tellClient: false)
        context?.flush()
    }

    // MARK: Ending

    func channelInactive(context: ChannelHandlerContext) {
        finish(GatewayRefusal(.cancelled, "the client went away"), tellClient: false)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(GatewayRefusal(.cancelled, "stream error: \(error)"), tellClient: false)
        context.close(promise: nil)
    }

    /// Ends the call once: answers the client with `outcome` when asked, closes
    /// the backend stream, and records metrics and the access line.
    func finish(_ outcome: GatewayRefusal, tellClient: Bool) {
        if case .finished = state { return }
        state = .finished
        deferred.removeAll()
        outgoing.removeAll()
        if tellClient, let context {
            let headers = responseStarted ? GRPCHeaders.trailers(outcome) : GRPCHeaders.trailersOnly(outcome)
            context.writeAndFlush(wrapOutboundOut(.headers(.init(headers: headers, endStream: true))), promise: nil)
        }
        // A backend stream that ended both ways closes itself. Closing it here would send
        // RST_STREAM for every call, and servers with a rapid-reset guard (NIO's allows 200
        // in 30 s) drop such a connection: every session on that server would fail.
        if let backendChannel, !(backendEnded && requestEndForwarded) { backendChannel.close(promise: nil) }
        backend?.detach()
        backend = nil
        if executionStarted, let route, let server {
            core.sessions.endExecution(route: route.name, server: server)
            executionStarted = false
        }
        let seconds =
            Double((ContinuousClock.now - started).components.attoseconds) / 1e18
            + Double((ContinuousClock.now - started).components.seconds)
        let routeName = route?.name ?? "(none)"
        core.metrics.record(route: routeName, code: outcome.code, seconds: seconds)
        core.log.write(
            "access",
            [
                "route": .string(routeName), "team": .optional(route?.team), "subject": .optional(identity?.subject),
                "method": .optional(method?.rawValue), "session": .optional(sessionID),
                "server": .optional(server?.description), "peer": .string(connection.peer),
                "host": .string(RouteTable.host(ofAuthority: authority)), "status": .string(outcome.code.name),
                "message": outcome.message.isEmpty ? .none : .string(outcome.message), "duration_ms": .double(seconds * 1000),
            ])
    }
}
