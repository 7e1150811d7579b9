import PedregalYAML

/// Advice as people read it (text) and as machines read it (JSON).
extension Advice {
    /// The report for `subject` (`team/job in prod`, or the folder read).
    public func text(subject: String) -> String {
        var lines: [String] = []
        lines.append("sizing advice for \(subject) from \(runs.count) run\(runs.count == 1 ? "" : "s")")
        for run in runs {
            lines.append(
                "  run \(run.appID): \(Advisor.seconds(run.wallTime)), \(run.executors) executor\(run.executors == 1 ? "" : "s") (\(run.slots) task slot\(run.slots == 1 ? "" : "s")), slot utilisation \(Advisor.percent(run.slotUtilisation)), critical path \(Advisor.seconds(run.criticalPath))"
            )
            var details = [
                "peak heap \(SparkSize.human(bytes: run.peakHeap))", "off-heap \(SparkSize.human(bytes: run.peakOffHeap))",
                "GC \(Advisor.percent(run.gcShare))", "shuffle read \(SparkSize.human(bytes: run.shuffleRead))",
                "write \(SparkSize.human(bytes: run.shuffleWrite))", "spill \(SparkSize.human(bytes: run.memorySpilled))",
            ]
            if run.driverPeakHeap > 0 { details.append("driver heap \(SparkSize.human(bytes: run.driverPeakHeap))") }
            lines.append("    " + details.joined(separator: ", "))
            for stage in run.skewedStages {
                let reads =
                    stage.maxShuffleRead > 0
                    ? ", largest shuffle read \(SparkSize.human(bytes: stage.maxShuffleRead)) vs median \(SparkSize.human(bytes: stage.medianShuffleRead))"
                    : ""
                lines.append(
                    "    skew: stage \(stage.id) (\(stage.name.prefix(60))): longest task \(Advisor.seconds(stage.maxTaskTime)), median \(Advisor.seconds(stage.medianTaskTime))\(reads)"
                )
            }
        }
        if !runs.isEmpty {
            lines.append("")
            lines.append("simulated wall time by executors (mean over runs):")
            let shown = simulation.filter { point in
                point.executors == current.executorInstances || point.executors == recommended.executorInstances
                    || point.executors == max(1, current.executorInstances / 2) || point.executors == current.executorInstances.times(2)
                    || simulation.count <= 12
            }
            for point in shown {
                var marks: [String] = []
                if point.executors == current.executorInstances { marks.append("today") }
                if point.executors == recommended.executorInstances { marks.append("recommended") }
                lines.append(
                    "  \(String(repeating: " ", count: max(0, 5 - String(point.executors).count)))\(point.executors)  \(Advisor.seconds(point.wallTime))  \(Advisor.hours(Double(point.executorTime) / 3_600_000)) executor-hours"
                        + (marks.isEmpty ? "" : "  (\(marks.joined(separator: ", ")))"))
            }
        }
        lines.append("")
        let changing = changes
        lines.append(changing.isEmpty ? "recommendation: keep the written values" : "recommendation:")
        for recommendation in recommendations {
            let arrow =
                recommendation.changes ? "\(recommendation.current) → \(recommendation.recommended)" : "\(recommendation.current) (keep)"
            lines.append("  \(recommendation.key): \(arrow)")
            for evidence in recommendation.evidence { lines.append("      \(evidence)") }
            lines.append("      effect: \(recommendation.effect)")
        }
        for note in notes { lines.append("note: \(note)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report as one JSON document.
    public func json(subject: String) -> YAMLValue {
        .object([
            "subject": .string(subject),
            "current": values(currentValues),
            "recommended": values(recommended),
            "changes": .list(changes.map { .string($0.key) }),
            "recommendations": .list(
                recommendations.map { r in
                    .object([
                        "key": .string(r.key), "current": .string(r.current), "recommended": .string(r.recommended),
                        "changes": .bool(r.changes), "evidence": .list(r.evidence.map(YAMLValue.string)), "effect": .string(r.effect),
                    ])
                }),
            "measuredWallTimeMillis": .int(measuredWallTime),
            "predictedWallTimeMillis": .int(predictedWallTime),
            "executorMillisNow": .int(executorTimeNow),
            "executorMillisRecommended": .int(executorTimeRecommended),
            "simulation": .list(
                simulation.map {
                    .object(["executors": .int($0.executors), "wallTimeMillis": .int($0.wallTime), "executorMillis": .int($0.executorTime)])
                }),
            "runs": .list(runs.map(Self.json)),
            "notes": .list(notes.map(YAMLValue.string)),
        ])
    }

    private var currentValues: SizingValues {
        SizingValues(
            executorInstances: current.executorInstances, executorCores: current.executorCores,
            executorMemoryMiB: current.executorMemoryMiB, executorMemoryOverheadMiB: current.executorMemoryOverheadMiB,
            driverMemoryMiB: current.driverMemoryMiB, shufflePartitions: current.shufflePartitions,
            minExecutors: current.dynamicAllocation?.minExecutors)
    }

    private func values(_ v: SizingValues) -> YAMLValue {
        .object([
            "executorInstances": .int(v.executorInstances), "executorCores": .int(v.executorCores),
            "executorMemory": .string(SparkSize.text(mebibytes: v.executorMemoryMiB)),
            "executorMemoryOverhead": .optional(v.executorMemoryOverheadMiB.map(SparkSize.text)),
            "driverMemory": .string(SparkSize.text(mebibytes: v.driverMemoryMiB)), "shufflePartitions": .optional(v.shufflePartitions),
            "minExecutors": .optional(v.minExecutors),
        ])
    }

    private static func json(_ run: RunAnalysis) -> YAMLValue {
        .object([
            "appId": .string(run.appID), "name": .string(run.name), "startMillis": .int(run.start), "wallTimeMillis": .int(run.wallTime),
            "executors": .int(run.executors), "slots": .int(run.slots), "executorMillis": .int(run.executorTime),
            "slotMillis": .int(run.slotTime), "taskMillis": .int(run.taskTime),
            "slotUtilisationPercent": .int(Int(saturating: run.slotUtilisation * 100)),
            "criticalPathMillis": .int(run.criticalPath), "peakHeapBytes": .int(run.peakHeap),
            "peakOffHeapBytes": .int(run.peakOffHeap), "peakProcessRSSBytes": .int(run.peakProcessRSS),
            "peakPythonRSSBytes": .int(run.peakPythonRSS), "driverPeakHeapBytes": .int(run.driverPeakHeap),
            "peakTaskExecutionMemoryBytes": .int(run.peakTaskExecutionMemory), "memorySpilledBytes": .int(run.memorySpilled),
            "diskSpilledBytes": .int(run.diskSpilled), "gcPercent": .int(Int(saturating: run.gcShare * 100)),
            "shuffleReadBytes": .int(run.shuffleRead), "shuffleWriteBytes": .int(run.shuffleWrite), "failedTasks": .int(run.failedTasks),
            "skewedStages": .list(
                run.skewedStages.map {
                    .object([
                        "stage": .int($0.id), "name": .string($0.name), "tasks": .int($0.tasks),
                        "medianTaskMillis": .int($0.medianTaskTime),
                        "maxTaskMillis": .int($0.maxTaskTime), "medianShuffleReadBytes": .int($0.medianShuffleRead),
                        "maxShuffleReadBytes": .int($0.maxShuffleRead),
                    ])
                }),
        ])
    }
}
