import PedregalDiagnostics
import PedregalSpec

/// The outcome of resolving a job's `sizing`.
enum SizingOutcome: Equatable {
    /// No `sizing`, or mode fixed.
    case written
    /// Mode auto, with these bounds.
    case auto(ResolvedSizing)
    /// A mistake (reported).
    case failure
}

extension TeamResolution {
    /// `sizing` in one environment: bounds with defaults from the written
    /// values, each range the right way round, the written values inside
    /// their bounds, and the largest sizing the bounds allow within the
    /// environment's quota (so `submit` can never size a run out of it).
    func resolveSizing(_ job: JobDefinition, resources: SparkResources, environment: EnvironmentBinding) -> SizingOutcome {
        guard let spec = job.spec.sizing, spec.mode?.value == .auto else { return .written }
        let name = job.name
        if job.type == .streaming {
            error(
                .invalidValue,
                "streaming job '\(name)' asks for sizing mode auto; streaming jobs are not submitted per run: resize them with `pedregal advise --write`, reviewed like any change, or use mode fixed",
                at: spec.mode?.location ?? spec.location)
            return .failure
        }
        var ok = true
        func counts(_ range: CountRangeSpec?, written: Int, what: String, defaultMax: Int) -> ClosedRange<Int> {
            let low = range?.min?.value ?? 1
            let high = range?.max?.value ?? max(defaultMax, low)
            guard low <= high else {
                error(
                    .invalidValue, "sizing.\(what).min \(low) is above its max \(high) in job '\(name)'; swap them",
                    at: range?.min?.location ?? spec.location)
                ok = false
                return high...high
            }
            return low...high
        }
        func memory(_ range: MemoryRangeSpec?, written: SparkMemory, what: String) -> ClosedRange<Int> {
            let low = range?.min.map { $0.value.bytes >> 20 } ?? min(512, written.bytes >> 20)
            let high = range?.max.map { $0.value.bytes >> 20 } ?? max(2 * (written.bytes >> 20), low)
            guard low <= high else {
                error(
                    .invalidValue,
                    "sizing.\(what).min \(range?.min?.value.text ?? "") is above its max \(range?.max?.value.text ?? "") in job '\(name)'; swap them",
                    at: range?.min?.location ?? spec.location)
                ok = false
                return high...high
            }
            guard low >= 450 else {
                error(
                    .invalidValue, "sizing.\(what).min must be at least 512m: Spark refuses a heap under 450 MiB",
                    at: range?.min?.location ?? spec.location)
                ok = false
                return 512...max(512, high)
            }
            return low...high
        }
        let instances = counts(
            spec.executorInstances, written: resources.executorInstances, what: "executorInstances",
            defaultMax: max(1, 2 * resources.executorInstances))
        let executorMemory = memory(spec.executorMemory, written: resources.executorMemory, what: "executorMemory")
        let driverMemory = memory(spec.driverMemory, written: resources.driverMemory, what: "driverMemory")
        let partitions = counts(spec.shufflePartitions, written: 200, what: "shufflePartitions", defaultMax: 100_000)
        if ok && !instances.contains(resources.executorInstances) {
            error(
                .invalidValue,
                "job '\(name)' has \(resources.executorInstances) executors, outside its sizing.executorInstances \(instances.lowerBound)…\(instances.upperBound); the written values are what runs without history, so keep them inside the bounds",
                at: spec.executorInstances?.location ?? spec.location)
            ok = false
        }
        if let quota = environment.quota, ok {
            var most = resources
            most.executorInstances = instances.upperBound
            if let memory = SparkMemory("\(executorMemory.upperBound)m") { most.executorMemory = memory }
            if let memory = SparkMemory("\(driverMemory.upperBound)m") { most.driverMemory = memory }
            if !checkFits(
                most, quota: quota, what: "job '\(name)' at its largest sizing (sizing.executorInstances.max with executorMemory.max)",
                environment: environment.name, at: spec.executorInstances?.max?.location ?? spec.location)
            {
                ok = false
            }
        }
        guard ok else { return .failure }
        return .auto(
            ResolvedSizing(
                runs: spec.runs?.value ?? 5, executorInstances: instances, executorMemoryMiB: executorMemory,
                driverMemoryMiB: driverMemory, shufflePartitions: partitions))
    }
}
