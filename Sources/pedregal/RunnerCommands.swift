import ArgumentParser
import Foundation
import PedregalRunner

/// How to reach the cluster, shared by every runner command.
struct ConnectionFlags: ParsableArguments {
    @Option(help: ArgumentHelp("Kubeconfig file (default: $KUBECONFIG, then ~/.kube/config).", valueName: "file"))
    var kubeconfig: String?

    @Option(help: ArgumentHelp("Kubeconfig context (default: its current context).", valueName: "name"))
    var context: String?

    @Option(
        help: ArgumentHelp(
            "Which cluster this is, when the context's cluster name differs from the folder's (and always with --in-cluster or --server).",
            valueName: "name"))
    var cluster: String?

    @Flag(help: "Use the pod's ServiceAccount: KUBERNETES_SERVICE_HOST/PORT, its token and CA.")
    var inCluster = false

    @Option(help: ArgumentHelp("API server URL, instead of a kubeconfig.", valueName: "url"))
    var server: String?

    @Option(help: ArgumentHelp("Bearer token file for --server (or --in-cluster).", valueName: "file"))
    var tokenFile: String?

    @Option(help: ArgumentHelp("CA certificate file for --server (or --in-cluster).", valueName: "file"))
    var certificateAuthority: String?

    @Flag(help: "Do not verify the server's certificate (--server and --in-cluster only).")
    var insecureSkipTlsVerify = false

    @Option(help: "Output: text (lines as the work happens) or json (one document at the end).")
    var format: OutputFormat = .text

    /// Runs `body` with a context for these flags and exits with its status.
    func execute(_ body: @escaping @Sendable (RunnerContext) async -> ExitStatus) throws {
        let context = RunnerContext(
            connection: ConnectionOptions(
                kubeconfig: kubeconfig, context: self.context, cluster: cluster, inCluster: inCluster, server: server,
                tokenFile: tokenFile, certificateAuthority: certificateAuthority, insecureSkipTLSVerify: insecureSkipTlsVerify),
            environment: ProcessInfo.processInfo.environment, output: .standard(format))
        let status = Blocking.run { await body(context) }
        if status != .success { throw ExitCode(status.rawValue) }
    }
}

extension OutputFormat: ExpressibleByArgument {}

private let exitStatuses = """
    Exit status: 0 success; 1 a request failed or an object is missing, drifted or
    unhealthy; 64 bad usage; 65 the folder holds files `pedregal generate` would
    not write (nothing was sent); 69 the cluster is unreachable after retries; 74
    local files unreadable; 77 refused (the folder is for another cluster, a token
    would go over plain http, or the API answered 401/403).
    """

struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Apply a cluster folder of generated/ with server-side apply.",
        discussion: """
            Objects go in dependency order (namespaces, service accounts and RBAC, quotas
            and limits, configuration, services, workloads) as field manager `pedregal`.
            Refuses, before any request, a folder holding a file `pedregal generate`
            would not write (exit 65), and a folder whose pedregal.io/cluster label is not
            the connection's cluster unless --cluster names it. --prune then deletes what
            pedregal manages in the cluster (app.kubernetes.io/managed-by=pedregal, never
            runs) that the folder no longer holds, listing it first; Namespaces only with
            --prune-namespaces, after listing everything each one holds. --dry-run sends
            everything with dryRun=All: the server checks, nothing changes.

            \(exitStatuses)

            Examples:
              pedregal apply generated/sk8-us-west-2 --dry-run
              pedregal apply generated/sk8-us-west-2 --prune
              pedregal apply generated/sk8-us-west-2 --prune --prune-namespaces --dry-run
              pedregal apply generated/sk8-us-west-2 --context kind-pedregal --cluster sk8-us-west-2
            """)

    @Argument(help: ArgumentHelp("A cluster folder: generated/<cluster>.", valueName: "dir"))
    var folder: String

    @Flag(help: "Send every request with dryRun=All; nothing changes.")
    var dryRun = false

    @Flag(help: "Delete managed objects the folder no longer holds (Namespaces are kept and listed).")
    var prune = false

    @Flag(help: "With --prune, delete Namespaces too, with everything in them (listed first).")
    var pruneNamespaces = false

    @OptionGroup var connection: ConnectionFlags

    func validate() throws {
        if pruneNamespaces && !prune { throw ValidationError("--prune-namespaces goes with --prune") }
    }

    func run() throws {
        let (folder, dryRun, prune, pruneNamespaces) = (folder, dryRun, prune, pruneNamespaces)
        try connection.execute {
            await Runner.apply(folder: folder, dryRun: dryRun, prune: prune, pruneNamespaces: pruneNamespaces, context: $0)
        }
    }
}

struct ClusterStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show whether each object of a cluster folder is present, in sync and healthy.",
        discussion: """
            In sync: every field of the manifest equals the live object's, both in the
            form the API server stores (quantities canonical: cpu "1000" is 1k). Healthy:
            namespaces Active, SparkApplications (Spark Connect servers, streaming jobs)
            running healthily; other kinds when present. --wait checks again until all are
            fine or --timeout seconds pass.

            Exit status: 0 when every object is present, in sync and healthy; 1 otherwise
            (or on timeout); 64 bad usage; 65 the folder holds files `pedregal
            generate` would not write; 69 unreachable; 74 local files unreadable; 77
            refused.

            Examples:
              pedregal status generated/sk8-us-west-2
              pedregal status generated/sk8-us-west-2 --wait --timeout 600 --format json
            """)

    @Argument(help: ArgumentHelp("A cluster folder: generated/<cluster>.", valueName: "dir"))
    var folder: String

    @Flag(help: "Check again until all objects are fine or the timeout passes.")
    var wait = false

    @Option(help: ArgumentHelp("Seconds --wait may take.", valueName: "seconds"))
    var timeout = 300

    @OptionGroup var connection: ConnectionFlags

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    func run() throws {
        let (folder, wait, timeout) = (folder, wait, timeout)
        try connection.execute { await Runner.status(folder: folder, wait: wait, timeout: .seconds(timeout), context: $0) }
    }
}

struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Start a run of a batch job from its generated template.",
        discussion: """
            The template is generated/<cluster>/<namespace>/configmap-job-<job>.yaml whose
            labels match the team, environment and region; its cluster folder must match
            the connection (see --cluster). The run is the SparkApplication <job>-<first
            10 hex digits of SHA-256(token)>: submitting again with the same --token
            returns the existing run instead of starting another, even when two submits
            race. Without --token a random one is used. --arg (repeatable) replaces the
            application's arguments. --template reads a raw SparkApplication file instead
            (the scheduled-submit CronJob does this). Prints the run as NAMESPACE/NAME,
            which `job status` and `cancel` take.

            The macros {{ ds }}, {{ ds_nodash }} and {{ ts }} in the arguments take the
            run's logical time: --logical-date (a date YYYY-MM-DD or an RFC 3339 time),
            else with --scheduled-job JOB the scheduled time of that CronJob Job (its
            batch.kubernetes.io/cronjob-scheduled-timestamp annotation, else the minute
            its name ends in; the Job's name is then the token), else the current time.
            Each is printed.

            While an earlier run of the job is active, the template's
            pedregal.io/concurrency-policy decides: Forbid (the default) starts nothing
            and exits 0, Allow starts another, Replace deletes the active runs first. A
            second submit with the same token always returns the first run.

            \(exitStatuses)

            Examples:
              pedregal submit feature-engineering/daily-user-features --env prod
              pedregal submit ml-platform/embedding-backfill --env prod \\
                --token bf-2025-01 --logical-date 2025-01-15
              pedregal submit ml-platform/embedding-backfill --env prod --arg --model --arg v8
              pedregal submit --template job.yaml --in-cluster --cluster sk8-us-west-2 \\
                --scheduled-job daily-29012345
            """)

    @Argument(help: ArgumentHelp("The job, as TEAM/JOB.", valueName: "team/job"))
    var job: String?

    @Option(help: ArgumentHelp("Environment of the job (dev, staging, prod, …).", valueName: "env"))
    var env: String?

    @Option(help: ArgumentHelp("Region, when the job runs in several.", valueName: "region"))
    var region: String?

    @Option(help: ArgumentHelp("Idempotency token: one token, one run.", valueName: "token"))
    var token: String?

    @Option(
        name: .customLong("arg"), parsing: .unconditionalSingleValue,
        help: ArgumentHelp("An application argument (repeat for several); replaces the template's.", valueName: "arg"))
    var args: [String] = []

    @Option(help: ArgumentHelp("Folder of generated manifests.", valueName: "dir"))
    var generated = "generated"

    @Option(help: ArgumentHelp("A SparkApplication file to submit instead of TEAM/JOB.", valueName: "file"))
    var template: String?

    @Option(help: ArgumentHelp("The run's logical date for {{ ds }}: YYYY-MM-DD or an RFC 3339 time.", valueName: "date"))
    var logicalDate: String?

    @Option(
        help: ArgumentHelp(
            "The CronJob's Job this submit runs in: its scheduled time is the logical date, its name the token.",
            valueName: "job"))
    var scheduledJob: String?

    @OptionGroup var connection: ConnectionFlags

    func validate() throws {
        switch (job, template) {
        case (nil, nil): throw ValidationError("give the job as TEAM/JOB, or --template FILE")
        case (_?, _?): throw ValidationError("give either TEAM/JOB or --template, not both")
        case (let job?, nil):
            let parts = job.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError("the job must be TEAM/JOB, e.g. feature-engineering/daily-user-features; got '\(job)'")
            }
            guard env != nil else { throw ValidationError("--env is required with TEAM/JOB") }
        case (nil, _?):
            guard env == nil, region == nil else { throw ValidationError("--env and --region go with TEAM/JOB, not --template") }
        }
        if let token, token.isEmpty { throw ValidationError("--token must not be empty") }
        if scheduledJob != nil && token != nil {
            throw ValidationError("--scheduled-job makes the Job's name the token; drop --token")
        }
        if scheduledJob != nil && logicalDate != nil {
            throw ValidationError("--scheduled-job gives the logical date (the Job's scheduled time); drop --logical-date")
        }
        if let scheduledJob, scheduledJob.isEmpty { throw ValidationError("--scheduled-job must not be empty") }
    }

    func run() throws {
        let source: JobSource
        if let template {
            source = .template(template)
        } else {
            let parts = job!.split(separator: "/").map(String.init)
            source = .job(team: parts[0], job: parts[1], environment: env!, region: region, generated: generated)
        }
        let (token, args) = (token, args.isEmpty ? nil : args)
        let timing: RunTiming = scheduledJob.map { .scheduledJob($0) } ?? logicalDate.map { .logicalDate($0) } ?? .now
        try connection.execute { await Runner.submit(source, token: token, args: args, timing: timing, context: $0) }
    }
}

struct JobCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "job",
        abstract: "Follow runs started by `pedregal submit`.",
        subcommands: [JobStatusCommand.self])
}

struct JobStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a run's state: pending, running, succeeded or failed, with the failure reason.",
        discussion: """
            Maps the Apache operator's currentState and the Kubeflow operator's
            applicationState to four phases. --wait reads again until the operator is done
            with the run (or --timeout seconds pass); a run that disappears while waited
            for is reported as "finished (object removed)".

            Exit status: 0 the state was read (with --wait: the run succeeded); 1 the run
            was not found (with --wait: it failed, disappeared or the timeout passed); 64
            bad usage; 69 unreachable; 74 local files unreadable; 77 refused.

            Examples:
              pedregal job status sjns-feature-eng-prod/daily-user-features-399034112c
              pedregal job status sjns-feature-eng-prod/daily-user-features-399034112c --wait
            """)

    @Argument(help: ArgumentHelp("The run, as NAMESPACE/NAME.", valueName: "run"))
    var runID: String

    @Flag(help: "Read again until the run has finished.")
    var wait = false

    @Option(help: ArgumentHelp("Seconds --wait may take (default: no limit).", valueName: "seconds"))
    var timeout: Int?

    @OptionGroup var connection: ConnectionFlags

    func validate() throws {
        if let timeout, timeout <= 0 { throw ValidationError("--timeout must be positive") }
    }

    func run() throws {
        let (run, wait, timeout) = (runID, wait, timeout.map { Duration.seconds($0) })
        try connection.execute { await Runner.jobStatus(run: run, wait: wait, timeout: timeout, context: $0) }
    }
}

struct CancelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Stop a run started by `pedregal submit`.",
        discussion: """
            Deletes the run's SparkApplication; the operator stops its driver and
            executors. Objects that are not runs (no pedregal.io/run-token label) are
            refused.

            Exit status: 0 cancelled; 1 the run was not found or the request failed; 64
            bad usage or not a run; 69 unreachable; 74 local files unreadable; 77 refused.

            Examples:
              pedregal cancel sjns-feature-eng-prod/daily-user-features-399034112c
            """)

    @Argument(help: ArgumentHelp("The run, as NAMESPACE/NAME.", valueName: "run"))
    var runID: String

    @OptionGroup var connection: ConnectionFlags

    func run() throws {
        let run = runID
        try connection.execute { await Runner.cancel(run: run, context: $0) }
    }
}

struct ExpireCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expire",
        abstract: "Remove Spark Connect clusters whose expiry has passed.",
        discussion: """
            With --root (GitOps, where Argo CD syncs generated/): removes every sparkConnect entry whose
            expiresAt is at or before --now from teams/*.yaml, as a minimal text edit that keeps comments
            and layout, and regenerates the output folder, so the change can be committed and the next
            sync removes the servers. Nothing is written when the result does not compile.

            With a cluster folder (clusters without Argo CD): looks at every Spark Connect server pedregal
            manages that is labelled for the folder's cluster (pedregal.io/cluster, as prune) and deletes
            those whose expiry is at or before --now.

            --now defaults to the current time.

            \(exitStatuses)

            Examples:
              pedregal expire --root . --now 2027-01-01T00:00:00Z --dry-run
              pedregal expire --root .
              pedregal expire generated/sk8-us-west-2
              pedregal expire generated/sk8-us-west-2 --now 2027-01-01T00:00:00Z --dry-run
            """)

    @Argument(help: ArgumentHelp("A cluster folder: generated/<cluster> (cluster mode).", valueName: "dir"))
    var folder: String?

    @Option(help: ArgumentHelp("Edit teams/ under this folder and regenerate, instead of deleting in a cluster.", valueName: "dir"))
    var root: String?

    @Option(help: ArgumentHelp("Output folder with --root (default: ROOT/generated).", valueName: "dir"))
    var out: String?

    @Option(help: ArgumentHelp("The time to compare with, RFC 3339 (default: now).", valueName: "time"))
    var now: String?

    @Flag(help: "Change nothing: with --root, print what would be removed; in a cluster, send the deletes with dryRun=All.")
    var dryRun = false

    @OptionGroup var connection: ConnectionFlags

    func validate() throws {
        switch (folder, root) {
        case (nil, nil): throw ValidationError("give a cluster folder, or --root DIR to edit teams/ and regenerate")
        case (.some, .some): throw ValidationError("give either a cluster folder or --root, not both")
        default: break
        }
        if let root { try RootOptions(root: root).validate() }
    }

    func run() throws {
        if let root {
            try RootExpiry(root: root, out: out, json: connection.format == .json, now: now, dryRun: dryRun).run()
            return
        }
        guard let folder else { return }
        let (now, dryRun) = (now, dryRun)
        try connection.execute { await Runner.expire(folder: folder, now: now, dryRun: dryRun, context: $0) }
    }
}
