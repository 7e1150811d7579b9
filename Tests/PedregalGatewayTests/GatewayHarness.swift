import Foundation
import Logging
import PedregalManifests
import PedregalYAML
import ServiceLifecycle

@testable import PedregalGateway

/// A gateway running in this process, as `pedregal gateway` runs it: the
/// application in a service group, stopped by graceful shutdown.
struct RunningGateway {
    let gateway: GatewayApplication
    let addresses: GatewayApplication.Addresses
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    static func start(_ configuration: GatewayConfiguration) async throws -> RunningGateway {
        let gateway = try GatewayApplication(configuration)
        let group = ServiceGroup(configuration: .init(services: [gateway], logger: Logger(label: "test")))
        let task = Task { try await group.run() }
        do {
            return RunningGateway(gateway: gateway, addresses: try await gateway.addresses(), group: group, task: task)
        } catch {
            task.cancel()
            throw error
        }
    }

    /// Graceful shutdown, as on SIGTERM; returns once everything has stopped.
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}

/// Route ConfigMaps written with the compiler's own route type.
enum RouteFixtures {
    /// The route of `ds-dev.doordash.team` used by the proxy tests.
    static func dataScience(allowedGroups: [String] = ["okta:data-science"]) -> GatewayRoute {
        GatewayRoute(
            hostnames: ["ds-dev.doordash.team"], team: "data-science", environment: "dev", namespace: "sjns-ds-dev",
            service: "sc-default", port: 15002, backend: "sk8", allowedGroups: allowedGroups)
    }

    /// A route ConfigMap as the compiler writes it.
    static func configMap(name: String, route: GatewayRoute) -> String {
        let object: YAMLValue = [
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": ["name": .string(name), "labels": [Vocabulary.component: .string(SparkComponent.gatewayRoute)]],
            "data": [Vocabulary.routeKey: .string(route.text)],
        ]
        return YAMLWriter.document(object)
    }

    /// Writes the ConfigMap of `route` into `folder`.
    static func write(name: String, route: GatewayRoute, to folder: URL) throws {
        try configMap(name: name, route: route).write(to: folder.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
    }
}
