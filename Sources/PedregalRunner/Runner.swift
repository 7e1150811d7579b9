import PedregalBasics
import PedregalConsole
import PedregalDiagnostics
import PedregalEventLog
import PedregalManifests

/// Where a batch job's template comes from.
public enum JobSource: Sendable {
    /// `TEAM/JOB --env E [--region R]`, found under a generated/ folder.
    case job(team: String, job: String, environment: String, region: String?, generated: String)
    /// `--template FILE`: a raw SparkApplication (what the CronJob mounts).
    case template(String)
}

/// The runner's commands, end to end: read local files, resolve the
/// connection, check the cluster name, talk to the API, print, and return the
/// exit status. The executable only parses flags and calls these.
public enum Runner {
    /// `pedregal apply DIR [--dry-run] [--prune [--prune-namespaces]]`.
    public static func apply(
        folder path: String, dryRun: Bool, prune: Bool, pruneNamespaces: Bool = false, context: RunnerContext
    ) async -> ExitStatus {
        await context.run {
            if pruneNamespaces && !prune { throw RunnerError.usage("--prune-namespaces goes with --prune") }
            let folder = try ManifestFolder.load(path)
            if prune && folder.manifests.isEmpty {
                throw RunnerError.usage("'\(path)' holds no manifests; refusing to prune everything pedregal manages")
            }
            let connection = try context.connect()
            try connection.checkCluster(folder.cluster, folder: path)
            return try await context.withSession(connection) { session in
                await Applier(session: session, now: context.now())
                    .apply(folder, dryRun: dryRun, prune: prune, pruneNamespaces: pruneNamespaces).status
            }
        }
    }

    /// `pedregal status DIR [--wait --timeout S]`.
    public static func status(folder path: String, wait: Bool, timeout: Duration, context: RunnerContext) async -> ExitStatus {
        await context.run {
            let folder = try ManifestFolder.load(path)
            let connection = try context.connect()
            try connection.checkCluster(folder.cluster, folder: path)
            return try await context.withSession(connection) { session in
                let checker = StatusChecker(session: session, interval: context.pollInterval, now: context.now())
                return await checker.check(folder, timeout: wait ? timeout : nil).status
            }
        }
    }

    /// `pedregal submit`: `timing` says where the logical time of the run's
    /// macros comes from; `.scheduledJob` also makes the Job's name the token.
    public static func submit(
        _ source: JobSource, token: String?, args: [String]?, timing: RunTiming = .now, history: HistorySource = HistorySource(),
        retry: RetryOptions? = nil,
        context: RunnerContext
    ) async -> ExitStatus {
        await context.run {
            var token = token
            var given: LogicalTime?
            switch timing {
            case .now: break
            case .logicalDate(let text): given = try LogicalTime.parse(logicalDate: text)
            case .scheduledJob(let name):
                guard token == nil else { throw RunnerError.usage("--scheduled-job makes the Job's name the token; drop --token") }
                token = name
            }
            let template: JobTemplate
            switch source {
            case .job(let team, let job, let environment, let region, let generated):
                template = try JobTemplates.find(
                    generated: generated, team: team, job: job, environment: environment, region: region)
            case .template(let file):
                template = try JobTemplates.read(file: file)
            }
            let connection = try context.connect()
            if let cluster = template.cluster {
                try connection.checkCluster(cluster, folder: template.clusterFolder ?? cluster)
            }
            return try await context.withSession(connection) { session in
                var logical = given
                if case .scheduledJob(let name) = timing {
                    logical = try await scheduledTime(job: name, template: template, session: session)
                } else if logical == nil {
                    let now = context.now()
                    logical = LogicalTime(
                        seconds: RFC3339.seconds(now) ?? 0, source: "the current time; --logical-date sets another")
                }
                let jobs = Jobs(session: session, interval: context.pollInterval)
                if retry == nil, template.object["metadata"]?["annotations"]?[Vocabulary.retryPolicy]?.string == "auto" {
                    session.output.line(
                        "note: the job retries failed runs (retry policy auto); this submit does not follow the run: pass --retry auto to")
                }
                if let retry {
                    return try await jobs.submitRetrying(
                        template, token: token, args: args, logical: logical, history: history, options: retry
                    ).status
                }
                _ = try await jobs.submit(template, token: token, args: args, logical: logical, history: history)
                return .success
            }
        }
    }

    /// The scheduled time of the CronJob's Job `name`, in the template's namespace.
    private static func scheduledTime(job name: String, template: JobTemplate, session: ClusterSession) async throws
        -> LogicalTime
    {
        guard let namespace = template.object["metadata"]?["namespace"]?.string else {
            throw RunnerError.io("the template '\(template.file)' names no namespace")
        }
        guard let jobs = try await session.discovery.resource(group: "batch", kind: "Job") else {
            throw RunnerError.failure("the cluster serves no batch Job API, so --scheduled-job \(name) cannot be read")
        }
        guard let job = try await session.api.getIfPresent(jobs.objectPath(namespace: namespace, name: name)) else {
            throw RunnerError.failure(
                "Job \(namespace)/\(name) not found: --scheduled-job names the Job this submit runs in "
                    + "(the CronJob passes its name from the pod's batch.kubernetes.io/job-name label)")
        }
        return try LogicalTime.scheduled(job: job, name: name, namespace: namespace)
    }

    /// A job's past runs found in the cluster by their labels, and their event logs (`pedregal advise`
    /// without --event-logs or --history-server). Read-only: lists SparkApplications in `namespace`.
    public static func pastRunLogs(
        team: String, job: String, namespace: String, limit: Int, history: HistorySource, context: RunnerContext
    ) async throws -> (runs: [ApplicationSummary], described: String) {
        let connection = try context.connect()
        let past = try await context.withSession(connection) { session in
            try await Jobs(session: session).pastRuns(team: team, job: job, namespace: namespace)
        }
        return try await history.runs(of: past, limit: limit)
    }

    /// `pedregal job status RUN [--wait [--timeout S]]`.
    public static func jobStatus(run: String, wait: Bool, timeout: Duration?, context: RunnerContext) async -> ExitStatus {
        await context.run {
            let id = try RunID(parsing: run)
            let connection = try context.connect()
            return try await context.withSession(connection) { session in
                let jobs = Jobs(session: session, interval: context.pollInterval)
                return try await jobs.status(id, wait: wait, timeout: timeout).status
            }
        }
    }

    /// `pedregal cancel RUN`.
    public static func cancel(run: String, context: RunnerContext) async -> ExitStatus {
        await context.run {
            let id = try RunID(parsing: run)
            let connection = try context.connect()
            return try await context.withSession(connection) { session in
                _ = try await Jobs(session: session).cancel(id)
                return .success
            }
        }
    }

    /// `pedregal expire DIR [--now T] [--dry-run]`: the cluster mode, for clusters
    /// without Argo CD; only the servers labelled for the folder's cluster.
    public static func expire(folder path: String, now: String?, dryRun: Bool, context: RunnerContext) async -> ExitStatus {
        await context.run {
            let folder = try ManifestFolder.load(path)
            let time = now ?? context.now()
            guard RFC3339.seconds(time) != nil else {
                throw RunnerError.usage("--now '\(time)' is not an RFC 3339 time such as 2026-12-31T00:00:00Z")
            }
            let connection = try context.connect()
            try connection.checkCluster(folder.cluster, folder: path)
            return try await context.withSession(connection) { session in
                try await Expirer(session: session)
                    .expire(cluster: folder.cluster, now: time, dryRun: dryRun).status
            }
        }
    }
}
