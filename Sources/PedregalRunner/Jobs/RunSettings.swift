import PedregalManifests
import PedregalRemediation
import PedregalYAML

/// A run's Spark properties as the retry planner reads them, and a retry's
/// changes written back into a SparkApplication, for either operator.
enum RunSettings {
    /// Kubeflow keeps memory in fields of `spec.driver` and `spec.executor`,
    /// which it passes to spark-submit after `sparkConf` (so they win).
    static let kubeflowFields: [String: [String]] = [
        "spark.driver.memory": ["driver", "memory"], "spark.executor.memory": ["executor", "memory"],
        "spark.driver.memoryOverhead": ["driver", "memoryOverhead"], "spark.executor.memoryOverhead": ["executor", "memoryOverhead"],
        "spark.executor.instances": ["executor", "instances"],
    ]

    /// The properties of `object` (a run or a template).
    static func settings(_ object: YAMLValue, group: String) -> SparkSettings {
        let spec = object["spec"]
        var conf: [String: String] = [:]
        for entry in spec?["sparkConf"]?.mapValue?.entries ?? [] {
            if let value = scalar(entry.value) { conf[entry.key] = value }
        }
        let nonJVM: Bool
        if group == JobState.kubeflowGroup {
            for (key, path) in kubeflowFields {
                if let value = path.reduce(spec, { $0?[$1] }).flatMap(scalar) { conf[key] = value }
            }
            let type = spec?["type"]?.string ?? ""
            nonJVM = type == "Python" || type == "R"
        } else {
            nonJVM = spec?["pyFiles"]?.string != nil || spec?["sparkRFiles"]?.string != nil
        }
        return SparkSettings(conf: conf, nonJVM: nonJVM)
    }

    /// `object` with `changes` applied: `spec.sparkConf` for the Apache
    /// operator; for Kubeflow the `spec.driver`/`spec.executor` fields for
    /// memory (and `sparkConf` too when it sets the same key), `sparkConf` otherwise.
    static func applying(_ changes: [(key: String, value: String)], to object: YAMLValue, group: String) -> YAMLValue {
        guard case .map(var root) = object else { return object }
        var spec = root["spec"]?.mapValue ?? YAMLMap()
        var conf = spec["sparkConf"]?.mapValue ?? YAMLMap()
        for (key, value) in changes {
            if group == JobState.kubeflowGroup, let path = kubeflowFields[key], path.count == 2 {
                var part = spec[path[0]]?.mapValue ?? YAMLMap()
                part[path[1]] = path[1] == "instances" ? .int(Int(value) ?? 0) : .string(value)
                spec[path[0]] = .map(part)
                if conf[key] != nil { conf[key] = .string(value) }
            } else {
                conf[key] = .string(value)
            }
        }
        if !conf.isEmpty { spec["sparkConf"] = .map(conf) }
        root["spec"] = .map(spec)
        return .map(root)
    }

    /// The tightest memory limit of the namespace's ResourceQuotas
    /// (`requests.memory`, `limits.memory` or `memory`), from what the
    /// server enforces (`status.hard`, else `spec.hard`).
    static func quota(_ items: [YAMLValue], namespace: String) -> QuotaLimit? {
        var tightest: QuotaLimit?
        for item in items {
            let name = item["metadata"]?["name"]?.string ?? ""
            let hard = item["status"]?["hard"] ?? item["spec"]?["hard"]
            for resource in ["requests.memory", "limits.memory", "memory"] {
                guard let text = hard?[resource].flatMap(scalar), let bytes = KubernetesQuantity(text)?.value() else { continue }
                let used = item["status"]?["used"]?[resource].flatMap(scalar).flatMap { KubernetesQuantity($0)?.value() }
                if tightest.map({ bytes < $0.hardBytes }) ?? true {
                    tightest = QuotaLimit(name: "\(namespace)/\(name)", resource: resource, hardBytes: bytes, usedBytes: used)
                }
            }
        }
        return tightest
    }

    static func scalar(_ value: YAMLValue) -> String? {
        switch value {
        case .string(let text): return text
        case .int(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        default: return nil
        }
    }
}
