import Foundation
import PedregalGatewayPeers

/// What one load phase measured.
struct LoadResult {
    var calls: Int
    var failures: Int
    var seconds: Double
    /// CPU time the whole process used (user + system), seconds.
    var cpuSeconds: Double
    var latencies: [Double]

    var rate: Double { Double(calls) / seconds }
    /// Process CPU time per successful call, seconds.
    var cpuPerCall: Double { cpuSeconds / Double(max(calls, 1)) }

    func percentile(_ p: Double) -> Double {
        guard !latencies.isEmpty else { return .nan }
        let sorted = latencies.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }

    /// Several phases as one.
    static func merged(_ results: [LoadResult]) -> LoadResult {
        LoadResult(
            calls: results.map(\.calls).reduce(0, +), failures: results.map(\.failures).reduce(0, +),
            seconds: results.map(\.seconds).reduce(0, +), cpuSeconds: results.map(\.cpuSeconds).reduce(0, +),
            latencies: results.flatMap(\.latencies))
    }
}

/// One side of a comparison: connections to the echo backend or to the gateway.
struct Path {
    var clients: [GRPCLoadClient]
    var authority: String
    var token: String?
}

/// User plus system CPU time of this process so far, seconds.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// Runs `concurrency` loops of unary `Config` calls over `path`'s connections,
/// for `seconds` or until `limit` calls have been made by each loop.
func load(_ path: Path, message: [UInt8], seconds: Double, concurrency: Int, limit: Int = .max) async -> LoadResult {
    let cpuBefore = processCPUSeconds()
    let start = ContinuousClock.now
    let deadline = start + .milliseconds(Int(seconds * 1000))
    let (latencies, failures) = await withTaskGroup(of: ([Double], Int).self) { group in
        for worker in 0..<concurrency {
            let client = path.clients[worker % path.clients.count]
            group.addTask {
                var latencies: [Double] = []
                var failures = 0
                latencies.reserveCapacity(min(limit, 100_000))
                while ContinuousClock.now < deadline, latencies.count + failures < limit {
                    let began = ContinuousClock.now
                    let outcome = try? await client.unary(
                        path: "/spark.connect.SparkConnectService/Config", authority: path.authority, token: path.token,
                        message: message)
                    if outcome?.status == 0 {
                        latencies.append((ContinuousClock.now - began).seconds)
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
    return LoadResult(
        calls: latencies.count, failures: failures, seconds: (ContinuousClock.now - start).seconds,
        cpuSeconds: processCPUSeconds() - cpuBefore, latencies: latencies)
}

/// Collects `rounds` large responses over `path`; returns MiB per second.
func bulk(_ path: Path, message: [UInt8], rounds: Int) async throws -> Double {
    let start = ContinuousClock.now
    var bytes = 0
    for _ in 0..<rounds {
        let outcome = try await path.clients[0].unary(
            path: "/spark.connect.SparkConnectService/ExecutePlan", authority: path.authority, token: path.token, message: message)
        guard outcome.status == 0 else {
            throw BenchError(message: "a bulk call failed: status \(outcome.status.map(String.init) ?? "none") \(outcome.message)")
        }
        bytes += outcome.bytes
    }
    return Double(bytes) / (ContinuousClock.now - start).seconds / 1_048_576
}

/// A benchmark that cannot go on.
struct BenchError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// A Spark Connect `ConfigRequest { session_id, user_context { user_id }, operation { get { keys: ["x"] } } }`.
func configRequest(session: String) -> [UInt8] {
    func field(_ number: UInt8, _ payload: [UInt8]) -> [UInt8] { [number << 3 | 2, UInt8(payload.count)] + payload }
    return field(1, Array(session.utf8)) + field(2, field(1, Array("client".utf8)))
        + field(3, field(2, field(1, field(1, Array("x".utf8)))))
}

/// Median of `values`.
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
}
