import PedregalRemediation
import Testing

/// What Kubernetes and the two operators record about failed runs, written
/// as they write it: container terminations, the Apache operator's state
/// history with the driver's last observed status, Kubeflow's error message
/// and events, the API server's quota refusal, the kubelet's waits and
/// evictions, and Spark's own lost-executor lines on Kubernetes.
@Suite struct ClusterEvidenceTests {
    static func driverPod(_ termination: Termination? = nil, waiting: String? = nil, message: String? = nil) -> PodEvidence {
        PodEvidence(
            name: "daily-1a2b3c4d5e-0-driver", role: .driver, phase: termination == nil ? "Pending" : "Failed",
            containers: [
                ContainerEvidence(name: "spark-kubernetes-driver", waitingReason: waiting, waitingMessage: message, terminated: termination)
            ])
    }

    @Test func anOOMKilledDriverIsContainerMemoryEvenWhenItsPodIsGone() {
        // The Apache operator keeps the driver's pod status in its state history.
        let evidence = FailureEvidence(
            application: ApplicationEvidence(
                state: "TerminatedWithoutReleaseResources",
                messages: ["Driver has one or more failed critical container(s), refer last observed status for details."],
                driverTermination: Termination(reason: "OOMKilled", exitCode: 137)))
        let c = Classifier.classify(evidence)
        #expect(c.failureClass == .containerMemory)
        #expect(c.role == .driver)
        #expect(c.retryable)
        #expect(c.proof == [Proof(source: "SparkApplication status (last observed driver)", line: "terminated: OOMKilled (exit code 137)")])
    }

    @Test func kubeflowsMessagesAndEventsCarryTheExitCodes() {
        let driver = Classifier.classify(
            FailureEvidence(
                application: ApplicationEvidence(
                    state: "FAILED", messages: ["driver container failed with ExitCode: 137, Reason: OOMKilled"])))
        #expect(driver.failureClass == .containerMemory)
        #expect(driver.role == .driver)

        let executor = Classifier.classify(
            FailureEvidence(
                application: ApplicationEvidence(state: "FAILED", messages: ["driver container failed with ExitCode: 1, Reason: Error"]),
                events: [
                    EventEvidence(
                        type: "Warning", reason: "SparkExecutorFailed",
                        message: "Executor daily-1a2b3c4d5e failed with ExitCode: 52, Reason: Error, Pod Message: ",
                        object: "SparkApplication daily-1a2b3c4d5e")
                ]))
        #expect(executor.failureClass == .executorOutOfMemory)
        #expect(executor.proof.first?.source == "event Warning SparkExecutorFailed on SparkApplication daily-1a2b3c4d5e")
    }

    @Test func sparksLostExecutorLinesOnKubernetesTellContainerMemoryFromHeap() {
        let killed = Classifier.classify(
            FailureEvidence(
                driverLog: LogEvidence(
                    source: "driver log",
                    lines: [
                        "25/01/15 10:00:01 ERROR TaskSchedulerImpl: Lost executor 3 on 10.0.3.4:",
                        "The executor with id 3 exited with exit code 137(SIGKILL, possible container OOM).",
                        "The API gave the following container statuses:", "\t exit code: 137", "\t termination reason: OOMKilled",
                    ])))
        #expect(killed.failureClass == .containerMemory)
        #expect(killed.role == .executor)

        let heap = Classifier.classify(
            FailureEvidence(
                driverLog: LogEvidence(
                    source: "driver log",
                    lines: ["The executor with id 2 exited with exit code 52(JVM OOM).", "The API gave the following brief reason: Error"]))
        )
        #expect(heap.failureClass == .executorOutOfMemory)
    }

    @Test func aQuotaRefusalIsRetryableOnlyWhenTheRunFitsTheWholeQuota() {
        func refusal(requested: String, limited: String) -> Classification {
            Classifier.classify(
                FailureEvidence(
                    application: ApplicationEvidence(
                        state: "SchedulingFailure",
                        messages: [
                            "Failed to request driver from scheduler backend. StackTrace: io.fabric8.kubernetes.client.KubernetesClientException: Failure executing: POST at: https://10.96.0.1:443/api/v1/namespaces/sjns-ds-prod/pods. Message: pods \"daily-1a2b3c4d5e-0-driver\" is forbidden: exceeded quota: quota, requested: limits.memory=\(requested),requests.memory=\(requested), used: limits.memory=60Gi,requests.memory=60Gi, limited: limits.memory=\(limited),requests.memory=\(limited)."
                        ])))
        }
        let busy = refusal(requested: "6Gi", limited: "64Gi")
        #expect(busy.failureClass == .quotaOrCapacity)
        #expect(busy.retryable)
        #expect(busy.summary.contains("used up by other pods"))
        let tooBig = refusal(requested: "80Gi", limited: "64Gi")
        #expect(tooBig.failureClass == .quotaOrCapacity)
        #expect(!tooBig.retryable)
        #expect(tooBig.actor == .team)
        // The refusal reads "is forbidden", but it is no permission problem.
        #expect(!tooBig.alsoSeen.contains(.permissionDenied))
    }

    @Test func imagesThatDoNotExistAreNotRetriedAndRegistryHiccupsAre() {
        let missing = Classifier.classify(
            FailureEvidence(pods: [
                Self.driverPod(
                    waiting: "ImagePullBackOff",
                    message: "Back-off pulling image \"registry.example.com/spark:4.0.9\": ErrImagePull: manifest unknown")
            ]))
        #expect(missing.failureClass == .image)
        #expect(!missing.retryable)
        #expect(missing.actor == .platform)
        let flaky = Classifier.classify(
            FailureEvidence(events: [
                EventEvidence(
                    type: "Warning", reason: "Failed",
                    message: "Failed to pull image \"registry.example.com/spark:4.0.1\": dial tcp 10.0.0.9:443: i/o timeout",
                    object: "Pod daily-1a2b3c4d5e-0-driver")
            ]))
        #expect(flaky.failureClass == .image)
        #expect(flaky.retryable)
    }

    @Test func aMissingSecretIsAConfigurationErrorThePlatformFixes() {
        let c = Classifier.classify(
            FailureEvidence(pods: [
                Self.driverPod(waiting: "CreateContainerConfigError", message: "secret \"catalog-credential\" not found")
            ]))
        #expect(c.failureClass == .configuration)
        #expect(c.actor == .platform)
        #expect(c.remediation.hasPrefix("create the Secret \"catalog-credential\" in the namespace"))
    }

    @Test func evictionsAreThePlatformUnlessThePodFilledItsDisk() {
        let pressure = Classifier.classify(
            FailureEvidence(pods: [
                PodEvidence(
                    name: "daily-1a2b3c4d5e-0-driver", role: .driver, phase: "Failed", reason: "Evicted",
                    message: "The node was low on resource: memory. Threshold quantity: 100Mi, available: 91284Ki.")
            ]))
        #expect(pressure.failureClass == .platform)
        #expect(pressure.retryable)
        let disk = Classifier.classify(
            FailureEvidence(pods: [
                PodEvidence(
                    name: "daily-1a2b3c4d5e-exec-2", role: .executor, phase: "Failed", reason: "Evicted",
                    message: "Pod ephemeral local storage usage exceeds the total limit of containers 20Gi. ephemeral-storage")
            ]))
        #expect(disk.failureClass == .diskFull)
        #expect(!disk.retryable)
    }

    @Test func weakHintsNeverOutrankTheCause() {
        // Executors waited for a node, then one ran out of heap: the heap decides.
        let c = Classifier.classify(
            FailureEvidence(
                events: [
                    EventEvidence(
                        type: "Warning", reason: "FailedScheduling",
                        message: "0/12 nodes are available: 12 Insufficient memory. preemption: 0/12 nodes are available",
                        object: "Pod daily-1a2b3c4d5e-exec-4")
                ],
                driverLog: LogEvidence(
                    source: "driver log",
                    lines: [
                        "WARN TaskSetManager: Lost task 1.0 in stage 3.0 (TID 9) (10.0.3.4 executor 4): java.lang.OutOfMemoryError: GC overhead limit exceeded"
                    ])))
        #expect(c.failureClass == .executorOutOfMemory)
        #expect(c.summary == "executor out of memory: executor tasks ran out of heap (OutOfMemoryError: GC overhead limit exceeded)")
        #expect(c.alsoSeen == [.quotaOrCapacity])

        // A SIGTERM alone says the platform stopped it.
        let stopped = Classifier.classify(FailureEvidence(pods: [Self.driverPod(Termination(reason: "Error", exitCode: 143))]))
        #expect(stopped.failureClass == .platform)
    }

    @Test func logLinesOfOtherClasses() {
        func classify(_ line: String) -> Classification {
            Classifier.classify(FailureEvidence(driverLog: LogEvidence(source: "driver log", lines: [line])))
        }
        #expect(
            classify("Caused by: org.apache.spark.shuffle.FetchFailedException: Failed to connect to /10.0.3.4:7337").failureClass
                == .shuffleFetchFailure)
        #expect(
            classify(
                "java.nio.file.AccessDeniedException: s3a://lake/sales/orders: getFileStatus on s3a://lake/sales/orders: Access Denied (Service: Amazon S3; Status Code: 403)"
            )
            .failureClass == .permissionDenied)
        #expect(classify("java.net.UnknownHostException: catalog.lake.svc.cluster.local").failureClass == .transientDependency)
        #expect(classify("ModuleNotFoundError: No module named 'holidays'").failureClass == .configuration)
        #expect(classify("java.io.IOException: No space left on device").failureClass == .diskFull)
        let result = classify(
            "org.apache.spark.SparkException: Job aborted due to stage failure: Total size of serialized results of 41 tasks (1025.3 MiB) is bigger than spark.driver.maxResultSize (1024.0 MiB)"
        )
        #expect(result.failureClass == .driverOutOfMemory)
        #expect(result.findings.first?.setting == "spark.driver.maxResultSize")
    }

    @Test func nothingToGoOnIsUnknownAndSaysWhatWasRead() {
        let c = Classifier.classify(
            FailureEvidence(
                application: ApplicationEvidence(state: "Failed", messages: ["Driver has one or more failed critical container(s)."]),
                driverLog: LogEvidence(source: "driver log", lines: ["INFO SparkContext: Running Spark version 4.0.1", ""])))
        #expect(c.failureClass == .unknown)
        #expect(!c.retryable)
        #expect(c.summary == "unknown: nothing in the SparkApplication's status, 2 lines of the driver's log says why")
    }

    @Test func proofLinesNeverCarryASecret() {
        let c = Classifier.classify(
            FailureEvidence(
                driverLog: LogEvidence(
                    source: "driver log",
                    lines: [
                        "py4j.protocol.Py4JJavaError: An error occurred while calling o71.load.",
                        ": java.net.ConnectException: Connection refused: jdbc:postgresql://etl:hunter2@db.internal:5432/sales?password=hunter2&user=etl token=abcdef123456 AKIAIOSFODNN7EXAMPLE",
                    ])))
        #expect(c.failureClass == .transientDependency)
        let line = c.proof.map(\.line).joined()
        #expect(!line.contains("hunter2"))
        #expect(!line.contains("abcdef123456"))
        #expect(!line.contains("AKIAIOSFODNN7EXAMPLE"))
        #expect(line.contains("password=***"))
        #expect(Redaction.redact("secret \"catalog-credential\" not found") == "secret \"catalog-credential\" not found")
        let header = Redaction.redact("Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNpZw")
        #expect(header.hasPrefix("Authorization: ***") && !header.contains("eyJ"))
    }

    @Test func anyTextClassifiesWithoutTrouble() {
        // A fixed-seed generator: the same lines every run.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let pieces = [
            "[", "]", "SQLSTATE: ", "OutOfMemoryError", ": ", "Traceback (most recent call last):", "exit code ", "137", "52",
            "exceeded quota", "requested: ", "limited: ", "=", ",", "secret \"", "\"", " not found", "PythonException:",
            "password=", "://u:p@", "é", "\u{0}", "\t", "Lost task", "\u{1F600}", "TABLE_OR_VIEW_NOT_FOUND", "99999999999999999999Gi",
        ]
        var lines: [String] = []
        for _ in 0..<2000 {
            lines.append((0..<Int(next() % 12)).map { _ in pieces[Int(next() % UInt64(pieces.count))] }.joined())
        }
        let c = Classifier.classify(
            FailureEvidence(
                application: ApplicationEvidence(state: "SchedulingFailure", messages: Array(lines.prefix(50))),
                events: lines.prefix(30).map { EventEvidence(type: "Warning", reason: "Failed", message: $0, object: "Pod x") },
                driverLog: LogEvidence(source: "driver log", lines: lines)))
        #expect(c.proof.count <= Classifier.maxProof)
        #expect(
            Classifier.classify(FailureEvidence(driverLog: LogEvidence(source: "driver log", lines: lines)))
                == Classifier.classify(
                    FailureEvidence(driverLog: LogEvidence(source: "driver log", lines: lines))))
    }
}
