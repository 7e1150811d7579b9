import Foundation
import NIOPosix
import PedregalAuth
import PedregalGatewayPeers
import Testing

@testable import PedregalGateway

/// Hostile clients with real HTTP/2 bytes on loopback, against the gateway in
/// process: every bad connection is closed (after a GOAWAY with the right
/// code where the client spoke HTTP/2), half-open and idle connections time
/// out, connections per address are bounded, and streams reset before their
/// server leave nothing behind.
@Suite(.serialized) struct HostileClientTests {
    static let path = "/spark.connect.SparkConnectService/Config"
    static let host = "ds-dev.doordash.team"

    static func withGateway(
        timeouts: ConnectionTimeouts = ConnectionTimeouts(), limits: ClientLimits = ClientLimits(),
        _ body: (GatewayProxyTests.Setup, MultiThreadedEventLoopGroup) async throws -> Void
    ) async throws {
        let setup = try await GatewayProxyTests.start(proxy: ProxySettings(timeouts: timeouts, limits: limits))
        do {
            try await body(setup, setup.group)
        } catch {
            await setup.stop()
            throw error
        }
        await setup.stop()
    }

    static func metric(_ setup: GatewayProxyTests.Setup, _ line: String) async throws -> Double? {
        let text = try await GatewayProxyTests.get(port: setup.addresses.adminPort, path: "/metrics")
        return text.split(separator: "\n").first { $0.hasPrefix(line + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    /// The handshake, then `streams` calls that each send their request (a session
    /// `<sessions>-<n>` of its own) and reset at once: rapid reset on one connection.
    static func rapidReset(streams: Int, sessions: String, token: String) throws -> [UInt8] {
        var bytes = RawHTTP2Client.handshake
        for index in 0..<streams {
            let stream = UInt32(2 * index + 1)
            var body: [UInt8] = []
            ProtobufWire.appendBytesField(1, Array("\(sessions)-\(index)".utf8), to: &body)
            bytes += try RawHTTP2Client.headers(stream: stream, path: path, authority: host, token: token)
            bytes += RawHTTP2Client.message(stream: stream, body) + RawHTTP2Client.reset(stream: stream)
        }
        return bytes
    }

    @Test func aConnectionErrorGetsGoAwayAndTheConnectionIsClosed() async throws {
        try await Self.withGateway { setup, group in
            let client = try await RawHTTP2Client.connect(group: group, port: setup.addresses.port)
            // DATA on stream 0 is a connection error of type PROTOCOL_ERROR (RFC 9113 §6.1).
            await client.send(RawHTTP2Client.handshake + RawHTTP2Client.frame(type: 0, stream: 0, [1, 2, 3]))
            #expect(await client.waitClosed(within: .seconds(5)), "the connection stays open after its GOAWAY")
            #expect(client.goAwayCode == 0x1, "GOAWAY \(client.goAwayCode.map(String.init) ?? "none")")
            // A CONTINUATION flood: HEADERS without END_HEADERS, then CONTINUATION frames without end.
            let flood = try await RawHTTP2Client.connect(group: group, port: setup.addresses.port)
            var bytes = RawHTTP2Client.handshake + RawHTTP2Client.frame(type: 1, flags: 0, stream: 1, [0x82])
            for _ in 0..<200 { bytes += RawHTTP2Client.frame(type: 9, flags: 0, stream: 1, Array(repeating: 0x40, count: 16)) }
            await flood.send(bytes)
            #expect(await flood.waitClosed(within: .seconds(5)), "the flooded connection stays open")
            #expect(flood.goAwayCode != nil)
            await client.close()
            await flood.close()
            #expect(try await Self.metric(setup, "pedregal_gateway_connections_closed_total{reason=\"protocol-error\"}") == 2)
        }
    }

    @Test func halfOpenAndIdleConnectionsTimeOut() async throws {
        let timeouts = ConnectionTimeouts(handshake: .seconds(1), idle: .seconds(1))
        try await Self.withGateway(timeouts: timeouts) { setup, group in
            let partial = try await RawHTTP2Client.connect(group: group, port: setup.addresses.port)
            await partial.send(Array(RawHTTP2Client.preface.prefix(10)))
            let unacknowledged = try await RawHTTP2Client.connect(group: group, port: setup.addresses.port)
            await unacknowledged.send(RawHTTP2Client.preface + RawHTTP2Client.settings)
            let idle = try await RawHTTP2Client.connect(group: group, port: setup.addresses.port)
            await idle.send(RawHTTP2Client.handshake)
            let started = ContinuousClock.now
            #expect(await partial.waitClosed(within: .seconds(5)), "a partial preface is never timed out")
            #expect(await unacknowledged.waitClosed(within: .seconds(5)))
            #expect(unacknowledged.goAwayCode == 0x4, "SETTINGS_TIMEOUT, not \(unacknowledged.goAwayCode.map(String.init) ?? "none")")
            #expect(await idle.waitClosed(within: .seconds(5)), "an idle connection is never closed")
            #expect(idle.goAwayCode == 0x0)
            #expect(ContinuousClock.now - started < .seconds(4))
            #expect(try await Self.metric(setup, "pedregal_gateway_connections_closed_total{reason=\"handshake-timeout\"}") == 2)
            // The harness's own client connected first and has been idle longer: it went too.
            #expect(try await Self.metric(setup, "pedregal_gateway_connections_closed_total{reason=\"idle\"}") == 2)
            for client in [partial, unacknowledged, idle] { await client.close() }
        }
    }

    @Test func connectionsFromOneAddressAreBounded() async throws {
        try await Self.withGateway(limits: ClientLimits(maxConnectionsPerSource: 2)) { setup, group in
            // The test's own client holds one connection already.
            let second = try await RawHTTP2Client.connect(group: group, port: setup.addresses.port)
            await second.send(RawHTTP2Client.handshake)
            let third = try await RawHTTP2Client.connect(group: group, port: setup.addresses.port)
            #expect(await third.waitClosed(within: .seconds(5)), "a connection past the bound is accepted")
            #expect(third.frames.isEmpty, "it is closed at accept, before any frame")
            #expect(!(await second.waitClosed(within: .milliseconds(200))))
            // The client connected first still works.
            let token = try setup.token("alice@example.com")
            #expect(try await setup.call(token: token, session: "s-bound").status == 0)
            #expect(try await Self.metric(setup, "pedregal_gateway_connections_refused_total{reason=\"source-connection-limit\"}") == 1)
            await second.close()
            await third.close()
        }
    }

    /// Past its misbehaviour bound an address's new connections are refused at accept: held
    /// unread for the close delay (a client reconnecting as soon as it is closed waits that
    /// long per attempt), then closed without a frame.
    @Test(arguments: [Duration.milliseconds(600), .zero])
    func anAddressThatKeepsMisbehavingIsRefusedAtAccept(closeDelay: Duration) async throws {
        let limits = ClientLimits(
            misbehavingConnectionsPerSource: 2, misbehaviourPeriod: .seconds(600), misbehavingSourceCloseDelay: closeDelay)
        try await Self.withGateway(limits: limits) { setup, group in
            try await Self.misbehave(times: 2, setup, group)
            let started = ContinuousClock.now
            let refused = try await RawHTTP2Client.connect(group: group, port: setup.addresses.port)
            await refused.send(RawHTTP2Client.handshake)
            #expect(await refused.waitClosed(within: .seconds(5)), "an address past its misbehaviour bound still gets connections")
            let held = ContinuousClock.now - started
            #expect(refused.frames.isEmpty, "a refused connection was read and answered")
            #expect(held >= closeDelay - .milliseconds(100), "closed after \(held), before the delay of \(closeDelay)")
            #expect(held < closeDelay + .seconds(2))
            #expect(try await Self.metric(setup, "pedregal_gateway_connections_refused_total{reason=\"source-misbehaving\"}") == 1)
            #expect(try await Self.metric(setup, "pedregal_gateway_connections") == 1, "only the harness's own client")
            // Connections accepted before are left alone.
            #expect(try await setup.call(token: try setup.token("alice@example.com"), session: "s-misbehaving").status == 0)
            await refused.close()
        }
    }

    @Test func aHeldRefusalIsClosedWhenTheGatewayStops() async throws {
        let limits = ClientLimits(
            misbehavingConnectionsPerSource: 1, misbehaviourPeriod: .seconds(600), misbehavingSourceCloseDelay: .seconds(60))
        try await Self.withGateway(limits: limits) { setup, group in
            try await Self.misbehave(times: 1, setup, group)
            let refused = try await RawHTTP2Client.connect(group: group, port: setup.addresses.port)
            await refused.send(RawHTTP2Client.handshake)
            #expect(!(await refused.waitClosed(within: .milliseconds(500))), "a refused connection was not held")
            await setup.running.stop()
            #expect(await refused.waitClosed(within: .seconds(5)), "a held connection outlives the gateway's listener")
            #expect(refused.frames.isEmpty)
            await refused.close()
        }
    }

    /// `times` connections from the test's address closed for a connection error (DATA on stream 0),
    /// once the gateway has counted them.
    static func misbehave(times: Int, _ setup: GatewayProxyTests.Setup, _ group: MultiThreadedEventLoopGroup) async throws {
        for _ in 0..<times {
            let client = try await RawHTTP2Client.connect(group: group, port: setup.addresses.port)
            await client.send(RawHTTP2Client.handshake + RawHTTP2Client.frame(type: 0, stream: 0, [1, 2, 3]))
            #expect(await client.waitClosed(within: .seconds(5)))
            await client.close()
        }
        // The gateway counts a close once its side of the connection is gone, just after the client sees
        // it: wait until only the harness's own client is open (the misbehaviour is counted before that).
        for _ in 0..<100 where try await metric(setup, "pedregal_gateway_connections") != 1 {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(try await metric(setup, "pedregal_gateway_connections") == 1, "the gateway did not see the closes")
    }

    /// Rapid reset: each stream sends its request, then RST_STREAM. Nothing of the
    /// calls stays: no stream state, no session pinned for a call that never reached
    /// its server, and past the subject's reset bound its connection is closed.
    @Test func resetStreamsLeaveNothingBehind() async throws {
        try await Self.withGateway(limits: ClientLimits(resetsPerSubject: 60, resetPeriod: .seconds(600))) { setup, group in
            let token = try setup.token("mallory@example.com")
            let client = try await RawHTTP2Client.connect(group: group, port: setup.addresses.port)
            await client.send(try Self.rapidReset(streams: 100, sessions: "reset", token: token))
            #expect(await client.waitClosed(within: .seconds(5)), "a subject past its reset bound keeps its connection")
            #expect(client.goAwayCode == 0xB, "ENHANCE_YOUR_CALM, not \(client.goAwayCode.map(String.init) ?? "none")")
            try await Task.sleep(for: .seconds(1))
            #expect(try await Self.metric(setup, "pedregal_gateway_streams") == 0, "stream state is held after its stream")
            let servers = try await GatewayProxyTests.get(port: setup.addresses.adminPort, path: "/servers")
            #expect(servers.contains("\"sessions\":0"), "sessions of reset calls stay pinned: \(servers)")
            #expect(try await Self.metric(setup, "pedregal_gateway_connections_closed_total{reason=\"reset-budget\"}") == 1)
            // It reconnects: its next call is refused before it is placed (no session, no server
            // stream) and that connection is closed too, until the subject's bucket refills.
            let again = try await RawHTTP2Client.connect(group: group, port: setup.addresses.port)
            var body: [UInt8] = []
            ProtobufWire.appendBytesField(1, Array("after-bound".utf8), to: &body)
            await again.send(
                RawHTTP2Client.handshake + (try RawHTTP2Client.headers(stream: 1, path: Self.path, authority: Self.host, token: token))
                    + RawHTTP2Client.message(stream: 1, body))
            let refusal = await again.waitFrame(within: .seconds(5)) { $0.type == 1 && $0.streamID == 1 }
            #expect(refusal.flatMap(RawHTTP2Client.grpcStatus) == GRPCStatusCode.resourceExhausted.rawValue)
            #expect(await again.waitClosed(within: .seconds(5)), "a subject past its reset bound keeps its new connection")
            #expect(again.goAwayCode == 0xB)
            let after = try await GatewayProxyTests.get(port: setup.addresses.adminPort, path: "/servers")
            #expect(after.contains("\"sessions\":0"), "a refused call pinned a session: \(after)")
            #expect(try await Self.metric(setup, "pedregal_gateway_limited_total{limit=\"reset-budget\"}") ?? 0 >= 1)
            // Other subjects are not affected.
            #expect(try await setup.call(token: try setup.token("alice@example.com"), session: "s-after").status == 0)
        }
    }

    /// Rapid reset of calls the gateway refuses at once (here: past the subject's session
    /// lookups): the resets of answered streams count against the subject's bound too.
    @Test func resetsOfRefusedCallsCountAgainstTheSubject() async throws {
        let limits = ClientLimits(
            resetsPerSubject: 60, resetPeriod: .seconds(600), sessionLookupsPerSubject: 1, sessionLookupPeriod: .seconds(600))
        try await Self.withGateway(limits: limits) { setup, group in
            let token = try setup.token("mallory@example.com")
            let client = try await RawHTTP2Client.connect(group: group, port: setup.addresses.port)
            await client.send(try Self.rapidReset(streams: 100, sessions: "refused", token: token))
            #expect(await client.waitClosed(within: .seconds(5)), "resets of refused calls are not counted")
            #expect(client.goAwayCode == 0xB, "ENHANCE_YOUR_CALM, not \(client.goAwayCode.map(String.init) ?? "none")")
            #expect(try await Self.metric(setup, "pedregal_gateway_limited_total{limit=\"session-lookups\"}") ?? 0 >= 50)
            #expect(try await Self.metric(setup, "pedregal_gateway_connections_closed_total{reason=\"reset-budget\"}") == 1)
        }
    }

    @Test func aCallWhoseMessageNeverComesIsAnswered() async throws {
        try await Self.withGateway(timeouts: ConnectionTimeouts(firstMessage: .seconds(1))) { setup, group in
            let client = try await RawHTTP2Client.connect(group: group, port: setup.addresses.port)
            await client.send(
                RawHTTP2Client.handshake
                    + (try RawHTTP2Client.headers(stream: 1, path: Self.path, authority: Self.host, token: try setup.token("alice"))))
            let answer = await client.waitFrame(within: .seconds(5)) { $0.type == 1 && $0.streamID == 1 }
            let frame = try #require(answer, "no answer to a call without its message")
            #expect(RawHTTP2Client.grpcStatus(frame) == GRPCStatusCode.deadlineExceeded.rawValue)
            await client.close()
        }
    }
}
