import Foundation
import PedregalKubernetes
import PedregalManifests
import PedregalYAML

/// Something that can say, now, what the routes and their servers are.
public protocol RouteSource: Sendable {
    /// Reads routes and servers; throws only when nothing could be read (the
    /// previous snapshot then stays in force).
    func snapshot() async throws -> RoutingSnapshot
    /// What the source reads, for logs.
    var summary: String { get }
}

/// Routes from a folder of route ConfigMaps (`generated/<cluster>/<gateway
/// namespace>/`), servers from a backends file.
public struct FolderRouteSource: RouteSource {
    /// The folder of route ConfigMaps.
    public var folder: String
    /// The backends file, if any.
    public var backendsFile: String?

    /// Creates a source.
    public init(folder: String, backendsFile: String?) {
        self.folder = folder
        self.backendsFile = backendsFile
    }

    public var summary: String { "folder '\(folder)'" + (backendsFile.map { " with backends '\($0)'" } ?? "") }

    public func snapshot() async throws -> RoutingSnapshot {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder).filter {
                $0.hasSuffix(".yaml") || $0.hasSuffix(".yml")
            }.sorted()
        } catch {
            throw RouteSourceError(message: "cannot list the routes folder '\(folder)': \(error.localizedDescription)")
        }
        var routes: [LoadedRoute] = []
        var problems: [String] = []
        for name in names {
            let path = (folder as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else {
                problems.append("\(path): unreadable")
                continue
            }
            let parsed = YAMLParser().parse(Array(data), file: path)
            for document in parsed.documents where RouteDecoder.isRouteConfigMap(document.value) {
                switch RouteDecoder.route(configMap: document.value, origin: path) {
                case .success(let decoded):
                    routes.append(decoded.route)
                    if let ignored = decoded.ignored { problems.append(ignored.description) }
                case .failure(let problem): problems.append(problem.description)
                }
            }
            problems += parsed.diagnostics.filter { $0.severity == .error }.map { "\(path): \($0.message)" }
        }
        var backends = StaticBackends()
        if let backendsFile {
            let (loaded, backendProblems) = StaticBackends.load(path: backendsFile)
            backends = loaded
            problems += backendProblems
        }
        return RoutingSnapshot(routes: routes, servers: backends.serversByKey, cordoned: backends.cordoned, problems: problems)
    }
}

/// Routes from the cluster: the route ConfigMaps in the gateway namespace,
/// and for each Spark-on-Kubernetes route the ready endpoints of its Service
/// (EndpointSlices, discovery.k8s.io/v1). Upstreams still come from the
/// backends file. Uses the runner's Kubernetes client, so kubeconfig,
/// in-cluster and `--server` connections behave as in every other command.
public struct ClusterRouteSource: RouteSource {
    /// The API client.
    public var client: any KubernetesAPI
    /// The gateway namespace.
    public var namespace: String
    /// The backends file for upstreams and cordons, if any.
    public var backendsFile: String?

    /// Creates a source.
    public init(client: any KubernetesAPI, namespace: String, backendsFile: String?) {
        self.client = client
        self.namespace = namespace
        self.backendsFile = backendsFile
    }

    public var summary: String { "ConfigMaps labelled \(Vocabulary.component)=\(SparkComponent.gatewayRoute) in namespace '\(namespace)'" }

    public func snapshot() async throws -> RoutingSnapshot {
        let items: [YAMLValue]
        do {
            items = try await client.list(
                "/api/v1/namespaces/\(namespace)/configmaps",
                labelSelector: "\(Vocabulary.component)=\(SparkComponent.gatewayRoute)")
        } catch {
            throw RouteSourceError(message: "cannot list route ConfigMaps in '\(namespace)': \(error)")
        }
        var routes: [LoadedRoute] = []
        var problems: [String] = []
        for item in items {
            let origin = "configmap \(namespace)/\(item["metadata"]?["name"]?.string ?? "?")"
            switch RouteDecoder.route(configMap: item, origin: origin) {
            case .success(let decoded):
                routes.append(decoded.route)
                if let ignored = decoded.ignored { problems.append(ignored.description) }
            case .failure(let problem): problems.append(problem.description)
            }
        }
        var backends = StaticBackends()
        if let backendsFile {
            let (loaded, backendProblems) = StaticBackends.load(path: backendsFile)
            backends = loaded
            problems += backendProblems
        }
        var servers = backends.serversByKey
        var cordoned = backends.cordoned
        for route in routes where route.isKubernetesService && servers[route.serviceKey] == nil {
            do {
                let slices = try await client.list(
                    "/apis/discovery.k8s.io/v1/namespaces/\(route.namespace)/endpointslices",
                    labelSelector: "kubernetes.io/service-name=\(route.service)")
                let endpoints = EndpointSliceReader.endpoints(slices, port: route.port)
                servers[route.serviceKey] = endpoints.serving
                cordoned.formUnion(endpoints.terminating)
            } catch {
                problems.append("route '\(route.name)': cannot read endpoints of \(route.serviceKey): \(error)")
            }
        }
        return RoutingSnapshot(routes: routes, servers: servers, cordoned: cordoned, problems: problems)
    }
}

/// Reads EndpointSlices: ready endpoints serve; endpoints that are
/// terminating but still serving keep their sessions and take no new ones
/// (a Spark Connect pod being deleted drains instead of vanishing).
public enum EndpointSliceReader {
    /// Endpoints by role.
    public struct Endpoints: Sendable, Equatable {
        /// Every address that serves (ready, or terminating but serving).
        public var serving: [ServerAddress]
        /// The terminating ones among them.
        public var terminating: Set<ServerAddress>
    }

    /// The endpoints of `slices` for the Service port `port` (the slice port
    /// whose number is `port`, else the slice's only port).
    public static func endpoints(_ slices: [YAMLValue], port: Int) -> Endpoints {
        var serving: [ServerAddress] = []
        var terminating: Set<ServerAddress> = []
        for slice in slices {
            let ports = slice["ports"]?.listValue ?? []
            let numbers = ports.compactMap { port -> Int? in
                if case .int(let number)? = port["port"] { return number }
                return nil
            }
            guard let chosen = numbers.contains(port) ? port : (numbers.count == 1 ? numbers[0] : nil) else { continue }
            for endpoint in slice["endpoints"]?.listValue ?? [] {
                let conditions = endpoint["conditions"]
                let ready = conditions?["ready"] != .bool(false)
                let isServing = conditions?["serving"].map { $0 == .bool(true) } ?? ready
                let isTerminating = conditions?["terminating"] == .bool(true)
                guard isServing || ready else { continue }
                for address in endpoint["addresses"]?.listValue?.prefix(1) ?? [] {
                    guard let host = address.string else { continue }
                    let server = ServerAddress(host: host, port: chosen)
                    serving.append(server)
                    if isTerminating { terminating.insert(server) }
                }
            }
        }
        return Endpoints(serving: Array(Set(serving)).sorted(), terminating: terminating)
    }
}

/// A route source failed as a whole.
public struct RouteSourceError: Error, Sendable, CustomStringConvertible {
    /// What failed.
    public var message: String
    public var description: String { message }
}
