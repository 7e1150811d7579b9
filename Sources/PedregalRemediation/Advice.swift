/// What to do about each class: the remedy a retry applies, or who must act.
struct Advice {
    var retryable: Bool
    var text: String
    var actor: Actor?

    static func of(_ kind: FailureClass, role: SparkRole?, permanent: Bool, findings: [Finding]) -> Advice {
        switch kind {
        case .userCode:
            return Advice(
                retryable: false,
                text:
                    "fix the application: the exception and its stack trace are in the driver's log; a retry runs the same code and fails the same way",
                actor: .team)
        case .dataOrSchema:
            return Advice(
                retryable: false,
                text:
                    "check that the tables, columns and paths the job reads exist with the types it expects (the job that writes them may not have run, or changed them); a retry reads the same data",
                actor: .upstream)
        case .permissionDenied:
            return Advice(
                retryable: false,
                text:
                    "grant the job's identity the access it lacks (the catalog credential's grants, the bucket's policy); the driver's ServiceAccount and its RBAC belong to the platform team",
                actor: .platform)
        case .configuration:
            if let missing = findings.first(where: { $0.detail.hasSuffix("does not exist in the namespace") }) {
                return Advice(
                    retryable: false,
                    text:
                        "create the \(missing.detail.replacingFirst(" the pods need does not exist in the namespace", with: "")) in the namespace (the platform provisions catalog credentials and other Secrets); the pods cannot start without it",
                    actor: .platform)
            }
            return Advice(
                retryable: false,
                text:
                    "fix the job's definition in teams/<team>.yaml (mainApplicationFile, mainClass, sparkConf) or the modules its image or pyFiles provide, then run pedregal generate",
                actor: .team)
        case .driverOutOfMemory:
            let result = findings.contains { $0.setting == "spark.driver.maxResultSize" } ? " and spark.driver.maxResultSize doubled" : ""
            return Advice(
                retryable: true,
                text:
                    "retry with spark.driver.memory 1.5×, then 2×\(result), within the quota; to keep it, set driver.memory in teams/<team>.yaml, and collect less to the driver (collect, toPandas, large broadcasts)",
                actor: nil)
        case .executorOutOfMemory:
            return Advice(
                retryable: true,
                text:
                    "retry with spark.executor.memory 1.5×, then 2×, within the quota; to keep it, set executor.memory in teams/<team>.yaml, or give each task less data (more partitions: spark.sql.shuffle.partitions)",
                actor: nil)
        case .containerMemory:
            let process = role ?? .executor
            return Advice(
                retryable: true,
                text:
                    "retry with spark.\(process.rawValue).memoryOverhead 1.5×, then 2×, within the quota: the memory outside the JVM heap (Python workers, native and network buffers) was too small; to keep it, set \(process.rawValue).memoryOverhead in teams/<team>.yaml",
                actor: nil)
        case .diskFull:
            return Advice(
                retryable: false,
                text:
                    "give executors more local disk: mount a larger volume as their local directory (sparkConf spark.kubernetes.executor.volumes.persistentVolumeClaim.spark-local-dir-1.* with claimName OnDemand and a sizeLimit), or spill less (more partitions)",
                actor: .team)
        case .shuffleFetchFailure:
            return Advice(
                retryable: true,
                text:
                    "retry with spark.shuffle.io.maxRetries=10 and spark.shuffle.io.retryWait=30s, so executors wait out a busy or restarting peer",
                actor: nil)
        case .quotaOrCapacity:
            if permanent {
                return Advice(
                    retryable: false,
                    text:
                        "the run asks for more than the namespace's whole quota: lower its driver or executor resources in teams/<team>.yaml, or raise the environment's quota there",
                    actor: .team)
            }
            return Advice(
                retryable: true,
                text: "retry unchanged after a wait: other runs were holding the quota, or the cluster had no room until nodes are added",
                actor: nil)
        case .image:
            if permanent {
                return Advice(
                    retryable: false,
                    text:
                        "the engine's image cannot be pulled: check that the image in templates/engines.yaml exists and that the nodes may pull it",
                    actor: .platform)
            }
            return Advice(retryable: true, text: "retry unchanged after a wait: the registry failed for a while", actor: nil)
        case .transientDependency:
            return Advice(
                retryable: true, text: "retry unchanged after a backoff: the service it depends on failed for a while", actor: nil)
        case .platform:
            return Advice(
                retryable: true, text: "retry unchanged: the platform took the pods away (eviction, preemption, a lost node), not the job",
                actor: nil)
        case .unknown:
            return Advice(
                retryable: false,
                text:
                    "read the driver's log (kubectl logs on the driver pod) and the Spark History Server; not retried, as nothing shows a retry would help",
                actor: .team)
        }
    }
}

extension String {
    /// With the first `target` replaced.
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return self[..<range.lowerBound] + replacement + self[range.upperBound...]
    }
}
