import PedregalDiagnostics
import PedregalSpec

/// Jobs: bound and checked once for the team, then placed in each
/// environment they run in.
struct JobDefinition {
    var spec: JobSpec
    var name: String
    var type: JobType
    /// Where problems with the whole job point.
    var location: SourceLocation
    /// Nil when its engine is unknown or there is no default (reported).
    var engine: ResolvedEngine?
    var mainApplicationFile: String?
    /// Nil for Python and R applications, which have none.
    var mainClass: String?
    /// Its own catalogs; nil: the team's.
    var catalogs: [String]?
    /// Its own regions that exist, each once, in file order; nil: the
    /// environment's primary region.
    var regions: [Located<String>]?
    /// With dynamic allocation, the most executors it may grow to.
    var maxExecutors: Int?
    /// `retry` with policy auto; nil: no retries.
    var retry: ResolvedRetry?
    /// False when a check that does not depend on the environment failed (reported).
    var isValid: Bool

    /// Python and R applications get more memory overhead.
    var isNonJVM: Bool {
        let file = mainApplicationFile ?? ""
        return file.hasSuffix(".py") || file.hasSuffix(".R")
    }
}

extension TeamResolution {
    /// Binds a job to its templates and checks everything that does not
    /// depend on the environment.
    func bindJob(_ job: JobSpec) -> JobDefinition? {
        guard let name = job.name?.value, let type = job.type?.value else { return nil }
        var ok = true
        if let schedule = job.schedule {
            if type == .streaming {
                error(
                    .invalidValue,
                    "streaming job '\(name)' has a schedule; streaming jobs run continuously, remove 'schedule' or make it a batch job",
                    at: schedule.location)
                ok = false
            } else if let problem = CronSchedule.problem(schedule.value) {
                error(.invalidCron, "schedule '\(schedule.value)' of job '\(name)' is invalid: \(problem)", at: schedule.location)
                ok = false
            }
        }
        if let cls = job.mainClass, cls.value.trimmingSpaces.isEmpty || cls.value.contains(" ") {
            error(
                .invalidValue, "mainClass '\(cls.value)' of job '\(name)' is not a class name, e.g. com.example.Main",
                at: cls.location)
        }
        var mainClass = job.mainClass?.value
        if let file = job.mainApplicationFile {
            if let problem = Self.applicationFileProblem(file.value, mainClass: job.mainClass?.value) {
                error(.invalidValue, "mainApplicationFile '\(file.value)' of job '\(name)': \(problem)", at: file.location)
                ok = false
            }
            let language = file.value.hasSuffix(".py") ? "Python" : file.value.hasSuffix(".R") ? "R" : nil
            if let cls = job.mainClass, let language {
                warning(.invalidValue, "mainClass is ignored for a \(language) application; remove it", at: cls.location)
                mainClass = nil
            }
        } else {
            ok = false
        }
        if let conf = job.sparkConf, !checkSparkConf(conf) { ok = false }
        if let concurrency = job.concurrency, type == .streaming {
            error(
                .invalidValue,
                "streaming job '\(name)' has a concurrency policy; a streaming job is one application that runs continuously, so remove 'concurrency' (it applies to the runs of batch jobs)",
                at: concurrency.location)
            ok = false
        }
        if let args = job.args, let index = SecretPolicy.secretArgument(in: args.map(\.value)) {
            error(
                .secretValue,
                "argument \(index + 1) of job '\(name)' looks like a secret; arguments are readable by everyone who can read the team file and its SparkApplication. Keep the value in a Kubernetes Secret, pass it as an environment variable with sparkConf spark.kubernetes.driver.secretKeyRef.<ENV_NAME>=<secret>:<key>, and read it there",
                at: args[index].location)
            ok = false
        }
        let regions = jobRegions(job.regions, job: name)
        if job.regions != nil && regions == nil { ok = false }
        let maxExecutors = dynamicAllocationCeiling(job, name: name)
        if maxExecutors == .failure { ok = false }
        let location = job.name?.location ?? job.location
        var retry: ResolvedRetry?
        if let spec = job.retry, let policy = spec.policy?.value {
            if policy == .auto {
                retry = ResolvedRetry(maxAttempts: spec.maxAttempts?.value ?? ResolvedRetry.defaultAttempts)
            } else if let attempts = spec.maxAttempts {
                warning(
                    .invalidValue, "maxAttempts has no effect with retry policy never; remove it, or set policy: auto",
                    at: attempts.location)
            }
        }
        return JobDefinition(
            spec: job, name: name, type: type, location: location,
            engine: bindEngine(job.engine, for: "job '\(name)'", at: location),
            mainApplicationFile: job.mainApplicationFile?.value, mainClass: mainClass,
            catalogs: job.catalogs.map { catalogList($0) ?? [] }, regions: regions,
            maxExecutors: maxExecutors.value, retry: retry, isValid: ok)
    }

    /// The job in one environment: its regions there and its quota fit;
    /// nil when it cannot run there (reported).
    func placeJob(_ job: JobDefinition, in environment: EnvironmentBinding, teamCatalogs: [String]) -> ResolvedJob? {
        var ok = job.isValid
        // Regions: the job's own list must be within the environment's.
        var regions: [ResolvedRegion] = []
        if let own = job.regions {
            for region in own {
                guard let available = environment.regions else {
                    ok = false
                    continue
                }
                guard let match = available.first(where: { $0.name == region.value }) else {
                    error(
                        .unknownReference,
                        "job '\(job.name)' runs in region '\(region.value)', which environment '\(environment.name)' of this team does not list; add it to environments.\(environment.name).regions or remove it here",
                        at: region.location)
                    ok = false
                    continue
                }
                regions.append(match)
            }
        } else if let primary = environment.regions?.first {
            regions = [primary]
        }
        guard var resources = SparkResources(driver: job.spec.driver, executor: job.spec.executor, size: environment.size)
        else { return nil }
        resources.nonJVM = job.isNonJVM
        // With dynamic allocation the executors can grow to maxExecutors:
        // that, not `instances`, is what must fit the quota. The job still
        // starts with `instances` (Spark's initial executors), so only the
        // check sees the ceiling.
        var atMost = resources
        if let ceiling = job.maxExecutors { atMost.executorInstances = max(resources.executorInstances, ceiling) }
        if let quota = environment.quota {
            var notes: [Diagnostic.Note] = []
            if let sizeLocation = environment.spec.size?.location, job.spec.driver == nil || job.spec.executor == nil {
                notes.append(.init("defaults come from this size", at: sizeLocation))
            }
            let at = job.spec.executor?.location ?? job.spec.driver?.location ?? job.location
            if !checkFits(atMost, quota: quota, what: "job '\(job.name)'", environment: environment.name, at: at, notes: notes) {
                ok = false
            }
        }
        let sizing = resolveSizing(job, resources: resources, environment: environment)
        if sizing == .failure { ok = false }
        guard ok, let engine = job.engine, let file = job.mainApplicationFile, !regions.isEmpty else { return nil }
        var resolved = ResolvedJob(
            name: job.name, type: job.type, schedule: job.spec.schedule?.value.trimmingSpaces,
            concurrency: job.spec.concurrency?.value ?? .forbid, retry: job.retry, regions: regions, engine: engine,
            mainApplicationFile: file, mainClass: job.mainClass, args: job.spec.args?.map(\.value) ?? [],
            resources: resources, sparkConf: (job.spec.sparkConf ?? []).map { ($0.key.value, $0.value.value) },
            catalogs: resolveCatalogs(job.catalogs ?? teamCatalogs, environment: environment.template))
        if case .auto(let bounds) = sizing { resolved.sizing = bounds }
        return resolved
    }

    /// A job's own regions that exist, each once; nil when the list is empty
    /// or names a region that does not exist (reported).
    private func jobRegions(_ list: Located<[Located<String>]>?, job name: String) -> [Located<String>]? {
        guard let list else { return nil }
        var ok = true
        if list.value.isEmpty {
            error(
                .missingKey, "'regions' of job '\(name)' is empty; list at least one, or leave it out for the primary region",
                at: list.location)
            ok = false
        }
        var seen: Set<String> = []
        var result: [Located<String>] = []
        for region in list.value {
            if index.regions[region.value] == nil {
                unknown("region", region, known: index.regionNames, file: "templates/regions.yaml")
                ok = false
            } else if !seen.insert(region.value).inserted {
                error(.duplicateName, "region '\(region.value)' is listed twice", at: region.location)
            } else {
                result.append(region)
            }
        }
        return ok ? result : nil
    }

    /// What `spark.dynamicAllocation.maxExecutors` allows, when dynamic
    /// allocation is on.
    private func dynamicAllocationCeiling(_ job: JobSpec, name: String) -> ExecutorCeiling {
        let conf = Dictionary((job.sparkConf ?? []).map { ($0.key.value, $0.value) }, uniquingKeysWith: { first, _ in first })
        guard let enabled = conf["spark.dynamicAllocation.enabled"], enabled.value.lowercased() == "true" else { return .none }
        guard let maximum = conf["spark.dynamicAllocation.maxExecutors"] else {
            error(
                .invalidValue,
                "job '\(name)' enables dynamic allocation without spark.dynamicAllocation.maxExecutors; set it, so the executors stay within the quota",
                at: enabled.location)
            return .failure
        }
        guard let count = Int(maximum.value), count >= 0 else {
            error(
                .invalidValue, "spark.dynamicAllocation.maxExecutors must be a whole number, not '\(maximum.value)'",
                at: maximum.location)
            return .failure
        }
        return .most(count)
    }

    static func applicationFileProblem(_ file: String, mainClass: String?) -> String? {
        guard let schemeEnd = file.firstRange(of: "://"), schemeEnd.lowerBound > file.startIndex else {
            return "it must be a URI with a scheme, e.g. s3://bucket/jobs/job.py or local:///opt/app/job.jar"
        }
        let path = file[schemeEnd.upperBound...]
        if path.isEmpty || path.hasSuffix("/") { return "it names a folder, not a file" }
        if file.hasSuffix(".jar") {
            return mainClass == nil ? "a jar application needs 'mainClass'" : nil
        }
        if file.hasSuffix(".py") || file.hasSuffix(".R") { return nil }
        return "it must end in .py, .jar or .R"
    }
}

/// The outcome of reading a job's dynamic allocation settings.
enum ExecutorCeiling: Equatable {
    /// Dynamic allocation is off.
    case none
    /// It may grow to this many executors.
    case most(Int)
    /// The settings are invalid (reported).
    case failure

    var value: Int? {
        if case .most(let count) = self { return count }
        return nil
    }
}
