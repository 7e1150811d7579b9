import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import PedregalAuth
import PedregalCompiler
import PedregalLoader
import PedregalRequests
import PedregalTeamEdits
import ServiceLifecycle

// Measures the Cluster Request API against floors measured in the same run,
// on a throw-away copy of a repository root (work tree + bare remote):
//
//   create: POST through HTTP, auth, checks, change, state   vs   the change alone
//           (edit, compile the whole root, write, commit, push) through RequestRepository
//   read:   GET of one cluster (fetch, compile cache, refs)   vs   GET /healthz (the HTTP round trip)
//
// Ratios are what to compare across machines; milliseconds depend on the machine.
//
//   swift run -c release pedregal-requests-bench [--requests N] [--root DIR]

let arguments = CommandLine.arguments
func option(_ name: String) -> String? { arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil } }
let count = option("--requests").flatMap(Int.init) ?? 20
let source = option("--root") ?? FileManager.default.currentDirectoryPath

func median(_ values: [Duration]) -> Double {
    let seconds = values.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }.sorted()
    return seconds.isEmpty ? 0 : seconds[seconds.count / 2]
}

func measure(_ body: () async throws -> Void) async rethrows -> Duration {
    let start = ContinuousClock.now
    try await body()
    return ContinuousClock.now - start
}

func copyRoot(to work: String, git: Git) async throws {
    let fm = FileManager.default
    try fm.createDirectory(atPath: work, withIntermediateDirectories: true)
    for folder in ["teams", "templates", "generated"] {
        try fm.copyItem(atPath: source + "/" + folder, toPath: work + "/" + folder)
    }
    try await git.run(["init", "-q", "-b", "main"])
    try await git.run(["add", "-A"])
    try await git.run(["-c", "user.name=bench", "-c", "user.email=bench@localhost", "commit", "-q", "-m", "root"])
}

let folder = NSTemporaryDirectory() + "pedregal-requests-bench-" + UUID().uuidString
let environment = ["HOME": folder + "/home", "GIT_CONFIG_NOSYSTEM": "1"]
try FileManager.default.createDirectory(atPath: folder + "/home", withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: folder) }

// Two remotes from one root: one for the floor, one for the API.
var remotes: [String] = []
for name in ["floor", "api"] {
    let work = "\(folder)/\(name)-work"
    let git = Git(directory: work, environment: environment)
    try await copyRoot(to: work, git: git)
    try await Git(directory: folder, environment: environment).run(["init", "-q", "--bare", "\(name).git"])
    try await git.run(["push", "-q", "\(folder)/\(name).git", "main"])
    remotes.append("\(folder)/\(name).git")
}
guard
    let team = Compiler().compile(DiskSourceTree(root: URL(fileURLWithPath: source))).platform?.teams
        .first(where: { team in team.environments.contains { $0.name == "dev" } })
else {
    print("the root needs a team with a dev environment")
    exit(1)
}
let region = team.environments.first { $0.name == "dev" }!.regions[0].name

// The API on loopback.
let issuer = try TokenIssuer.rsa(keyID: "bench")
try TokenIssuer.jwks([issuer]).write(toFile: folder + "/jwks.json", atomically: true, encoding: .utf8)
let token = try issuer.token(subject: "bench", groups: team.admins, issuer: "https://issuer.bench", audience: "pedregal")
var logger = Logger(label: "bench")
logger.logLevel = .error
let ports = AsyncStream<Int>.makeStream()
let app = try buildApplication(
    ServeConfiguration(
        port: 0, remote: remotes[1], stateDirectory: folder + "/state", issuer: "https://issuer.bench",
        audiences: ["pedregal"], jwks: .file(folder + "/jwks.json"), gitEnvironment: environment),
    logger: logger
) { ports.continuation.yield($0) }
let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
let server = Task { try await group.run() }
var listening = 0
for await value in ports.stream {
    listening = value
    break
}
let port = listening

func send(_ method: NIOHTTP1.HTTPMethod, _ path: String, body: String? = nil) async throws -> Int {
    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
    request.method = method
    request.headers.add(name: "Authorization", value: "Bearer \(token)")
    if let body { request.body = .bytes(ByteBuffer(string: body)) }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
    _ = try await response.body.collect(upTo: 1 << 20)
    return Int(response.status.code)
}

// The floor: the change itself, with no HTTP, auth, checks or state.
let floorRepository = RequestRepository(
    settings: .init(
        remote: remotes[0], targetBranch: "main", checkout: folder + "/floor-checkout", gitEnvironment: environment))
try await floorRepository.prepare()
let file = "teams/\(team.source.split(separator: "/").last!)"

// Alternating, so that load on the machine weighs on both alike; the
// first of each (cold caches) is left out.
var floorTimes: [Duration] = []
var createTimes: [Duration] = []
for index in 0...count {
    let floorTime = try await measure {
        _ = try await floorRepository.change(
            base: "refs/remotes/origin/main", branch: "main", record: "refs/pedregal-requests/bench/f\(index)"
        ) { _, tree in
            let bytes = try TeamFile(path: file, bytes: try tree.contents(of: file) ?? []).addingSparkConnect([
                ("name", .text("f\(index)")), ("environments", .list(["dev"])), ("regions", .list([region])),
            ])
            return RequestRepository.Edit(files: [file: bytes], message: "bench \(index)")
        }
    }
    let createTime = try await measure {
        let status = try await send(
            .POST, "/api/v1/spark-connect-clusters",
            body: """
                {"team": "\(team.name)", "environment": "dev", "region": "\(region)", "name": "a\(index)"}
                """)
        precondition(status == 201, "create answered \(status)")
    }
    if index > 0 {
        floorTimes.append(floorTime)
        createTimes.append(createTime)
    }
}
var readTimes: [Duration] = []
var healthTimes: [Duration] = []
for index in 1...count {
    readTimes.append(try await measure { _ = try await send(.GET, "/api/v1/spark-connect-clusters/\(team.name).a\(index)") })
    healthTimes.append(try await measure { _ = try await send(.GET, "/healthz") })
}
await group.triggerGracefulShutdown()
_ = try? await server.value

let (floor, create, read, health) = (median(floorTimes), median(createTimes), median(readTimes), median(healthTimes))
print("root: \(source) (\(team.name), dev/\(region)); \(count) requests each; medians")
print(String(format: "create  %7.1f ms   floor (the change alone)  %7.1f ms   ratio %.2f×", create * 1000, floor * 1000, create / floor))
print(String(format: "read    %7.1f ms   floor (GET /healthz)      %7.1f ms   ratio %.1f×", read * 1000, health * 1000, read / health))
