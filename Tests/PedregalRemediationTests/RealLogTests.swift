import Foundation
import PedregalRemediation
import Testing

/// The rules against the tails of real driver logs: small Spark 4 jobs that
/// failed for known reasons in `local-cluster[2,1,1024]` mode (executors in
/// JVMs of their own, as on Kubernetes), recorded by
/// Tests/e2e/remediation/run.sh. `.ci/run` runs the same jobs again and
/// checks the same classes from fresh logs.
@Suite struct RealLogTests {
    static func log(_ name: String) throws -> LogEvidence {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name).log")
        return LogEvidence(source: "driver log", text: try String(contentsOf: url, encoding: .utf8))
    }

    static func classify(_ name: String) throws -> Classification {
        Classifier.classify(FailureEvidence(driverLog: try log(name)))
    }

    @Test func aMissingTableIsADataErrorAndIsNotRetried() throws {
        let c = try Self.classify("missing-table")
        #expect(c.failureClass == .dataOrSchema)
        #expect(c.summary == "data or schema error: Spark error class [TABLE_OR_VIEW_NOT_FOUND] (SQLSTATE 42P01)")
        #expect(!c.retryable)
        #expect(c.proof.first?.line.contains("[TABLE_OR_VIEW_NOT_FOUND] The table or view `sales`.`orders_daily` cannot be found") == true)
    }

    @Test func anExceptionInAPythonUDFIsUserCode() throws {
        let c = try Self.classify("udf-error")
        #expect(c.failureClass == .userCode)
        #expect(c.role == .executor)
        #expect(c.summary == "user code error: a Python UDF raised ValueError")
        #expect(c.proof.first?.line == "ValueError: amount 7 is not a valid order amount")
        #expect(!c.retryable)
    }

    @Test func anExecutorOutOfHeapIsExecutorOutOfMemory() throws {
        let c = try Self.classify("executor-oom")
        #expect(c.failureClass == .executorOutOfMemory)
        #expect(c.role == .executor)
        #expect(c.retryable)
        // The executor's JVM died of it (Spark's exit code 52) before it could report the task's OutOfMemoryError.
        #expect(c.summary == "executor out of memory: an executor JVM exited with Spark's out-of-memory code 52")
        #expect(c.proof.contains { $0.line.contains("ExecutorLostFailure") && $0.line.contains("Command exited with code 52") })
        // The exception that ended the driver program is a consequence, not the cause.
        #expect(c.alsoSeen.contains(.userCode))
        #expect(!c.alsoSeen.contains(.driverOutOfMemory))
    }

    @Test func theDriverOutOfHeapIsDriverOutOfMemory() throws {
        let c = try Self.classify("driver-oom")
        #expect(c.failureClass == .driverOutOfMemory)
        #expect(c.role == .driver)
        #expect(c.retryable)
        #expect(c.proof.first?.line == ": java.lang.OutOfMemoryError: Java heap space")
    }

    @Test func classifyingTheSameLogTwiceGivesTheSameAnswer() throws {
        // Determinism: the same evidence gives the same answer, byte for byte.
        for name in ["missing-table", "udf-error", "executor-oom", "driver-oom"] {
            let first = try Self.classify(name)
            let second = try Self.classify(name)
            #expect(first == second)
        }
    }
}
