import Foundation
import NIOCore
import NIOHPACK
import NIOHTTP2
import PedregalAuth

/// Placing a stream's session on a server and opening the backend stream.
extension ProxyStreamHandler {

    func place(_ facts: RequestFacts) {
        guard let context, let route, let method, let identity else { return }
        state = .waiting
        sessionObserved = facts.observedServerSessionID != nil
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

    func connect(to server: ServerAddress) {
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

    func backendOpened(_ result: Result<any Channel, any Error>, server: ServerAddress) {
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
            guard let route, let sessionID, let identity else {
                finish(GatewayRefusal(.unavailable, "cannot reach Spark Connect server \(server): \(error)"), tellClient: true)
                return
            }
            finish(
                core.connectFailed(
                    server, error: "\(error)", route: route, sessionID: sessionID, subject: identity.subject, opensSession: opensSession,
                    observed: sessionObserved),
                tellClient: true)
        }
    }

    func replayDeferred() {
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
    func forwardedHeaders() -> HPACKHeaders {
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

    func flushRequest() {
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
            channel.write(
                HTTP2Frame.FramePayload.data(.init(data: .byteBuffer(channel.allocator.buffer(capacity: 0)), endStream: true)), promise: nil
            )
            requestEnded = false
            requestEndForwarded = true
        }
        channel.flush()
    }
}
