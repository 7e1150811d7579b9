import ArgumentParser
import PedregalRunner

/// `pedregal submit TEAM/JOB --env E`: a run of a batch job.
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Start a run of a batch job from its generated template.",
        discussion: """
            The template is generated/<cluster>/<namespace>/configmap-job-<job>.yaml whose labels match the team, environment and region; its cluster folder must match the connection (see --cluster). The run is the SparkApplication <job>-<first 10 hex digits of SHA-256(token)>: submitting again with the same --token returns the existing run instead of starting another, even when two submits race. Without --token a random one is used. --arg (repeatable) replaces the application's arguments. --template reads a raw SparkApplication file instead (the scheduled-submit CronJob does this). Prints the run as NAMESPACE/NAME, which `job status` and `cancel` take.

            The macros {{ ds }}, {{ ds_nodash }} and {{ ts }} in the arguments take the run's logical time: --logical-date (a date YYYY-MM-DD or an RFC 3339 time), else with --scheduled-job JOB the scheduled time of that CronJob Job (its batch.kubernetes.io/cronjob-scheduled-timestamp annotation, else the minute its name ends in; the Job's name is then the token), else the current time. Each is printed.

            A job with `sizing: {mode: auto}` is sized from its latest finished runs before it is created: the event logs in --event-logs DIR, else the History Server of --history-server URL or of the template's pedregal.io/history-server annotation. The run records what was chosen and why (annotations pedregal.io/sizing-applied and pedregal.io/sizing-reason, shown by `job status`); without history it keeps the written values.

            While an earlier run of the job is active, the template's pedregal.io/concurrency-policy decides: Forbid (the default) starts nothing and exits 0, Allow starts another, Replace deletes the active runs first. A second submit with the same token always returns the first run.

            --retry auto follows the run to its end; when it fails it classifies the failure (as `job status` does) and retries only what a retry can fix, with the remedy applied: for out-of-memory the driver's or executors' memory (or the memory overhead) 1.5×, then 2× its first value, within the namespace's quota; for transient failures unchanged after a backoff (--retry-backoff, doubling per attempt). User errors are never retried; when the quota cannot hold the remedy it stops and says so. Attempt n is the run <job>-<h>-<n>, so a restarted or racing runner follows the same chain. Exit 0 when an attempt succeeded.

            \(runnerExitStatuses)

            Examples:
              pedregal submit feature-engineering/daily-user-features --env prod
              pedregal submit ml-platform/embedding-backfill --env prod \\
                --token bf-2025-01 --logical-date 2025-01-15
              pedregal submit ml-platform/embedding-backfill --env prod \\
                --arg --model --arg v8
              pedregal submit --template job.yaml --in-cluster --cluster sk8-us-west-2 \\
                --scheduled-job daily-29012345
              pedregal submit feature-engineering/daily-user-features --env prod \\
                --retry auto --max-attempts 3
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

    @Option(help: ArgumentHelp("For sizing auto: a folder of the job's event logs.", valueName: "dir"))
    var eventLogs: String?

    @Option(help: ArgumentHelp("For sizing auto: a Spark History Server (default: the template's).", valueName: "url"))
    var historyServer: String?

    @Option(
        help: ArgumentHelp("auto: follow the run and retry a failure with its remedy; off (the default): submit only.", valueName: "policy")
    )
    var retry: RetryPolicyChoice = .off

    @Option(
        help: ArgumentHelp(
            "With --retry auto: the most attempts, the first included (1-10; default the job's retry.maxAttempts, else 3).", valueName: "n")
    )
    var maxAttempts: Int?

    @Option(
        help: ArgumentHelp(
            "With --retry auto: seconds before a retry of a transient failure, doubling per attempt (default 60).", valueName: "seconds"))
    var retryBackoff: Int?

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
        if retry == .off && (maxAttempts != nil || retryBackoff != nil) {
            throw ValidationError("--max-attempts and --retry-backoff go with --retry auto")
        }
        if let maxAttempts, !(1...10).contains(maxAttempts) { throw ValidationError("--max-attempts must be 1 to 10; got \(maxAttempts)") }
        if let retryBackoff, !(0...3600).contains(retryBackoff) {
            throw ValidationError("--retry-backoff must be 0 to 3600 seconds; got \(retryBackoff)")
        }
    }

    func run() async throws {
        let source: JobSource
        if let template {
            source = .template(template)
        } else {
            let parts = job!.split(separator: "/").map(String.init)
            source = .job(team: parts[0], job: parts[1], environment: env!, region: region, generated: generated)
        }
        let timing: RunTiming = scheduledJob.map { .scheduledJob($0) } ?? logicalDate.map { .logicalDate($0) } ?? .now
        try await connection.execute {
            await Runner.submit(
                source, token: token, args: args.isEmpty ? nil : args, timing: timing,
                history: HistorySource(eventLogFolder: eventLogs, historyServer: historyServer), retry: retryOptions, context: $0)
        }
    }

    /// The retry options, with --retry auto.
    var retryOptions: RetryOptions? {
        guard retry == .auto else { return nil }
        return RetryOptions(maxAttempts: maxAttempts, backoff: .seconds(retryBackoff ?? 60))
    }
}

/// `--retry`: whether `submit` follows the run and retries its failures.
enum RetryPolicyChoice: String, ExpressibleByArgument, CaseIterable {
    case off, auto
}
