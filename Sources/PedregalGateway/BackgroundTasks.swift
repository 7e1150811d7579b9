import NIOCore
import NIOPosix

/// Keeps the registry's routes current: reads the source every interval and
/// installs what it finds. A failed read keeps the routes in force.
struct RouteWatcher: Sendable {
    var source: any RouteSource
    var registry: BackendRegistry
    var log: StructuredLog
    var interval: Duration

    /// Reads once; returns whether a snapshot was installed.
    @discardableResult
    func refresh(previous: RoutingSnapshot?) async -> RoutingSnapshot? {
        do {
            let snapshot = try await source.snapshot()
            if snapshot != previous {
                registry.update(snapshot)
                log.write(
                    "event",
                    [
                        "event": "routes-loaded", "source": .string(source.summary), "routes": .int(snapshot.routes.count),
                        "servers": .int(Set(snapshot.servers.values.joined()).count),
                    ])
                for problem in snapshot.problems where problem != "" {
                    log.write("event", ["event": "route-problem", "problem": .string(problem)])
                }
                for conflict in RouteTable(snapshot.routes).conflicts {
                    log.write("event", ["event": "route-problem", "problem": .string(conflict)])
                }
            }
            return snapshot
        } catch {
            log.write("event", ["event": "routes-unreadable", "source": .string(source.summary), "error": .string("\(error)")])
            return previous
        }
    }

    func run() async {
        var previous: RoutingSnapshot?
        while !Task.isCancelled {
            previous = await refresh(previous: previous)
            try? await Task.sleep(for: interval)
        }
    }
}

/// Checks every server of every route by opening a TCP connection; a server
/// that refuses or times out is taken out of placement and its sessions get
/// UNAVAILABLE, and it comes back at the first successful check. A lost
/// backend connection triggers a check at once, so a killed server is
/// noticed in milliseconds rather than at the next interval.
final class HealthChecker: Sendable {
    let registry: BackendRegistry
    let group: MultiThreadedEventLoopGroup
    let log: StructuredLog
    let interval: Duration
    let timeout: TimeAmount
    private let (signals, signal) = AsyncStream.makeStream(of: ServerAddress.self, bufferingPolicy: .bufferingNewest(64))

    init(registry: BackendRegistry, group: MultiThreadedEventLoopGroup, log: StructuredLog, interval: Duration, timeout: TimeAmount) {
        self.registry = registry
        self.group = group
        self.log = log
        self.interval = interval
        self.timeout = timeout
    }

    /// Asks for an immediate check of `address`.
    func suspect(_ address: ServerAddress) { signal.yield(address) }

    func check(_ address: ServerAddress) async {
        let healthy: Bool
        do {
            let channel = try await ClientBootstrap(group: group).connectTimeout(timeout)
                .connect(host: address.host, port: address.port).get()
            try? await channel.close()
            healthy = true
        } catch {
            healthy = false
        }
        if registry.setHealthy(address, healthy) {
            log.write("event", ["event": healthy ? "server-up" : "server-down", "server": .string(address.description)])
        }
    }

    func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await address in self.signals { await self.check(address) }
            }
            group.addTask {
                while !Task.isCancelled {
                    await withTaskGroup(of: Void.self) { checks in
                        for address in self.registry.allServers { checks.addTask { await self.check(address) } }
                    }
                    try? await Task.sleep(for: self.interval)
                }
            }
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
            group.cancelAll()
        }
    }

    func stop() { signal.finish() }
}
