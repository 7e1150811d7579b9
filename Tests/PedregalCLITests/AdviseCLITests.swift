import Foundation
import PedregalTestSupport
import Testing

/// `pedregal advise` end to end with the built binary, on the real event log
/// of an over-provisioned local-cluster run (6 one-core executors, stages of 2 to 4 tasks).
@Suite struct AdviseCLITests {
    let root: URL
    let logs: URL
    static let fixture = Paths.packageRoot.appendingPathComponent(
        "Tests/PedregalEventLogTests/Fixtures/rolling-zstd-overprovisioned/eventlog_v2_app-20261207010329-0000/events_1_app-20261207010329-0000.zstd"
    )
    static let team = """
        team: alpha
        owners:
          admins: [alpha-admins]
        environments:
          dev:
            regions: [us-west-2]
            size: small
        jobs:
          - name: nightly
            type: batch
            mainApplicationFile: s3://alpha/nightly.py
            executor: { instances: 6, cores: 1, memory: 1g }   # guessed
            driver: { cores: 1, memory: 1g }

        """

    init() throws {
        root = try Paths.temporaryDirectory()
        try Paths.write(Fixtures.templates.merging(["teams/alpha.yaml": Self.team]) { _, new in new }, to: root)
        logs = root.appendingPathComponent("logs")
        // The operator names a run's application <run>-<attempt>, and runs <job>-<hash>.
        let log = logs.appendingPathComponent("eventlog_v2_nightly-0123456789-0")
        try FileManager.default.createDirectory(at: log, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.fixture, to: log.appendingPathComponent("events_1_nightly-0123456789-0.zstd"))
        _ = FileManager.default.createFile(atPath: log.appendingPathComponent("appstatus_nightly-0123456789-0").path, contents: Data())
    }

    func pedregal(_ arguments: [String]) -> Shell.Result {
        Shell.run([Paths.binary.path] + arguments, in: root, environment: ["NO_COLOR": "1"])
    }

    @Test func advisesFromTheLogsInTextAndJSON() throws {
        let text = pedregal(["advise", "alpha/nightly", "--env", "dev", "--event-logs", logs.path])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.hasPrefix("sizing advice for alpha/nightly in dev from 1 run"))
        #expect(text.stdout.contains("executor.instances: 6 → "))
        let json = pedregal(["advise", "alpha/nightly", "--env", "dev", "--event-logs", logs.path, "--format", "json"])
        #expect(json.status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let current = try #require(document["current"] as? [String: Any])
        let recommended = try #require(document["recommended"] as? [String: Any])
        #expect(current["executorInstances"] as? Int == 6)
        #expect((recommended["executorInstances"] as? Int ?? 6) < 6)
        let now = try #require(document["executorMillisNow"] as? Int)
        let then = try #require(document["executorMillisRecommended"] as? Int)
        #expect(Double(then) <= 0.7 * Double(now))
        // The same logs give the same bytes.
        #expect(pedregal(["advise", "alpha/nightly", "--env", "dev", "--event-logs", logs.path, "--format", "json"]).stdout == json.stdout)
    }

    @Test func writeIsAMinimalEditThatCompiles() throws {
        let json = pedregal(["advise", "alpha/nightly", "--env", "dev", "--event-logs", logs.path, "--format", "json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let recommended = try #require(document["recommended"] as? [String: Any])
        let instances = try #require(recommended["executorInstances"] as? Int)
        let written = pedregal(["advise", "alpha/nightly", "--env", "dev", "--event-logs", logs.path, "--write"])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.stdout.contains("wrote      executor.instances: 6 → \(instances)"))
        let team = try String(contentsOf: root.appendingPathComponent("teams/alpha.yaml"), encoding: .utf8)
        var expected = Self.team.replacingOccurrences(of: "instances: 6,", with: "instances: \(instances),")
        if let memory = recommended["executorMemory"] as? String {
            expected = expected.replacingOccurrences(of: "memory: 1g }   # guessed", with: "memory: \(memory) }   # guessed")
        }
        if let driver = recommended["driverMemory"] as? String {
            expected = expected.replacingOccurrences(
                of: "driver: { cores: 1, memory: 1g }", with: "driver: { cores: 1, memory: \(driver) }")
        }
        #expect(team == expected)
        #expect(pedregal(["check"]).status == 0)
        // Nothing left to change: a second write writes nothing.
        let again = pedregal(["advise", "alpha/nightly", "--env", "dev", "--event-logs", logs.path, "--write"])
        #expect(again.status == 0)
        #expect(again.stdout.contains("nothing to write"))
    }

    /// The team file with the job's executor written as `executor`.
    func team(executor: String) throws -> String {
        let text = Self.team.replacingOccurrences(of: "executor: { instances: 6, cores: 1, memory: 1g }", with: executor)
        try text.write(to: root.appendingPathComponent("teams/alpha.yaml"), atomically: true, encoding: .utf8)
        return text
    }

    func recommended() throws -> [String: Any] {
        let json = pedregal(["advise", "alpha/nightly", "--env", "dev", "--event-logs", logs.path, "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        return try #require(document["recommended"] as? [String: Any])
    }

    @Test func writeRaisesATooSmallMemoryOverhead() throws {
        // Python workers and off-heap memory took 167.5 MiB beside the heap: 128m is too little.
        let before = try team(executor: "executor: { instances: 6, cores: 1, memory: 1g, memoryOverhead: 128m }")
        let values = try recommended()
        let overhead = try #require(values["executorMemoryOverhead"] as? String)
        let instances = try #require(values["executorInstances"] as? Int)
        let memory = try #require(values["executorMemory"] as? String)
        #expect(overhead != "128m")
        let written = pedregal(["advise", "alpha/nightly", "--env", "dev", "--event-logs", logs.path, "--write"])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.stdout.contains("wrote      executor.memoryOverhead: 128m → \(overhead)"), "\(written.stdout)")
        let after = try String(contentsOf: root.appendingPathComponent("teams/alpha.yaml"), encoding: .utf8)
        var expected = before.replacingOccurrences(
            of: "{ instances: 6, cores: 1, memory: 1g, memoryOverhead: 128m }",
            with: "{ instances: \(instances), cores: 1, memory: \(memory), memoryOverhead: \(overhead) }")
        if let driver = values["driverMemory"] as? String {
            expected = expected.replacingOccurrences(
                of: "driver: { cores: 1, memory: 1g }", with: "driver: { cores: 1, memory: \(driver) }")
        }
        #expect(after == expected)
        // The SparkApplication template carries it, and the generated files are current.
        let generated = try #require(
            FileManager.default.enumerator(at: root.appendingPathComponent("generated"), includingPropertiesForKeys: nil)?
                .compactMap { $0 as? URL }.first { $0.lastPathComponent.hasSuffix("configmap-job-nightly.yaml") })
        #expect(try String(contentsOf: generated, encoding: .utf8).contains("spark.executor.memoryOverhead: \"\(overhead)\""))
        #expect(pedregal(["check"]).status == 0)
    }

    @Test func writeRemovesAnOverheadSparksDefaultCovers() throws {
        let before = try team(executor: "executor: { instances: 6, cores: 1, memoryOverhead: 4g, memory: 1g }")
        let values = try recommended()
        #expect(values["executorMemoryOverhead"] == nil || values["executorMemoryOverhead"] is NSNull)
        let written = pedregal(["advise", "alpha/nightly", "--env", "dev", "--event-logs", logs.path, "--write"])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.stdout.contains("wrote      executor.memoryOverhead: 4g → default"), "\(written.stdout)")
        let after = try String(contentsOf: root.appendingPathComponent("teams/alpha.yaml"), encoding: .utf8)
        let instances = try #require(values["executorInstances"] as? Int)
        let memory = try #require(values["executorMemory"] as? String)
        var expected = before.replacingOccurrences(
            of: "{ instances: 6, cores: 1, memoryOverhead: 4g, memory: 1g }",
            with: "{ instances: \(instances), cores: 1, memory: \(memory) }")
        if let driver = values["driverMemory"] as? String {
            expected = expected.replacingOccurrences(
                of: "driver: { cores: 1, memory: 1g }", with: "driver: { cores: 1, memory: \(driver) }")
        }
        #expect(after == expected)
        #expect(pedregal(["check"]).status == 0)
    }

    @Test func usageAndMissingHistory() throws {
        #expect(pedregal(["advise", "alpha/nightly", "--env", "dev", "--event-logs", "x", "--history-server", "http://h"]).status == 64)
        #expect(pedregal(["advise", "alpha/nightly", "--event-logs", logs.path]).status == 64)
        let other = pedregal(["advise", "alpha/other", "--env", "dev", "--event-logs", logs.path])
        #expect(other.status == 64)
        #expect(other.stderr.contains("no job 'other'"))
        let empty = root.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let none = pedregal(["advise", "alpha/nightly", "--env", "dev", "--event-logs", empty.path])
        #expect(none.status == 1)
        #expect(none.stderr.contains("no finished run of nightly"))
    }
}
