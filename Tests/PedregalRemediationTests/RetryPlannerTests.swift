import PedregalRemediation
import Testing

/// The retry planner: memory 1.5× then 2× of the first value within the
/// quota, backoffs for transient failures, never for user errors.
@Suite struct RetryPlannerTests {
    static func classification(_ log: [String]) -> Classification {
        Classifier.classify(FailureEvidence(driverLog: LogEvidence(source: "driver log", lines: log)))
    }

    static let executorOOM = classification([
        "25/01/15 10:00:01 WARN TaskSetManager: Lost task 3.0 in stage 2.0 (TID 17) (10.0.3.4 executor 2): java.lang.OutOfMemoryError: Java heap space"
    ])

    static let settings = SparkSettings(
        conf: ["spark.executor.memory": "4g", "spark.driver.memory": "2g", "spark.executor.instances": "4"], nonJVM: false)

    @Test func executorMemoryGrowsByHalfThenToDoubleOfItsFirstValue() {
        let first = RetryPlanner.plan(Self.executorOOM, RetryContext(attempt: 1, maxAttempts: 3, settings: Self.settings))
        guard case .retry(let changes, let wait, _) = first else {
            Issue.record("expected a retry, got \(first)")
            return
        }
        #expect(changes == [SettingChange(key: "spark.executor.memory", from: "4g", to: "6g")])
        #expect(wait == 0)

        var second = Self.settings
        second.conf["spark.executor.memory"] = "6g"
        let next = RetryPlanner.plan(
            Self.executorOOM, RetryContext(attempt: 2, maxAttempts: 3, settings: second, baseline: ["spark.executor.memory": "4g"]))
        guard case .retry(let more, _, _) = next else {
            Issue.record("expected a retry, got \(next)")
            return
        }
        #expect(more == [SettingChange(key: "spark.executor.memory", from: "6g", to: "8g")])

        var third = Self.settings
        third.conf["spark.executor.memory"] = "8g"
        let last = RetryPlanner.plan(
            Self.executorOOM, RetryContext(attempt: 3, maxAttempts: 5, settings: third, baseline: ["spark.executor.memory": "4g"]))
        guard case .stop(let reason) = last else {
            Issue.record("expected a stop, got \(last)")
            return
        }
        #expect(reason.contains("already 8g, 2× its first 4g"))
    }

    @Test func theLastAttemptIsNotRetried() {
        let decision = RetryPlanner.plan(Self.executorOOM, RetryContext(attempt: 3, maxAttempts: 3, settings: Self.settings))
        #expect(decision == .stop("not retried: attempt 3 of 3 failed, the last the retry policy allows"))
    }

    @Test func aRemedyTheQuotaCannotHoldStopsAndSaysSo() {
        // 4 executors × (6g + 614m overhead) + driver (2g + 384m) ≈ 28.8Gi, over a 24Gi quota.
        let quota = QuotaLimit(name: "sjns-ds-prod/quota", resource: "requests.memory", hardBytes: 24 << 30)
        let decision = RetryPlanner.plan(
            Self.executorOOM, RetryContext(attempt: 1, maxAttempts: 3, settings: Self.settings, quota: quota))
        guard case .stop(let reason) = decision else {
            Issue.record("expected a stop, got \(decision)")
            return
        }
        #expect(reason.contains("spark.executor.memory 4g → 6g"))
        #expect(reason.contains("requests.memory of quota sjns-ds-prod/quota is 24Gi"))
        #expect(reason.contains("driver 2.38Gi + 4 executors × 6.6Gi"))

        let roomy = QuotaLimit(name: "sjns-ds-prod/quota", resource: "requests.memory", hardBytes: 64 << 30)
        let fits = RetryPlanner.plan(Self.executorOOM, RetryContext(attempt: 1, maxAttempts: 3, settings: Self.settings, quota: roomy))
        guard case .retry(_, _, let note) = fits else {
            Issue.record("expected a retry, got \(fits)")
            return
        }
        #expect(note.contains("of the quota's 64Gi"))
    }

    @Test func containerMemoryRaisesTheOverheadOfTheRoleThatWasKilled() {
        let killed = Classifier.classify(
            FailureEvidence(pods: [
                PodEvidence(
                    name: "daily-1a2b3c4d5e-0-driver", role: .driver, phase: "Failed",
                    containers: [
                        ContainerEvidence(name: "spark-kubernetes-driver", terminated: Termination(reason: "OOMKilled", exitCode: 137))
                    ])
            ]))
        #expect(killed.failureClass == .containerMemory)
        #expect(killed.role == .driver)
        // Python: the overhead is 0.4 × 2g = 819m; 1.5× is 1229m.
        let python = SparkSettings(conf: ["spark.driver.memory": "2g"], nonJVM: true)
        let decision = RetryPlanner.plan(killed, RetryContext(attempt: 1, maxAttempts: 3, settings: python))
        #expect(
            decision
                == .retry(
                    changes: [SettingChange(key: "spark.driver.memoryOverhead", from: "819m", to: "1229m")], waitSeconds: 0,
                    note: "1.5× its first value"))
    }

    @Test func transientFailuresWaitLongerEachTimeAndUserErrorsNeverRetry() {
        let transient = Self.classification([
            "py4j.protocol.Py4JJavaError: An error occurred while calling o88.save.",
            ": org.apache.iceberg.exceptions.ServiceUnavailableException: Service unavailable: catalog is restarting",
        ])
        #expect(transient.failureClass == .transientDependency)
        let waits = (1...3).map { attempt -> Int? in
            if case .retry(let changes, let wait, _) = RetryPlanner.plan(
                transient, RetryContext(attempt: attempt, maxAttempts: 4, settings: Self.settings, backoffSeconds: 60))
            {
                return changes.isEmpty ? wait : nil
            }
            return nil
        }
        #expect(waits == [60, 120, 240])

        let user = Self.classification([
            "Traceback (most recent call last):", "  File \"/opt/job.py\", line 3, in <module>", "KeyError: 'region'",
        ])
        #expect(user.failureClass == .userCode)
        let decision = RetryPlanner.plan(user, RetryContext(attempt: 1, maxAttempts: 3, settings: Self.settings))
        guard case .stop(let reason) = decision else {
            Issue.record("expected a stop, got \(decision)")
            return
        }
        #expect(reason.hasPrefix("not retried: a user code error does not go away on a retry"))
    }

    @Test func settingsSparkWouldRefuseNeverBreakThePlan() {
        let odd = SparkSettings(
            conf: [
                "spark.executor.memory": "9999999999999999t", "spark.driver.memoryOverheadFactor": "inf",
                "spark.executor.instances": "-3", "spark.dynamicAllocation.enabled": "true", "spark.dynamicAllocation.maxExecutors": "x",
            ], nonJVM: false)
        #expect(odd.memoryMiB(.executor) == 1024)
        #expect(odd.overheadMiB(.driver) == 384)
        let decision = RetryPlanner.plan(Self.executorOOM, RetryContext(attempt: -4, maxAttempts: Int.max, settings: odd))
        #expect(
            decision
                == .retry(
                    changes: [SettingChange(key: "spark.executor.memory", from: "1g", to: "1536m")], waitSeconds: 0,
                    note: "1.5× its first value"))
    }

    @Test func sparkSizesReadAndWriteAsSparkDoes() {
        #expect(SparkSize.mebibytes("4g") == 4096)
        #expect(SparkSize.mebibytes("512m") == 512)
        #expect(SparkSize.mebibytes("1536") == 1536)
        #expect(SparkSize.mebibytes("2048k") == 2)
        #expect(SparkSize.mebibytes("1t") == 1 << 20)
        #expect(SparkSize.mebibytes("4.5g") == nil)
        #expect(SparkSize.mebibytes("lots") == nil)
        #expect(SparkSize.mebibytes("99999999999999999999g") == nil)
        #expect(SparkSize.text(mebibytes: 6144) == "6g")
        #expect(SparkSize.text(mebibytes: 1229) == "1229m")
    }
}
