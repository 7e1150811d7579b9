import PedregalBasics

/// What the route sources last said: routes, the servers behind each, and
/// which servers are cordoned by configuration or terminating.
public struct RoutingSnapshot: Sendable, Equatable {
    /// Every usable route.
    public var routes: [LoadedRoute]
    /// Servers by backend key (`namespace/service`, or `upstream:<kind>`).
    public var servers: [String: [ServerAddress]]
    /// Servers that take no new sessions (backends file, or endpoints terminating).
    public var cordoned: Set<ServerAddress>
    /// ConfigMaps or entries that could not be used, with why.
    public var problems: [String]

    /// Creates a snapshot.
    public init(
        routes: [LoadedRoute], servers: [String: [ServerAddress]], cordoned: Set<ServerAddress> = [], problems: [String] = []
    ) {
        self.routes = routes
        self.servers = servers
        self.cordoned = cordoned
        self.problems = problems
    }

    /// The key under which a route's servers are listed.
    public static func backendKey(_ route: LoadedRoute) -> String {
        route.isKubernetesService ? route.serviceKey : "upstream:\(route.backend)"
    }
}

/// The live routing state shared by every connection: the route table, the
/// servers behind each route, their health, and operator cordons. Updates
/// replace values atomically; streams already running keep the server they
/// were given, so a route change never cuts a live stream.
public final class BackendRegistry: Sendable {
    /// How an operator took a server out of placement.
    public enum Cordon: String, Sendable, Codable {
        /// No new sessions; existing ones continue.
        case cordoned
        /// No new sessions, and existing sessions' new requests are refused
        /// with UNAVAILABLE: used to empty a server before it goes away.
        case draining
    }

    private struct State {
        var table = RouteTable([])
        var snapshot = RoutingSnapshot(routes: [], servers: [:])
        var loaded = false
        var unhealthy: Set<ServerAddress> = []
        var operatorCordons: [ServerAddress: Cordon] = [:]
    }

    private let state = Locked(State())

    /// Creates an empty registry (not ready until the first snapshot).
    public init() {}

    /// Installs a new snapshot.
    public func update(_ snapshot: RoutingSnapshot) {
        state.withLock { state in
            if !state.loaded || state.snapshot.routes != snapshot.routes { state.table = RouteTable(snapshot.routes) }
            state.snapshot = snapshot
            state.loaded = true
        }
    }

    /// Whether routes have been loaded at least once.
    public var isLoaded: Bool { state.withLock { $0.loaded } }

    /// The route table.
    public var table: RouteTable { state.withLock { $0.table } }

    /// The route of an `:authority`.
    public func route(authority: String) -> LoadedRoute? { state.withLock { $0.table.route(authority: authority) } }

    /// The servers behind a route, sorted.
    public func servers(for route: LoadedRoute) -> [ServerAddress] {
        state.withLock { ($0.snapshot.servers[RoutingSnapshot.backendKey(route)] ?? []).sorted() }
    }

    /// Every server of every route.
    public var allServers: Set<ServerAddress> {
        state.withLock { Set($0.snapshot.servers.values.joined()) }
    }

    /// Placement's view of a route's servers, with loads from `sessions`.
    public func views(for route: LoadedRoute, sessions: SessionTable) -> [ServerView] {
        let (servers, unhealthy, cordoned, operatorCordons) = state.withLock {
            (
                ($0.snapshot.servers[RoutingSnapshot.backendKey(route)] ?? []).sorted(), $0.unhealthy, $0.snapshot.cordoned,
                $0.operatorCordons
            )
        }
        return servers.map { address in
            ServerView(
                address: address, healthy: !unhealthy.contains(address),
                cordoned: cordoned.contains(address) || operatorCordons[address] != nil, load: sessions.load(of: address))
        }
    }

    /// Whether a server answers health checks.
    public func isHealthy(_ address: ServerAddress) -> Bool { state.withLock { !$0.unhealthy.contains(address) } }

    /// Records a health result; returns whether it changed.
    @discardableResult
    public func setHealthy(_ address: ServerAddress, _ healthy: Bool) -> Bool {
        state.withLock { state in
            healthy ? state.unhealthy.remove(address) != nil : state.unhealthy.insert(address).inserted
        }
    }

    /// The operator's cordon on a server, if any.
    public func cordon(of address: ServerAddress) -> Cordon? { state.withLock { $0.operatorCordons[address] } }

    /// Sets or clears (nil) an operator cordon.
    public func setCordon(_ address: ServerAddress, _ cordon: Cordon?) {
        state.withLock { $0.operatorCordons[address] = cordon }
    }

    /// Every server with its state, for `/servers` and metrics.
    public func serverStates() -> [(address: ServerAddress, healthy: Bool, cordon: String?)] {
        state.withLock { state in
            Set(state.snapshot.servers.values.joined()).sorted().map { address in
                let cordon = state.operatorCordons[address]?.rawValue ?? (state.snapshot.cordoned.contains(address) ? "cordoned" : nil)
                return (address, !state.unhealthy.contains(address), cordon)
            }
        }
    }
}
