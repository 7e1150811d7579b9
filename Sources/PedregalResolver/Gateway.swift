import PedregalDiagnostics
import PedregalSpec

/// The Spark Gateway pedregal deploys in every cluster, resolved from
/// `templates/platform.yaml` `gateway`: what `pedregal gateway` is started
/// with, and how its Deployment and Service are sized and exposed.
public struct ResolvedGateway: Sendable {
    /// Container image (pedregal).
    public var image: String
    public var replicas: Int
    /// OIDC issuer (`iss`).
    public var issuer: String
    /// Accepted audience (`aud`).
    public var audience: String
    /// The issuer's JWKS URL.
    public var jwksURL: String
    /// Claim holding the caller's groups.
    public var groupsClaim: String
    /// Okta groups allowed to cordon and drain servers.
    public var adminGroups: [String]
    /// Secret (`kubernetes.io/tls`) with the serving certificate, in the gateway namespace.
    public var tlsSecret: String
    /// The port clients reach on the Service.
    public var port: Int
    public var serviceType: GatewayServiceType
    /// CPU per replica, requested and limit.
    public var cpu: Quantity
    /// Memory per replica, requested and limit.
    public var memory: Quantity
    /// Region name → pass-through upstream addresses (`host:port`), for regions not on sk8.
    public var upstreams: [String: [String]]

    /// Where the container serves Spark Connect.
    public static let listenPort = 15002
    /// Where the container serves `/healthz`, `/readyz` and `/metrics`.
    public static let adminPort = 9090
    /// The least CPU a replica may be given, in millicores.
    static let minimumMillis = 100
    /// The least memory a replica may be given.
    static let minimumBytes = 128 << 20

    /// Event loop threads: one per whole core, at least one.
    public var threads: Int { max(1, ((cpu.millis ?? 1000) + 999) / 1000) }

    /// Resolves `settings`, reporting every problem. `regions` are the
    /// regions of templates/regions.yaml in order (nil where a region is broken);
    /// `defaultImage` is the runner image; `defaultPort` the platform's
    /// Spark Connect port, which `sc://host` URLs without a port reach.
    static func resolve(
        _ settings: GatewaySettings, regions: [(name: String, region: ResolvedRegion?)], defaultImage: String, defaultPort: Int
    ) -> (ResolvedGateway?, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        func error(_ code: DiagnosticCode, _ message: String, at location: SourceLocation) {
            diagnostics.append(.error(code, message, at: location))
        }
        for (key, url) in [("issuer", settings.issuer), ("jwksURL", settings.jwksURL)] {
            if let url, let problem = httpsURLProblem(url.value) {
                error(.invalidValue, "gateway.\(key) '\(url.value)' is not an https URL: \(problem)", at: url.location)
            }
        }
        for (key, text) in [("audience", settings.audience), ("groupsClaim", settings.groupsClaim)] {
            if let text, text.value.isEmpty || text.value.contains(where: \.isWhitespace) {
                error(.invalidValue, "gateway.\(key) '\(text.value)' must be one word without spaces", at: text.location)
            }
        }
        for group in settings.adminGroups?.value ?? [] where group.value.isEmpty || group.value.contains(where: \.isWhitespace) {
            error(
                .invalidValue, "gateway.adminGroups entry '\(group.value)' is not an Okta group name: it is empty or has spaces",
                at: group.location)
        }
        if let image = settings.image, image.value.isEmpty || image.value.contains(where: \.isWhitespace) {
            error(.invalidValue, "gateway.image '\(image.value)' is not an image reference", at: image.location)
        }
        if let secret = settings.tlsSecret, let problem = NameRules.dns1123SubdomainProblem(secret.value) {
            error(
                .invalidName, "gateway.tlsSecret must name a Secret, but '\(secret.value)' is not a Secret name: \(problem)",
                at: secret.location)
        }
        if let cpu = settings.cpu, (cpu.value.millis ?? 0) < minimumMillis {
            error(
                .invalidQuantity, "gateway.cpu '\(cpu.value)' is too little for the gateway; give at least 100m (one core per event loop)",
                at: cpu.location)
        }
        if let memory = settings.memory, (memory.value.bytes ?? 0) < minimumBytes {
            error(
                .invalidQuantity, "gateway.memory '\(memory.value)' is too little for the gateway; give at least 128Mi",
                at: memory.location)
        }
        if settings.image == nil && defaultImage.isEmpty {
            error(
                .missingKey,
                "gateway has no image and platform.yaml no runnerImage; add gateway.image: <registry>/pedregal@sha256:<digest>",
                at: settings.location)
        }
        let upstreams = resolveUpstreams(settings, regions: regions, diagnostics: &diagnostics)
        guard !diagnostics.contains(where: { $0.severity == .error }), let issuer = settings.issuer?.value,
            let audience = settings.audience?.value,
            let jwksURL = settings.jwksURL?.value, let tlsSecret = settings.tlsSecret?.value
        else { return (nil, diagnostics) }
        return (
            ResolvedGateway(
                image: settings.image?.value ?? defaultImage, replicas: settings.replicas?.value ?? 2, issuer: issuer,
                audience: audience, jwksURL: jwksURL, groupsClaim: settings.groupsClaim?.value ?? "groups",
                adminGroups: settings.adminGroups?.value.map(\.value) ?? [], tlsSecret: tlsSecret,
                port: settings.port?.value ?? defaultPort,
                serviceType: settings.serviceType?.value ?? .loadBalancer, cpu: settings.cpu?.value ?? Quantity("1")!,
                memory: settings.memory?.value ?? Quantity("1Gi")!, upstreams: upstreams),
            diagnostics
        )
    }

    private static func resolveUpstreams(
        _ settings: GatewaySettings, regions: [(name: String, region: ResolvedRegion?)], diagnostics: inout [Diagnostic]
    ) -> [String: [String]] {
        let names = regions.map(\.name)
        var upstreams: [String: [String]] = [:]
        for entry in settings.upstreams {
            let name = entry.region
            guard let known = regions.first(where: { $0.name == name.value }) else {
                diagnostics.append(
                    .error(
                        .unknownReference,
                        "gateway.upstreams names region '\(name.value)', which does not exist"
                            + Suggestion.hint(
                                for: name.value, in: names, then: "templates/regions.yaml defines: \(names.joined(separator: ", "))"),
                        at: name.location))
                continue
            }
            if known.region?.backend == .sk8 {
                diagnostics.append(
                    .error(
                        .invalidValue,
                        "region '\(name.value)' runs Spark on Kubernetes: its gateway finds the servers from the team Services' endpoints; remove gateway.upstreams.\(name.value)",
                        at: name.location))
                continue
            }
            if entry.addresses.value.isEmpty {
                diagnostics.append(
                    .error(.missingKey, "gateway.upstreams.\(name.value) lists no address; give host:port", at: entry.addresses.location))
            }
            for address in entry.addresses.value {
                if let problem = addressProblem(address.value) {
                    diagnostics.append(
                        .error(
                            .invalidValue, "gateway.upstreams.\(name.value) entry '\(address.value)' is not host:port: \(problem)",
                            at: address.location))
                }
            }
            upstreams[name.value] = entry.addresses.value.map(\.value)
        }
        for case (let name, let region?) in regions where region.backend != .sk8 && upstreams[name] == nil {
            diagnostics.append(
                .warning(
                    .missingSetting,
                    "region '\(name)' runs Spark on \(region.backend.rawValue), but gateway.upstreams names no endpoint for it, so its gateway answers its routes with UNAVAILABLE; add gateway.upstreams.\(name): [host:port]",
                    at: settings.location))
        }
        return upstreams
    }

    /// Why `url` is not an https URL with a host, or nil.
    static func httpsURLProblem(_ url: String) -> String? {
        guard url.hasPrefix("https://") else { return "it must start with https://" }
        let rest = url.dropFirst("https://".count)
        let host = rest.prefix { $0 != "/" && $0 != ":" && $0 != "?" && $0 != "#" }
        if host.isEmpty { return "it has no host" }
        if let problem = NameRules.hostnameProblem(String(host)) { return "host '\(host)': \(problem)" }
        if url.contains(where: \.isWhitespace) { return "it contains spaces" }
        return nil
    }

    /// Why `address` is not `host:port`, or nil.
    static func addressProblem(_ address: String) -> String? {
        guard let colon = address.lastIndex(of: ":") else { return "it has no port" }
        let host = String(address[..<colon])
        guard let port = Int(address[address.index(after: colon)...]), (1...65535).contains(port) else {
            return "the port must be a number from 1 to 65535"
        }
        if host.isEmpty { return "it has no host" }
        if let problem = NameRules.hostnameProblem(host) { return "host '\(host)': \(problem)" }
        return nil
    }
}
