import ArgumentParser
import Foundation
import PedregalCompiler
import PedregalLoader
import PedregalLocal
import PedregalManifests

/// `pedregal local`: a team's Spark Connect server on this machine.
struct LocalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "local",
        abstract: "Run a team's Spark Connect server on this machine, configured like its cluster's.",
        discussion: """
            `up` compiles teams/ and templates/ in memory (no generated/ folder needed), takes the team's Spark Connect template for the environment, and starts it with pyspark's spark-submit (Spark 4, JDK 17): the same sparkConf minus Kubernetes-only settings, the same catalogs and default catalog, each backed by a local warehouse (Spark's JDBC catalog over an embedded Derby database). State, log and warehouse live in $PEDREGAL_LOCAL_STATE, else $XDG_STATE_HOME/pedregal/local, else ~/.local/state/pedregal/local, one folder per team.

            Exit status: 0 success; 1 the server did not start, is not running (status) or the input is invalid; 64 bad usage; 69 Spark or Java missing; 74 input/output error.

            Examples:
              pedregal local up data-science
              export SPARK_REMOTE=$(pedregal local up feature-engineering --env dev --quiet)
              pedregal local status
              pedregal local down data-science --purge
            """,
        subcommands: [LocalUp.self, LocalStatus.self, LocalDown.self])
}

/// Where local servers keep their state.
struct LocalStateOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Base folder of local servers' state (default: $PEDREGAL_LOCAL_STATE, $XDG_STATE_HOME/pedregal/local or ~/.local/state/pedregal/local).",
            valueName: "dir"))
    var stateDir: String?

    var server: LocalSparkConnect {
        LocalSparkConnect(
            store: LocalStateStore(
                base: LocalStateStore.base(override: stateDir, environment: ProcessInfo.processInfo.environment)))
    }
}

struct LocalUp: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Start the team's Spark Connect server and wait until it answers.",
        discussion: """
            Prints the URL and the SPARK_REMOTE line on standard output; progress, and the problems of teams/ and templates/ that concern the team, on standard error (other teams' files are set aside when only they have errors). With --quiet, only the URL, and on standard error only an error that stops the start. Running it again for a running server prints that server again.
            """)

    @Argument(help: "The team (`team:` in teams/TEAM.yaml).")
    var team: String
    @Option(help: ArgumentHelp("The Spark Connect server's name in the team file.", valueName: "name"))
    var cluster = "default"
    @Option(help: ArgumentHelp("The environment whose template is used.", valueName: "name"))
    var env = "dev"
    @Option(help: ArgumentHelp("The region, when the environment runs in several (default: the first, sorted).", valueName: "name"))
    var region: String?
    @Option(help: ArgumentHelp("Port to listen on, on 127.0.0.1 (default: a free one).", valueName: "n"))
    var port: Int?
    @Option(help: ArgumentHelp("Worker threads: --master local[N].", valueName: "n"))
    var cores = 2
    @Option(help: ArgumentHelp("The driver's memory (it runs every task).", valueName: "size"))
    var driverMemory = "1g"
    @Option(help: ArgumentHelp("Seconds to wait for the server to answer.", valueName: "seconds"))
    var timeout: Double = 120
    @Flag(help: "Also start `pedregal gateway` in front, with the team's route, a local issuer and a token.")
    var gateway = false
    @Flag(help: "Print the configuration and the command, and start nothing.")
    var dryRun = false
    @Flag(help: "Print only the URL on standard output, and nothing on standard error but an error that stops the start.")
    var quiet = false
    @OptionGroup var root: RootOptions
    @OptionGroup var state: LocalStateOptions

    func validate() throws {
        try root.validate()
        if let port, !(1...65535).contains(port) { throw ValidationError("--port must be between 1 and 65535") }
        guard cores >= 1 else { throw ValidationError("--cores must be at least 1") }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    func run() throws {
        let compilation = try compile()
        let template: ConnectTemplate
        do {
            template = try ConnectTemplate.find(
                ConnectTemplateQuery(team: team, environment: env, name: cluster, region: region), in: compilation.manifests)
        } catch {
            throw failure(error.description, .failure)
        }
        let installation: SparkInstallation
        do {
            installation = try SparkInstallation.locate()
        } catch {
            throw failure(error.description, .unavailable)
        }
        let server = state.server
        let options = LocalServerOptions(port: port, cores: cores, driverMemory: driverMemory, timeout: timeout)
        if dryRun { return printPlan(template, server: server, options: options, installation: installation) }
        note(
            "starting \(template.team)'s Spark Connect server '\(template.name)' (\(template.environment), \(template.region)) with \(installation.sparkSubmit)"
        )
        let began = Date()
        do {
            let result = try server.up(template, options: options, installation: installation) { _ in
                progress()
            }
            let state = result.state
            if result.alreadyRunning {
                note("already running since \(state.started) (pid \(state.pid), log \(state.logPath))")
            } else {
                let elapsed = String(format: "%.1f", Date().timeIntervalSince(began))
                note("\nanswering after \(elapsed) s (pid \(state.pid), log \(state.logPath))")
            }
            print(quiet ? result.state.url : "\(result.state.url)\nexport SPARK_REMOTE=\(result.state.url)")
            if gateway { try startGateway(template, manifests: compilation.manifests, state: state, server: server) }
        } catch let error as LocalServerError {
            throw failure("\n" + error.description, .failure)
        } catch {
            throw failure("\(error)", .ioError)
        }
    }

    /// Compiles the root for the team: only what concerns it is shown (with
    /// --quiet, only the errors that stop it), and other teams' mistakes are set aside.
    private func compile() throws -> Compilation {
        let focused = Compiler().compile(DiskSourceTree(root: root.rootURL), focusingOn: team)
        let options = DiagnosticOptions(format: .text)
        options.report(quiet ? focused.diagnostics.filter { $0.severity == .error } : focused.diagnostics, root: root)
        try options.exitOnErrors(focused.compilation.diagnostics)
        if focused.otherTeamsErrors > 0 {
            note(
                "note: other teams' files have \(focused.otherTeamsErrors) error\(focused.otherTeamsErrors == 1 ? "" : "s") (`pedregal validate` shows them); "
                    + "compiled templates/ and \(root.display(focused.teamFile)) alone")
        }
        return focused.compilation
    }

    private func startGateway(_ template: ConnectTemplate, manifests: [Manifest], state: LocalServerState, server: LocalSparkConnect) throws
    {
        guard
            let files = LocalGatewayFiles(
                template: template, manifests: manifests, serverPort: state.port, stateDirectory: server.store.directory(team: team))
        else { throw LocalServerError.noRoute(team: team) }
        note("starting pedregal gateway in front, as \(files.hostnames.joined(separator: ", "))")
        let began = Date()
        let user = ProcessInfo.processInfo.environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "local-user"
        let executable = Bundle.main.executablePath ?? CommandLine.arguments[0]
        let updated = try server.startGateway(
            files, executable: executable, state: state, subject: "\(user)@localhost", timeout: timeout
        ) { _ in progress() }
        guard let gateway = updated.gateway else { return }
        note(
            "\ngateway ready after \(String(format: "%.1f", Date().timeIntervalSince(began))) s (pid \(gateway.pid), log \(gateway.logPath))"
        )
        if !quiet {
            print(
                "# through the gateway, as \(gateway.host), with a token in the route's groups (\(files.groups.joined(separator: ", "))):")
            print(files.clientSnippet(port: gateway.port))
        }
    }

    /// Progress on standard error; none with --quiet, where only errors that stop the start are printed.
    private func note(_ line: String) {
        if !quiet { FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }

    private func progress() {
        if !quiet { FileHandle.standardError.write(Data(".".utf8)) }
    }

    private func printPlan(
        _ template: ConnectTemplate, server: LocalSparkConnect, options: LocalServerOptions, installation: SparkInstallation
    ) {
        let directory = server.store.directory(team: template.team)
        let conf = LocalSparkConf(template: template.sparkConf, port: options.port ?? 15002, stateDirectory: directory)
        print(
            "# \(template.team)/\(template.environment)/\(template.name) in \(template.region), from \(template.kubernetesCluster)/\(template.namespace)"
        )
        print("# catalogs: \(conf.catalogs.joined(separator: ", ")); default: \(conf.defaultCatalog ?? "spark_catalog")")
        for key in conf.settings.keys.sorted() { print("\(key)=\(conf.settings[key]!)") }
        for dropped in conf.dropped { print("# dropped \(dropped.key): \(dropped.reason)") }
        print("# " + server.command(for: template, conf: conf, options: options, installation: installation).joined(separator: " "))
    }
}

struct LocalStatus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the local servers (or one team's): pid, URL, whether the port answers, the log file.",
        discussion: "Exit 0 when every server shown runs and answers; 1 otherwise. A record whose process is gone is removed.")

    @Argument(help: "The team; every team with a local server when left out.")
    var team: String?
    @OptionGroup var state: LocalStateOptions

    func run() throws {
        let server = state.server
        let teams = team.map { [$0] } ?? server.store.teams()
        if teams.isEmpty { print("no local Spark Connect servers") }
        var healthy = !teams.isEmpty
        for team in teams {
            switch server.status(team: team) {
            case .notRecorded:
                print("\(team): not running")
                healthy = false
            case .stale(let state):
                print("\(team): stale: process \(state.pid) is gone; record removed (log \(state.logPath))")
                healthy = false
            case .running(let state, let answering):
                print(
                    "\(team): running \(state.environment)/\(state.cluster)/\(state.region) at \(state.url), pid \(state.pid), since \(state.started), \(answering ? "answering" : "NOT answering")"
                )
                print("  log \(state.logPath)")
                if let gateway = state.gateway {
                    let up = LocalProcess.isAlive(gateway.pid) && ConnectProbe.probe(port: gateway.port) == .answering
                    print(
                        "  gateway sc://localhost:\(gateway.port) as \(gateway.host), pid \(gateway.pid), \(up ? "answering" : "NOT answering"), log \(gateway.logPath)"
                    )
                    healthy = healthy && up
                }
                healthy = healthy && answering
            }
        }
        if !healthy { throw ExitCode(.failure) }
    }
}

struct LocalDown: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "down",
        abstract: "Stop the team's local server (every team's when left out); the warehouse stays unless --purge.")

    @Argument(help: "The team; every team with a local server when left out.")
    var team: String?
    @Flag(help: "Also delete the team's log and warehouse.")
    var purge = false
    @Option(help: ArgumentHelp("Seconds between SIGTERM and SIGKILL.", valueName: "seconds"))
    var grace: Double = 20
    @OptionGroup var state: LocalStateOptions

    func run() throws {
        let server = state.server
        let teams = team.map { [$0] } ?? server.store.teams()
        if teams.isEmpty { print("no local Spark Connect servers") }
        for team in teams {
            do {
                switch try server.down(team: team, purge: purge, grace: grace) {
                case .notRecorded: print("\(team): not running")
                case .stale(let state): print("\(team): was not running (process \(state.pid) gone); record removed")
                case .running(let state, _): print("\(team): stopped pid \(state.pid), port \(state.port)")
                }
                if purge { print("\(team): removed \(server.store.directory(team: team))") }
            } catch {
                throw failure("\(team): \(error)", .ioError)
            }
        }
    }
}
