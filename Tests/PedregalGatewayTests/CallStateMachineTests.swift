import NIOCore
import NIOHPACK
import PedregalAuth
import PedregalManifests
import Testing

@testable import PedregalGateway

/// The stream handler's state machine on its own: every transition, with no
/// channel, clock or table.
@Suite struct CallStateMachineTests {
    static let route = LoadedRoute(name: "route.ns.default", route: RouteFixtures.dataScience())
    static let alice = VerifiedIdentity(subject: "alice@example.com", groups: ["data-science"], expiresAt: nil)
    static let server = ServerAddress(host: "127.0.0.1", port: 15002)

    static func request(_ method: SparkConnectMethod = .config) -> CallStateMachine.Request {
        .init(route: route, method: method, authority: "ds-dev.doordash.team:443", forwardedHeaders: [":method": "POST"])
    }

    /// A request message of `session` as gRPC frames it (5-byte prefix), with a forged user.
    static func message(session: String, observed: Bool = false) -> [UInt8] {
        var body: [UInt8] = []
        ProtobufWire.appendBytesField(1, Array(session.utf8), to: &body)
        var context: [UInt8] = []
        ProtobufWire.appendBytesField(1, Array("mallory".utf8), to: &context)
        ProtobufWire.appendBytesField(2, context, to: &body)
        if observed { ProtobufWire.appendBytesField(8, Array("server-side".utf8), to: &body) }
        return [0, 0, 0, 0, UInt8(body.count)] + body
    }

    static func buffer(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }

    /// A machine reading its request as `alice`.
    static func reading(_ method: SparkConnectMethod = .config) -> CallStateMachine {
        var machine = CallStateMachine()
        machine.accepted(request(method))
        #expect(machine.authenticated(alice, maxMessageBytes: 1 << 20).isEmpty)
        return machine
    }

    @Test func aCallGoesFromHeadersToItsStatus() throws {
        var machine = Self.reading()
        #expect(machine.awaitsFirstMessage)
        guard case .place(let facts) = machine.receivedData(Self.buffer(Self.message(session: "s-1")), endStream: true) else {
            Issue.record("the first message should place the call")
            return
        }
        #expect(facts.sessionID == "s-1")
        #expect(!machine.mayReadClient(serverWritable: true), "nothing is read while the call is placed")
        let placed = CallStateMachine.Placed(server: Self.server, opensSession: true, countsExecution: false)
        #expect(machine.placed(placed) == .connect(Self.server))
        guard case .start(let headers, let messages, let end) = machine.serverStreamOpened() else {
            Issue.record("the server stream should start")
            return
        }
        #expect(headers == [":method": "POST"])
        #expect(end)
        // The forwarded message carries the verified subject, not the forged user.
        let forwarded = try #require(messages.first)
        #expect(String(decoding: forwarded, as: UTF8.self).contains("alice@example.com"))
        #expect(!String(decoding: forwarded, as: UTF8.self).contains("mallory"))
        #expect(machine.mayReadClient(serverWritable: true) && !machine.mayReadClient(serverWritable: false))
        #expect(machine.responseHeaders(endStream: false, status: .ok) == .write)
        #expect(machine.responseData(endStream: false) == .write)
        guard case .writeAndEnd(let ending) = machine.responseHeaders(endStream: true, status: .ok) else {
            Issue.record("the trailers should end the call")
            return
        }
        #expect(ending.outcome.code == .ok && !ending.tellClient)
        #expect(!ending.closeServerStream, "a stream that ended both ways closes itself; closing it would reset it")
        #expect(!ending.abandonsSession && !ending.releasesSession)
        #expect(ending.subject == "alice@example.com" && ending.sessionID == "s-1" && ending.placed == placed)
        #expect(ending.host == "ds-dev.doordash.team")
        #expect(machine.isFinished)
        #expect(machine.finish(GatewayRefusal(.cancelled, ""), tellClient: false) == nil, "a call ends once")
    }

    @Test func messagesSplitAcrossFramesAndLaterMessagesAreForwarded() {
        var machine = Self.reading(.addArtifacts)
        let first = Self.message(session: "s-2")
        #expect(machine.receivedData(Self.buffer(Array(first.prefix(3))), endStream: false) == .none)
        #expect(machine.heldRequestBytes == 3)
        guard case .place = machine.receivedData(Self.buffer(Array(first.dropFirst(3))), endStream: false) else {
            Issue.record("the completed message should place the call")
            return
        }
        // A second message while connecting waits; once open, it goes with the first.
        #expect(machine.receivedData(Self.buffer(Self.message(session: "s-2")), endStream: false) == .none)
        _ = machine.placed(.init(server: Self.server, opensSession: false, countsExecution: false))
        guard case .start(_, let messages, let end) = machine.serverStreamOpened() else {
            Issue.record("expected a start")
            return
        }
        #expect(messages.count == 2 && !end)
        #expect(machine.heldRequestBytes == 0)
        guard case .forward(let more, let ended) = machine.receivedData(Self.buffer(Self.message(session: "s-2")), endStream: true) else {
            Issue.record("a message while proxying is forwarded")
            return
        }
        #expect(more.count == 1 && ended)
        // The request ended: a reset now must close the server stream, whose response has not ended.
        let ending = machine.finish(GatewayRefusal(.cancelled, "reset"), tellClient: false)
        #expect(ending?.closeServerStream == true)
    }

    @Test func refusalsEndTheCallAndTellTheClient() {
        var changed = Self.reading()
        _ = changed.receivedData(Self.buffer(Self.message(session: "a")), endStream: false)
        guard case .finish(let ending) = changed.receivedData(Self.buffer(Self.message(session: "b")), endStream: false) else {
            Issue.record("a second session in one call is refused")
            return
        }
        #expect(ending.outcome.code == .invalidArgument && ending.tellClient)

        var cut = Self.reading()
        guard case .finish(let partial) = cut.receivedData(Self.buffer([0, 0, 0, 0, 9, 1]), endStream: true) else {
            Issue.record("a request ending inside a message is refused")
            return
        }
        #expect(partial.outcome.message == "the request ends inside a message")

        var empty = Self.reading()
        guard case .finish(let none) = empty.receivedTrailers() else {
            Issue.record("a request without a message is refused")
            return
        }
        #expect(none.outcome.message == "the call carries no request message")

        var large = CallStateMachine()
        large.accepted(Self.request())
        _ = large.authenticated(Self.alice, maxMessageBytes: 8)
        guard case .finish(let tooLarge) = large.receivedData(Self.buffer(Self.message(session: "s")), endStream: false) else {
            Issue.record("a message over the bound is refused")
            return
        }
        #expect(tooLarge.outcome.code == .resourceExhausted)

        var unknown = CallStateMachine()
        let refused = unknown.refuse(GatewayRefusal(.notFound, "no route"), host: "nope.team")
        #expect(refused?.host == "nope.team" && refused?.route == nil && refused?.tellClient == true)
    }

    @Test func framesWaitWhileTheTokenIsVerified() {
        var machine = CallStateMachine()
        machine.accepted(Self.request())
        #expect(!machine.mayReadClient(serverWritable: true))
        let message = Self.message(session: "s-3")
        #expect(machine.receivedData(Self.buffer(message), endStream: true) == .none)
        #expect(machine.heldRequestBytes == message.count)
        let held = machine.authenticated(Self.alice, maxMessageBytes: 1 << 20)
        #expect(held == [.data(Self.buffer(message), endStream: true)])
        guard case .data(let buffer, let end) = held.first, case .place = machine.receivedData(buffer, endStream: end) else {
            Issue.record("replayed frames place the call")
            return
        }
    }

    /// A call that ends before it reaches its server gives back what placement took.
    @Test func aCallResetBeforeItsServerGivesItsSessionBack() {
        var placing = Self.reading(.executePlan)
        _ = placing.receivedData(Self.buffer(Self.message(session: "s-4")), endStream: true)
        let reset = placing.finish(GatewayRefusal(.cancelled, "the client cancelled the call"), tellClient: false)
        #expect(reset?.placed == nil && reset?.abandonsSession == false)
        let late = CallStateMachine.Placed(server: Self.server, opensSession: true, countsExecution: true)
        #expect(
            placing.placed(late)
                == .abandon(late, route: Self.route, sessionID: "s-4", subject: "alice@example.com"))

        var connecting = Self.reading(.executePlan)
        _ = connecting.receivedData(Self.buffer(Self.message(session: "s-5")), endStream: true)
        _ = connecting.placed(late)
        let ending = connecting.finish(GatewayRefusal(.cancelled, "gone"), tellClient: false)
        #expect(ending?.abandonsSession == true && ending?.placed == late)
        #expect(connecting.serverStreamOpened() == .close, "a stream opened for a finished call is closed")
    }

    @Test func aSuccessfulReleaseSessionForgetsTheSession() {
        var machine = Self.reading(.releaseSession)
        _ = machine.receivedData(Self.buffer(Self.message(session: "s-6")), endStream: true)
        _ = machine.placed(.init(server: Self.server, opensSession: false, countsExecution: false))
        _ = machine.serverStreamOpened()
        guard case .writeAndEnd(let ending) = machine.responseHeaders(endStream: true, status: .ok) else {
            Issue.record("expected the end")
            return
        }
        #expect(ending.releasesSession)
        var failed = Self.reading(.releaseSession)
        _ = failed.receivedData(Self.buffer(Self.message(session: "s-7")), endStream: true)
        _ = failed.placed(.init(server: Self.server, opensSession: false, countsExecution: false))
        _ = failed.serverStreamOpened()
        guard case .writeAndEnd(let notReleased) = failed.responseHeaders(endStream: true, status: .internalError) else {
            Issue.record("expected the end")
            return
        }
        #expect(!notReleased.releasesSession && notReleased.outcome.code == .internalError)
    }
}
