import Foundation
import NIOCore
import NIOHPACK
import NIOHTTP2
import PedregalAuth

/// Proxies one client stream (one Spark Connect call). The call's state is a
/// `CallStateMachine`; this handler only carries out what it decides: verify
/// the token, place the session, open the server stream, move frames, and
/// record the end. Reads on either side wait while the other cannot write.
final class ProxyStreamHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias OutboundIn = HTTP2Frame.FramePayload
    typealias OutboundOut = HTTP2Frame.FramePayload

    let core: GatewayCore
    let connection: ClientConnection
    var machine = CallStateMachine()
    /// Set between handlerAdded and handlerRemoved only, so no cycle outlives the stream.
    var context: ChannelHandlerContext?
    /// The stream to the Spark Connect server, once open.
    var serverStream: (channel: any Channel, handler: BackendStreamHandler)?
    var readPending = false
    /// Request bytes counted against the gateway's request buffers.
    var heldBytes = 0
    /// The first-message deadline, then the write-stall deadline.
    var timer: Scheduled<Void>?
    let started = ContinuousClock.now

    init(core: GatewayCore, connection: ClientConnection) {
        self.core = core
        self.connection = connection
        core.metrics.streamsChanged(by: 1)
    }

    // Counted from init to deinit, so the gauge shows handlers that were never freed (a handler
    // that kept its context once kept every stream's channel and headers: ~2.5 KB per call).
    deinit { core.metrics.streamsChanged(by: -1) }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        end(machine.finish(GatewayRefusal(.cancelled, "the stream closed"), tellClient: false))
        timer?.cancel()
        timer = nil
    }

    // MARK: Client → gateway

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .headers(let headers):
            if case .idle = machine.state {
                receivedHeaders(headers.headers, endStream: headers.endStream)
            } else if headers.endStream {
                apply(machine.receivedTrailers())
            }
        case .data(let data):
            guard case .byteBuffer(let buffer) = data.data else { return }
            apply(machine.receivedData(buffer, endStream: data.endStream))
            if machine.awaitsFirstMessage { armTimer(core.timeouts.firstMessage, firstMessage: true) }
        case .rstStream:
            clientReset()
        default:
            break
        }
    }

    private func receivedHeaders(_ headers: HPACKHeaders, endStream: Bool) {
        let head = CallHead(headers, endStream: endStream)
        switch CallAdmission.admit(head, route: core.registry.route(authority: head.authority)) {
        case .refused(let refusal, let authFailure):
            if let authFailure { core.metrics.recordAuthFailure(authFailure) }
            end(machine.refuse(refusal, host: RouteTable.host(ofAuthority: head.authority)))
        case .admitted(let route, let method, let token):
            machine.accepted(
                .init(
                    route: route, method: method, authority: head.authority,
                    forwardedHeaders: CallAdmission.forwardedHeaders(headers, serverUsesTLS: core.usesTLS(route))))
            armTimer(core.timeouts.firstMessage, firstMessage: true)
            authenticate(token, route: route)
        }
    }

    private func authenticate(_ token: String, route: LoadedRoute) {
        let now = Date().timeIntervalSince1970
        let skew = Double(core.verifier.configuration.clockSkew.components.seconds)
        if token == connection.lastToken, let identity = connection.lastIdentity,
            CallAdmission.reusable(identity, now: now, clockSkew: skew)
        {
            authorized(identity, token: token, route: route)
            return
        }
        do {
            authorized(try core.verifier.verify(token, now: now), token: token, route: route)
        } catch .unknownKey, .keysUnavailable {
            // A rotated key: refresh the key set once, off the event loop, then retry.
            guard let context else { return }
            let verifier = core.verifier
            let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
            context.eventLoop.makeFutureWithTask { () async -> Result<VerifiedIdentity, AuthError> in
                do throws(AuthError) {
                    return .success(try await verifier.verifyRefreshing(token))
                } catch {
                    return .failure(error)
                }
            }.whenSuccess { result in
                switch result {
                case .success(let identity): bound.value.authorized(identity, token: token, route: route)
                case .failure(let error): bound.value.tokenRefused(error)
                }
            }
        } catch {
            tokenRefused(error)
        }
    }

    private func tokenRefused(_ error: AuthError) {
        let (refusal, reason) = CallAdmission.refusal(error)
        core.metrics.recordAuthFailure(reason)
        end(machine.finish(refusal, tellClient: true))
    }

    private func authorized(_ identity: VerifiedIdentity, token: String, route: LoadedRoute) {
        guard case .authenticating = machine.state else { return }
        if let refusal = CallAdmission.authorize(identity, route: route, groupPrefix: core.settings.groupPrefix) {
            core.metrics.recordAuthFailure("group")
            end(machine.finish(refusal, tellClient: true))
            return
        }
        connection.lastToken = token
        connection.lastIdentity = identity
        for frame in machine.authenticated(identity, maxMessageBytes: core.settings.maxRequestMessageBytes) {
            switch frame {
            case .data(let buffer, let endStream): apply(machine.receivedData(buffer, endStream: endStream))
            case .trailers: apply(machine.receivedTrailers())
            }
        }
        resumeReading()
    }

    /// Carries out what the machine decided about request bytes.
    private func apply(_ action: CallStateMachine.DataAction) {
        switch action {
        case .none:
            break
        case .place(let facts):
            cancelTimer()
            place(facts)
        case .forward(let messages, let end):
            if let channel = serverStream?.channel { Self.send(messages, end: end, on: channel) }
        case .finish(let ending):
            end(ending)
            return
        }
        countHeldBytes()
    }

    /// Counts the call's held request bytes against the gateway's request buffers; refuses the call past them.
    private func countHeldBytes() {
        let held = machine.heldRequestBytes
        guard held != heldBytes else { return }
        if core.bounds.requestBuffers.adjust(from: heldBytes, to: held) {
            heldBytes = held
            return
        }
        core.metrics.recordLimited("request-buffers")
        end(
            machine.finish(
                GatewayRefusal(
                    .resourceExhausted,
                    "the gateway holds its limit of \(core.bounds.requestBuffers.limit >> 20) MiB of request messages; retry shortly"),
                tellClient: true))
    }

    private func clientReset() {
        // A reset counts whether or not the call was still running: a rapid-reset client whose
        // calls the gateway refuses at once (past its session lookups, say) resets answered
        // streams, and those must count against its bound as much as running ones.
        let subject = machine.subject ?? machine.endedSubject
        if let ending = machine.finish(GatewayRefusal(.cancelled, "the client cancelled the call"), tellClient: false) { end(ending) }
        // One subject resetting streams across connections (rapid reset with reconnects): past
        // its bound, the connection it resets on is closed at once.
        if let subject, !core.bounds.reset(by: subject) { connection.manager?.misbehaving(.resetBudget) }
    }

    // MARK: Back-pressure and timers

    func read(context: ChannelHandlerContext) {
        if machine.mayReadClient(serverWritable: serverStream?.channel.isWritable ?? true) {
            context.read()
        } else {
            readPending = true
        }
    }

    /// Reads the client again if it was held back and may now be read.
    func resumeReading() {
        guard readPending, machine.mayReadClient(serverWritable: serverStream?.channel.isWritable ?? true) else { return }
        readPending = false
        context?.read()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        let writable = context.channel.isWritable
        serverStream?.handler.clientWritabilityChanged(writable)
        if writable {
            cancelTimer()
        } else if !machine.isFinished {
            armTimer(core.timeouts.writeStall, firstMessage: false)
        }
        context.fireChannelWritabilityChanged()
    }

    /// Whether response frames can be written to the client now.
    var clientWritable: Bool { context?.channel.isWritable ?? false }

    private func armTimer(_ timeout: Duration, firstMessage: Bool) {
        guard let context else { return }
        timer?.cancel()
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let nanoseconds = Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        timer = context.eventLoop.scheduleTask(in: .nanoseconds(nanoseconds)) {
            bound.value.timedOut(timeout, firstMessage: firstMessage)
        }
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
    }

    private func timedOut(_ timeout: Duration, firstMessage: Bool) {
        timer = nil
        let seconds = timeout.components.seconds
        if firstMessage {
            guard machine.awaitsFirstMessage else { return }
            end(
                machine.finish(
                    GatewayRefusal(.deadlineExceeded, "the request message did not arrive within \(seconds) s"), tellClient: true))
        } else {
            // The client does not read: it cannot be told. The stream is reset.
            guard
                let ending = machine.finish(
                    GatewayRefusal(.cancelled, "the client read nothing for \(seconds) s"), tellClient: false)
            else { return }
            end(ending)
            context?.close(promise: nil)
        }
    }

    // MARK: Ending

    func channelInactive(context: ChannelHandlerContext) {
        end(machine.finish(GatewayRefusal(.cancelled, "the client went away"), tellClient: false))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        end(machine.finish(GatewayRefusal(.cancelled, "stream error: \(error)"), tellClient: false))
        context.close(promise: nil)
    }

    /// Ends the call: answers the client when asked, closes or lets go of the
    /// server stream, gives back what the call held, and records it.
    func end(_ ending: CallStateMachine.Ending?) {
        guard let ending else { return }
        cancelTimer()
        _ = core.bounds.requestBuffers.adjust(from: heldBytes, to: 0)
        heldBytes = 0
        if ending.tellClient, let context {
            let headers = ending.responseStarted ? GRPCHeaders.trailers(ending.outcome) : GRPCHeaders.trailersOnly(ending.outcome)
            context.writeAndFlush(wrapOutboundOut(.headers(.init(headers: headers, endStream: true))), promise: nil)
        }
        if let serverStream {
            if ending.closeServerStream { serverStream.channel.close(promise: nil) }
            serverStream.handler.detach()
            self.serverStream = nil
        }
        core.record(ending, peer: connection.peer, duration: .now - started)
        resumeReading()
    }
}
