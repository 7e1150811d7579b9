import PedregalCompiler
import PedregalGateway
import PedregalKubernetes
import PedregalManifests
import PedregalTestSupport
import PedregalYAML
import Synchronization
import Testing

/// The RBAC the compiler gives the gateway (templates/platform.yaml
/// `gateway`) is exactly what the gateway's cluster route source calls:
/// every call is allowed, and every granted verb is used.
@Suite struct GatewayRBACTests {
    /// An API server holding the compiled objects of one cluster that
    /// records every call it answers.
    final class RecordingAPI: KubernetesAPI {
        let objects: [Manifest]
        let calls = Mutex<[String]>([])

        init(objects: [Manifest]) { self.objects = objects }

        func get(_ path: String) async throws -> YAMLValue {
            calls.withLock { $0.append("get \(path)") }
            throw APIError(code: 404, reason: "NotFound", message: path, retryAfter: nil)
        }

        func list(_ path: String, labelSelector: String?) async throws -> [YAMLValue] {
            calls.withLock { $0.append("list \(path)") }
            // EndpointSlices are made by the cluster, not compiled: answer one ready endpoint.
            if path.hasSuffix("/endpointslices") {
                return [
                    [
                        "endpoints": [["addresses": ["10.0.0.7"], "conditions": ["ready": true]]],
                        "ports": [["name": "spark-connect", "port": 15002, "protocol": "TCP"]],
                    ]
                ]
            }
            return objects.filter { $0.id.kind == "ConfigMap" && path == "/api/v1/namespaces/\($0.id.namespace ?? "")/configmaps" }
                .map(\.object)
        }

        func list(_ path: String, fieldSelector: String) async throws -> [YAMLValue] {
            calls.withLock { $0.append("list \(path)") }
            return []
        }

        func text(_ path: String, query: [(String, String)]) async throws -> String {
            calls.withLock { $0.append("get \(path)") }
            throw APIError(code: 404, reason: "NotFound", message: path, retryAfter: nil)
        }

        func create(_ path: String, object: YAMLValue, dryRun: Bool) async throws -> YAMLValue {
            calls.withLock { $0.append("create \(path)") }
            return object
        }

        func apply(_ path: String, object: YAMLValue, fieldManager: String, force: Bool, dryRun: Bool) async throws -> Applied {
            calls.withLock { $0.append("patch \(path)") }
            return Applied(object: object, created: false)
        }

        func delete(_ path: String, dryRun: Bool) async throws { calls.withLock { $0.append("delete \(path)") } }
    }

    @Test func rolesGrantExactlyTheCallsOfTheClusterRouteSource() async throws {
        let platform =
            Fixtures.platform + """
                gateway:
                  image: registry.example.team/pedregal:1.0
                  issuer: https://example.okta.com/oauth2/default
                  audience: api://spark-connect
                  jwksURL: https://example.okta.com/oauth2/default/v1/keys
                  tlsSecret: spark-gateway-tls

                """
        let team = Fixtures.team + "sparkConnect:\n  - name: notebooks\n"
        let compilation = Fixtures.compile(["teams/alpha.yaml": team, "templates/platform.yaml": platform])
        #expect(!compilation.hasErrors, "\(compilation.diagnostics)")
        let cluster = compilation.manifests.filter { $0.cluster == "sk8-us-west-2" }
        let api = RecordingAPI(objects: cluster)
        let snapshot = try await ClusterRouteSource(client: api, namespace: "spark-gateway", backendsFile: nil).snapshot()
        #expect(snapshot.problems.isEmpty, "\(snapshot.problems)")
        #expect(snapshot.routes.map(\.name) == ["route.sjns-alpha-dev.notebooks"])

        // What the gateway called, as "verb group/resource in namespace".
        let used = Set(
            api.calls.withLock { $0 }.map { call -> String in
                let parts = call.split(separator: " ")
                let path = parts[1].split(separator: "/").map(String.init)
                // /api/v1/namespaces/<ns>/<resource> or /apis/<group>/<version>/namespaces/<ns>/<resource>
                let group = path[0] == "api" ? "" : path[1]
                let rest = path[0] == "api" ? path[2...] : path[3...]
                let namespaced = Array(rest)
                return "\(parts[0]) \(group)/\(namespaced[2]) in \(namespaced[1])"
            })
        // What the gateway's ServiceAccount is granted, the same way.
        var granted: Set<String> = []
        for binding in cluster where binding.id.kind == "RoleBinding" {
            let subjects = binding.object["subjects"]?.listValue ?? []
            guard subjects.contains(where: { $0["kind"]?.string == "ServiceAccount" && $0["name"]?.string == "pedregal-gateway" })
            else { continue }
            let roleName = binding.object["roleRef"]?["name"]?.string
            let role = try #require(
                cluster.first {
                    $0.id.kind == "Role" && $0.id.name == roleName && $0.id.namespace == binding.id.namespace
                })
            for rule in role.object["rules"]?.listValue ?? [] {
                for group in rule["apiGroups"]?.listValue ?? [] {
                    for resource in rule["resources"]?.listValue ?? [] {
                        for verb in rule["verbs"]?.listValue ?? [] {
                            granted.insert(
                                "\(verb.string ?? "") \(group.string ?? "")/\(resource.string ?? "") in \(binding.id.namespace ?? "")")
                        }
                    }
                }
            }
        }
        #expect(used == ["list /configmaps in spark-gateway", "list discovery.k8s.io/endpointslices in sjns-alpha-dev"])
        #expect(granted == used)
        #expect(
            !cluster.contains { ["ClusterRole", "ClusterRoleBinding"].contains($0.id.kind) && $0.id.name.hasPrefix("pedregal-gateway") })
    }
}
