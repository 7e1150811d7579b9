import Foundation
import NIOCore
import NIOPosix
import PedregalKubernetes
import PedregalManifests
import PedregalRunner
import PedregalTestSupport
import Testing

/// The executable that runs these tests' commands: `PEDREGAL_BINARY`, else
/// the `pedregal` built beside this test bundle when it is newer than every
/// source file, else the shared test build.
enum RunnerBinary {
    static let url: URL = {
        if let path = ProcessInfo.processInfo.environment["PEDREGAL_BINARY"] { return URL(fileURLWithPath: path) }
        let sibling = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
            "pedregal")
        if let built = modified(sibling), newestSource() < built { return sibling }
        return Paths.binary
    }()

    private static func modified(_ url: URL) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date
    }

    private static func newestSource() -> Date {
        let sources = Paths.packageRoot.appendingPathComponent("Sources")
        var newest = modified(Paths.packageRoot.appendingPathComponent("Package.swift")) ?? .distantPast
        let enumerator = FileManager.default.enumerator(atPath: sources.path)
        while let path = enumerator?.nextObject() as? String {
            if let date = modified(sources.appendingPathComponent(path)), date > newest { newest = date }
        }
        return newest
    }
}

/// The runner commands through the built binary: flags, output and every exit status.
@Suite struct RunnerCLITests {
    /// Runs the binary on a thread of its own: waiting for a process must not
    /// hold one of the few threads the fake server's tests need.
    func pedregal(_ arguments: [String], in cluster: TestCluster) async -> Shell.Result {
        await Self.run(arguments, in: cluster.root, kubeconfig: cluster.kubeconfig)
    }

    static func run(_ arguments: [String], in root: URL, kubeconfig: String) async -> Shell.Result {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    returning: Shell.run(
                        [RunnerBinary.url.path] + arguments, in: root, environment: ["NO_COLOR": "1", "KUBECONFIG": kubeconfig]))
            }
        }
    }

    @Test func applyStatusAndTheGuardThroughTheBinary() async throws {
        try await withCluster { cluster in
            try cluster.folder(Manifests.tenant())
            try cluster.folder(Manifests.tenant(), cluster: "sk8-eu-west-1")

            let applied = await pedregal(["apply", "generated/sk8-us-west-2"], in: cluster)
            #expect(applied.status == 0, "\(applied.stderr)")
            #expect(applied.stdout.hasPrefix("created    Namespace sjns-alpha-dev\n"))
            #expect(applied.stdout.hasSuffix("sk8-us-west-2: 7 objects, 7 created, 0 configured, 0 unchanged, 0 failed\n"))

            // The Connect server has no running state yet: unhealthy, exit 1.
            let status = await pedregal(["status", "generated/sk8-us-west-2", "--format", "json"], in: cluster)
            #expect(status.status == 1)
            let document = try JSONReader.parse(status.stdout)
            #expect(document["summary"] == "sk8-us-west-2: 7 objects, 6 ok, 0 missing, 0 drifted, 1 unhealthy")

            let refused = await pedregal(["apply", "generated/sk8-eu-west-1", "--dry-run"], in: cluster)
            #expect(refused.status == 77)
            #expect(refused.stdout.isEmpty)
            #expect(
                refused.stderr.hasPrefix(
                    "pedregal: error: refusing to act on 'generated/sk8-eu-west-1', which is for cluster 'sk8-eu-west-1'"))
            let confirmed = await pedregal(
                ["apply", "generated/sk8-eu-west-1", "--dry-run", "--cluster", "sk8-eu-west-1"], in: cluster)
            #expect(confirmed.status == 0, "\(confirmed.stderr)")
            // The same objects, labelled for another cluster: the dry run shows each would change.
            #expect(
                confirmed.stdout.hasSuffix(
                    "sk8-eu-west-1 (dry run, nothing changed): 7 objects, 0 created, 7 configured, 0 unchanged, 0 failed\n"))
        }
    }

    @Test func jobsThroughTheBinary() async throws {
        try await withCluster { cluster in
            cluster.fake.seed(Manifests.namespace("sjns-alpha-prod"))
            _ = try JobTests.writeGenerated(cluster.root)
            let submitted = await pedregal(
                [
                    "submit", "alpha/daily", "--env", "prod", "--region", "us-west-2", "--token", "t1", "--arg", "--date",
                    "--arg", "2025-01-01",
                    "--format", "json",
                ], in: cluster)
            #expect(submitted.status == 0, "\(submitted.stderr)")
            let run = try #require(try JSONReader.parse(submitted.stdout)["run"]?.string)
            let stored = try #require(
                cluster.fake.object(
                    "spark.apache.org/v1", "SparkApplication", namespace: "sjns-alpha-prod",
                    name: String(run.split(separator: "/")[1])))
            #expect(stored["spec"]?["driverArgs"] == ["--date", "2025-01-01"])

            let again = await pedregal(
                ["submit", "alpha/daily", "--env", "prod", "--region", "us-west-2", "--token", "t1"], in: cluster)
            #expect(again.status == 0)
            #expect(again.stdout.hasSuffix("\nalready submitted: \(run) exists for token t1 (pending)\n"))
            #expect(again.stdout.hasPrefix("logical time "))

            let status = await pedregal(["job", "status", run], in: cluster)
            #expect(status.status == 0)
            #expect(status.stdout == "\(run): pending\n")
            let cancelled = await pedregal(["cancel", run], in: cluster)
            #expect(cancelled.status == 0)
            #expect(cancelled.stdout == "cancelled \(run); it was pending\n")
            let gone = await pedregal(["job", "status", run], in: cluster)
            #expect(gone.status == 1)
            #expect(gone.stderr == "pedregal: error: run \(run) not found\n")
        }
    }

    @Test func usageLocalFileAndUnreachableExitStatuses() async throws {
        try await withCluster { cluster in
            try cluster.folder(Manifests.tenant())
            for arguments in [
                ["submit"], ["submit", "alpha/daily"], ["submit", "daily", "--env", "prod"],
                ["submit", "alpha/daily", "--env", "prod", "--template", "x.yaml"], ["job", "status", "no-slash"],
                ["status", "generated/sk8-us-west-2", "--timeout", "0"], ["apply"], ["cancel", "a/b", "--format", "xml"],
                ["apply", "generated/sk8-us-west-2", "--prune-namespaces"], ["expire"],
                ["submit", "--template", "x.yaml", "--scheduled-job", "j-1", "--token", "t"],
                ["submit", "--template", "x.yaml", "--scheduled-job", "j-1", "--logical-date", "2025-01-15"],
            ] {
                let result = await pedregal(arguments, in: cluster)
                #expect(result.status == 64, "\(arguments): \(result.stderr)")
            }
            let missing = await pedregal(["apply", "generated/nope"], in: cluster)
            #expect(missing.status == 74)
            #expect(
                missing.stderr
                    == "pedregal: error: 'generated/nope' is not a folder; give a cluster folder such as generated/sk8-us-west-2\n"
            )
            let noKubeconfig = await pedregal(["status", "generated/sk8-us-west-2", "--kubeconfig", "absent"], in: cluster)
            #expect(noKubeconfig.status == 74)
            #expect(cluster.fake.requests.isEmpty)

            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0)
                .get()
            let port = channel.localAddress!.port!
            try await channel.close()
            let unreachable = await pedregal(
                ["status", "generated/sk8-us-west-2", "--server", "http://127.0.0.1:\(port)", "--cluster", "sk8-us-west-2"],
                in: cluster)
            #expect(unreachable.status == 69)
            #expect(unreachable.stderr.hasPrefix("pedregal: error: the cluster is unreachable after 5 attempts"))
        }
    }

    @Test func helpDocumentsExitStatusesAndExamples() async throws {
        let root = try Paths.temporaryDirectory()
        for command in [["apply"], ["status"], ["submit"], ["job", "status"], ["cancel"], ["expire"]] {
            let help = await Self.run(command + ["--help"], in: root, kubeconfig: "unused")
            #expect(help.status == 0)
            #expect(help.stdout.contains("Exit status: 0"), "\(command)")
            if command != ["job", "status"] && command != ["cancel"] {
                #expect(help.stdout.contains("65 the folder holds files"), "\(command)")
            }
            #expect(help.stdout.contains("Examples:"), "\(command)")
        }
    }
}
