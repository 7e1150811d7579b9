import Foundation
import PedregalAdvisor
import PedregalEventLog
import PedregalKubernetes
import PedregalManifests
import PedregalYAML

/// `sizing: auto` at submit time: the run gets the recommendation from the
/// job's recent runs, within the bounds the compiler put on the template
/// (already checked against the quota), and says on itself what it chose
/// and why. Without history, or when the history cannot be read, the run
/// keeps the written values and says that instead; sizing never blocks a run.
public enum PreSubmitSizing {
    /// What sizing decided for one run.
    public struct Decision: Sendable, Equatable {
        /// `executor.instances=4 (written 10), …`, or why the written values stay.
        public var applied: String
        /// The runs learnt from and the expected effect.
        public var reason: String
        /// Whether any value changed.
        public var changed: Bool
    }

    /// Whether `template` asks for sizing.
    public static func wanted(_ template: YAMLValue) -> Bool {
        template["metadata"]?["annotations"]?[Vocabulary.sizing]?.string == "auto"
    }

    /// The bounds the compiler wrote, or nil when the annotation is missing or unreadable.
    static func bounds(_ template: YAMLValue) -> SizingBounds? {
        guard let text = template["metadata"]?["annotations"]?[Vocabulary.sizingBounds]?.string,
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        else { return nil }
        func range(_ key: String) -> ClosedRange<Int>? {
            guard let entry = object[key] as? [String: Any], let low = (entry["min"] as? NSNumber)?.intValue,
                let high = (entry["max"] as? NSNumber)?.intValue, low <= high
            else { return nil }
            return low...high
        }
        var bounds = SizingBounds()
        guard let instances = range("executorInstances"), let memory = range("executorMemoryMiB"), let driver = range("driverMemoryMiB")
        else { return nil }
        bounds.executorInstances = instances
        bounds.executorMemoryMiB = memory
        bounds.driverMemoryMiB = driver
        if let partitions = range("shufflePartitions") { bounds.shufflePartitions = partitions }
        if let runs = (object["runs"] as? NSNumber)?.intValue, runs > 0 { bounds.runs = runs }
        return bounds
    }

    /// The Spark properties and typed resources of a SparkApplication, as one property map.
    static func properties(_ run: YAMLValue, kubeflow: Bool) -> [String: String] {
        var properties: [String: String] = [:]
        for entry in run["spec"]?["sparkConf"]?.mapValue?.entries ?? [] { properties[entry.key] = entry.value.string }
        if kubeflow {
            let spec = run["spec"]
            func text(_ value: YAMLValue?) -> String? {
                if case .int(let number)? = value { return String(number) }
                return value?.string
            }
            properties["spark.executor.instances"] = text(spec?["executor"]?["instances"]) ?? properties["spark.executor.instances"]
            properties["spark.executor.cores"] = text(spec?["executor"]?["cores"]) ?? properties["spark.executor.cores"]
            properties["spark.executor.memory"] = text(spec?["executor"]?["memory"]) ?? properties["spark.executor.memory"]
            properties["spark.driver.memory"] = text(spec?["driver"]?["memory"]) ?? properties["spark.driver.memory"]
            properties["spark.driver.cores"] = text(spec?["driver"]?["cores"]) ?? properties["spark.driver.cores"]
            for role in ["driver", "executor"] {
                let key = "spark.\(role).memoryOverhead"
                properties[key] = text(spec?[role]?["memoryOverhead"]) ?? properties[key]
            }
        }
        return properties
    }

    /// `run` sized from `history`, and the decision; `run` unchanged when sizing is not asked for.
    public static func apply(to run: YAMLValue, job: String, history: HistorySource) async -> (YAMLValue, Decision?) {
        guard wanted(run) else { return (run, nil) }
        let kubeflow = Discovery.split(run["apiVersion"]?.string ?? "").group == JobState.kubeflowGroup
        guard let bounds = bounds(run) else {
            return keep(
                run,
                Decision(applied: "written values (the template's sizing bounds are missing or unreadable)", reason: "", changed: false))
        }
        let properties = properties(run, kubeflow: kubeflow)
        var input = SizingInput.fromProperties(properties, executorsSeen: 1)
        input.bounds = bounds
        input.nonJVM = (run["spec"]?["pyFiles"] != nil) || run["spec"]?["type"]?.string == "Python"
        let found: (runs: [ApplicationSummary], described: String)
        do {
            found = try await history.runs(of: job, limit: bounds.runs)
        } catch {
            return keep(run, Decision(applied: "written values (history unreadable: \(error))", reason: "", changed: false))
        }
        guard !found.runs.isEmpty else {
            return keep(
                run, Decision(applied: "written values (no finished run of \(job) in \(found.described))", reason: "", changed: false))
        }
        let advice = Advisor(input: input).advise(found.runs)
        guard !advice.runs.isEmpty else {
            return keep(
                run,
                Decision(
                    applied: "written values (no successful run to learn from)", reason: advice.notes.joined(separator: "; "),
                    changed: false))
        }
        let values = advice.recommended
        var settings: [(key: String, value: String, written: String?)] = [
            ("spark.executor.instances", String(values.executorInstances), properties["spark.executor.instances"]),
            ("spark.executor.memory", SparkSize.text(mebibytes: values.executorMemoryMiB), properties["spark.executor.memory"]),
            ("spark.driver.memory", SparkSize.text(mebibytes: values.driverMemoryMiB), properties["spark.driver.memory"]),
        ]
        if input.dynamicAllocation != nil {
            settings[0] = (
                "spark.dynamicAllocation.maxExecutors", String(values.executorInstances), properties["spark.dynamicAllocation.maxExecutors"]
            )
        }
        if let partitions = values.shufflePartitions {
            settings.append(("spark.sql.shuffle.partitions", String(partitions), properties["spark.sql.shuffle.partitions"]))
        }
        var sized = run
        var parts: [String] = []
        var changed = false
        for setting in settings {
            let same =
                setting.written.flatMap(SparkSize.mebibytes) == SparkSize.mebibytes(setting.value) || setting.written == setting.value
            parts.append("\(setting.key)=\(setting.value)" + (same ? "" : " (written \(setting.written ?? "unset"))"))
            if !same {
                changed = true
                sized = set(setting.key, setting.value, in: sized, kubeflow: kubeflow)
            }
        }
        let ids = advice.runs.map(\.appID).joined(separator: ", ")
        let saved = Double(advice.executorTimeNow - advice.executorTimeRecommended) / 3_600_000
        let reason = String(
            format: "from %d run%@ (%@) in %@: predicted wall time %.0f s (measured %.0f s), %@ executor-hours per run",
            advice.runs.count, advice.runs.count == 1 ? "" : "s", ids, found.described, Double(advice.predictedWallTime) / 1000,
            Double(advice.measuredWallTime) / 1000,
            saved >= 0 ? String(format: "saves %.3f", saved) : String(format: "costs %.3f more", -saved))
        let decision = Decision(applied: parts.joined(separator: ", "), reason: reason, changed: changed)
        return (annotate(sized, decision), decision)
    }

    /// The run with the written values, and why.
    static func keep(_ run: YAMLValue, _ decision: Decision) -> (YAMLValue, Decision?) {
        (annotate(run, decision), decision)
    }

    static func annotate(_ run: YAMLValue, _ decision: Decision) -> YAMLValue {
        guard case .map(var object) = run, case .map(var metadata)? = object["metadata"] else { return run }
        var annotations = metadata["annotations"]?.mapValue ?? YAMLMap()
        annotations[Vocabulary.sizingApplied] = .string(decision.applied)
        if !decision.reason.isEmpty { annotations[Vocabulary.sizingReason] = .string(decision.reason) }
        metadata["annotations"] = .map(annotations)
        object["metadata"] = .map(metadata)
        return .map(object)
    }

    /// `run` with one sizing value set where the operator reads it.
    static func set(_ key: String, _ value: String, in run: YAMLValue, kubeflow: Bool) -> YAMLValue {
        guard case .map(var object) = run, case .map(var spec)? = object["spec"] else { return run }
        let typed: [String: (String, String)] = [
            "spark.executor.instances": ("executor", "instances"), "spark.executor.memory": ("executor", "memory"),
            "spark.driver.memory": ("driver", "memory"),
        ]
        if kubeflow, let (section, field) = typed[key], case .map(var part)? = spec[section] {
            part[field] = field == "instances" ? .int(Int(value) ?? 1) : .string(value)
            spec[section] = .map(part)
        } else {
            var conf = spec["sparkConf"]?.mapValue ?? YAMLMap()
            conf[key] = .string(value)
            spec["sparkConf"] = .map(conf)
        }
        object["spec"] = .map(spec)
        return .map(object)
    }
}
