import Foundation
import PedregalRunner
import PedregalYAML
import Testing

/// `pedregal job classify` on the real driver logs and event logs (rolling,
/// zstd) of Spark jobs that failed in local-cluster mode, recorded by
/// Tests/e2e/remediation/run.sh.
@Suite struct SavedLogClassificationTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../PedregalRemediationTests/Fixtures").standardizedFileURL.path

    func classify(driverLog: String?, eventLog: String?) throws -> YAMLValue {
        let captured = Captured()
        let status = Runner.classify(
            driverLog: driverLog.map { "\(Self.fixtures)/\($0).log" }, eventLog: eventLog.map { "\(Self.fixtures)/eventlogs/\($0)" },
            output: captured.output(.json))
        #expect(status == .success, "\(captured.err)")
        return try #require(try captured.json()["failure"])
    }

    @Test(arguments: [
        ("missing-table", "data-or-schema", "unknown"), ("udf-error", "user-code", "user-code"),
        ("executor-oom", "executor-out-of-memory", "executor-out-of-memory"), ("driver-oom", "driver-out-of-memory", "unknown"),
    ])
    func theDriverLogAndTheEventLogAgree(job: String, fromDriverLog: String, fromEventLog: String) throws {
        #expect(try classify(driverLog: job, eventLog: nil)["class"] == .string(fromDriverLog))
        #expect(try classify(driverLog: job, eventLog: job)["class"] == .string(fromDriverLog))
        // The event log knows what failed in tasks; a failure before any task, or of the driver itself, leaves it silent.
        #expect(try classify(driverLog: nil, eventLog: job)["class"] == .string(fromEventLog))
    }

    @Test func theEventLogProvesAnExecutorLostToMemoryInItsOwnWords() throws {
        let failure = try classify(driverLog: nil, eventLog: "executor-oom")
        let lines = failure["proof"]?.listValue?.compactMap { $0["line"]?.string } ?? []
        #expect(lines.first == "task 0.0 on executor 0 failed: ExecutorLostFailure (executor 0): Command exited with code 52")
        #expect(lines.contains("executor 0 removed: Command exited with code 52"))
        let udf = try classify(driverLog: nil, eventLog: "udf-error")
        #expect(udf["proof"]?.listValue?.first?["line"] == "ValueError: amount 7 is not a valid order amount")
        #expect(udf["summary"] == "user code error: a Python UDF raised ValueError")
    }

    @Test func whatIsNotALogIsRefusedWithTheReason() {
        let captured = Captured()
        #expect(Runner.classify(driverLog: nil, eventLog: "\(Self.fixtures)/udf-error.log", output: captured.output()) == .ioError)
        #expect(captured.err.hasPrefix("pedregal: error: event log: "))
        let missing = Captured()
        #expect(Runner.classify(driverLog: "/nonexistent/driver.log", eventLog: nil, output: missing.output()) == .ioError)
        #expect(missing.err == "pedregal: error: driver log '/nonexistent/driver.log' does not exist\n")
    }
}
