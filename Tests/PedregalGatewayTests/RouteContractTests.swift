import Foundation
import PedregalCompiler
import PedregalLoader
import PedregalManifests
import PedregalTestSupport
import PedregalYAML
import Testing

@testable import PedregalGateway

/// The route is one type (`GatewayRoute`) on both sides: what the compiler
/// writes for a whole fixture is what the gateway reads, key for key.
@Suite struct RouteContractTests {
    /// Every route ConfigMap of the apache golden fixture (three teams, an EMR region, an expiring cluster).
    static func compiledRoutes() throws -> [Manifest] {
        let root = Paths.packageRoot.appendingPathComponent("Tests/PedregalCompilerTests/Fixtures/apache")
        let compilation = Compiler().compile(DiskSourceTree(root: root))
        #expect(!compilation.hasErrors, "\(compilation.diagnostics)")
        return compilation.manifests.filter { RouteDecoder.isRouteConfigMap($0.object) }
    }

    @Test func theGatewayReadsEveryRouteTheCompilerWrites() throws {
        let manifests = try Self.compiledRoutes()
        #expect(manifests.count >= 8, "\(manifests.map(\.id.name))")
        for manifest in manifests {
            let decoded = try RouteDecoder.route(configMap: manifest.object, origin: manifest.id.name).get()
            // Nothing the compiler writes is unknown to the gateway.
            #expect(decoded.ignored == nil, "\(decoded.ignored?.description ?? "")")
            #expect(decoded.route.name == manifest.id.name)
            // Encoding what was read gives back the compiler's bytes: no key is lost or renamed.
            let text = try #require(manifest.object["data"]?[Vocabulary.routeKey]?.string)
            #expect(decoded.route.route.text == text, "\(manifest.id.name)")
        }
    }

    @Test func decodesTheCompilersRoute() throws {
        let manifests = try Self.compiledRoutes()
        let routes = try manifests.map { try RouteDecoder.route(configMap: $0.object, origin: $0.id.name).get().route }
        let dataScience = try #require(routes.first { $0.name == "route.sjns-ds-dev.default" })
        #expect(dataScience.hostnames == ["ds-dev.doordash.team", "ds-dev-us.doordash.team"])
        #expect(dataScience.serviceKey == "sjns-ds-dev/sc-default")
        #expect(dataScience.allowedGroups == ["okta:data-science-leads", "okta:data-science"])
        #expect(dataScience.hotServers == 1)
        #expect(dataScience.onDemandTemplate == "sc-default-template")
        #expect(dataScience.isKubernetesService)
        #expect(dataScience.port == 15002)

        let expiring = try #require(routes.first { $0.name == "route.sjns-ml-platform-stg.training-eval" })
        #expect(expiring.expiresAt == "2026-12-31T00:00:00Z")
        // A region whose Spark pedregal does not run: no template, no hot servers, another backend.
        let emr = try #require(manifests.first { $0.cluster == "emr-ap-southeast-2" })
        let upstream = try RouteDecoder.route(configMap: emr.object, origin: "emr").get().route
        #expect(upstream.backend == "emr")
        #expect(!upstream.isKubernetesService)
        #expect(upstream.onDemandTemplate == nil)
        #expect(upstream.hotServers == 0)
    }

    @Test func keysTheGatewayDoesNotKnowAreReportedNotFatal() throws {
        let text = RouteFixtures.dataScience().text + "weight: 3\n"
        let decoded = try RouteDecoder.route(yaml: text, name: "r", origin: "f.yaml").get()
        #expect(decoded.route.team == "data-science")
        #expect(decoded.ignored?.description.contains("'weight'") == true, "\(decoded.ignored?.description ?? "")")
    }

    @Test func namesEveryMissingKeyAndWrongType() {
        guard case .failure(let missing) = RouteDecoder.route(yaml: "hostnames: [a.b]\nteam: ''\n", name: "r", origin: "f.yaml") else {
            Issue.record("expected a problem")
            return
        }
        #expect(missing.message == "route.yaml lacks 'team', 'environment', 'namespace', 'service', 'backend', 'allowedGroups'")
        let wrongPort = RouteFixtures.dataScience().text.replacingOccurrences(of: "port: 15002", with: "port: fifteen")
        guard case .failure(let port) = RouteDecoder.route(yaml: wrongPort, name: "r", origin: "f.yaml") else {
            Issue.record("expected a problem")
            return
        }
        #expect(port.message == "route.yaml: 'port': expected an integer, found a string")
        guard
            case .failure(let noHosts) = RouteDecoder.route(
                yaml: RouteFixtures.dataScience().text.replacingOccurrences(
                    of: "hostnames:\n- ds-dev.doordash.team", with: "hostnames: []"),
                name: "r", origin: "f.yaml")
        else {
            Issue.record("expected a problem")
            return
        }
        #expect(noHosts.message == "route.yaml lists no hostnames")
    }
}
