import Foundation
import NIOCore
import NIOHPACK
import NIOHTTP2
import PedregalAuth

/// Per client connection: the last verified token, so a connection that
/// sends the same bearer token on every call pays for one verification.
final class ClientConnectionState {
    var lastToken: String?
    var lastIdentity: VerifiedIdentity?
    let peer: String

    init(peer: String) {
        self.peer = peer
    }
}

/// Proxies one client stream (one Spark Connect call): authenticates the
/// headers, reads the first request message to learn the session, places
/// it, then forwards request messages (rewriting `user_context.user_id`)
/// and passes response frames through untouched. Reads on either side wait
/// while the other side cannot write.
final class ProxyStreamHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias OutboundIn = HTTP2Frame.FramePayload
    typealias OutboundOut = HTTP2Frame.FramePayload

    private enum State {
        case awaitingHeaders
        /// Reading until the first message is complete.
        case readingFirstMessage
        /// Token or placement being resolved asynchronously; frames wait.
        case waiting
        case proxying
        case finished
    }

    private let core: GatewayCore
    private let connection: ClientConnectionState
    private var state = State.awaitingHeaders
    private var context: ChannelHandlerContext?
    private var reader: GRPCMessageReader
    private var deferred: [HTTP2Frame.FramePayload] = []
    private var requestHeaders = HPACKHeaders()
    private var outgoing: [[UInt8]] = []
    private var requestEnded = false
    private var readPending = false

    private var route: GatewayRoute?
    private var method: SparkConnectMethod?
    private var identity: VerifiedIdentity?
    private var authority = ""
    private var sessionID: String?
    private var server: ServerAddress?
    private var opensSession = false
    private var executionStarted = false
    private var backend: BackendStreamHandler?
    private var backendChannel: (any Channel)?
    private var responseStarted = false
    private let started = ContinuousClock.now

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

    private func handle(_ frame: HTTP2Frame.FramePayload) {
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

    private func receivedHeaders(_ headers: HPACKHeaders, endStream: Bool) {
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

    private func authenticated(_ identity: VerifiedIdentity, token: String) throws(GatewayRefusal) {
        try core.authorize(identity, route: route!)
        connection.lastToken = token
        connection.lastIdentity = identity
        self.identity = identity
        state = .readingFirstMessage
    }

    private func resumeAfterAuthentication(_ result: Result<VerifiedIdentity, AuthError>, token: String) {
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

    private func receivedData(_ data: HTTP2Frame.FramePayload.Data) {
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

    private func rewrite(_ message: [UInt8]) throws(GatewayRefusal) {
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

    // MARK: Placement and the backend stream

    private func place(_ facts: RequestFacts) {
        guard let context, let route, let method, let identity else { return }
        state = .waiting
        let loop = context.eventLoop
        let bound = NIOLoopBound(self, eventLoop: loop)
        core.place(route: route, method: method, subject: identity.subject, facts: facts, authority: authority, on: loop)
            .hop(to: loop)
            .whenComplete { result in
                switch result {
                case .success(let placed):
                    bound.value.opensSession = placed.opensSession
                    bound.value.connect(to: placed.server)
                case .failure(let error as GatewayRefusal): bound.value.finish(error, tellClient: true)
                case .failure(let error): bound.value.finish(GatewayRefusal(.unavailable, "\(error)"), tellClient: true)
                }
            }
    }

    private func connect(to server: ServerAddress) {
        guard case .waiting = state, let context, let route, let method else { return }
        self.server = server
        if method.isExecution {
            let limit = route.maxExecutions ?? core.settings.maxExecutionsPerRoute
            guard core.sessions.beginExecution(route: route.name, server: server, limit: limit) else {
                finish(
                    GatewayRefusal(
                        .resourceExhausted,
                        "route \(route.hostnames.first ?? route.name) runs its limit of \(limit) executions; retry later"),
                    tellClient: true)
                return
            }
            executionStarted = true
        }
        let handler = BackendStreamHandler(proxy: self)
        backend = handler
        let bound = NIOLoopBound(handler, eventLoop: context.eventLoop)
        let this = NIOLoopBound(self, eventLoop: context.eventLoop)
        core.pools.pool(on: context.eventLoop).openStream(to: server, tls: core.usesTLS(route)) { channel in
            try channel.pipeline.syncOperations.addHandler(bound.value)
        }.whenComplete { result in
            this.value.backendOpened(result, server: server)
        }
    }

    private func backendOpened(_ result: Result<any Channel, any Error>, server: ServerAddress) {
        switch result {
        case .success(let channel):
            backendChannel = channel
            guard case .waiting = state else {
                channel.close(promise: nil)
                return
            }
            channel.write(HTTP2Frame.FramePayload.headers(.init(headers: forwardedHeaders())), promise: nil)
            state = .proxying
            flushRequest()
            replayDeferred()
        case .failure(let error):
            core.registry.setHealthy(server, false)
            if opensSession, let route, let sessionID, let identity {
                // The server never saw the session: let the client's retry place it afresh.
                core.sessions.release(route: route.name, sessionID: sessionID, owner: identity.subject)
            }
            finish(GatewayRefusal(.unavailable, "cannot reach Spark Connect server \(server): \(error)"), tellClient: true)
        }
    }

    private func replayDeferred() {
        while !deferred.isEmpty {
            let frame = deferred.removeFirst()
            if case .waiting = state {
                deferred.insert(frame, at: 0)
                return
            }
            handle(frame)
        }
        if readPending, backendWritable {
            readPending = false
            context?.read()
        }
    }

    /// The client's headers minus what must not reach Spark: the bearer
    /// token (Spark does not need it; a driver should never see users' tokens)
    /// and hop-by-hop fields.
    private func forwardedHeaders() -> HPACKHeaders {
        var out = HPACKHeaders()
        out.reserveCapacity(requestHeaders.count)
        for (name, value, indexable) in requestHeaders {
            switch name {
            case "authorization", "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "host":
                continue
            case ":scheme":
                out.add(name: name, value: route.map(core.usesTLS) == true ? "https" : "http", indexing: indexable)
            default:
                out.add(name: name, value: value, indexing: indexable)
            }
        }
        return out
    }

    private func flushRequest() {
        guard case .proxying = state, let channel = backendChannel else { return }
        for message in outgoing {
            var buffer = channel.allocator.buffer(capacity: message.count + 5)
            buffer.writeInteger(UInt8(0))
            buffer.writeInteger(UInt32(message.count))
            buffer.writeBytes(message)
            channel.write(HTTP2Frame.FramePayload.data(.init(data: .byteBuffer(buffer))), promise: nil)
        }
        outgoing.removeAll(keepingCapacity: true)
        if requestEnded {
            channel.write(HTTP2Frame.FramePayload.data(.init(data: .byteBuffer(channel.allocator.buffer(capacity: 0)), endStream: true)), promise: nil)
            requestEnded = false
        }
        channel.flush()
    }

    // MARK: Back-pressure

    private var backendWritable: Bool { backendChannel?.isWritable ?? true }

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

    /// The backend stream ended without a status: its server went away.
    func backendClosed(_ reason: String) {
        guard case .proxying = state else { return }
        if let server { core.registry.setHealthy(server, false) }
        finish(GatewayRefusal(.unavailable, "the Spark Connect server \(server?.description ?? "") went away: \(reason)"), tellClient: true)
    }

    private func completed(_ status: GRPCStatusCode) {
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
    private func finish(_ outcome: GatewayRefusal, tellClient: Bool) {
        if case .finished = state { return }
        state = .finished
        deferred.removeAll()
        outgoing.removeAll()
        if tellClient, let context {
            let headers = responseStarted ? GRPCHeaders.trailers(outcome) : GRPCHeaders.trailersOnly(outcome)
            context.writeAndFlush(wrapOutboundOut(.headers(.init(headers: headers, endStream: true))), promise: nil)
        }
        if let backendChannel { backendChannel.close(promise: nil) }
        backend?.detach()
        backend = nil
        if executionStarted, let route, let server {
            core.sessions.endExecution(route: route.name, server: server)
            executionStarted = false
        }
        let seconds = Double((ContinuousClock.now - started).components.attoseconds) / 1e18
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

/// The gateway's end of a backend stream: hands response frames to the
/// proxy, and reads from Spark only while the client can take more.
final class BackendStreamHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias OutboundIn = HTTP2Frame.FramePayload
    typealias OutboundOut = HTTP2Frame.FramePayload

    private var proxy: ProxyStreamHandler?
    private var context: ChannelHandlerContext?
    private var readPending = false

    init(proxy: ProxyStreamHandler) {
        self.proxy = proxy
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func detach() { proxy = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .headers(let headers): proxy?.responseHeaders(headers)
        case .data(let data): proxy?.responseData(data)
        case .rstStream(let code): proxy?.backendClosed("stream reset (\(code))")
        default: break
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        proxy?.flushResponse()
    }

    func read(context: ChannelHandlerContext) {
        if proxy?.clientWritable ?? true {
            context.read()
        } else {
            readPending = true
        }
    }

    func clientWritabilityChanged(_ writable: Bool) {
        if writable, readPending {
            readPending = false
            context?.read()
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        proxy?.backendWritabilityChanged(context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        proxy?.backendClosed("the stream closed")
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        proxy?.backendClosed("\(error)")
        context.close(promise: nil)
    }
}
