import PedregalYAML

/// The contract between the compiler and the Spark Gateway: the route of one
/// team's Spark Connect cluster, written by `GatewayRouteRenderer` into the
/// `route.yaml` key of a ConfigMap labelled `pedregal.io/component:
/// gateway-route`, and read back by the gateway. Both sides use this one
/// type, so a key cannot be written under one name and read under another.
///
/// Keys appear in `route.yaml` in the order declared here; `onDemandTemplate`
/// and `expiresAt` are left out when nil.
public struct GatewayRoute: Codable, Sendable, Equatable {
    /// Host names clients use (`sc://<host>`), the region's own first.
    public var hostnames: [String]
    /// The owning team.
    public var team: String
    /// The environment (dev, staging, prod).
    public var environment: String
    /// Namespace of the team's Spark Connect Service.
    public var namespace: String
    /// The Spark Connect Service (`sc-<cluster>`).
    public var service: String
    /// Its port (default 15002, Spark Connect's).
    public var port: Int
    /// `sk8` (Spark on Kubernetes: the Service's endpoints) or another region
    /// backend (`emr`, …), reached through the gateway's configured upstreams.
    public var backend: String
    /// Groups allowed to use the route, with the platform's group prefix (`okta:<group>`).
    public var allowedGroups: [String]
    /// Servers kept running (0 where the region runs no Spark of pedregal's).
    public var hotServers: Int
    /// The ConfigMap holding the SparkApplication of a server started on
    /// demand (`sc-<cluster>-template`); nil where the region runs no Spark of pedregal's.
    public var onDemandTemplate: String?
    /// When the cluster expires (canonical UTC RFC 3339); nil when it does not.
    /// `pedregal expire` removes it from the team file, and with it this route.
    public var expiresAt: String?

    /// The keys of `route.yaml`.
    public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
        case hostnames, team, environment, namespace, service, port, backend, allowedGroups, hotServers, onDemandTemplate, expiresAt
    }

    /// The port of a route that names none.
    public static let defaultPort = 15002

    /// Creates a route.
    public init(
        hostnames: [String], team: String, environment: String, namespace: String, service: String, port: Int = defaultPort,
        backend: String, allowedGroups: [String], hotServers: Int = 0, onDemandTemplate: String? = nil, expiresAt: String? = nil
    ) {
        self.hostnames = hostnames
        self.team = team
        self.environment = environment
        self.namespace = namespace
        self.service = service
        self.port = port
        self.backend = backend
        self.allowedGroups = allowedGroups
        self.hotServers = hotServers
        self.onDemandTemplate = onDemandTemplate
        self.expiresAt = expiresAt
    }

    /// Decodes a route, naming every key that is missing, null or empty at
    /// once (`lacks 'team', 'service'`); `port` and `hotServers` have defaults.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        var missing: [String] = []
        func text(_ key: CodingKeys) throws -> String {
            let value = try container.decodeIfPresent(String.self, forKey: key) ?? ""
            if value.isEmpty { missing.append(key.rawValue) }
            return value
        }
        func list(_ key: CodingKeys) throws -> [String] {
            guard let value = try container.decodeIfPresent([String].self, forKey: key) else {
                missing.append(key.rawValue)
                return []
            }
            return value
        }
        hostnames = try list(.hostnames)
        team = try text(.team)
        environment = try text(.environment)
        namespace = try text(.namespace)
        service = try text(.service)
        port = try container.decodeIfPresent(Int.self, forKey: .port) ?? Self.defaultPort
        backend = try text(.backend)
        allowedGroups = try list(.allowedGroups)
        hotServers = try container.decodeIfPresent(Int.self, forKey: .hotServers) ?? 0
        onDemandTemplate = try container.decodeIfPresent(String.self, forKey: .onDemandTemplate)
        expiresAt = try container.decodeIfPresent(String.self, forKey: .expiresAt)
        guard missing.isEmpty else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: [], debugDescription: "lacks " + missing.map { "'\($0)'" }.joined(separator: ", ")))
        }
    }

    /// The route as a YAML tree (what the renderer writes).
    public var document: YAMLValue {
        do {
            return try YAMLValueEncoder().encode(self)
        } catch {
            // Strings, integers and lists of strings always encode.
            preconditionFailure("a GatewayRoute did not encode: \(error)")
        }
    }

    /// The text of the `route.yaml` key.
    public var text: String { YAMLWriter.document(document) }

    /// What makes a decoded route unusable, if anything.
    public var problem: String? {
        if hostnames.isEmpty { return "lists no hostnames" }
        if !(1...65535).contains(port) { return "port \(port) is not a TCP port" }
        return nil
    }

    /// A route read from text, with the keys it ignored.
    public struct Decoded: Sendable, Equatable {
        /// The route.
        public var route: GatewayRoute
        /// Keys of the text this type does not know (a newer pedregal wrote
        /// them, or a hand edit): ignored, so that an older gateway keeps working.
        public var ignoredKeys: [String]
    }

    /// Reads a `route.yaml` text; the error says what is wrong, prefixed
    /// `route.yaml` (`route.yaml lacks 'environment'`).
    public static func decode(_ text: String, file: String) -> Result<Decoded, GatewayRouteError> {
        let parsed = YAMLParser().parse(Array(text.utf8), file: file)
        if let first = parsed.diagnostics.first(where: { $0.severity == .error }) {
            return .failure(GatewayRouteError(message: "route.yaml: \(first.message)"))
        }
        guard let document = parsed.documents.first?.value, document.mapValue != nil else {
            return .failure(GatewayRouteError(message: "route.yaml is not a mapping"))
        }
        let route: GatewayRoute
        do {
            route = try YAMLValueDecoder().decode(GatewayRoute.self, from: document)
        } catch {
            let reason = YAMLValueDecoder.describe(error)
            return .failure(GatewayRouteError(message: "route.yaml" + (reason.hasPrefix("lacks") ? " " : ": ") + reason))
        }
        if let problem = route.problem { return .failure(GatewayRouteError(message: "route.yaml \(problem)")) }
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        return .success(Decoded(route: route, ignoredKeys: (document.mapValue?.keys ?? []).filter { !known.contains($0) }))
    }
}

/// Why a `route.yaml` text is not a route.
public struct GatewayRouteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, starting with `route.yaml`.
    public var message: String
    public var description: String { message }

    /// Creates an error.
    public init(message: String) {
        self.message = message
    }
}
