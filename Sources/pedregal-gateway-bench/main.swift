// Measures the Spark Gateway against a direct connection in one run, on loopback:
// unary calls per second and latency (p50/p99) to a trivial in-process gRPC backend,
// and bulk response throughput (a large streamed result, like an Arrow collect).
// Spark-backed figures (small queries, a multi-million-row Arrow collect) come from
// Tests/e2e/gateway/bench.py, which runs this command too.
import Foundation
import NIOCore
import NIOPosix
import PedregalAuth
import PedregalGateway
import PedregalGatewayPeers

struct Options {
    var seconds = 5.0
    var connections = 4
    var concurrency = 64
    var gatewayThreads = 1
    var bulkMiB = 256

    init(_ arguments: [String]) {
        var iterator = arguments.makeIterator()
        while let flag = iterator.next() {
            let value = iterator.next().flatMap(Double.init) ?? 0
            switch flag {
            case "--seconds": seconds = value
            case "--connections": connections = Int(value)
            case "--concurrency": concurrency = Int(value)
            case "--gateway-threads": gatewayThreads = Int(value)
            case "--bulk-mib": bulkMiB = Int(value)
            default:
                FileHandle.standardError.write(
                    Data(
                        "usage: pedregal-gateway-bench [--seconds S] [--connections N] [--concurrency N] [--gateway-threads N] [--bulk-mib N]\n"
                            .utf8))
                exit(64)
            }
        }
    }
}

struct LoadResult {
    var calls: Int
    var failures: Int
    var seconds: Double
    var latencies: [Double]

    var rate: Double { Double(calls) / seconds }
    func percentile(_ p: Double) -> Double {
        guard !latencies.isEmpty else { return .nan }
        let sorted = latencies.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }
}

/// Runs `concurrency` loops of unary calls over `clients` for `seconds`.
func load(clients: [GRPCLoadClient], authority: String, token: String?, message: [UInt8], seconds: Double, concurrency: Int)
    async -> LoadResult
{
    let start = ContinuousClock.now
    let deadline = start + .milliseconds(Int(seconds * 1000))
    let results = await withTaskGroup(of: ([Double], Int).self) { group in
        for worker in 0..<concurrency {
            let client = clients[worker % clients.count]
            group.addTask {
                var latencies: [Double] = []
                var failures = 0
                while ContinuousClock.now < deadline {
                    let began = ContinuousClock.now
                    let outcome = try? await client.unary(
                        path: "/spark.connect.SparkConnectService/Config", authority: authority, token: token, message: message)
                    let elapsed = ContinuousClock.now - began
                    if outcome?.status == 0 {
                        latencies.append(Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds))
                    } else {
                        failures += 1
                    }
                }
                return (latencies, failures)
            }
        }
        var all: [Double] = []
        var failures = 0
        for await (latencies, failed) in group {
            all += latencies
            failures += failed
        }
        return (all, failures)
    }
    let elapsed = ContinuousClock.now - start
    return LoadResult(
        calls: results.0.count, failures: results.1,
        seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, latencies: results.0)
}

func bulk(client: GRPCLoadClient, authority: String, token: String?, message: [UInt8], rounds: Int) async throws -> Double {
    let start = ContinuousClock.now
    var bytes = 0
    for _ in 0..<rounds {
        let outcome = try await client.unary(
            path: "/spark.connect.SparkConnectService/ExecutePlan", authority: authority, token: token, message: message)
        guard outcome.status == 0 else { throw BenchError(message: "bulk call failed: \(outcome.status ?? -1) \(outcome.message)") }
        bytes += outcome.bytes
    }
    let elapsed = ContinuousClock.now - start
    return Double(bytes) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18) / 1_048_576
}

struct BenchError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

func configRequest(session: String) -> [UInt8] {
    // ConfigRequest { session_id, user_context { user_id }, operation { get { keys: ["x"] } } }
    func field(_ number: UInt8, _ payload: [UInt8]) -> [UInt8] { [number << 3 | 2, UInt8(payload.count)] + payload }
    return field(1, Array(session.utf8)) + field(2, field(1, Array("client".utf8)))
        + field(3, field(2, field(1, field(1, Array("x".utf8)))))
}

func run(_ options: Options) async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pedregal-gateway-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let peers = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let echo = try await EchoBackend.start(group: peers)
    let bulkBackend = try await EchoBackend.start(group: peers, responseBytes: 32 << 20)

    let issuer = try TokenIssuer.rsa(keyID: "bench")
    let issuerURL = "https://issuer.bench.test"
    try TokenIssuer.jwks([issuer]).write(to: folder.appendingPathComponent("jwks.json"), atomically: true, encoding: .utf8)
    let routes = folder.appendingPathComponent("routes")
    try FileManager.default.createDirectory(at: routes, withIntermediateDirectories: true)
    for (name, service) in [("echo", "sc-echo"), ("bulk", "sc-bulk")] {
        try """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: route.bench.\(name)
          labels: {pedregal.io/component: gateway-route}
        data:
          route.yaml: |
            hostnames: [\(name).bench.team]
            team: bench
            environment: dev
            namespace: bench
            service: \(service)
            port: 15002
            backend: sk8
            allowedGroups: [okta:bench]
        """.write(to: routes.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
    }
    let backends = folder.appendingPathComponent("backends.yaml")
    try "services:\n  bench/sc-echo: [127.0.0.1:\(echo.port)]\n  bench/sc-bulk: [127.0.0.1:\(bulkBackend.port)]\n".write(
        to: backends, atomically: true, encoding: .utf8)
    let gateway = try GatewayApplication(
        GatewayConfiguration(
            port: 0, adminPort: 0, routes: .folder(routes.path), backendsFile: backends.path,
            verifier: VerifierConfiguration(issuer: issuerURL, audiences: ["spark"]),
            jwks: .file(folder.appendingPathComponent("jwks.json").path),
            proxy: ProxySettings(maxExecutionsPerRoute: 10_000), threads: options.gatewayThreads, log: .discard))
    let addresses = try await gateway.start()
    let token = try issuer.token(subject: "bench@example.com", groups: ["bench"], issuer: issuerURL, audience: "spark")

    let clientsGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    var direct: [GRPCLoadClient] = []
    var proxied: [GRPCLoadClient] = []
    for _ in 0..<options.connections {
        direct.append(try await GRPCLoadClient.connect(group: clientsGroup, port: echo.port))
        proxied.append(try await GRPCLoadClient.connect(group: clientsGroup, port: addresses.port))
    }
    let message = configRequest(session: UUID().uuidString.lowercased())
    // Warm up: place the session, verify the token once per connection, fill caches.
    _ = await load(clients: proxied, authority: "echo.bench.team", token: token, message: message, seconds: 0.5, concurrency: 8)
    _ = await load(clients: direct, authority: "echo.bench.team", token: token, message: message, seconds: 0.5, concurrency: 8)

    print(
        "pedregal-gateway-bench: \(ProcessInfo.processInfo.activeProcessorCount) cores, gateway threads \(options.gatewayThreads), "
            + "\(options.connections) connections, \(options.concurrency) calls in flight, \(options.seconds) s per side")
    let floor = await load(
        clients: direct, authority: "echo.bench.team", token: token, message: message, seconds: options.seconds,
        concurrency: options.concurrency)
    let through = await load(
        clients: proxied, authority: "echo.bench.team", token: token, message: message, seconds: options.seconds,
        concurrency: options.concurrency)
    // Latency at low load: one call at a time, so queueing does not hide the gateway's own cost.
    let floorSerial = await load(
        clients: [direct[0]], authority: "echo.bench.team", token: token, message: message, seconds: options.seconds / 2, concurrency: 1)
    let throughSerial = await load(
        clients: [proxied[0]], authority: "echo.bench.team", token: token, message: message, seconds: options.seconds / 2, concurrency: 1)

    func ms(_ seconds: Double) -> String { String(format: "%.3f ms", seconds * 1000) }
    print(
        String(
            format: "unary calls/s   direct %9.0f   gateway %9.0f   ratio %.2f   (failures %d/%d)", floor.rate, through.rate,
            through.rate / floor.rate, floor.failures, through.failures))
    print(
        "serial latency  direct p50 \(ms(floorSerial.percentile(0.5))) p99 \(ms(floorSerial.percentile(0.99)))   "
            + "gateway p50 \(ms(throughSerial.percentile(0.5))) p99 \(ms(throughSerial.percentile(0.99)))   "
            + "added p50 \(ms(throughSerial.percentile(0.5) - floorSerial.percentile(0.5))) p99 \(ms(throughSerial.percentile(0.99) - floorSerial.percentile(0.99)))"
    )
    print(
        "loaded latency  direct p50 \(ms(floor.percentile(0.5))) p99 \(ms(floor.percentile(0.99)))   "
            + "gateway p50 \(ms(through.percentile(0.5))) p99 \(ms(through.percentile(0.99)))")

    let bulkMessage = configRequest(session: UUID().uuidString.lowercased())
    let bulkDirect = try await GRPCLoadClient.connect(group: clientsGroup, port: bulkBackend.port)
    let bulkProxied = try await GRPCLoadClient.connect(group: clientsGroup, port: addresses.port)
    let rounds = max(1, options.bulkMiB / 32)
    _ = try await bulk(client: bulkProxied, authority: "bulk.bench.team", token: token, message: bulkMessage, rounds: 1)
    let bulkFloor = try await bulk(client: bulkDirect, authority: "bulk.bench.team", token: token, message: bulkMessage, rounds: rounds)
    let bulkThrough = try await bulk(client: bulkProxied, authority: "bulk.bench.team", token: token, message: bulkMessage, rounds: rounds)
    print(
        String(
            format: "bulk response   direct %7.0f MiB/s   gateway %7.0f MiB/s   ratio %.2f   (%d x 32 MiB)", bulkFloor, bulkThrough,
            bulkThrough / bulkFloor, rounds))

    for client in direct + proxied + [bulkDirect, bulkProxied] { await client.close() }
    await gateway.stop()
    await echo.stop()
    await bulkBackend.stop()
    try await clientsGroup.shutdownGracefully()
    try await peers.shutdownGracefully()
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
let done = DispatchSemaphore(value: 0)
Task.detached {
    do {
        try await run(options)
    } catch {
        FileHandle.standardError.write(Data("pedregal-gateway-bench: \(error)\n".utf8))
        exit(1)
    }
    done.signal()
}
done.wait()
