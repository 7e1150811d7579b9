import Foundation
import NIOCore
import NIOPosix
import PedregalGatewayPeers
import Testing

@testable import PedregalGateway

/// The gateway's own connections to a Spark Connect server: answers that were
/// on their way when the gateway reset their streams do not break the
/// connection, and a connection NIO finds broken is closed, so its calls end
/// at once instead of hanging.
@Suite struct BackendConnectionTests {
    static func withServer(
        _ behavior: RawHTTP2Server.Behavior, probeTimeout: TimeAmount,
        _ body: (GatewayProxyTests.Setup, RawHTTP2Server) async throws -> Void
    ) async throws {
        let server = try await RawHTTP2Server.start(group: MultiThreadedEventLoopGroup.singleton, behavior: behavior)
        let setup = try await GatewayProxyTests.start(proxy: ProxySettings(probeTimeout: probeTimeout), backendPort: server.port)
        do {
            try await body(setup, server)
        } catch {
            await setup.stop()
            await server.stop()
            throw error
        }
        await setup.stop()
        await server.stop()
    }

    /// Found under ThreadSanitizer, where everything is slower: many session probes
    /// timed out at once, each reset its stream, and the server's answers to them
    /// arrived afterwards. NIO remembered only the last 32 resets, took the others'
    /// answers for a protocol error, sent GOAWAY and kept the connection: every
    /// later call on it hung. Here the server answers each stream 2 s after its
    /// request, long after the 20 ms probe timeout reset it: all 60 probes are reset
    /// before the first answer comes, however slowly the gateway places the calls.
    @Test func lateAnswersToResetStreamsKeepTheConnection() async throws {
        try await Self.withServer(.answer(after: .seconds(2)), probeTimeout: .milliseconds(20)) { setup, server in
            let token = try setup.token("bob@example.com")
            let statuses = try await withThrowingTaskGroup(of: Int?.self) { calls in
                for index in 0..<60 {
                    calls.addTask { try await setup.call(token: token, session: "late-\(index)").status }
                }
                return try await calls.reduce(into: [Int?]()) { $0.append($1) }
            }
            #expect(statuses.count == 60)
            #expect(statuses.allSatisfy { $0 == 0 }, "statuses: \(statuses.map { $0.map(String.init) ?? "none" })")
            let after = try await setup.call(token: try setup.token("alice@example.com"), session: "after")
            #expect(after.status == 0, "\(after.status.map(String.init) ?? "none"): \(after.message)")
            let seen = server.seen
            #expect(seen.resets >= 33, "the probes did not reset more streams than NIO's default remembers: \(seen)")
            #expect(seen.goAways.isEmpty, "the gateway gave up its connection: \(seen)")
            #expect(seen.connections == 1)
        }
    }

    /// A connection error on a server connection (here DATA on a stream never
    /// opened): the gateway sends GOAWAY, closes the connection (RFC 9113
    /// §5.4.1), and the call on it ends UNAVAILABLE at once.
    @Test func aBrokenServerConnectionIsClosedAndItsCallEnds() async throws {
        try await Self.withServer(.breakProtocol, probeTimeout: .seconds(10)) { setup, server in
            let started = ContinuousClock.now
            let outcome = try await setup.call(token: try setup.token("alice@example.com"), session: "broken")
            #expect(
                outcome.status == GRPCStatusCode.unavailable.rawValue, "\(outcome.status.map(String.init) ?? "none"): \(outcome.message)")
            #expect(ContinuousClock.now - started < .seconds(5), "the call waited for the probe's timeout or longer")
            let deadline = ContinuousClock.now + .seconds(5)
            while server.seen.closedConnections < server.seen.connections, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            let seen = server.seen
            #expect(seen.goAways.contains(0x1), "no GOAWAY PROTOCOL_ERROR: \(seen)")
            #expect(seen.connections >= 1 && seen.closedConnections == seen.connections, "a broken connection stays open: \(seen)")
        }
    }
}
