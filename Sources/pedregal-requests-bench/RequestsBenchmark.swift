import Foundation
import PedregalCompiler
import PedregalLoader
import PedregalRequests
import PedregalTeamEdits

// Measures the Cluster Request API on a throw-away copy of a root (a bare
// remote, the server on loopback), each figure beside a floor measured in the
// same run:
//
//   create, one at a time     vs  compiling the root with that one team file changed (same compiler)
//   GET of one cluster        vs  GET /healthz (the bare HTTP round trip)
//   20 creates at once, for 20 teams: every answer and the slowest
//   GET and LIST while those 20 changes run: p50 and p99
//
// For the 2,000-team platform:
//
//   swift build -c release --product pedregal --product pedregal-bench --product pedregal-requests-bench
//   .build/release/pedregal-bench --teams 2000 --regions 3 --write-corpus /dev/shm/root
//   .build/release/pedregal generate --root /dev/shm/root
//   .build/release/pedregal-requests-bench --root /dev/shm/root --scratch /dev/shm

@main
struct RequestsBenchmark {
    static func main() async throws {
        let options = Options(CommandLine.arguments)
        let scratch = options.scratch + "/pedregal-requests-bench-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let clock = ContinuousClock()

        // The root as the remote's main, and the teams to ask for.
        let setUp = clock.now
        let remote = try await BenchRoot.remote(from: options.root, in: scratch)
        let sources = try BenchRoot.sources(options.root)
        let compiled = Compiler().compile(MemorySourceTree(bytes: sources))
        guard let platform = compiled.platform, !compiled.hasErrors else {
            print("the root does not compile")
            exit(1)
        }
        let teams = platform.teams.filter { team in team.environments.contains { $0.name == "dev" } }
        let needed = options.requests + 1 + options.concurrent
        guard teams.count >= needed, platform.settings.clusterRequests?.environments["dev"]?.autoApprove == true else {
            print("the root needs \(needed) teams with a dev environment, and dev requests auto-approved in templates/platform.yaml")
            exit(1)
        }
        print(
            "root: \(options.root): \(platform.teams.count) teams, \(compiled.files.count) generated files "
                + "(set up in \(seconds(clock.now - setUp)))")

        let started = clock.now
        let server = try await BenchServer.start(
            remote: remote, state: scratch + "/state", groups: teams.prefix(needed).flatMap(\.admins))
        print("start-up: clone, fetch and compile the root: \(seconds(clock.now - started))")

        // The floor of a create: the compile it cannot avoid, through a compiler of its own, warmed like the server's.
        let floorCompiler = CompileService()
        _ = await floorCompiler.compile(MemorySourceTree(bytes: sources))
        let request: @Sendable (Int) -> String = { team in
            let region = teams[team].environments.first { $0.name == "dev" }!.regions[0].name
            return #"{"team": "\#(teams[team].name)", "environment": "dev", "region": "\#(region)"}"#
        }

        // One at a time: a create, the floor for the same edit, a GET, /healthz.
        var creates: [Duration] = []
        var floors: [Duration] = []
        var reads: [Duration] = []
        var health: [Duration] = []
        for index in 0...options.requests {
            let team = teams[index]
            let file = "teams/\(team.name).yaml"
            let region = team.environments.first { $0.name == "dev" }!.regions[0].name
            var edited = sources
            edited[file] = try TeamFile(path: file, bytes: sources[file] ?? []).addingSparkConnect([
                ("name", .text("floor")), ("environments", .list(["dev"])), ("regions", .list([region])),
            ])
            let tree = MemorySourceTree(bytes: edited)
            let (_, floor) = await timed { await floorCompiler.compile(tree) }
            let (status, create) = try await timed { try await server.send("POST", "/api/v1/spark-connect-clusters", body: request(index)) }
            precondition(status == 201, "create answered \(status)")
            let id = "\(team.name).dev-\(team.environments.first { $0.name == "dev" }!.regions[0].alias)"
            let (_, read) = try await timed { try await server.send("GET", "/api/v1/spark-connect-clusters/\(id)") }
            let (_, bare) = try await timed { try await server.send("GET", "/healthz") }
            // The first of each warms caches and connections.
            guard index > 0 else { continue }
            creates.append(create)
            floors.append(floor)
            reads.append(read)
            health.append(bare)
        }
        let id = "\(teams[1].name).dev-\(teams[1].environments.first { $0.name == "dev" }!.regions[0].alias)"

        // Twenty at once, for twenty other teams, while reads run beside them.
        let first = options.requests + 1
        let commitsBefore = try await server.commitCount()
        let burst = clock.now
        // A read that fails ends the benchmark with its error: an empty row would read as "no reads".
        let reader = Task { () async throws -> [(String, Duration)] in
            var latencies: [(String, Duration)] = []
            var turn = 0
            while !Task.isCancelled {
                turn += 1
                let path =
                    turn % 2 == 0 ? "/api/v1/spark-connect-clusters/\(id)" : "/api/v1/spark-connect-clusters?team=\(teams[1].name)"
                let status: Int
                let latency: Duration
                do {
                    (status, latency) = try await timed { try await server.send("GET", path) }
                } catch {
                    if Task.isCancelled { break }  // the read in flight when the creates ended
                    throw error
                }
                precondition(status == 200, "\(path) answered \(status)")
                latencies.append((turn % 2 == 0 ? "GET" : "LIST", latency))
            }
            return latencies
        }
        let answers = try await withThrowingTaskGroup(of: (Int, Duration).self) { group in
            for index in first..<(first + options.concurrent) {
                group.addTask { try await timed { try await server.send("POST", "/api/v1/spark-connect-clusters", body: request(index)) } }
            }
            var results: [(Int, Duration)] = []
            for try await result in group { results.append(result) }
            return results
        }
        let burstTime = clock.now - burst
        reader.cancel()
        let during: [(String, Duration)]
        do {
            during = try await reader.value
        } catch {
            print("a read while the creates ran failed: \(error)")
            exit(1)
        }
        let commits = try await server.commitCount() - commitsBefore
        let pushes = try await server.pushCount()
        await server.stop()

        print("\n\(options.requests) creates one at a time (dev, committed to main), medians:")
        row("create", median(creates), floor: median(floors), "compile with one team changed")
        row("GET one cluster", median(reads), floor: median(health), "GET /healthz")
        print("  create p90 \(ms(percentile(creates, 0.9))), GET p99 \(ms(percentile(reads, 0.99)))")
        print("\n\(options.concurrent) creates at once for \(options.concurrent) teams:")
        let ok = answers.filter { (200..<300).contains($0.0) }.count
        print("  \(ok) of \(answers.count) answered 2xx; \(commits) commits in \(pushes) pushes to main so far")
        print("  all answered within \(seconds(burstTime)); fastest \(seconds(answers.map(\.1).min() ?? .zero))")
        for kind in ["GET", "LIST"] {
            let times = during.filter { $0.0 == kind }.map(\.1)
            print(
                "  \(kind) while they ran: \(times.count) answered, p50 \(ms(percentile(times, 0.5))), p99 \(ms(percentile(times, 0.99))), max \(ms(times.max() ?? .zero))"
            )
        }
    }

    static func row(_ name: String, _ value: Duration, floor: Duration, _ what: String) {
        let ratio = floor == .zero ? 0 : value / floor
        print(
            "  \(name.padding(toLength: 18, withPad: " ", startingAt: 0)) \(ms(value))   floor (\(what)) \(ms(floor))   ratio \(String(format: "%.2f", ratio))×"
        )
    }
}
