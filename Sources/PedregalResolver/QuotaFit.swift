import PedregalBasics
import PedregalDiagnostics
import PedregalSpec

/// Whether what a job or server asks for fits its environment's quota.
extension SparkResources {
    /// A size with a job's own `driver`/`executor` laid over it key by key;
    /// nil when a field is missing on both (the loader reported it).
    init?(driver: DriverResources?, executor: ExecutorResources?, size: SizeTemplate?) {
        guard let driverCores = driver?.cores ?? size?.driver?.cores,
            let driverMemory = driver?.memory ?? size?.driver?.memory,
            let instances = executor?.instances ?? size?.executor?.instances,
            let executorCores = executor?.cores ?? size?.executor?.cores,
            let executorMemory = executor?.memory ?? size?.executor?.memory
        else { return nil }
        self.init(
            driverCores: driverCores.value, driverMemory: driverMemory.value, executorInstances: instances.value,
            executorCores: executorCores.value, executorMemory: executorMemory.value,
            driverMemoryOverhead: (driver?.memoryOverhead ?? size?.driver?.memoryOverhead)?.value,
            executorMemoryOverhead: (executor?.memoryOverhead ?? size?.executor?.memoryOverhead)?.value)
    }
}

extension SparkResources {
    /// How the check counts the overhead, for its message.
    var overheadText: String {
        switch (driverMemoryOverhead, executorMemoryOverhead) {
        case (nil, nil): return "Spark's memory overhead"
        case (let driver?, nil): return "the driver's memoryOverhead \(driver) and Spark's for executors"
        case (nil, let executor?): return "Spark's memory overhead for the driver and executor memoryOverhead \(executor)"
        case (let driver?, let executor?): return "memoryOverhead \(driver) for the driver and \(executor) per executor"
        }
    }
}

extension TeamResolution {
    /// Reports when `count` × `resources` cannot run inside `quota`; true when they fit.
    @discardableResult
    func checkFits(
        _ resources: SparkResources, count: Int = 1, quota: Located<ResolvedQuota>, what: String, environment: String,
        at location: SourceLocation, notes extra: [Diagnostic.Note] = [], severity: Diagnostic.Severity = .error
    ) -> Bool {
        var problems: [String] = []
        let cpuQuota = quota.value.cpu.millis ?? .max
        let memoryQuota = quota.value.memory.bytes ?? .max
        let needCPU = resources.totalMillis.saturatingMultiply(count)
        let needMemory = resources.totalBytes.saturatingMultiply(count)
        let needPods = resources.totalPods.saturatingMultiply(count)
        let times = count == 1 ? "" : "\(count) × "
        if needCPU > cpuQuota {
            problems.append(
                "\(AmountText.cpu(millis: needCPU)) CPUs (\(times)driver \(resources.driverCores) + \(resources.executorInstances) executors × \(resources.executorCores)) but the quota allows \(AmountText.cpu(millis: cpuQuota))"
            )
        }
        if needMemory > memoryQuota {
            problems.append(
                "\(AmountText.memory(bytes: needMemory)) of memory (\(times)driver \(resources.driverMemory) + \(resources.executorInstances) executors × \(resources.executorMemory), with \(resources.overheadText)) but the quota allows \(AmountText.memory(bytes: memoryQuota))"
            )
        }
        if needPods > quota.value.pods {
            problems.append("\(needPods) pods but the quota allows \(quota.value.pods)")
        }
        guard !problems.isEmpty else { return true }
        let message =
            "\(what) cannot fit in the '\(environment)' quota: it needs " + problems.joined(separator: "; it needs ")
            + "; lower its driver/executor resources or raise the environment's quota"
        report(
            Diagnostic(
                severity, .exceedsQuota, message, at: location,
                notes: extra + [.init("the '\(environment)' quota is set here", at: quota.location)]))
        return false
    }
}
