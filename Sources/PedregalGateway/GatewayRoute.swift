import PedregalManifests
import PedregalYAML

/// One route of the gateway: the hosts of one team's Spark Connect cluster
/// and where they lead, as the compiler writes it into the `route.yaml` key of
/// a ConfigMap labelled `pedregal.io/component=gateway-route`.
public struct GatewayRoute: Sendable, Equatable {
    /// The ConfigMap's name (`route.<namespace>.<cluster>`), used in metrics and logs.
    public var name: String
    /// Host names clients use (`sc://<host>`), lower-cased.
    public var hostnames: [String]
    /// The owning team.
    public var team: String
    /// The environment (dev, staging, prod).
    public var environment: String
    /// Namespace of the team's Spark Connect Service.
    public var namespace: String
    /// The Spark Connect Service.
    public var service: String
    /// Its port.
    public var port: Int
    /// `sk8` (Spark on Kubernetes: the Service's endpoints) or another kind
    /// (`emr`, …) reached through a configured pass-through upstream.
    public var backend: String
    /// Groups allowed to use the route (`okta:<group>`).
    public var allowedGroups: [String]
    /// Pre-warmed servers the team asked for.
    public var hotServers: Int
    /// Most open sessions on the route; nil takes the gateway's default.
    public var maxSessions: Int?
    /// Most running executions on the route; nil takes the gateway's default.
    public var maxExecutions: Int?

    /// Creates a route.
    public init(
        name: String, hostnames: [String], team: String, environment: String, namespace: String, service: String,
        port: Int, backend: String, allowedGroups: [String], hotServers: Int = 0, maxSessions: Int? = nil,
        maxExecutions: Int? = nil
    ) {
        self.name = name
        self.hostnames = hostnames.map { $0.lowercased() }
        self.team = team
        self.environment = environment
        self.namespace = namespace
        self.service = service
        self.port = port
        self.backend = backend
        self.allowedGroups = allowedGroups
        self.hotServers = hotServers
        self.maxSessions = maxSessions
        self.maxExecutions = maxExecutions
    }

    /// `namespace/service`, the key of a static backend list.
    public var serviceKey: String { "\(namespace)/\(service)" }

    /// Whether the route leads to the team's Service (rather than an upstream).
    public var isKubernetesService: Bool { backend == "sk8" }
}

/// Reads routes out of ConfigMaps (from files or the API), collecting a
/// problem per unusable ConfigMap instead of stopping at the first.
public enum RouteDecoder {
    /// Why a ConfigMap gave no route.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// Where it came from (file path or `namespace/name`).
        public var origin: String
        /// What is wrong.
        public var message: String
        public var description: String { "\(origin): \(message)" }
    }

    /// Whether `object` is a gateway route ConfigMap.
    public static func isRouteConfigMap(_ object: YAMLValue) -> Bool {
        object["kind"]?.string == "ConfigMap"
            && object["metadata"]?["labels"]?[Vocabulary.component]?.string == SparkComponent.gatewayRoute
    }

    /// The route of a route ConfigMap.
    public static func route(configMap object: YAMLValue, origin: String) -> Result<GatewayRoute, Problem> {
        let name = object["metadata"]?["name"]?.string ?? "(unnamed)"
        guard let text = object["data"]?[Vocabulary.routeKey]?.string else {
            return .failure(Problem(origin: origin, message: "ConfigMap '\(name)' has no data key '\(Vocabulary.routeKey)'"))
        }
        return route(yaml: text, name: name, origin: origin)
    }

    /// Parses the text of a `route.yaml` key.
    public static func route(yaml text: String, name: String, origin: String) -> Result<GatewayRoute, Problem> {
        let parsed = YAMLParser().parse(Array(text.utf8), file: origin)
        if let first = parsed.diagnostics.first(where: { $0.severity == .error }) {
            return .failure(Problem(origin: origin, message: "route.yaml: \(first.message)"))
        }
        guard let document = parsed.documents.first?.value, document.mapValue != nil else {
            return .failure(Problem(origin: origin, message: "route.yaml is not a mapping"))
        }
        var missing: [String] = []
        func string(_ key: String) -> String {
            guard let value = document[key]?.string, !value.isEmpty else {
                missing.append(key)
                return ""
            }
            return value
        }
        func strings(_ key: String) -> [String] {
            guard let list = document[key]?.listValue else {
                missing.append(key)
                return []
            }
            return list.compactMap(\.string)
        }
        func int(_ key: String) -> Int? {
            if case .int(let value)? = document[key] { return value }
            return nil
        }
        let hostnames = strings("hostnames")
        let route = GatewayRoute(
            name: name, hostnames: hostnames, team: string("team"), environment: string("environment"),
            namespace: string("namespace"), service: string("service"), port: int("port") ?? 15002,
            backend: string("backend"), allowedGroups: strings("allowedGroups"), hotServers: int("hotServers") ?? 0,
            maxSessions: int("maxSessions"), maxExecutions: int("maxExecutions"))
        if !missing.isEmpty {
            return .failure(
                Problem(origin: origin, message: "route.yaml lacks \(missing.map { "'\($0)'" }.joined(separator: ", "))"))
        }
        if hostnames.isEmpty { return .failure(Problem(origin: origin, message: "route.yaml lists no hostnames")) }
        if !(1...65535).contains(route.port) {
            return .failure(Problem(origin: origin, message: "route.yaml port \(route.port) is not a TCP port"))
        }
        return .success(route)
    }
}

/// All routes, by host.
public struct RouteTable: Sendable, Equatable {
    /// Routes by name, sorted.
    public private(set) var routes: [GatewayRoute]
    private var byHost: [String: Int]
    /// Hosts claimed by two routes; the route whose name sorts first keeps them.
    public private(set) var conflicts: [String]

    /// Builds the table; a host claimed twice goes to the route sorting first.
    public init(_ routes: [GatewayRoute]) {
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
    public func route(authority: String) -> GatewayRoute? {
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
