import NIOCore
import NIOHPACK
import NIOHTTP2

/// Placing a call's session, the stream to its server, and the response.
extension ProxyStreamHandler {
    func place(_ facts: RequestFacts) {
        guard let context, let route = machine.route, let method = machine.method, let subject = machine.subject else { return }
        // Rapid reset with reconnects: each new connection of a subject past its reset bound
        // would otherwise place a few calls (a session, a server stream: work on the Spark
        // server) before its first reset closes it. Such a subject gets nothing placed until
        // its bucket refills.
        if core.bounds.isPastResetBound(subject) {
            core.metrics.recordLimited("reset-budget")
            let refusal = GatewayRefusal(.resourceExhausted, "too many cancelled calls from \(subject); retry later")
            end(machine.finish(refusal, tellClient: true))
            connection.manager?.misbehaving(.resetBudget)
            return
        }
        let loop = context.eventLoop
        let bound = NIOLoopBound(self, eventLoop: loop)
        core.place(route: route, method: method, subject: subject, facts: facts, authority: machine.authority, on: loop)
            .hop(to: loop)
            .whenComplete { result in
                let handler = bound.value
                switch result {
                case .success(let placed): handler.placed(placed)
                case .failure(let refusal as GatewayRefusal): handler.end(handler.machine.finish(refusal, tellClient: true))
                case .failure(let error):
                    handler.end(handler.machine.finish(GatewayRefusal(.unavailable, "\(error)"), tellClient: true))
                }
            }
    }

    private func placed(_ placed: CallStateMachine.Placed) {
        switch machine.placed(placed) {
        case .connect(let server)?: connect(to: server)
        case .abandon(let placed, let route, let sessionID, let subject)?:
            core.abandon(placed, route: route, sessionID: sessionID, subject: subject)
        case nil: break
        }
    }

    private func connect(to server: ServerAddress) {
        guard let context, let route = machine.route else { return }
        let handler = BackendStreamHandler(proxy: self)
        let bound = NIOLoopBound(handler, eventLoop: context.eventLoop)
        let this = NIOLoopBound(self, eventLoop: context.eventLoop)
        core.pools.pool(on: context.eventLoop).openStream(to: server, tls: core.usesTLS(route)) { channel in
            try channel.pipeline.syncOperations.addHandler(bound.value)
        }.whenComplete { result in
            this.value.serverStreamOpened(result, handler: bound.value)
        }
    }

    private func serverStreamOpened(_ result: Result<any Channel, any Error>, handler: BackendStreamHandler) {
        switch result {
        case .success(let channel):
            switch machine.serverStreamOpened() {
            case .close:
                handler.detach()
                channel.close(promise: nil)
            case .start(let headers, let messages, let end):
                serverStream = (channel, handler)
                channel.write(HTTP2Frame.FramePayload.headers(.init(headers: headers)), promise: nil)
                Self.send(messages, end: end, on: channel)
                countHeldBytesAfterForwarding()
                resumeReading()
            }
        case .failure(let error):
            handler.detach()
            guard let (call, placed) = machine.connecting, let facts = call.facts else { return }
            let refusal = core.connectFailed(
                placed.server, error: "\(error)", route: call.request.route, sessionID: facts.sessionID, subject: call.identity.subject,
                opensSession: placed.opensSession, observed: facts.observedServerSessionID != nil)
            var ending = machine.finish(refusal, tellClient: true)
            // connectFailed has already released or forgotten the session.
            ending?.abandonsSession = false
            end(ending)
        }
    }

    private func countHeldBytesAfterForwarding() {
        _ = core.bounds.requestBuffers.adjust(from: heldBytes, to: machine.heldRequestBytes)
        heldBytes = machine.heldRequestBytes
    }

    /// Writes request messages to the server stream as gRPC length-prefixed messages.
    static func send(_ messages: [[UInt8]], end: Bool, on channel: any Channel) {
        for message in messages {
            var buffer = channel.allocator.buffer(capacity: message.count + 5)
            buffer.writeInteger(UInt8(0))
            buffer.writeInteger(UInt32(message.count))
            buffer.writeBytes(message)
            channel.write(HTTP2Frame.FramePayload.data(.init(data: .byteBuffer(buffer))), promise: nil)
        }
        if end {
            channel.write(
                HTTP2Frame.FramePayload.data(.init(data: .byteBuffer(channel.allocator.buffer(capacity: 0)), endStream: true)), promise: nil
            )
        }
        channel.flush()
    }

    // MARK: Server → client

    /// The server stream can take more (or not): reading the client follows.
    func serverWritabilityChanged(_ writable: Bool) {
        if writable { resumeReading() }
    }

    func responseHeaders(_ headers: HTTP2Frame.FramePayload.Headers) {
        let status =
            headers.endStream
            ? (headers.headers.first(name: "grpc-status").flatMap(Int.init).flatMap(GRPCStatusCode.init) ?? .unknown) : .ok
        respond(with: .headers(headers), action: machine.responseHeaders(endStream: headers.endStream, status: status))
    }

    func responseData(_ data: HTTP2Frame.FramePayload.Data) {
        respond(with: .data(data), action: machine.responseData(endStream: data.endStream))
    }

    private func respond(with frame: HTTP2Frame.FramePayload, action: CallStateMachine.ResponseAction) {
        guard let context else { return }
        switch action {
        case .write:
            context.write(wrapOutboundOut(frame), promise: nil)
        case .writeAndEnd(let ending):
            context.write(wrapOutboundOut(frame), promise: nil)
            // Recorded before the flush: the flush ends the stream, which closes its channel at once.
            end(ending)
            context.flush()
        case .drop:
            break
        }
    }

    func flushResponse() { context?.flush() }

    /// The server stream ended without a status: its server may have gone
    /// away. A health check decides (a reset stream alone does not prove it).
    func serverStreamClosed(_ reason: String) {
        guard machine.isProxying, let server = machine.server else { return }
        core.suspect(server)
        end(machine.finish(GatewayRefusal(.unavailable, "the Spark Connect server \(server) went away: \(reason)"), tellClient: true))
    }
}
