import NIOCore
import NIOPosix
import PedregalAuth
import PedregalBasics
import PedregalServerSupport
import ServiceLifecycle

/// Keeps the registry's routes current: reads the source every interval and
/// installs what it finds. A failed read keeps the routes in force.
struct RouteWatcher: Sendable {
    var source: any RouteSource
    var registry: BackendRegistry
    var log: GatewayLog
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
                log.event(
                    "routes-loaded",
                    [
                        "source": .string(source.summary), "routes": .int(snapshot.routes.count),
                        "servers": .int(Set(snapshot.servers.values.joined()).count),
                    ])
                for problem in snapshot.problems where problem != "" {
                    log.event("route-problem", ["problem": .string(problem)])
                }
                for conflict in RouteTable(snapshot.routes).conflicts {
                    log.event("route-problem", ["problem": .string(conflict)])
                }
                if let warning = Self.groupPrefixWarning(prefix: groupPrefix, routes: snapshot.routes) {
                    log.event("group-prefix-unused", level: .warning, ["prefix": .string(groupPrefix), "message": .string(warning)])
                }
            }
            return snapshot
        } catch {
            log.event("routes-unreadable", level: .warning, ["source": .string(source.summary), "error": .string("\(error)")])
            return previous
        }
    }

    /// Why every caller would be refused, when no route's `allowedGroups`
    /// begins with the gateway's prefix (a gateway started by hand with the
    /// default `okta:` on a platform whose groupPrefix is `oidc:`); nil when
    /// some route uses the prefix, or no route allows any group.
    static func groupPrefixWarning(prefix: String, routes: [LoadedRoute]) -> String? {
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
}

/// The route watcher as a service: refreshes every interval, starting from
/// what the gateway loaded before it started (so its events are not written twice).
struct RouteWatcherService: Service {
    let watcher: RouteWatcher
    let loaded: RoutingSnapshot?

    func run() async throws {
        let previous = Locked(loaded)
        try await PeriodicService("route-watcher", every: watcher.interval, delayFirstRun: loaded != nil) {
            let next = await watcher.refresh(previous: previous.current)
            previous.withLock { $0 = next }
        }.run()
    }
}

/// Checks every server of every route by opening a TCP connection; a server
/// that refuses or times out is taken out of placement and its sessions are
/// forgotten as lost (`ServerLiveness`), and it comes back at the first
/// successful check. A lost backend connection or a backend stream that ends
/// without a status triggers a check at once, so a killed server is noticed
/// in milliseconds rather than at the next interval.
final class HealthChecker: Service, Sendable {
    let liveness: ServerLiveness
    let group: MultiThreadedEventLoopGroup
    let interval: Duration
    let timeout: TimeAmount
    /// Checks in a row that timed out, per server (`HealthVerdict`).
    private let timeouts = Locked([ServerAddress: Int]())
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
            timeouts.withLock { $0[address] = nil }
            liveness.up(address)
        } catch {
            var timedOut = false
            if case ChannelError.connectTimeout = error { timedOut = true }
            let down = timeouts.withLock { timeouts in
                let verdict = HealthVerdict.judge(timedOut: timedOut, previousTimeouts: timeouts[address] ?? 0)
                timeouts[address] = verdict.timeouts
                return verdict.down
            }
            if down { liveness.down(address, foundBy: .healthCheck, error: "\(error)") }
        }
    }

    /// Checks every server now and then every interval, and a suspected
    /// server at once, until graceful shutdown.
    func run() async throws {
        await cancelWhenGracefulShutdown {
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
                await withTaskCancellationHandler {
                    while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
                } onCancel: {
                    self.signal.finish()
                }
                group.cancelAll()
            }
        }
    }
}

/// What a failed health check means. A refused connection (or any other
/// failure) is definite: the server is down. A connection that did not open
/// in time may be a loaded machine or a flood of connections to the server,
/// and taking a live server out forgets every session on it, so only
/// `timeoutsBeforeDown` timeouts in a row do.
enum HealthVerdict {
    /// Timeouts in a row that take a server out.
    static let timeoutsBeforeDown = 3

    /// Whether the server is down after a failed check, and the timeouts in a row to remember.
    static func judge(timedOut: Bool, previousTimeouts: Int) -> (down: Bool, timeouts: Int) {
        guard timedOut else { return (true, 0) }
        let timeouts = previousTimeouts + 1
        return (timeouts >= timeoutsBeforeDown, timeouts)
    }
}
