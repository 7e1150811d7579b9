import NIOHTTP2
import Testing

@testable import PedregalGateway

/// The per-connection and per-client bounds as pure values: time is passed in.
@Suite struct ConnectionBoundsTests {
    static let start = ContinuousClock.now

    @Test func tokenBucketsRefillAndForgetIdleKeys() {
        var buckets = TokenBuckets(burst: 3, period: .seconds(3), maxKeys: 2)
        for _ in 0..<3 { #expect(buckets.take("a", now: Self.start) == true) }
        #expect(buckets.take("a", now: Self.start) == false)
        #expect(buckets.isExhausted("a", now: Self.start))
        #expect(!buckets.isExhausted("b", now: Self.start), "a key never seen has its whole burst")
        // One token a second.
        #expect(buckets.take("a", now: Self.start + .seconds(1)) == true)
        #expect(buckets.take("a", now: Self.start + .seconds(1)) == false)
        // Memory stays bounded: full buckets go first, then the oldest.
        #expect(buckets.take("b", now: Self.start + .seconds(1)) == true)
        #expect(buckets.take("c", now: Self.start + .seconds(10)) == true)
        #expect(buckets.count <= 2)
    }

    @Test func connectionsAreBoundedInAllPerSourceAndForMisbehaviour() {
        var counts = ConnectionCounts(
            limits: ClientLimits(
                maxConnections: 3, maxConnectionsPerSource: 2, misbehavingConnectionsPerSource: 2, misbehaviourPeriod: .seconds(60)))
        #expect(counts.admit("10.0.0.1", now: Self.start) == nil)
        #expect(counts.admit("10.0.0.1", now: Self.start) == nil)
        #expect(counts.admit("10.0.0.1", now: Self.start) == .perSource)
        #expect(counts.admit("10.0.0.2", now: Self.start) == nil)
        #expect(counts.admit("10.0.0.3", now: Self.start) == .total)
        counts.release("10.0.0.1")
        #expect(counts.open(from: "10.0.0.1") == 1 && counts.total == 2)
        // An address whose connections keep being closed for misbehaving is refused until its bucket refills.
        counts.misbehaved("10.0.0.4", now: Self.start)
        #expect(counts.admit("10.0.0.4", now: Self.start) == nil)
        counts.release("10.0.0.4")
        counts.misbehaved("10.0.0.4", now: Self.start)
        #expect(counts.admit("10.0.0.4", now: Self.start) == .misbehaving)
        #expect(counts.admit("10.0.0.4", now: Self.start + .seconds(31)) == nil)
        counts.release("nobody")
        #expect(counts.total == 3)
    }

    @Test func requestBuffersAreBoundedInAll() {
        let buffers = RequestBuffers(limit: 100)
        #expect(buffers.adjust(from: 0, to: 60))
        #expect(!buffers.adjust(from: 0, to: 50), "the second holder would pass the limit")
        #expect(buffers.adjust(from: 0, to: 40))
        #expect(buffers.adjust(from: 60, to: 0))
        #expect(buffers.bytes == 40)
    }

    static func lifecycle() -> ConnectionLifecycle {
        ConnectionLifecycle(
            timeouts: ConnectionTimeouts(
                handshake: .seconds(10), idle: .seconds(300), firstMessage: .seconds(30), writeStall: .seconds(60)),
            now: start)
    }

    @Test func aHandshakeThatDoesNotFinishIsClosed() {
        var silent = Self.lifecycle()
        #expect(silent.deadline == Self.start + .seconds(10))
        #expect(silent.timerFired(now: Self.start + .seconds(9)) == nil)
        #expect(silent.timerFired(now: Self.start + .seconds(10)) == .close(.handshakeTimeout))
        // The client spoke HTTP/2 but never acknowledged the gateway's SETTINGS: SETTINGS_TIMEOUT (RFC 9113 §6.5.3).
        var unacknowledged = Self.lifecycle()
        unacknowledged.receivedSettings(now: Self.start)
        #expect(unacknowledged.timerFired(now: Self.start + .seconds(10)) == .goAwayAndClose(.settingsTimeout, .handshakeTimeout))
        #expect(!ConnectionLifecycle.CloseReason.handshakeTimeout.isMisbehaviour, "a slow client is not a hostile one")
        #expect(ConnectionLifecycle.CloseReason.protocolError.isMisbehaviour)
    }

    @Test func anIdleConnectionGetsGoAwayAndOpenStreamsKeepItOpen() {
        var connection = Self.lifecycle()
        connection.receivedSettingsAcknowledgement(now: Self.start + .seconds(1))
        connection.receivedSettings(now: Self.start + .seconds(1))
        #expect(connection.isOpen)
        #expect(connection.deadline == Self.start + .seconds(301))
        connection.streamOpened(HTTP2StreamID(1))
        connection.streamOpened(HTTP2StreamID(3))
        #expect(connection.deadline == nil)
        #expect(connection.timerFired(now: Self.start + .seconds(1000)) == nil)
        #expect(connection.streamClosed(now: Self.start + .seconds(400)) == nil)
        #expect(connection.streamClosed(now: Self.start + .seconds(500)) == nil)
        #expect(connection.timerFired(now: Self.start + .seconds(799)) == nil, "the idle clock starts when the last stream closes")
        #expect(connection.timerFired(now: Self.start + .seconds(800)) == .goAwayAndClose(.noError, .idle))
        #expect(connection.lastStreamID == HTTP2StreamID(3))
        #expect(!ConnectionLifecycle.CloseReason.idle.isMisbehaviour)
    }

    @Test func aDrainWaitsForOpenStreams() {
        var connection = Self.lifecycle()
        connection.receivedSettings(now: Self.start)
        connection.receivedSettingsAcknowledgement(now: Self.start)
        connection.streamOpened(HTTP2StreamID(1))
        #expect(connection.drain() == .goAway)
        #expect(connection.drain() == nil)
        #expect(connection.streamClosed(now: Self.start) == .close(.drained))
        var idle = Self.lifecycle()
        idle.receivedSettings(now: Self.start)
        idle.receivedSettingsAcknowledgement(now: Self.start)
        #expect(idle.drain() == .goAwayAndClose(.noError, .drained))
    }

    @Test func connectionErrorsCloseAndStreamErrorsDoNot() {
        var connection = Self.lifecycle()
        let streamError = NIOHTTP2Errors.streamError(streamID: HTTP2StreamID(1), baseError: NIOHTTP2Errors.contentLengthViolated())
        #expect(connection.errorCaught(streamError) == nil)
        #expect(connection.errorCaught(NIOHTTP2Errors.excessiveRSTFrames()) == .protocolError)
        #expect(connection.errorCaught(NIOHTTP2Errors.excessiveRSTFrames()) == nil, "closed once")
    }
}

/// A live server is not taken out (forgetting its sessions) for one slow health check.
@Suite struct HealthVerdictTests {
    @Test func onlyTimeoutsInARowTakeAServerOut() {
        #expect(HealthVerdict.judge(timedOut: false, previousTimeouts: 0) == (true, 0), "a refused connection is definite")
        var timeouts = 0
        for check in 1...HealthVerdict.timeoutsBeforeDown {
            let verdict = HealthVerdict.judge(timedOut: true, previousTimeouts: timeouts)
            timeouts = verdict.timeouts
            #expect(verdict.down == (check == HealthVerdict.timeoutsBeforeDown), "check \(check)")
        }
    }
}
