import NIOCore
import NIOHPACK
import PedregalAuth

/// One client stream (one Spark Connect call) as a state machine. Each state
/// holds exactly what the call has at that point; events come in, and what
/// the stream handler must do comes out. No I/O, no clock, no shared table:
/// the handler (`ProxyStreamHandler`) does those, and tests drive this alone.
///
///     idle ─headers─▶ authenticating ─token verified─▶ reading ─first message─▶ placing
///       ─placed─▶ connecting ─server stream open─▶ proxying ─status─▶ finished
///
/// Any state ends in `finished` on a refusal, a reset, a timeout or a lost
/// peer; `finish` reports, once, what the handler must undo and record.
struct CallStateMachine {
    enum State {
        case idle
        case authenticating(Request, held: [HeldFrame])
        case reading(Call)
        case placing(Call)
        case connecting(Call, Placed)
        case proxying(Call, Placed, Exchange)
        /// Over; what it was is kept for a placement that arrives late.
        case finished(Ending)
        /// Only while a state's values are being changed, so that they are not copied.
        case modifying
    }

    private(set) var state = State.idle

    /// Refuses a call to `host` before its headers were accepted.
    mutating func refuse(_ refusal: GatewayRefusal, host: String) -> Ending? {
        var ending = finish(refusal, tellClient: true)
        ending?.host = host
        if let ending { state = .finished(ending) }
        return ending
    }

    /// Headers accepted; the token is being verified.
    mutating func accepted(_ request: Request) {
        guard case .idle = state else { return }
        state = .authenticating(request, held: [])
    }

    /// The token is verified and its subject may use the route: frames held
    /// meanwhile are returned, to be handled again.
    mutating func authenticated(_ identity: VerifiedIdentity, maxMessageBytes: Int) -> [HeldFrame] {
        guard case .authenticating(let request, let held) = state else { return [] }
        state = .reading(Call(request: request, identity: identity, reader: GRPCMessageReader(maxMessageBytes: maxMessageBytes)))
        return held
    }

    /// Request bytes from the client.
    mutating func receivedData(_ buffer: ByteBuffer, endStream: Bool) -> DataAction {
        switch state {
        case .authenticating(let request, var held):
            state = .modifying
            held.append(.data(buffer, endStream: endStream))
            state = .authenticating(request, held: held)
            return .none
        case .reading(var call):
            state = .modifying
            let result = Self.read(buffer, endStream: endStream, into: &call)
            if case .failure(let refusal) = result {
                state = .reading(call)
                return refused(refusal)
            }
            if let facts = call.facts {
                state = .placing(call)
                return .place(facts)
            }
            state = .reading(call)
            return .none
        case .placing(var call):
            state = .modifying
            let result = Self.read(buffer, endStream: endStream, into: &call)
            state = .placing(call)
            if case .failure(let refusal) = result { return refused(refusal) }
            return .none
        case .connecting(var call, let placed):
            state = .modifying
            let result = Self.read(buffer, endStream: endStream, into: &call)
            state = .connecting(call, placed)
            if case .failure(let refusal) = result { return refused(refusal) }
            return .none
        case .proxying(var call, let placed, var exchange):
            state = .modifying
            let result = Self.read(buffer, endStream: endStream, into: &call)
            if case .failure(let refusal) = result {
                state = .proxying(call, placed, exchange)
                return refused(refusal)
            }
            let messages = call.pending
            call.pending = []
            call.pendingBytes = 0
            let end = call.requestEnded && !exchange.requestEndForwarded
            if end { exchange.requestEndForwarded = true }
            state = .proxying(call, placed, exchange)
            return messages.isEmpty && !end ? .none : .forward(messages, end: end)
        case .idle, .finished, .modifying:
            return .none
        }
    }

    /// The client sent trailers ending its request.
    mutating func receivedTrailers() -> DataAction {
        if case .authenticating(let request, var held) = state {
            state = .modifying
            held.append(.trailers)
            state = .authenticating(request, held: held)
            return .none
        }
        return receivedData(ByteBuffer(), endStream: true)
    }

    private mutating func refused(_ refusal: GatewayRefusal) -> DataAction {
        finish(refusal, tellClient: true).map(DataAction.finish) ?? .none
    }

    /// Reads request bytes into `call`: complete messages are rewritten with
    /// the verified subject and queued; the first names the session.
    private static func read(_ buffer: ByteBuffer, endStream: Bool, into call: inout Call) -> Result<Void, GatewayRefusal> {
        do throws(GatewayRefusal) {
            for message in try call.reader.append(buffer) {
                let result: (facts: RequestFacts, message: [UInt8])
                do {
                    result = try message.withUnsafeBytes { bytes in
                        try SparkConnectRequest.rewrite(bytes, method: call.request.method, userID: call.identity.subject)
                    }
                } catch {
                    throw GatewayRefusal(.invalidArgument, "\(error)")
                }
                if let facts = call.facts {
                    guard result.facts.sessionID == facts.sessionID else {
                        throw GatewayRefusal(.invalidArgument, "one call cannot change session_id between messages")
                    }
                } else {
                    call.facts = result.facts
                }
                call.pending.append(result.message)
                call.pendingBytes += result.message.count
            }
            if endStream {
                if call.reader.hasPartialMessage { throw GatewayRefusal(.invalidArgument, "the request ends inside a message") }
                if call.facts == nil { throw GatewayRefusal(.invalidArgument, "the call carries no request message") }
                call.requestEnded = true
            }
            return .success(())
        } catch {
            return .failure(error)
        }
    }

    /// The call is placed on a server; nil when there is nothing to do.
    mutating func placed(_ placed: Placed) -> PlacedAction? {
        switch state {
        case .placing(let call):
            state = .connecting(call, placed)
            return .connect(placed.server)
        case .finished(let ending):
            // The call ended while it was placed: what the placement took is given back.
            guard let route = ending.route, let sessionID = ending.sessionID, let subject = ending.subject else { return nil }
            return .abandon(placed, route: route, sessionID: sessionID, subject: subject)
        case .idle, .authenticating, .reading, .connecting, .proxying, .modifying:
            return nil
        }
    }

    /// The call being connected: what a failure to reach its server needs to know.
    var connecting: (call: Call, placed: Placed)? {
        if case .connecting(let call, let placed) = state { return (call, placed) }
        return nil
    }

    /// The server stream is open.
    mutating func serverStreamOpened() -> OpenedAction {
        guard case .connecting(var call, let placed) = state else { return .close }
        state = .modifying
        let messages = call.pending
        call.pending = []
        call.pendingBytes = 0
        var exchange = Exchange()
        exchange.requestEndForwarded = call.requestEnded
        let headers = call.request.forwardedHeaders
        state = .proxying(call, placed, exchange)
        return .start(headers, messages, end: exchange.requestEndForwarded)
    }

    /// Response headers from the server (`status` when they end the call).
    mutating func responseHeaders(endStream: Bool, status: GRPCStatusCode) -> ResponseAction {
        guard case .proxying(let call, let placed, var exchange) = state else { return .drop }
        guard endStream else {
            exchange.responseStarted = true
            state = .proxying(call, placed, exchange)
            return .write
        }
        exchange.responseEnded = true
        state = .proxying(call, placed, exchange)
        return completed(status)
    }

    /// Response data from the server.
    mutating func responseData(endStream: Bool) -> ResponseAction {
        // Most frames only pass: they are checked without binding (copying) the state's values.
        guard case .proxying = state else { return .drop }
        guard endStream, case .proxying(let call, let placed, var exchange) = state else { return .write }
        exchange.responseEnded = true
        state = .proxying(call, placed, exchange)
        return completed(.ok)
    }

    private mutating func completed(_ status: GRPCStatusCode) -> ResponseAction {
        let method = method
        guard var ending = finish(GatewayRefusal(status, ""), tellClient: false) else { return .drop }
        ending.releasesSession = status == .ok && method == .releaseSession
        return .writeAndEnd(ending)
    }

    /// Whether the client's stream may be read now: not while the token is
    /// verified or the call is placed and connected (its frames wait in the
    /// stream, under flow control), and while proxying only when the server
    /// stream can take more.
    func mayReadClient(serverWritable: Bool) -> Bool {
        switch state {
        case .authenticating, .placing, .connecting, .modifying: return false
        case .proxying: return serverWritable
        case .idle, .reading, .finished: return true
        }
    }

    /// Whether the call still waits for its first request message.
    var awaitsFirstMessage: Bool {
        switch state {
        case .authenticating, .reading: return true
        default: return false
        }
    }

    /// Whether the call is over.
    var isFinished: Bool {
        if case .finished = state { return true }
        return false
    }

    /// Request bytes held by the call (parts of messages, messages waiting
    /// for the server), counted against the gateway's request buffers.
    var heldRequestBytes: Int {
        switch state {
        case .authenticating(_, let held):
            return held.reduce(0) { total, frame in
                if case .data(let buffer, _) = frame { return total + buffer.readableBytes }
                return total
            }
        case .reading(let call), .placing(let call), .connecting(let call, _), .proxying(let call, _, _):
            return call.reader.bufferedBytes + call.pendingBytes
        case .idle, .finished, .modifying:
            return 0
        }
    }

    /// Whether the call's server stream is open.
    var isProxying: Bool {
        if case .proxying = state { return true }
        return false
    }

    /// The verified subject, once the token is verified.
    var subject: String? {
        switch state {
        case .reading(let call), .placing(let call), .connecting(let call, _), .proxying(let call, _, _): return call.identity.subject
        default: return nil
        }
    }

    /// The verified subject of a call that has ended (answered or refused).
    var endedSubject: String? {
        if case .finished(let ending) = state { return ending.subject }
        return nil
    }

    /// The `:authority` the client asked for, once its headers were accepted.
    var authority: String { request?.authority ?? "" }

    /// The route of the call, once its headers were accepted.
    var route: LoadedRoute? { request?.route }
    /// The method of the call, once its headers were accepted.
    var method: SparkConnectMethod? { request?.method }
    /// The server of the call, once placed.
    var server: ServerAddress? { placement?.server }

    private var request: Request? {
        switch state {
        case .authenticating(let request, _): return request
        case .reading(let call), .placing(let call), .connecting(let call, _), .proxying(let call, _, _): return call.request
        case .idle, .finished, .modifying: return nil
        }
    }

    private var placement: Placed? {
        switch state {
        case .connecting(_, let placed), .proxying(_, let placed, _): return placed
        default: return nil
        }
    }

    /// Ends the call, once: nil when it had already ended.
    mutating func finish(_ outcome: GatewayRefusal, tellClient: Bool) -> Ending? {
        var ending = Ending(outcome: outcome, tellClient: tellClient)
        ending.host = RouteTable.host(ofAuthority: authority)
        switch state {
        case .finished, .modifying:
            return nil
        case .idle:
            break
        case .authenticating(let request, _):
            ending.route = request.route
            ending.method = request.method
        case .reading(let call), .placing(let call):
            Self.describe(call, into: &ending)
        case .connecting(let call, let placed):
            Self.describe(call, into: &ending)
            ending.placed = placed
            ending.abandonsSession = placed.opensSession
        case .proxying(let call, let placed, let exchange):
            Self.describe(call, into: &ending)
            ending.placed = placed
            ending.responseStarted = exchange.responseStarted
            // A stream that ended both ways closes itself; closing it would send RST_STREAM,
            // and servers with a rapid-reset guard drop a connection that sends many.
            ending.closeServerStream = !(exchange.responseEnded && exchange.requestEndForwarded)
        }
        state = .finished(ending)
        return ending
    }

    private static func describe(_ call: Call, into ending: inout Ending) {
        ending.route = call.request.route
        ending.method = call.request.method
        ending.subject = call.identity.subject
        ending.sessionID = call.facts?.sessionID
    }
}
