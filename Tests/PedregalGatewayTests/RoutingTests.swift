import Foundation
import PedregalManifests
import PedregalYAML
import Testing

@testable import PedregalGateway

@Suite struct RoutingTests {
    static func route(_ name: String, hosts: [String], backend: String = "sk8") -> LoadedRoute {
        LoadedRoute(
            name: name,
            route: GatewayRoute(
                hostnames: hosts, team: "t", environment: "dev", namespace: "ns-\(name)", service: "sc", port: 15002,
                backend: backend, allowedGroups: ["okta:t"]))
    }

    @Test func reportsWhatARouteLacks() {
        let result = RouteDecoder.route(yaml: "hostnames: [a.b]\nteam: t\n", name: "r", origin: "f.yaml")
        guard case .failure(let problem) = result else {
            Issue.record("expected a problem")
            return
        }
        #expect(problem.description.contains("'environment'"))
        #expect(problem.description.hasPrefix("f.yaml: "))
    }

    @Test func readsRouteConfigMapsFromAFolder() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pedregal-routes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let route = GatewayRoute(
            hostnames: ["DS-dev.doordash.team", "ds-dev-us.doordash.team"], team: "data-science", environment: "dev",
            namespace: "sjns-ds-dev", service: "sc-default", port: 15002, backend: "sk8", allowedGroups: ["okta:data-science"],
            hotServers: 2, onDemandTemplate: "sc-default-template")
        try RouteFixtures.configMap(name: "route.sjns-ds-dev.default", route: route).write(
            to: folder.appendingPathComponent("configmap-route.yaml"), atomically: true, encoding: .utf8)
        try "kind: ConfigMap\nmetadata: {name: other}\n".write(
            to: folder.appendingPathComponent("other.yaml"), atomically: true, encoding: .utf8)
        let backends = folder.appendingPathComponent("backends.yml.txt")
        try "services:\n  sjns-ds-dev/sc-default: [127.0.0.1:1, '[::1]:2']\ncordoned: [127.0.0.1:1]\n".write(
            to: backends, atomically: true, encoding: .utf8)
        let snapshot = try await FolderRouteSource(folder: folder.path, backendsFile: backends.path).snapshot()
        #expect(snapshot.routes.map(\.name) == ["route.sjns-ds-dev.default"])
        #expect(snapshot.routes.first?.hostnames == ["ds-dev.doordash.team", "ds-dev-us.doordash.team"])
        #expect(
            snapshot.servers["sjns-ds-dev/sc-default"] == [ServerAddress(host: "127.0.0.1", port: 1), ServerAddress(host: "::1", port: 2)])
        #expect(snapshot.cordoned == [ServerAddress(host: "127.0.0.1", port: 1)])
        #expect(snapshot.problems.isEmpty)
    }

    @Test func reportsBadBackends() {
        let (backends, problems) = StaticBackends.parse("services:\n  a/b: [nope, 1.2.3.4:5]\nextra: 1\n", file: "b.yaml")
        #expect(backends.services["a/b"] == [ServerAddress(host: "1.2.3.4", port: 5)])
        #expect(problems.count == 2)
    }

    @Test func routesByHostIgnoringPortCaseAndDot() {
        let table = RouteTable([Self.route("b", hosts: ["x.team"]), Self.route("a", hosts: ["y.team", "x.team"])])
        #expect(table.route(authority: "X.Team:443")?.name == "a")
        #expect(table.route(authority: "y.team.")?.name == "a")
        #expect(table.route(authority: "z.team") == nil)
        #expect(table.conflicts.count == 1)
        #expect(RouteTable.host(ofAuthority: "[::1]:15002") == "::1")
    }

    @Test func readsEndpointSlices() throws {
        let slice: YAMLValue = [
            "ports": [["name": "spark-connect", "port": 15002]],
            "endpoints": [
                ["addresses": ["10.0.0.1"], "conditions": ["ready": true]],
                ["addresses": ["10.0.0.2"], "conditions": ["ready": false, "serving": true, "terminating": true]],
                ["addresses": ["10.0.0.3"], "conditions": ["ready": false, "serving": false]],
            ],
        ]
        let endpoints = EndpointSliceReader.endpoints([slice], port: 15002)
        #expect(endpoints.serving.map(\.host) == ["10.0.0.1", "10.0.0.2"])
        #expect(endpoints.terminating.map(\.host) == ["10.0.0.2"])
    }
}
