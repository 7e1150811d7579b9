import ArgumentParser
import Foundation
import PedregalAdvisor
import PedregalCompiler
import PedregalEmitter
import PedregalEventLog
import PedregalLoader
import PedregalRunner
import PedregalYAML

/// `pedregal advise`: sizing advice from a job's real event logs.
struct AdviseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "advise",
        abstract: "Recommend a job's executors, memory and shuffle partitions from its recent event logs.",
        discussion: """
            Reads the job's latest runs (--runs, default 5): with TEAM/JOB and neither --event-logs nor --history-server, the runs the platform labelled in the cluster (pedregal.io/team, pedregal.io/job, pedregal.io/run-token; the connection flags say which cluster) with their logs where each run sent them (a local spark.eventLog.dir, else its pedregal.io/history-server); else the event logs in --event-logs DIR (rolling eventlog_v2_* folders or single files; zstd, lz4, snappy or plain; a run still in progress is left out), or the applications of a Spark History Server (--history-server URL). Logs are matched to TEAM/JOB by the application id the operator gives a run (<job>-<hash>-<attempt>) or the application name; without TEAM/JOB every application in the folder counts and today's sizing is read from the logs.

            For each run it reports wall time, slot utilisation, peak heap, off-heap and process memory per executor, spill, GC share, shuffle volume, skewed stages and the critical path, simulates the run at other executor counts, and recommends executor instances (or dynamicAllocation.maxExecutors), executor and driver memory, memory overhead and spark.sql.shuffle.partitions within the environment's quota and the job's sizing bounds, each with its evidence and expected effect.

            --write applies the recommendation to teams/<team>.yaml as a minimal edit (comments kept) and regenerates generated/, after compiling the result; commit both for review (`pedregal diff` shows the change). That includes executor.memoryOverhead (removed from the job when Spark's default is enough).

            Exit status: 0 advice given (or written); 1 the result would not compile, or no run to learn from; 64 bad usage; 74 logs or files unreadable.

            Examples:
              pedregal advise --event-logs /var/spark-events
              pedregal advise ml-platform/embedding-backfill --env prod --history-server https://spark-history.example.com
              pedregal advise ml-platform/embedding-backfill --env prod --event-logs ./logs --write
            """)

    @Argument(help: ArgumentHelp("The job, as TEAM/JOB.", valueName: "team/job"))
    var job: String?

    @Option(help: ArgumentHelp("Environment of the job.", valueName: "env"))
    var env: String?

    @Option(help: ArgumentHelp("A folder of event logs.", valueName: "dir"))
    var eventLogs: String?

    @Option(help: ArgumentHelp("A Spark History Server.", valueName: "url"))
    var historyServer: String?

    @Option(help: ArgumentHelp("How many of the latest runs to learn from (default: the job's sizing.runs, else 5).", valueName: "n"))
    var runs: Int?

    @Flag(help: "Write the recommendation into teams/<team>.yaml and generated/.")
    var write = false

    @OptionGroup var root: RootOptions

    @OptionGroup var connection: ConnectionFlags

    func validate() throws {
        guard eventLogs == nil || historyServer == nil else {
            throw ValidationError("give --event-logs DIR or --history-server URL, not both")
        }
        if let job {
            let parts = job.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError("the job must be TEAM/JOB, e.g. ml-platform/embedding-backfill; got '\(job)'")
            }
            guard env != nil else { throw ValidationError("--env is required with TEAM/JOB") }
            try root.validate()
        } else {
            guard !write else { throw ValidationError("--write needs TEAM/JOB and --env: the job whose team file changes") }
            guard eventLogs != nil || historyServer != nil else {
                throw ValidationError("without TEAM/JOB, give --event-logs DIR or --history-server URL")
            }
        }
        if let runs, runs < 1 { throw ValidationError("--runs must be at least 1") }
    }

    func run() async throws {
        // Problems go to standard error as text; with --format json standard output holds only the advice.
        let diagnostics = DiagnosticOptions(format: .text)
        var subject: SizingAdvice.Subject?
        if let job {
            let parts = job.split(separator: "/").map(String.init)
            let compilation = try diagnostics.compile(root)
            do {
                subject = try SizingAdvice.subject(compilation, team: parts[0], job: parts[1], environment: env!)
            } catch {
                throw failure("\(error)", .usage)
            }
        }
        let history = HistorySource(eventLogFolder: eventLogs, historyServer: historyServer)
        let limit = runs ?? subject?.input.bounds.runs ?? 5
        var summaries: [ApplicationSummary]
        do {
            if let subject, eventLogs == nil && historyServer == nil {
                // The runs the platform labelled in the cluster, their logs where the platform sent them.
                let context = RunnerContext(
                    connection: connection.options, environment: ProcessInfo.processInfo.environment, output: .standard(.text))
                summaries = try await Runner.pastRunLogs(
                    team: subject.team, job: subject.job, namespace: subject.namespace, limit: limit, history: history, context: context
                ).runs
            } else if let subject {
                summaries = try await history.runs(of: subject.job, limit: limit).runs
            } else {
                summaries = try await history.runs(of: nil, limit: limit).runs
            }
        } catch {
            throw failure("\(error)", .ioError)
        }
        guard let latest = summaries.last else {
            throw failure("no finished run\(subject.map { " of \($0.job)" } ?? "") in \(eventLogs ?? historyServer ?? "")", .failure)
        }
        var input = subject?.input ?? SizingInput.fromProperties(latest.sparkProperties, executorsSeen: latest.executors.count)
        if let runs { input.bounds.runs = runs }
        let advice = Advisor(input: input).advise(summaries)
        let name = subject.map { "\($0.team)/\($0.job) in \($0.environment)" } ?? (eventLogs ?? historyServer ?? "")
        if connection.format == .json {
            print(JSONWriter.pretty(advice.json(subject: name)))
        } else {
            print(advice.text(subject: name), terminator: "")
        }
        guard write, let subject else { return }
        try writeAdvice(advice, subject: subject, diagnostics: diagnostics)
    }

    /// A result line: standard output, or standard error when standard output holds the JSON advice.
    private func say(_ line: String) {
        if connection.format == .json {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        } else {
            print(line)
        }
    }

    private func writeAdvice(_ advice: Advice, subject: SizingAdvice.Subject, diagnostics: DiagnosticOptions) throws {
        let change: SizingAdvice.Change
        do {
            change = try SizingAdvice.applying(advice, to: subject, in: DiskSourceTree(root: root.rootURL))
        } catch {
            throw failure("\(error); nothing was written", .failure)
        }
        guard !change.files.isEmpty else {
            say("nothing to write: \(root.display(subject.file)) already holds the recommendation")
            return
        }
        diagnostics.report(change.compilation.diagnostics, root: root)
        if change.compilation.hasErrors {
            throw failure("with the recommendation the root does not compile; nothing was written", .failure)
        }
        do {
            try OutputDirectory(url: root.rootURL.appendingPathComponent("generated", isDirectory: true))
                .write(change.compilation.files, withTeamFiles: change.files, under: root.rootURL.path)
        } catch {
            throw failure("\(error)", .ioError)
        }
        for recommendation in change.written {
            say("wrote      \(recommendation.key): \(recommendation.current) → \(recommendation.recommended)")
        }
        for recommendation in change.notWritten {
            say("not written \(recommendation.key): \(recommendation.recommended) (the team file has no place for it; see the report)")
        }
        say("wrote \(root.display(subject.file)) and \(root.display("generated")); commit both for review")
    }
}
