import PedregalManifests
import PedregalYAML

/// A route the gateway serves: the compiler's `GatewayRoute` (the one type
/// both sides use) and the name of the ConfigMap it came from. Its fields
/// read through (`route.team`, `route.hostnames`); host names are lower-cased.
@dynamicMemberLookup
public struct LoadedRoute: Sendable, Equatable {
    /// The ConfigMap's name (`route.<namespace>.<cluster>`), used in metrics and logs.
    public var name: String
    /// What the compiler wrote.
    public var route: GatewayRoute

    /// Wraps `route` read from the ConfigMap `name`.
    public init(name: String, route: GatewayRoute) {
        self.name = name
        self.route = route
        self.route.hostnames = route.hostnames.map { $0.lowercased() }
    }

    /// A field of the route.
    public subscript<Value>(dynamicMember field: KeyPath<GatewayRoute, Value>) -> Value { route[keyPath: field] }

    /// `namespace/service`, the key of a static backend list.
    public var serviceKey: String { "\(route.namespace)/\(route.service)" }

    /// Whether the route leads to the team's Service (rather than an upstream).
    public var isKubernetesService: Bool { route.backend == "sk8" }

    /// How the route is named in messages: its first host.
    public var host: String { route.hostnames.first ?? name }
}

/// Reads routes out of ConfigMaps (from files or the API), collecting a
/// problem per unusable ConfigMap instead of stopping at the first.
public enum RouteDecoder {
    /// Why a ConfigMap gave no route, or what of it was ignored.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// Where it came from (file path or `namespace/name`).
        public var origin: String
        /// What is wrong.
        public var message: String
        public var description: String { "\(origin): \(message)" }
    }

    /// A usable route, and what of its ConfigMap was ignored.
    public struct Decoded: Sendable, Equatable {
        /// The route.
        public var route: LoadedRoute
        /// Keys of `route.yaml` this gateway does not know, as a problem to report.
        public var ignored: Problem?
    }

    /// Whether `object` is a gateway route ConfigMap.
    public static func isRouteConfigMap(_ object: YAMLValue) -> Bool {
        object["kind"]?.string == "ConfigMap"
            && object["metadata"]?["labels"]?[Vocabulary.component]?.string == SparkComponent.gatewayRoute
    }

    /// The route of a route ConfigMap.
    public static func route(configMap object: YAMLValue, origin: String) -> Result<Decoded, Problem> {
        let name = object["metadata"]?["name"]?.string ?? "(unnamed)"
        guard let text = object["data"]?[Vocabulary.routeKey]?.string else {
            return .failure(Problem(origin: origin, message: "ConfigMap '\(name)' has no data key '\(Vocabulary.routeKey)'"))
        }
        return route(yaml: text, name: name, origin: origin)
    }

    /// Parses the text of a `route.yaml` key.
    public static func route(yaml text: String, name: String, origin: String) -> Result<Decoded, Problem> {
        switch GatewayRoute.decode(text, file: origin) {
        case .failure(let error):
            return .failure(Problem(origin: origin, message: error.message))
        case .success(let decoded):
            let ignored =
                decoded.ignoredKeys.isEmpty
                ? nil
                : Problem(
                    origin: origin,
                    message: "route.yaml of '\(name)' has keys this gateway does not know, ignored: "
                        + decoded.ignoredKeys.map { "'\($0)'" }.joined(separator: ", ") + " (is the gateway older than the compiler?)")
            return .success(Decoded(route: LoadedRoute(name: name, route: decoded.route), ignored: ignored))
        }
    }
}
