import Foundation
import PedregalManifests
import PedregalRunner
import PedregalYAML

/// An in-memory Kubernetes API server for the calls the runner makes,
/// written from the API's documented conventions: discovery documents,
/// namespaced and cluster-scoped paths, `Status` error bodies, resource
/// versions, server-side apply with field managers and conflicts, label
/// selectors and `dryRun=All`. `FakeKubernetesServer` puts it on a socket.
final class FakeKubernetes: @unchecked Sendable {
    /// What a request looked like, for assertions.
    struct Recorded: Sendable {
        var method: String
        var path: String
        var query: [String: String]
        var contentType: String?
        var authorization: String?
        var body: String
    }

    /// An incoming request.
    struct Request: Sendable {
        var method: String
        var path: String
        var query: [String: String]
        var headers: [String: String]
        var body: [UInt8]
    }

    /// The answer: a response, or the connection closed without one.
    enum Reply: Sendable {
        case response(status: Int, headers: [(String, String)], body: String)
        case drop
    }

    /// A failure to inject in front of the real handling.
    enum Failure: Sendable {
        /// The API server answers with a `Status` of this code (and message).
        case status(Int, retryAfter: Int?, message: String = "injected failure")
        /// Something in front of the API server answers with a plain body.
        case plain(Int, String)
        case drop
    }

    struct Key: Hashable {
        var group: String
        var plural: String
        var namespace: String
        var name: String
    }

    struct Manager {
        var operation: String
        var apiVersion: String
        var paths: Set<[String]>
    }

    struct Stored {
        var object: YAMLValue
        var managers: [String: Manager]
    }

    let lock = NSLock()
    /// The bearer token every request must carry; nil accepts any request
    /// (TLS client certificates authenticate at the handshake).
    let token: String?
    /// The kinds served.
    let served: [FakeResource]
    var objects: [Key: Stored] = [:]
    var revision = 100
    var failures: [(method: String?, path: String, failure: Failure)] = []
    var forbidden: [(method: String, prefix: String)] = []
    var interleaved: [(method: String, path: String, write: (FakeKubernetes) -> Void)] = []
    var log: [Recorded] = []
    /// Containers' logs, by namespace, pod, container and whether it is the previous run's.
    var containerLogs: [PodLogKey: String] = [:]
    /// What controllers do when an object is created (with the lock held:
    /// they must use the `…Locked` writers), as an operator reacting to a new SparkApplication.
    var controllers: [(FakeKubernetes, YAMLValue) -> Void] = []

    /// A server requiring `token`, serving every catalog kind except those of `withoutGroups`.
    init(token: String? = "test-token", withoutGroups: Set<String> = []) {
        self.token = token
        self.served = FakeCatalog.all.filter { !withoutGroups.contains($0.group) }
    }

    // MARK: Test hooks

    /// Every request so far.
    var requests: [Recorded] { lock.withLock { log } }

    /// The next `count` requests to `path` (and `method`, if given) fail with `failure`.
    func inject(_ failure: Failure, count: Int = 1, method: String? = nil, path: String) {
        lock.withLock { failures += Array(repeating: (method, path, failure), count: count) }
    }

    /// Just before the next `method` request to `path` is answered, `write`
    /// runs (with the lock held: it must use the `…Locked` writers), as a
    /// controller writing between two of the runner's requests would.
    func interleave(before method: String, path: String, _ write: @escaping (FakeKubernetes) -> Void) {
        lock.withLock { interleaved.append((method, path, write)) }
    }

    /// Requests with `method` to paths starting with `prefix` are answered 403.
    func forbid(method: String, pathPrefix prefix: String) {
        lock.withLock { forbidden.append((method, prefix)) }
    }

    /// Stores an object as if created by `manager` (with kubectl, say).
    @discardableResult
    func seed(_ yaml: String, manager: String = "kubectl-create") -> YAMLValue {
        let object = YAMLParser().parse(Array(yaml.utf8), file: "seed.yaml").documents[0].value
        return lock.withLock {
            let resource = served.first { $0.apiVersion == object["apiVersion"]?.string && $0.kind == object["kind"]?.string }!
            let key = self.key(resource, object["metadata"]?["namespace"]?.string, object["metadata"]?["name"]?.string ?? "")
            let stored = prepareNew(object, resource: resource)
            objects[key] = Stored(
                object: stored,
                managers: [manager: Manager(operation: "Update", apiVersion: resource.apiVersion, paths: ownedPaths(object))])
            return stored
        }
    }

    /// The stored object, if any.
    func object(_ apiVersion: String, _ kind: String, namespace: String?, name: String) -> YAMLValue? {
        lock.withLock {
            guard let resource = served.first(where: { $0.apiVersion == apiVersion && $0.kind == kind }) else { return nil }
            return objects[key(resource, namespace, name)].map { render($0) }
        }
    }

    /// Every stored object of `kind` in `group`, sorted by namespace and name.
    func objects(group: String, kind: String) -> [YAMLValue] {
        lock.withLock {
            objects.filter { $0.key.group == group && $0.value.object["kind"]?.string == kind }
                .sorted { ($0.key.namespace, $0.key.name) < ($1.key.namespace, $1.key.name) }.map { render($0.value) }
        }
    }

    /// Sets an object's `status`, as its controller would (bumps resourceVersion).
    func setStatus(_ apiVersion: String, _ kind: String, namespace: String?, name: String, _ status: YAMLValue) {
        lock.withLock { setStatusLocked(apiVersion, kind, namespace: namespace, name: name, status) }
    }

    /// Whether the object is stored, for a caller that holds the lock.
    func existsLocked(_ apiVersion: String, _ kind: String, namespace: String?, name: String) -> Bool {
        guard let resource = served.first(where: { $0.apiVersion == apiVersion && $0.kind == kind }) else { return false }
        return objects[key(resource, namespace, name)] != nil
    }

    /// `setStatus` for a caller that holds the lock.
    func setStatusLocked(_ apiVersion: String, _ kind: String, namespace: String?, name: String, _ status: YAMLValue) {
        let resource = served.first { $0.apiVersion == apiVersion && $0.kind == kind }!
        let key = key(resource, namespace, name)
        guard var stored = objects[key] else { return }
        stored.object = FieldPaths.setting(stored.object, ["status"], to: status)
        objects[key] = bump(stored)
    }

    /// Changes one field as another field manager would with an update (`kubectl edit`).
    func edit(
        _ apiVersion: String, _ kind: String, namespace: String?, name: String, path: [String], to value: YAMLValue,
        manager: String
    ) {
        lock.withLock {
            let resource = served.first { $0.apiVersion == apiVersion && $0.kind == kind }!
            let key = key(resource, namespace, name)
            guard var stored = objects[key] else { return }
            stored.object = prepareUpdate(
                FieldPaths.setting(stored.object, path, to: value), before: stored.object, resource: resource)
            for name in stored.managers.keys { stored.managers[name]?.paths.remove(path) }
            stored.managers[manager, default: Manager(operation: "Update", apiVersion: resource.apiVersion, paths: [])].paths
                .insert(path)
            objects[key] = bump(stored)
        }
    }

    /// Runs `controller` after every create, with the created object.
    func addController(_ controller: @escaping (FakeKubernetes, YAMLValue) -> Void) {
        lock.withLock { controllers.append(controller) }
    }

    /// Stores `yaml` with its `status` kept (a pod as the kubelet reports it,
    /// an event as a component records it), for a caller that holds the lock.
    @discardableResult
    func seedLocked(_ yaml: YAMLValue, manager: String = "kubelet") -> YAMLValue {
        let resource = served.first { $0.apiVersion == yaml["apiVersion"]?.string && $0.kind == yaml["kind"]?.string }!
        let key = self.key(resource, yaml["metadata"]?["namespace"]?.string, yaml["metadata"]?["name"]?.string ?? "")
        var stored = prepareNew(yaml, resource: resource)
        if let status = yaml["status"] { stored = FieldPaths.setting(stored, ["status"], to: status) }
        objects[key] = Stored(
            object: stored, managers: [manager: Manager(operation: "Update", apiVersion: resource.apiVersion, paths: ownedPaths(yaml))])
        return stored
    }

    /// `seedLocked` for a caller without the lock.
    @discardableResult
    func seedWithStatus(_ yaml: String, manager: String = "kubelet") -> YAMLValue {
        let object = YAMLParser().parse(Array(yaml.utf8), file: "seed.yaml").documents[0].value
        return lock.withLock { seedLocked(object, manager: manager) }
    }

    /// Sets the log a container wrote (`previous`: before its last restart).
    func setLog(namespace: String, pod: String, container: String, previous: Bool = false, _ text: String) {
        lock.withLock { setLogLocked(namespace: namespace, pod: pod, container: container, previous: previous, text) }
    }

    /// `setLog` for a caller that holds the lock.
    func setLogLocked(namespace: String, pod: String, container: String, previous: Bool = false, _ text: String) {
        containerLogs[PodLogKey(namespace: namespace, pod: pod, container: container, previous: previous)] = text
    }

    /// Removes an object directly, as a controller's garbage collection would.
    func remove(_ apiVersion: String, _ kind: String, namespace: String?, name: String) {
        lock.withLock {
            let resource = served.first { $0.apiVersion == apiVersion && $0.kind == kind }!
            objects[key(resource, namespace, name)] = nil
        }
    }

    // MARK: Serving

    /// Answers one request.
    func handle(_ request: Request) -> Reply {
        lock.withLock {
            log.append(
                Recorded(
                    method: request.method, path: request.path, query: request.query,
                    contentType: request.headers["content-type"],
                    authorization: request.headers["authorization"], body: String(decoding: request.body, as: UTF8.self)))
            if let index = interleaved.firstIndex(where: { $0.method == request.method && $0.path == request.path }) {
                interleaved.remove(at: index).write(self)
            }
            if let index = failures.firstIndex(where: {
                ($0.method == nil || $0.method == request.method) && $0.path == request.path
            }) {
                let failure = failures.remove(at: index).failure
                switch failure {
                case .drop: return .drop
                case .status(let code, let retryAfter, let message):
                    let reason = code == 429 ? "TooManyRequests" : code == 503 ? "ServiceUnavailable" : "InternalError"
                    return statusReply(
                        code, reason, message, headers: retryAfter.map { [("Retry-After", String($0))] } ?? [])
                case .plain(let code, let body):
                    return .response(status: code, headers: [("Content-Type", "text/html")], body: body)
                }
            }
            if let token, request.headers["authorization"] != "Bearer \(token)" {
                return statusReply(401, "Unauthorized", "Unauthorized")
            }
            if forbidden.contains(where: { $0.method == request.method && request.path.hasPrefix($0.prefix) }) {
                return statusReply(
                    403, "Forbidden",
                    "\(request.method) \(request.path) is forbidden: User \"system:serviceaccount:test:runner\" cannot do this")
            }
            return route(request)
        }
    }

    func route(_ request: Request) -> Reply {
        let segments = request.path.split(separator: "/").map(String.init)
        switch segments.count {
        case 1 where segments[0] == "api":
            return ok(.object(["kind": "APIVersions", "versions": ["v1"]]))
        case 1 where segments[0] == "apis":
            return ok(groupList())
        default: break
        }
        let group: String
        let version: String
        let rest: ArraySlice<String>
        if segments.first == "api", segments.count >= 2 {
            (group, version, rest) = ("", segments[1], segments.dropFirst(2))
        } else if segments.first == "apis", segments.count >= 3 {
            (group, version, rest) = (segments[1], segments[2], segments.dropFirst(3))
        } else {
            return notFound()
        }
        let inVersion = served.filter { $0.group == group && $0.version == version }
        guard !inVersion.isEmpty else { return notFound() }
        if rest.isEmpty {
            return request.method == "GET" ? ok(resourceList(group: group, version: version, inVersion)) : notFound()
        }

        // /namespaces/{ns}/{plural}[/{name}] or /{plural}[/{name}]
        let parts = Array(rest)
        var namespace: String?
        var plural: String
        var name: String?
        if parts[0] == "namespaces", parts.count >= 3 {
            namespace = parts[1]
            plural = parts[2]
            name = parts.count > 3 ? parts[3] : nil
            if parts.count == 5, let namespace, let name, plural == "pods", parts[4] == "log", group.isEmpty {
                return request.method == "GET"
                    ? podLog(namespace: namespace, pod: name, query: request.query)
                    : statusReply(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")
            }
            if parts.count > 4 { return notFound() }
        } else {
            plural = parts[0]
            name = parts.count > 1 ? parts[1] : nil
            if parts.count > 2 { return notFound() }
        }
        guard let resource = inVersion.first(where: { $0.plural == plural }) else { return notFound() }
        if !resource.namespaced && namespace != nil { return notFound() }

        switch (request.method, name) {
        case ("GET", let name?): return get(resource, namespace, name)
        case ("GET", nil): return list(resource, namespace, request.query["labelSelector"], fieldSelector: request.query["fieldSelector"])
        case ("POST", nil): return create(resource, namespace, request)
        case ("PATCH", let name?): return apply(resource, namespace, name, request)
        case ("DELETE", let name?): return delete(resource, namespace, name, dryRun: request.query["dryRun"] == "All")
        default:
            return statusReply(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")
        }
    }
}
