import NIOCore
import NIOPosix
import PedregalAuth

/// Keeps the registry's routes current: reads the source every interval and
/// installs what it finds. A failed read keeps the routes in force.
struct RouteWatcher: Sendable {
    var source: any RouteSource
    var registry: BackendRegistry
    var log: StructuredLog
    var interval: Duration
    /// The gateway's `--group-prefix`, checked against the routes' groups.
    var groupPrefix: String

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
                if let warning = Self.groupPrefixWarning(prefix: groupPrefix, routes: snapshot.routes) {
                    log.write(
                        "event",
                        ["event": "group-prefix-unused", "level": "warning", "prefix": .string(groupPrefix), "message": .string(warning)])
                }
            }
            return snapshot
        } catch {
            log.write("event", ["event": "routes-unreadable", "source": .string(source.summary), "error": .string("\(error)")])
            return previous
        }
    }

    /// Why every caller would be refused, when no route's `allowedGroups`
    /// begins with the gateway's prefix (a gateway started by hand with the
    /// default `okta:` on a platform whose groupPrefix is `oidc:`); nil when
    /// some route uses the prefix, or no route allows any group.
    static func groupPrefixWarning(prefix: String, routes: [GatewayRoute]) -> String? {
        let groups = routes.flatMap(\.allowedGroups)
        guard !prefix.isEmpty, !groups.isEmpty, !GroupMatching(prefix: prefix).isUsed(by: groups) else { return nil }
        let seen = Set(groups.compactMap { group in group.firstIndex(of: ":").map { String(group[...$0]) } }).sorted()
        let head = "no route's allowedGroups begins with the group prefix '\(prefix)'"
        guard !seen.isEmpty else {
            return head + " (they name groups without a prefix); start the gateway with --group-prefix '' "
                + "if the platform's groupPrefix (templates/platform.yaml) is empty"
        }
        let suggestion =
            seen.count == 1
            ? "--group-prefix '\(seen[0])' (the platform's groupPrefix, templates/platform.yaml)"
            : "--group-prefix set to the platform's groupPrefix (templates/platform.yaml)"
        return head + " (they begin with \(seen.map { "'\($0)'" }.joined(separator: ", "))): a token naming its groups without "
            + "the routes' prefix is refused on every route; start the gateway with \(suggestion)"
    }

    /// Refreshes every interval, starting from what `start` loaded (so its
    /// events are not written twice).
    func run(after loaded: RoutingSnapshot?) async {
        var previous = loaded
        if loaded != nil { try? await Task.sleep(for: interval) }
        while !Task.isCancelled {
            previous = await refresh(previous: previous)
            try? await Task.sleep(for: interval)
        }
    }
}

/// Checks every server of every route by opening a TCP connection; a server
/// that refuses or times out is taken out of placement and its sessions are
/// forgotten as lost (`ServerLiveness`), and it comes back at the first
/// successful check. A lost backend connection or a backend stream that ends
/// without a status triggers a check at once, so a killed server is noticed
/// in milliseconds rather than at the next interval.
final class HealthChecker: Sendable {
    let liveness: ServerLiveness
    let group: MultiThreadedEventLoopGroup
    let interval: Duration
    let timeout: TimeAmount
    private let (signals, signal) = AsyncStream.makeStream(of: ServerAddress.self, bufferingPolicy: .bufferingNewest(64))

    var registry: BackendRegistry { liveness.registry }

    init(liveness: ServerLiveness, group: MultiThreadedEventLoopGroup, interval: Duration, timeout: TimeAmount) {
        self.liveness = liveness
        self.group = group
        self.interval = interval
        self.timeout = timeout
    }

    /// Asks for an immediate check of `address`.
    func suspect(_ address: ServerAddress) { signal.yield(address) }

    func check(_ address: ServerAddress) async {
        do {
            let channel = try await ClientBootstrap(group: group).connectTimeout(timeout)
                .connect(host: address.host, port: address.port).get()
            try? await channel.close()
            liveness.up(address)
        } catch {
            liveness.down(address, foundBy: .healthCheck, error: "\(error)")
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
