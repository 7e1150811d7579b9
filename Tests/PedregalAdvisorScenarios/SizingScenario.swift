import PedregalAdvisor

/// What a job may be given, made from choices: as the compiler resolves a
/// job (within the format's limits, with a quota that holds it, holds
/// nothing or holds anything) or as a log's own Spark properties say
/// (untrusted: any text).
public enum SizingScenario {
    /// Properties the advisor reads from a log.
    public static let propertyKeys = [
        "spark.executor.instances", "spark.executor.cores", "spark.executor.memory", "spark.executor.memoryOverhead",
        "spark.driver.cores", "spark.driver.memory", "spark.driver.memoryOverhead", "spark.sql.shuffle.partitions",
        "spark.dynamicAllocation.enabled", "spark.dynamicAllocation.minExecutors", "spark.dynamicAllocation.maxExecutors",
        "spark.submit.pyFiles",
    ]
    /// Values a log may give them: ordinary, absurd and not numbers at all.
    public static let propertyValues = [
        "0", "1", "2", "4", "8", "200", "-3", "true", "512m", "4g", "48g", "1t", "300m", "1k", "99999999999999p",
        "9223372036854775807", "99999999999999999999", "abc", "", " 7 ", "8589934592g",
    ]

    /// A sizing input made from `c`.
    public static func make(_ c: inout Choices) -> SizingInput {
        var input: SizingInput
        if c.oneIn(3) {
            var properties: [String: String] = [:]
            for _ in 0..<c.int(0...8) { properties[c.pick(propertyKeys)] = c.pick(propertyValues) }
            if c.oneIn(3) { properties["spark.dynamicAllocation.enabled"] = "true" }
            input = SizingInput.fromProperties(properties, executorsSeen: c.pick([1, 0, 2, 6, 100]))
        } else {
            let memory = c.pick([4096, 1024, 512, 16_384, 49_152, 300, 1 << 20]) + (c.oneIn(4) ? c.int(0...999) : 0)
            input = SizingInput(
                executorInstances: c.oneIn(8) ? c.int(0...10_000) : c.int(1...40), executorCores: c.pick([1, 2, 4, 8, 256]),
                executorMemoryMiB: memory, executorMemoryOverheadMiB: c.oneIn(3) ? c.pick([384, 1024, 4096, 1, 1 << 20]) : nil,
                driverCores: c.pick([1, 2, 4, 256]), driverMemoryMiB: c.pick([1024, 4096, 512, 32_768, 1 << 20]),
                driverMemoryOverheadMiB: c.oneIn(4) ? c.pick([384, 2048, 1]) : nil,
                shufflePartitions: c.oneIn(2) ? nil : c.pick([200, 1, 8, 4000, 100_000]), nonJVM: c.oneIn(2))
            if c.oneIn(4) {
                let low = c.int(0...10)
                input.dynamicAllocation = DynamicAllocation(minExecutors: low, maxExecutors: max(low, input.executorInstances))
            }
            if c.oneIn(2) {
                var bounds = SizingBounds()
                let instances = c.int(1...50)
                bounds.executorInstances = instances...max(instances, c.pick([10_000, 40, instances, 200]))
                let memory = c.pick([512, 1024, 4096])
                bounds.executorMemoryMiB = memory...max(memory, c.pick([1 << 20, 65_536, 8192, memory]))
                bounds.driverMemoryMiB = memory...max(memory, c.pick([1 << 20, 16_384, memory]))
                let partitions = c.pick([1, 64, 400])
                bounds.shufflePartitions = partitions...max(partitions, c.pick([100_000, 4000, partitions]))
                bounds.runs = c.int(1...50)
                input.bounds = bounds
            }
        }
        if c.oneIn(2) {
            switch c.int(0...3) {
            case 0:  // a size's quota, such as the platform's
                input.quota = SizingQuota(cpuMillis: 400_000, memoryBytes: 1600 << 30, pods: 800)
            case 1:  // one that holds almost nothing
                input.quota = SizingQuota(cpuMillis: c.int(0...3000), memoryBytes: c.int(0...(4 << 30)), pods: c.int(0...3))
            case 2:  // unlimited in every way it can be
                input.quota = SizingQuota(cpuMillis: Int.max, memoryBytes: Int.max, pods: Int.max)
            default:
                input.quota = SizingQuota(
                    cpuMillis: c.oneIn(3) ? nil : c.int(1000...100_000), memoryBytes: c.oneIn(3) ? nil : c.int(1...(512 << 30)),
                    pods: c.oneIn(3) ? nil : c.int(1...100))
            }
        }
        return input
    }
}
