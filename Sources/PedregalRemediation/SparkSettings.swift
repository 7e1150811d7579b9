import PedregalBasics

/// The Spark properties of one attempt that decide its memory, read as
/// Spark on Kubernetes reads them: the JVM heap (`spark.<role>.memory`,
/// 1g by default), the overhead beside it (`spark.<role>.memoryOverhead`,
/// else the factor, 0.1 or 0.4 for Python and R, at least 384 MiB), and
/// the executors (`spark.executor.instances`, or the dynamic-allocation
/// ceiling). The pods request heap plus overhead, which is what the quota counts.
public struct SparkSettings: Sendable, Equatable {
    /// The properties (only the memory-related ones matter here).
    public var conf: [String: String]
    /// Python and R applications: a larger default overhead.
    public var nonJVM: Bool

    /// Creates settings.
    public init(conf: [String: String], nonJVM: Bool) {
        self.conf = conf
        self.nonJVM = nonJVM
    }

    /// `spark.driver.memory` or `spark.executor.memory`.
    public static func memoryKey(_ role: SparkRole) -> String { "spark.\(role.rawValue).memory" }
    /// `spark.driver.memoryOverhead` or `spark.executor.memoryOverhead`.
    public static func overheadKey(_ role: SparkRole) -> String { "spark.\(role.rawValue).memoryOverhead" }

    /// The JVM heap of `role`, in MiB (Spark's default 1g when unset or unreadable).
    public func memoryMiB(_ role: SparkRole) -> Int {
        conf[Self.memoryKey(role)].flatMap(SparkSize.mebibytes) ?? 1024
    }

    /// The memory beside the heap, in MiB.
    public func overheadMiB(_ role: SparkRole) -> Int {
        if let explicit = conf[Self.overheadKey(role)].flatMap(SparkSize.mebibytes) { return explicit }
        let factorText = conf["spark.\(role.rawValue).memoryOverheadFactor"] ?? conf["spark.kubernetes.memoryOverheadFactor"]
        // A factor Spark would refuse (negative, not finite, absurd) counts as the default.
        let factor = factorText.flatMap(Double.init).flatMap { (0...100).contains($0) ? $0 : nil } ?? (nonJVM ? 0.4 : 0.1)
        let minimum = conf["spark.\(role.rawValue).minMemoryOverhead"].flatMap(SparkSize.mebibytes) ?? 384
        return max(Int((Double(memoryMiB(role)) * factor).rounded(.down)), minimum)
    }

    /// What one pod of `role` requests, in MiB (executors add `spark.executor.pyspark.memory`).
    public func podMiB(_ role: SparkRole) -> Int {
        let python = role == .executor ? conf["spark.executor.pyspark.memory"].flatMap(SparkSize.mebibytes) ?? 0 : 0
        return memoryMiB(role).saturatingAdd(overheadMiB(role)).saturatingAdd(python)
    }

    /// Executors the run may have at once: the dynamic-allocation ceiling when enabled, else the instances (2 by default).
    public var executors: Int {
        let instances = max(0, conf["spark.executor.instances"].flatMap { Int($0) } ?? 2)
        if conf["spark.dynamicAllocation.enabled"]?.lowercased() == "true",
            let ceiling = conf["spark.dynamicAllocation.maxExecutors"].flatMap({ Int($0) })
        {
            return max(instances, ceiling)
        }
        return instances
    }

    /// Memory every pod of the run requests together, in MiB.
    public var totalMiB: Int { podMiB(.driver).saturatingAdd(executors.saturatingMultiply(podMiB(.executor))) }

    /// `driver 4.4Gi + 10 executors × 8.8Gi`.
    public var totalText: String {
        let driver = AmountText.memory(bytes: podMiB(.driver).saturatingMultiply(1 << 20))
        let executor = AmountText.memory(bytes: podMiB(.executor).saturatingMultiply(1 << 20))
        return "driver \(driver) + \(executors) executor\(executors == 1 ? "" : "s") × \(executor)"
    }
}

/// JVM memory sizes as Spark writes them: `512m`, `4g`, `4096` (MiB), `1t`.
public enum SparkSize {
    /// The size in MiB (rounded up); nil when it is not a size.
    public static func mebibytes(_ text: String) -> Int? {
        let lower = text.trimmingSpaces.lowercased()
        let digits = lower.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let number = Int(digits) else { return nil }
        let unit = String(lower.dropFirst(digits.count))
        let kib: Int
        switch unit {
        case "", "m", "mb", "mi": kib = number.saturatingMultiply(1024)
        case "k", "kb", "ki": kib = number
        case "g", "gb", "gi": kib = number.saturatingMultiply(1 << 20)
        case "t", "tb", "ti": kib = number.saturatingMultiply(1 << 30)
        default: return nil
        }
        return kib == .max ? nil : (kib + 1023) / 1024
    }

    /// `6g` for 6144 MiB, `1536m` otherwise: how the remedy writes a size.
    public static func text(mebibytes: Int) -> String {
        mebibytes % 1024 == 0 ? "\(mebibytes / 1024)g" : "\(mebibytes)m"
    }
}

extension Int {
    /// `self + other`, or `Int.max` when that overflows.
    func saturatingAdd(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }

    /// `self × other`, or `Int.max` when that overflows.
    func saturatingMultiply(_ other: Int) -> Int {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? .max : product
    }
}
