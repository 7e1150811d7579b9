import PedregalAdvisor
import PedregalDiagnostics
import PedregalLoader
import PedregalResolver
import PedregalSpec
import PedregalTeamEdits

/// Sizing advice as a change to the source of truth: the job's sizing as
/// the compiler resolves it (what the advice starts from, within the
/// environment's quota and the job's `sizing` bounds), and the advice
/// written back into `teams/<team>.yaml` as a minimal edit that is compiled
/// before anything is written, so it goes through review like any change.
public enum SizingAdvice {
    /// A job in one environment, as the advice sees it.
    public struct Subject: Sendable {
        /// The team.
        public var team: String
        /// The job.
        public var job: String
        /// The environment.
        public var environment: String
        /// Root-relative team file.
        public var file: String
        /// The job's namespace in that environment.
        public var namespace: String
        /// Its sizing today, bounds and quota.
        public var input: SizingInput
    }

    /// Why the advice cannot be given or written.
    public struct Problem: Error, CustomStringConvertible, Sendable {
        /// What is wrong and what to do.
        public var description: String
    }

    /// The job `team`/`job` in `environment` of a compiled root.
    public static func subject(_ compilation: Compilation, team: String, job: String, environment: String) throws -> Subject {
        guard let platform = compilation.platform else {
            throw Problem(description: "the root does not compile; fix its errors first (pedregal validate)")
        }
        guard let resolvedTeam = platform.teams.first(where: { $0.name == team }) else {
            throw Problem(description: "no team '\(team)'; teams: \(platform.teams.map(\.name).sorted().joined(separator: ", "))")
        }
        guard let env = resolvedTeam.environments.first(where: { $0.name == environment }) else {
            throw Problem(
                description:
                    "team '\(team)' has no environment '\(environment)'; it has \(resolvedTeam.environments.map(\.name).joined(separator: ", "))"
            )
        }
        guard let resolvedJob = env.jobs.first(where: { $0.name == job }) else {
            throw Problem(
                description:
                    "team '\(team)' has no job '\(job)' in '\(environment)'; its jobs there: \(env.jobs.map(\.name).joined(separator: ", "))"
            )
        }
        return Subject(
            team: team, job: job, environment: environment, file: resolvedTeam.source, namespace: env.namespace,
            input: input(resolvedJob, quota: env.quota))
    }

    /// What the advice starts from: the resolved resources, the team's Spark properties, the quota and the bounds.
    static func input(_ job: ResolvedJob, quota: ResolvedQuota) -> SizingInput {
        let conf = Dictionary(job.sparkConf, uniquingKeysWith: { first, _ in first })
        let r = job.resources
        var dynamic: DynamicAllocation?
        if conf["spark.dynamicAllocation.enabled"]?.lowercased() == "true" {
            dynamic = DynamicAllocation(
                minExecutors: Int(conf["spark.dynamicAllocation.minExecutors"] ?? "") ?? 0,
                maxExecutors: Int(conf["spark.dynamicAllocation.maxExecutors"] ?? "") ?? r.executorInstances)
        }
        var bounds = SizingBounds()
        if let sizing = job.sizing {
            bounds.runs = sizing.runs
            bounds.executorInstances = sizing.executorInstances
            bounds.executorMemoryMiB = sizing.executorMemoryMiB
            bounds.driverMemoryMiB = sizing.driverMemoryMiB
            bounds.shufflePartitions = sizing.shufflePartitions
        }
        func mebibytes(_ memory: SparkMemory) -> Int { SparkSize.mebibytes(bytes: memory.bytes) }
        return SizingInput(
            executorInstances: dynamic?.maxExecutors ?? r.executorInstances, executorCores: r.executorCores,
            executorMemoryMiB: r.executorMemory.bytes >> 20, executorMemoryOverheadMiB: r.executorMemoryOverhead.map(mebibytes),
            driverCores: r.driverCores, driverMemoryMiB: r.driverMemory.bytes >> 20,
            driverMemoryOverheadMiB: r.driverMemoryOverhead.map(mebibytes),
            shufflePartitions: conf["spark.sql.shuffle.partitions"].flatMap { Int($0) }, dynamicAllocation: dynamic, nonJVM: r.nonJVM,
            quota: SizingQuota(cpuMillis: quota.cpu.millis, memoryBytes: quota.memory.bytes, pods: quota.pods), bounds: bounds)
    }

    /// The team file with the advice's changes, and the root compiled with it.
    public struct Change: Sendable {
        /// Root-relative path → new bytes.
        public var files: [String: [UInt8]]
        /// The recommendations written.
        public var written: [Recommendation]
        /// Recommendations that cannot be written into the format (kept in the report only).
        public var notWritten: [Recommendation]
        /// The root compiled with the change; write nothing when it has errors.
        public var compilation: Compilation
    }

    /// Writes `advice`'s changes into the subject's team file (in `tree`) and compiles the result.
    public static func applying(_ advice: Advice, to subject: Subject, in tree: any SourceTree, compiler: Compiler = Compiler())
        throws -> Change
    {
        guard let bytes = try tree.contents(of: subject.file) else { throw Problem(description: "\(subject.file) cannot be read") }
        var current = bytes
        var written: [Recommendation] = []
        var notWritten: [Recommendation] = []
        for recommendation in advice.changes {
            guard let (section, key, value) = edit(for: recommendation) else {
                notWritten.append(recommendation)
                continue
            }
            do {
                let file = try TeamFile(path: subject.file, bytes: current)
                current =
                    try value.map { try file.settingJobField(subject.job, section: section, key: key, to: $0) }
                    ?? file.removingJobField(subject.job, section: section, key: key)
            } catch {
                throw Problem(description: "\(error)")
            }
            written.append(recommendation)
        }
        let files = current == bytes ? [:] : [subject.file: current]
        let compilation = compiler.compile(files.isEmpty ? tree : OverlaySourceTree(tree, replacing: files))
        return Change(files: files, written: written, notWritten: notWritten, compilation: compilation)
    }

    /// Where a recommendation goes in a job entry; a nil value removes the key
    /// (a memory overhead back to Spark's default).
    static func edit(for recommendation: Recommendation) -> (section: String, key: String, value: EditValue?)? {
        switch recommendation.key {
        case "executor.instances": return Int(recommendation.recommended).map { ("executor", "instances", .integer($0)) }
        case "executor.memory": return ("executor", "memory", .sparkMemory(recommendation.recommended))
        case "driver.memory": return ("driver", "memory", .sparkMemory(recommendation.recommended))
        case "executor.memoryOverhead", "driver.memoryOverhead":
            let section = String(recommendation.key.prefix { $0 != "." })
            let value = recommendation.recommended == "default" ? nil : EditValue.sparkMemory(recommendation.recommended)
            return (section, "memoryOverhead", value)
        case let key where key.hasPrefix("sparkConf."):
            return ("sparkConf", String(key.dropFirst("sparkConf.".count)), .text(recommendation.recommended))
        default: return nil
        }
    }
}
