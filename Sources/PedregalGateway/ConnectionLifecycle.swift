import NIOHTTP2

/// How long a client connection may stay in each phase.
public struct ConnectionTimeouts: Sendable, Equatable {
    /// From accept until TLS, the client's preface and SETTINGS, and its
    /// acknowledgement of the gateway's SETTINGS: a connection that has not
    /// got that far is closed (slowloris: a partial preface or frame).
    public var handshake: Duration
    /// With no open stream: the connection gets GOAWAY (NO_ERROR) and is closed.
    public var idle: Duration
    /// Until a call's first request message has arrived, reset by every piece of it.
    public var firstMessage: Duration
    /// A call whose client does not read (its stream cannot be written) this long is reset.
    public var writeStall: Duration

    /// The defaults.
    public init(
        handshake: Duration = .seconds(10), idle: Duration = .seconds(300), firstMessage: Duration = .seconds(30),
        writeStall: Duration = .seconds(120)
    ) {
        self.handshake = handshake
        self.idle = idle
        self.firstMessage = firstMessage
        self.writeStall = writeStall
    }
}

/// One client connection's life as a pure value: the handshake, streams
/// opening and closing, a drain, errors. It says when the next deadline is
/// and what to do when it passes; `ConnectionManager` keeps the timer.
struct ConnectionLifecycle {
    /// Why the gateway ends a connection (a metric label).
    enum CloseReason: String, Sendable, Equatable {
        case handshakeTimeout = "handshake-timeout"
        case idle = "idle"
        case drained = "drained"
        case protocolError = "protocol-error"
        case resetBudget = "reset-budget"

        /// Whether the client broke the protocol or a bound (counted against its address).
        var isMisbehaviour: Bool {
            switch self {
            case .protocolError, .resetBudget: return true
            case .handshakeTimeout, .idle, .drained: return false
            }
        }
    }

    /// What to do now.
    enum Action: Equatable {
        /// Send GOAWAY with this code, then close.
        case goAwayAndClose(HTTP2ErrorCode, CloseReason)
        /// Close without a word (the client never spoke HTTP/2, or already got a GOAWAY).
        case close(CloseReason)
        /// Send GOAWAY (NO_ERROR) and close once the open streams are done.
        case goAway
    }

    private enum Phase: Equatable {
        case handshaking(prefaceReceived: Bool, settingsAcknowledged: Bool)
        case open
        case draining
        case closed
    }

    let timeouts: ConnectionTimeouts
    private var phase = Phase.handshaking(prefaceReceived: false, settingsAcknowledged: false)
    private let opened: ContinuousClock.Instant
    private(set) var openStreams = 0
    /// When the last stream closed (or the handshake completed): the idle clock.
    private var idleSince: ContinuousClock.Instant
    /// The highest stream the client opened, for GOAWAY.
    private(set) var lastStreamID = HTTP2StreamID(0)

    init(timeouts: ConnectionTimeouts, now: ContinuousClock.Instant) {
        self.timeouts = timeouts
        opened = now
        idleSince = now
    }

    /// When the next deadline passes (nil: none while streams are open).
    var deadline: ContinuousClock.Instant? {
        switch phase {
        case .handshaking: return opened + timeouts.handshake
        case .open: return openStreams == 0 ? idleSince + timeouts.idle : nil
        case .draining, .closed: return nil
        }
    }

    /// Whether the handshake is done.
    var isOpen: Bool { phase == .open }

    /// The client's SETTINGS arrived (after its preface).
    mutating func receivedSettings(now: ContinuousClock.Instant) { handshake(preface: true, acknowledged: false, now: now) }

    /// The client acknowledged the gateway's SETTINGS.
    mutating func receivedSettingsAcknowledgement(now: ContinuousClock.Instant) {
        handshake(preface: false, acknowledged: true, now: now)
    }

    private mutating func handshake(preface: Bool, acknowledged: Bool, now: ContinuousClock.Instant) {
        guard case .handshaking(let prefaceReceived, let settingsAcknowledged) = phase else { return }
        let next = (prefaceReceived || preface, settingsAcknowledged || acknowledged)
        if next.0 && next.1 {
            phase = .open
            idleSince = now
        } else {
            phase = .handshaking(prefaceReceived: next.0, settingsAcknowledged: next.1)
        }
    }

    /// The client opened a stream.
    mutating func streamOpened(_ id: HTTP2StreamID) {
        openStreams += 1
        if id > lastStreamID { lastStreamID = id }
    }

    /// A stream closed; returns `.close(.drained)` when a drain is done.
    mutating func streamClosed(now: ContinuousClock.Instant) -> Action? {
        openStreams = max(0, openStreams - 1)
        if openStreams == 0 { idleSince = now }
        if phase == .draining && openStreams == 0 {
            phase = .closed
            return .close(.drained)
        }
        return nil
    }

    /// The server is shutting down: no new streams, close once the open ones end.
    mutating func drain() -> Action? {
        switch phase {
        case .closed, .draining: return nil
        case .handshaking:
            phase = .closed
            return .close(.drained)
        case .open:
            guard openStreams > 0 else {
                phase = .closed
                return .goAwayAndClose(.noError, .drained)
            }
            phase = .draining
            return .goAway
        }
    }

    /// The deadline may have passed at `now`: what to do, if anything.
    mutating func timerFired(now: ContinuousClock.Instant) -> Action? {
        guard let deadline, now >= deadline else { return nil }
        switch phase {
        case .handshaking(let prefaceReceived, _):
            phase = .closed
            // RFC 9113 §6.5.3: SETTINGS not acknowledged in time is a SETTINGS_TIMEOUT connection error.
            return prefaceReceived ? .goAwayAndClose(.settingsTimeout, .handshakeTimeout) : .close(.handshakeTimeout)
        case .open:
            phase = .closed
            return .goAwayAndClose(.noError, .idle)
        case .draining, .closed:
            return nil
        }
    }

    /// An error reached the connection: the reason to close it, or nil for an
    /// error of one stream (that stream is reset; the connection goes on).
    /// RFC 9113 §5.4.1: after a connection error, whose GOAWAY NIO has sent,
    /// the connection must be closed.
    mutating func errorCaught(_ error: any Error) -> CloseReason? {
        if error is NIOHTTP2Errors.StreamError || error is NIOHTTP2Errors.NoSuchStream { return nil }
        guard phase != .closed else { return nil }
        phase = .closed
        return .protocolError
    }

    /// The connection is being closed for `reason` by the gateway.
    mutating func closing() { phase = .closed }
}
