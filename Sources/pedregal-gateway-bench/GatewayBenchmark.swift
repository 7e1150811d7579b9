// Measures the Spark Gateway against a direct connection in one run, on loopback, with a
// trivial in-process gRPC backend (the echo backend of PedregalGatewayPeers):
//
//   unary calls/s      many calls in flight, direct vs through the gateway (ratio), and the
//                      gateway's own CPU per call (process CPU through it minus direct)
//   serial latency     one call at a time, p50/p99 direct vs through the gateway (added)
//   bulk response      32 MiB responses in 64 KiB frames (like an Arrow collect), MiB/s ratio
//
// Sides alternate in rounds so that drift (other processes, CPU frequency) hits both alike.
// Spark-backed figures (small queries, a multi-million-row Arrow collect) come from
// Tests/e2e/gateway/bench.py, which runs this command too. Ratios are what to compare across
// machines; absolute numbers depend on the machine.
//
//   swift run -c release pedregal-gateway-bench [--seconds S] [--rounds N] [--connections N]
//     [--concurrency N] [--gateway-threads N] [--serial-calls N] [--bulk-mib N]
import Foundation
import NIOCore
import NIOPosix
import PedregalAuth
import PedregalGateway
import PedregalGatewayPeers

struct Options {
    var seconds = 3.0
    var rounds = 3
    var connections = 4
    var concurrency = 64
    var gatewayThreads = 1
    var serialCalls = 4000
    var bulkMiB = 256

    static let usage =
        "usage: pedregal-gateway-bench [--seconds S] [--rounds N] [--connections N] [--concurrency N] "
        + "[--gateway-threads N] [--serial-calls N] [--bulk-mib N]\n"

    init(_ arguments: [String]) throws {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard let text = rest.popFirst(), let value = Double(text), value > 0 else {
                throw BenchError(message: "\(flag) needs a positive number\n" + Self.usage)
            }
            switch flag {
            case "--seconds": seconds = value
            case "--rounds": rounds = Int(value)
            case "--connections": connections = Int(value)
            case "--concurrency": concurrency = Int(value)
            case "--gateway-threads": gatewayThreads = Int(value)
            case "--serial-calls": serialCalls = Int(value)
            case "--bulk-mib": bulkMiB = Int(value)
            default: throw BenchError(message: "unknown option '\(flag)'\n" + Self.usage)
            }
        }
    }
}

@main
struct GatewayBenchmark {
    static func main() async {
        do {
            try await run(try Options(Array(CommandLine.arguments.dropFirst())))
        } catch {
            FileHandle.standardError.write(Data("pedregal-gateway-bench: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run(_ options: Options) async throws {
        let fixture = try await BenchFixture.start(gatewayThreads: options.gatewayThreads)
        let clientsGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var direct = Path(clients: [], authority: "echo.bench.team", token: fixture.token)
        var gateway = direct
        for _ in 0..<options.connections {
            direct.clients.append(try await GRPCLoadClient.connect(group: clientsGroup, port: fixture.echo.port))
            gateway.clients.append(try await GRPCLoadClient.connect(group: clientsGroup, port: fixture.gatewayPort))
        }
        let message = configRequest(session: UUID().uuidString.lowercased())
        // Warm up: place the session, verify the token on each connection, open backend connections.
        for path in [gateway, direct] {
            let warm = await load(path, message: message, seconds: 1, concurrency: options.concurrency)
            guard warm.calls > 0 else { throw BenchError(message: "no call succeeded during warm-up (\(warm.failures) failed)") }
        }
        print(
            "pedregal-gateway-bench: \(ProcessInfo.processInfo.activeProcessorCount) cores; one process: client (1 thread), "
                + "echo backend (1 thread), gateway (\(options.gatewayThreads) thread\(options.gatewayThreads == 1 ? "" : "s"), "
                + "access log on, to /dev/null)")

        // Throughput: many calls in flight.
        var floorRounds: [LoadResult] = []
        var throughRounds: [LoadResult] = []
        for _ in 0..<options.rounds {
            floorRounds.append(await load(direct, message: message, seconds: options.seconds, concurrency: options.concurrency))
            throughRounds.append(await load(gateway, message: message, seconds: options.seconds, concurrency: options.concurrency))
        }
        let floor = LoadResult.merged(floorRounds)
        let through = LoadResult.merged(throughRounds)
        let floorRate = median(floorRounds.map(\.rate))
        let throughRate = median(throughRounds.map(\.rate))
        // The gateway's CPU per call: what the process spends per call through it, minus what
        // the client and the backend spend per call without it.
        let gatewayCPU = through.cpuPerCall - floor.cpuPerCall
        print(
            "unary calls/s (\(options.concurrency) in flight over \(options.connections) connections, median of \(options.rounds) "
                + "x \(fmt(options.seconds, 1)) s per side)")
        print("  direct   \(fmt(floorRate, 0)) calls/s   p50 \(ms(floor.percentile(0.5)))  p99 \(ms(floor.percentile(0.99)))")
        print("  gateway  \(fmt(throughRate, 0)) calls/s   p50 \(ms(through.percentile(0.5)))  p99 \(ms(through.percentile(0.99)))")
        print(
            "  ratio gateway/direct \(fmt(throughRate / floorRate, 2))   (failures: direct \(floor.failures), gateway \(through.failures))")
        print(
            "  gateway CPU per call \(fmt(gatewayCPU * 1e6, 1)) µs = \(fmt(1 / gatewayCPU, 0)) calls/s per gateway core "
                + "(process CPU per call: direct \(fmt(floor.cpuPerCall * 1e6, 1)) µs, through the gateway \(fmt(through.cpuPerCall * 1e6, 1)) µs)"
        )

        // Latency: one call at a time, so that queueing does not hide the gateway's own cost.
        let perBlock = max(1, options.serialCalls / 10)
        var floorSerial: [LoadResult] = []
        var throughSerial: [LoadResult] = []
        for _ in 0..<10 {
            floorSerial.append(
                await load(
                    Path(clients: [direct.clients[0]], authority: direct.authority, token: direct.token), message: message,
                    seconds: 60, concurrency: 1, limit: perBlock))
            throughSerial.append(
                await load(
                    Path(clients: [gateway.clients[0]], authority: gateway.authority, token: gateway.token), message: message,
                    seconds: 60, concurrency: 1, limit: perBlock))
        }
        let serialFloor = LoadResult.merged(floorSerial)
        let serialThrough = LoadResult.merged(throughSerial)
        print("serial latency (one call at a time, \(serialFloor.calls) calls per side)")
        print("  direct   p50 \(ms(serialFloor.percentile(0.5)))  p99 \(ms(serialFloor.percentile(0.99)))")
        print("  gateway  p50 \(ms(serialThrough.percentile(0.5)))  p99 \(ms(serialThrough.percentile(0.99)))")
        print(
            "  added    p50 \(ms(serialThrough.percentile(0.5) - serialFloor.percentile(0.5)))  "
                + "p99 \(ms(serialThrough.percentile(0.99) - serialFloor.percentile(0.99)))")

        // Bulk: large responses, as an Arrow collect streams them.
        let bulkMessage = configRequest(session: UUID().uuidString.lowercased())
        let bulkDirect = Path(
            clients: [try await GRPCLoadClient.connect(group: clientsGroup, port: fixture.bulk.port)], authority: "bulk.bench.team",
            token: fixture.token)
        let bulkGateway = Path(
            clients: [try await GRPCLoadClient.connect(group: clientsGroup, port: fixture.gatewayPort)], authority: "bulk.bench.team",
            token: fixture.token)
        let rounds = max(1, options.bulkMiB / 32 / 4)
        _ = try await bulk(bulkGateway, message: bulkMessage, rounds: 1)
        _ = try await bulk(bulkDirect, message: bulkMessage, rounds: 1)
        var bulkFloor: [Double] = []
        var bulkThrough: [Double] = []
        for _ in 0..<4 {
            bulkFloor.append(try await bulk(bulkDirect, message: bulkMessage, rounds: rounds))
            bulkThrough.append(try await bulk(bulkGateway, message: bulkMessage, rounds: rounds))
        }
        print("bulk response (32 MiB per call in 64 KiB frames, \(rounds * 4) calls per side, median of 4)")
        print("  direct   \(fmt(median(bulkFloor), 0)) MiB/s")
        print("  gateway  \(fmt(median(bulkThrough), 0)) MiB/s")
        print("  ratio gateway/direct \(fmt(median(bulkThrough) / median(bulkFloor), 2))")

        for client in direct.clients + gateway.clients + bulkDirect.clients + bulkGateway.clients { await client.close() }
        await fixture.stop()
        try await clientsGroup.shutdownGracefully()
    }

    static func ms(_ seconds: Double) -> String { String(format: "%.3f ms", seconds * 1000) }
    static func fmt(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }
}
