/// All routes, by host.
public struct RouteTable: Sendable, Equatable {
    /// Routes by name, sorted.
    public private(set) var routes: [LoadedRoute]
    private var byHost: [String: Int]
    /// Hosts claimed by two routes; the route whose name sorts first keeps them.
    public private(set) var conflicts: [String]

    /// Builds the table; a host claimed twice goes to the route sorting first.
    public init(_ routes: [LoadedRoute]) {
        self.routes = routes.sorted { $0.name < $1.name }
        var byHost: [String: Int] = [:]
        var conflicts: [String] = []
        for (index, route) in self.routes.enumerated() {
            for host in route.hostnames {
                if let other = byHost[host] {
                    conflicts.append(
                        "host '\(host)' is claimed by '\(self.routes[other].name)' and '\(route.name)'; '\(self.routes[other].name)' keeps it"
                    )
                } else {
                    byHost[host] = index
                }
            }
        }
        self.byHost = byHost
        self.conflicts = conflicts
    }

    /// The route for an `:authority` (port and trailing dot ignored, case-insensitive).
    public func route(authority: String) -> LoadedRoute? {
        byHost[Self.host(ofAuthority: authority)].map { routes[$0] }
    }

    /// The host part of an authority: `Host:443` → `host`, `[::1]:1` → `::1`.
    public static func host(ofAuthority authority: String) -> String {
        var host = Substring(authority)
        if host.hasPrefix("[") {
            host = host.dropFirst().prefix { $0 != "]" }
        } else if let colon = host.lastIndex(of: ":") {
            host = host[..<colon]
        }
        if host.hasSuffix(".") { host = host.dropLast() }
        return host.lowercased()
    }
}
