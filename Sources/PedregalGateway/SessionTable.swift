import PedregalBasics

/// A session this gateway has seen: who opened it and which server holds it.
public struct SessionRecord: Sendable, Equatable {
    /// The verified subject that opened it.
    public var owner: String
    /// The route it lives on.
    public var route: String
    /// The server holding it.
    public var server: ServerAddress
    /// The session id.
    public var sessionID: String
    /// Last request, for idle expiry.
    public var lastUsed: ContinuousClock.Instant
}

/// The sessions and running executions this gateway knows about, shared by
/// every event loop. It is a cache, never the source of truth: a forgotten
/// session is found again by probing the route's servers, so the table can
/// be bounded and expired freely and needs no sharing between replicas.
public final class SessionTable: Sendable {
    private struct State {
        var sessions: [String: SessionRecord] = [:]
        /// Subjects holding a session id, per route: Spark keys sessions by
        /// (user, session id), so two subjects may each hold one under the same id.
        var holders: [String: Set<String>] = [:]
        var sessionsPerServer: [ServerAddress: Int] = [:]
        var sessionsPerRoute: [String: Int] = [:]
        var executionsPerServer: [ServerAddress: Int] = [:]
        var executionsPerRoute: [String: Int] = [:]
        /// Sessions whose server died while they were placed there, by key:
        /// their state is gone, so their next call is told so at once.
        var lost: [String: LostSession] = [:]
    }

    /// A session whose server died.
    struct LostSession {
        var server: ServerAddress
        var lastUsed: ContinuousClock.Instant
    }

    private let state = Locked(State())
    /// Most sessions remembered; the oldest idle ones are forgotten first.
    public let capacity: Int

    /// Creates an empty table.
    public init(capacity: Int = 200_000) {
        self.capacity = capacity
    }

    static func key(route: String, sessionID: String) -> String { route + "\u{0}" + sessionID }
    static func key(route: String, sessionID: String, owner: String) -> String { route + "\u{0}" + sessionID + "\u{0}" + owner }

    /// The record of `owner`'s session, touching its last use.
    public func lookup(route: String, sessionID: String, owner: String, now: ContinuousClock.Instant = .now) -> SessionRecord? {
        state.withLock { state in
            let key = Self.key(route: route, sessionID: sessionID, owner: owner)
            state.sessions[key]?.lastUsed = now
            return state.sessions[key]
        }
    }

    /// Records where a session lives; if another request pinned it meanwhile,
    /// that record wins and is returned.
    @discardableResult
    public func pin(route: String, sessionID: String, owner: String, server: ServerAddress, now: ContinuousClock.Instant = .now)
        -> SessionRecord
    {
        state.withLock { state in
            let key = Self.key(route: route, sessionID: sessionID, owner: owner)
            if let existing = state.sessions[key] { return existing }
            if state.sessions.count >= capacity { Self.evictOldest(&state, count: max(1, capacity / 100)) }
            let record = SessionRecord(owner: owner, route: route, server: server, sessionID: sessionID, lastUsed: now)
            state.sessions[key] = record
            state.lost[key] = nil
            state.holders[Self.key(route: route, sessionID: sessionID), default: []].insert(owner)
            state.sessionsPerServer[server, default: 0] += 1
            state.sessionsPerRoute[route, default: 0] += 1
            return record
        }
    }

    /// Forgets `owner`'s session (released by its client).
    public func release(route: String, sessionID: String, owner: String) {
        state.withLock { state in
            if let record = state.sessions.removeValue(forKey: Self.key(route: route, sessionID: sessionID, owner: owner)) {
                Self.uncount(&state, record)
            }
        }
    }

    /// Forgets every session held by `server` (it died: they are gone with it)
    /// and remembers them as lost; returns them sorted by route, session and owner.
    @discardableResult
    public func forget(server: ServerAddress, now: ContinuousClock.Instant = .now) -> [SessionRecord] {
        state.withLock { state in
            guard state.sessionsPerServer[server] != nil else { return [] }
            let gone = state.sessions.filter { $0.value.server == server }
            for (key, record) in gone {
                state.sessions.removeValue(forKey: key)
                Self.uncount(&state, record)
                Self.remember(&state, key: key, server: server, now: now, capacity: capacity)
            }
            return gone.values.sorted { ($0.route, $0.sessionID, $0.owner) < ($1.route, $1.sessionID, $1.owner) }
        }
    }

    /// Forgets `owner`'s session if it is placed on `server`, and remembers it as lost.
    public func forget(route: String, sessionID: String, owner: String, server: ServerAddress, now: ContinuousClock.Instant = .now) {
        state.withLock { state in
            let key = Self.key(route: route, sessionID: sessionID, owner: owner)
            guard let record = state.sessions[key], record.server == server else { return }
            state.sessions.removeValue(forKey: key)
            Self.uncount(&state, record)
            Self.remember(&state, key: key, server: server, now: now, capacity: capacity)
        }
    }

    /// The server that held `owner`'s session when it died, if it did.
    public func lostServer(route: String, sessionID: String, owner: String, now: ContinuousClock.Instant = .now) -> ServerAddress? {
        state.withLock { state in
            let key = Self.key(route: route, sessionID: sessionID, owner: owner)
            state.lost[key]?.lastUsed = now
            return state.lost[key]?.server
        }
    }

    private static func remember(_ state: inout State, key: String, server: ServerAddress, now: ContinuousClock.Instant, capacity: Int) {
        if state.lost[key] == nil, state.lost.count >= capacity {
            for (old, _) in state.lost.sorted(by: { $0.value.lastUsed < $1.value.lastUsed }).prefix(max(1, capacity / 100)) {
                state.lost.removeValue(forKey: old)
            }
        }
        state.lost[key] = LostSession(server: server, lastUsed: now)
    }

    /// Whether a subject other than `subject` holds a session with this id on the route.
    public func heldByAnother(route: String, sessionID: String, subject: String) -> Bool {
        state.withLock { state in
            state.holders[Self.key(route: route, sessionID: sessionID)]?.contains { $0 != subject } ?? false
        }
    }

    /// Forgets sessions idle for longer than `idle`; returns how many.
    @discardableResult
    public func expire(idle: Duration, now: ContinuousClock.Instant = .now) -> Int {
        state.withLock { state in
            let stale = state.sessions.filter { now - $0.value.lastUsed > idle }
            for (key, record) in stale {
                state.sessions.removeValue(forKey: key)
                Self.uncount(&state, record)
            }
            state.lost = state.lost.filter { now - $0.value.lastUsed <= idle }
            return stale.count
        }
    }

    private static func evictOldest(_ state: inout State, count: Int) {
        for (key, record) in state.sessions.sorted(by: { $0.value.lastUsed < $1.value.lastUsed }).prefix(count) {
            state.sessions.removeValue(forKey: key)
            uncount(&state, record)
        }
    }

    private static func uncount(_ state: inout State, _ record: SessionRecord) {
        let holderKey = key(route: record.route, sessionID: record.sessionID)
        state.holders[holderKey]?.remove(record.owner)
        if state.holders[holderKey]?.isEmpty == true { state.holders[holderKey] = nil }
        state.sessionsPerServer[record.server, default: 1] -= 1
        state.sessionsPerRoute[record.route, default: 1] -= 1
        if state.sessionsPerServer[record.server] == 0 { state.sessionsPerServer[record.server] = nil }
        if state.sessionsPerRoute[record.route] == 0 { state.sessionsPerRoute[record.route] = nil }
    }

    /// Open sessions on a route.
    public func sessionCount(route: String) -> Int { state.withLock { $0.sessionsPerRoute[route] ?? 0 } }

    /// Running executions on a route.
    public func executionCount(route: String) -> Int { state.withLock { $0.executionsPerRoute[route] ?? 0 } }

    /// Sessions plus running executions on a server: its load for placement.
    public func load(of server: ServerAddress) -> Int {
        state.withLock { ($0.sessionsPerServer[server] ?? 0) + ($0.executionsPerServer[server] ?? 0) }
    }

    /// Sessions held by a server.
    public func sessionCount(server: ServerAddress) -> Int { state.withLock { $0.sessionsPerServer[server] ?? 0 } }

    /// Running executions on a server.
    public func executionCount(server: ServerAddress) -> Int {
        state.withLock { $0.executionsPerServer[server] ?? 0 }
    }

    /// Starts an execution unless the route already runs `limit`; false when refused.
    public func beginExecution(route: String, server: ServerAddress, limit: Int) -> Bool {
        state.withLock { state in
            guard state.executionsPerRoute[route, default: 0] < limit else { return false }
            state.executionsPerRoute[route, default: 0] += 1
            state.executionsPerServer[server, default: 0] += 1
            return true
        }
    }

    /// Ends an execution started by `beginExecution`.
    public func endExecution(route: String, server: ServerAddress) {
        state.withLock { state in
            state.executionsPerRoute[route, default: 1] -= 1
            state.executionsPerServer[server, default: 1] -= 1
        }
    }

    /// Every open session count by route, for metrics.
    public func sessionsByRoute() -> [String: Int] { state.withLock { $0.sessionsPerRoute } }

    /// Every running execution count by route, for metrics.
    public func executionsByRoute() -> [String: Int] { state.withLock { $0.executionsPerRoute } }
}
