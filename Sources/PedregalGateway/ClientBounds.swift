import PedregalBasics

/// How far one client may go: the bounds that keep one address or one token
/// from taking what every other caller needs.
public struct ClientLimits: Sendable, Equatable {
    /// Open client connections in all.
    public var maxConnections: Int
    /// Open client connections from one address.
    public var maxConnectionsPerSource: Int
    /// Connections from one address the gateway may close for misbehaving
    /// (protocol errors, floods, rapid resets) per `misbehaviourPeriod`; past
    /// that, its new connections are closed at accept until the bucket
    /// refills (one more each period / bound): an address that keeps opening
    /// connections only to break them is slowed to that rate, and one that
    /// stops is let back at once. Timeouts do not count: a slow client is not
    /// a hostile one, and open connections per address are bounded anyway.
    public var misbehavingConnectionsPerSource: Int
    /// The period of `misbehavingConnectionsPerSource`.
    public var misbehaviourPeriod: Duration
    /// How long a connection refused for its address's misbehaviour is held,
    /// unread and unregistered, before it is closed. A client that reconnects
    /// the moment it is closed (the attack suite's rapid reset did so 1,400
    /// times a second) turns cheap refusals into a connection flood, whose TCP
    /// handshakes and teardowns cost every other client on the machine; held,
    /// each of its attempts takes this long. Zero closes at once.
    public var misbehavingSourceCloseDelay: Duration
    /// Connections held for `misbehavingSourceCloseDelay` at once, in all;
    /// past that, refused connections are closed at once.
    public var maxHeldRefusals: Int
    /// Streams one subject may reset before they finish, per `resetPeriod`,
    /// across connections; past that, a connection on which the subject
    /// resets another stream is closed (GOAWAY `ENHANCE_YOUR_CALM`) at once
    /// rather than after NIO's 200 resets, until the bucket refills. Its
    /// connections that do not reset streams are left alone.
    public var resetsPerSubject: Int
    /// The period of `resetsPerSubject`.
    public var resetPeriod: Duration
    /// Sessions one subject may look up or open per `sessionLookupPeriod`
    /// (each asks every server of the route).
    public var sessionLookupsPerSubject: Int
    /// The period of `sessionLookupsPerSubject`.
    public var sessionLookupPeriod: Duration
    /// Bytes of request messages held before they reach a server, in all.
    public var requestBufferBytes: Int

    /// The defaults.
    public init(
        maxConnections: Int = 10_000, maxConnectionsPerSource: Int = 512, misbehavingConnectionsPerSource: Int = 100,
        misbehaviourPeriod: Duration = .seconds(10), misbehavingSourceCloseDelay: Duration = .seconds(1),
        maxHeldRefusals: Int = 256, resetsPerSubject: Int = 1000, resetPeriod: Duration = .seconds(30),
        sessionLookupsPerSubject: Int = 200, sessionLookupPeriod: Duration = .seconds(10), requestBufferBytes: Int = 192 << 20
    ) {
        self.maxConnections = maxConnections
        self.maxConnectionsPerSource = maxConnectionsPerSource
        self.misbehavingConnectionsPerSource = misbehavingConnectionsPerSource
        self.misbehaviourPeriod = misbehaviourPeriod
        self.misbehavingSourceCloseDelay = misbehavingSourceCloseDelay
        self.maxHeldRefusals = maxHeldRefusals
        self.resetsPerSubject = resetsPerSubject
        self.resetPeriod = resetPeriod
        self.sessionLookupsPerSubject = sessionLookupsPerSubject
        self.sessionLookupPeriod = sessionLookupPeriod
        self.requestBufferBytes = requestBufferBytes
    }
}

/// Open connections, in all and per source address: the pure rule of which
/// connection is taken at accept.
struct ConnectionCounts: Sendable {
    /// Why a connection is closed at accept.
    enum Refusal: String, Sendable, Equatable {
        case total = "connection-limit"
        case perSource = "source-connection-limit"
        case misbehaving = "source-misbehaving"
    }

    let limits: ClientLimits
    private(set) var total = 0
    private var bySource: [String: Int] = [:]
    private var misbehaviour: TokenBuckets

    init(limits: ClientLimits) {
        self.limits = limits
        misbehaviour = TokenBuckets(burst: limits.misbehavingConnectionsPerSource, period: limits.misbehaviourPeriod)
    }

    /// Open connections from `source`.
    func open(from source: String) -> Int { bySource[source] ?? 0 }

    /// Whether `source` is past its misbehaviour bound now: its connections are refused until its bucket refills.
    func isMisbehaving(_ source: String, now: ContinuousClock.Instant) -> Bool {
        misbehaviour.isExhausted(source, now: now)
    }

    /// Takes a connection from `source`, or says why not.
    mutating func admit(_ source: String, now: ContinuousClock.Instant) -> Refusal? {
        if isMisbehaving(source, now: now) { return .misbehaving }
        guard total < limits.maxConnections else { return .total }
        guard open(from: source) < limits.maxConnectionsPerSource else { return .perSource }
        total += 1
        bySource[source, default: 0] += 1
        return nil
    }

    /// A connection admitted from `source` closed.
    mutating func release(_ source: String) {
        guard let count = bySource[source] else { return }
        total -= 1
        bySource[source] = count > 1 ? count - 1 : nil
    }

    /// The gateway closed a connection from `source` for misbehaving.
    mutating func misbehaved(_ source: String, now: ContinuousClock.Instant) {
        _ = misbehaviour.take(source, now: now)
    }
}

/// The bounds shared by every connection and stream: connection counts per
/// source, and per-subject buckets for resets and session lookups.
final class ClientBounds: Sendable {
    let limits: ClientLimits
    private let connections: Locked<ConnectionCounts>
    private let resets: Locked<TokenBuckets>
    private let lookups: Locked<TokenBuckets>
    /// Bytes of request messages held (`RequestBuffers`).
    let requestBuffers: RequestBuffers

    init(limits: ClientLimits) {
        self.limits = limits
        connections = Locked(ConnectionCounts(limits: limits))
        resets = Locked(TokenBuckets(burst: limits.resetsPerSubject, period: limits.resetPeriod))
        lookups = Locked(TokenBuckets(burst: limits.sessionLookupsPerSubject, period: limits.sessionLookupPeriod))
        requestBuffers = RequestBuffers(limit: limits.requestBufferBytes)
    }

    func admitConnection(from source: String) -> ConnectionCounts.Refusal? {
        connections.withLock { $0.admit(source, now: .now) }
    }

    /// Whether connections from `source` are refused for misbehaving now; admits nothing.
    func refusesMisbehaving(_ source: String) -> Bool { connections.withLock { $0.isMisbehaving(source, now: .now) } }

    func connectionClosed(from source: String, misbehaved: Bool) {
        connections.withLock { counts in
            counts.release(source)
            if misbehaved { counts.misbehaved(source, now: .now) }
        }
    }

    var openConnections: Int { connections.withLock { $0.total } }

    /// A call of `subject` was reset by its client before it finished;
    /// false when the subject is past its bound (close the connection).
    func reset(by subject: String) -> Bool { resets.withLock { $0.take(subject, now: .now) } }

    /// Whether `subject` is past its reset bound now (until its bucket refills).
    func isPastResetBound(_ subject: String) -> Bool { resets.withLock { $0.isExhausted(subject, now: .now) } }

    /// Takes a session lookup for `subject`; false when it has made too many.
    func takeLookup(_ subject: String) -> Bool { lookups.withLock { $0.take(subject, now: .now) } }
}

/// Bytes of request messages the gateway holds before they reach a server
/// (parts of messages still arriving, whole messages waiting for placement),
/// in all: a stream that would take more than is left is refused, so that
/// slow or stalled uploads cannot fill the gateway's memory.
final class RequestBuffers: Sendable {
    let limit: Int
    private let held = Locked(0)

    init(limit: Int) { self.limit = limit }

    /// Moves a holder from `old` to `new` bytes; false (and nothing taken) when that would pass the limit.
    func adjust(from old: Int, to new: Int) -> Bool {
        guard new != old else { return true }
        return held.withLock { held in
            if new > old, held + (new - old) > limit { return false }
            held += new - old
            return true
        }
    }

    /// Bytes held now.
    var bytes: Int { held.current }
}
