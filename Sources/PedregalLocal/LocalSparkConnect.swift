import Foundation

/// How `pedregal local up` runs the server.
public struct LocalServerOptions: Sendable {
    /// The port to listen on; nil picks a free one.
    public var port: Int?
    /// Worker threads: `--master local[N]`.
    public var cores: Int
    public var driverMemory: String
    /// Seconds to wait for the server to answer.
    public var timeout: Double

    public init(port: Int? = nil, cores: Int = 2, driverMemory: String = "1g", timeout: Double = 120) {
        self.port = port
        self.cores = cores
        self.driverMemory = driverMemory
        self.timeout = timeout
    }
}

/// Why a local server did not start.
public enum LocalServerError: Error, CustomStringConvertible {
    case runningWithOtherSettings(LocalServerState)
    case portInUse(Int)
    case noFreePort
    case exitedEarly(logPath: String, logTail: String)
    case timedOut(seconds: Double, logPath: String, logTail: String)
    case wouldNotStop(pid: Int32)
    case noRoute(team: String)
    case gatewayFailed(logPath: String, logTail: String)

    public var description: String {
        switch self {
        case .runningWithOtherSettings(let state):
            return
                "a local server of '\(state.team)' already runs for \(state.environment)/\(state.cluster)/\(state.region) at \(state.url) (pid \(state.pid)); stop it first: pedregal local down \(state.team)"
        case .portInUse(let port):
            return "port \(port) is already in use; pass another --port or leave it out to pick a free one"
        case .noFreePort:
            return "no free local port could be found; pass --port"
        case .exitedEarly(let path, let tail):
            return "the Spark Connect server exited before it answered; the end of its log (\(path)):\n\(tail)"
        case .noRoute(let team):
            return "the compiled routes hold no gateway route for this server of '\(team)'; please report this"
        case .gatewayFailed(let path, let tail):
            return
                "the gateway did not become ready and was stopped (the Spark Connect server keeps running); the end of its log (\(path)):\n\(tail)"
        case .wouldNotStop(let pid):
            return "process \(pid) did not stop, even after SIGKILL; its state file is kept"
        case .timedOut(let seconds, let path, let tail):
            return
                "the Spark Connect server did not answer within \(Int(seconds)) s and was stopped (raise --timeout on a slow machine); the end of its log (\(path)):\n\(tail)"
        }
    }
}

/// What `status` found for one team.
public enum LocalServerStatus: Sendable, Equatable {
    /// No server is recorded.
    case notRecorded
    /// The process runs; `answering` says whether its port speaks HTTP/2.
    case running(LocalServerState, answering: Bool)
    /// The recorded process is gone; the record was removed.
    case stale(LocalServerState)
}

/// Starts, finds and stops a team's local Spark Connect server.
public struct LocalSparkConnect: Sendable {
    public static let mainClass = "org.apache.spark.sql.connect.service.SparkConnectServer"

    public var store: LocalStateStore

    public init(store: LocalStateStore) {
        self.store = store
    }

    /// The spark-submit command line for `template`, without starting anything.
    public func command(
        for template: ConnectTemplate, conf: LocalSparkConf, options: LocalServerOptions, installation: SparkInstallation
    ) -> [String] {
        [
            installation.sparkSubmit, "--class", Self.mainClass, "--master", "local[\(options.cores)]",
            "--name", "pedregal-local-\(template.team)-\(template.name)", "--driver-memory", options.driverMemory,
        ]
            + conf.arguments + ["spark-internal"]
    }

    /// Starts the server of `template` and waits until it answers, calling
    /// `progress` with the seconds elapsed about once a second. Returns the
    /// recorded state, and whether it was already running.
    public func up(
        _ template: ConnectTemplate, options: LocalServerOptions, installation: SparkInstallation,
        progress: (Double) -> Void
    ) throws -> (state: LocalServerState, alreadyRunning: Bool) {
        switch status(team: template.team) {
        case .running(let state, _):
            guard state.environment == template.environment, state.cluster == template.name, state.region == template.region,
                options.port == nil || options.port == state.port
            else { throw LocalServerError.runningWithOtherSettings(state) }
            return (state, true)
        case .notRecorded, .stale: break
        }
        let port: Int
        if let chosen = options.port {
            guard ConnectProbe.probe(port: chosen, timeout: 1) == .closed else { throw LocalServerError.portInUse(chosen) }
            port = chosen
        } else {
            guard let free = ConnectProbe.freePort() else { throw LocalServerError.noFreePort }
            port = free
        }
        let directory = store.directory(team: template.team)
        for folder in [directory] + LocalSparkConf.folders(stateDirectory: directory) {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        let conf = LocalSparkConf(template: template.sparkConf, port: port, stateDirectory: directory)
        let command = command(for: template, conf: conf, options: options, installation: installation)
        let logPath = store.logFile(team: template.team)
        try Data().write(to: URL(fileURLWithPath: logPath))
        let pid = try LocalProcess.spawn(command, environment: environment(installation), logPath: logPath)
        let started = Date()
        let state = LocalServerState(
            team: template.team, environment: template.environment, cluster: template.name, region: template.region,
            pid: pid, port: port, logPath: logPath, started: Self.timestamp(started), command: command)
        try store.write(state)
        var lastTick = 0
        while true {
            let elapsed = Date().timeIntervalSince(started)
            if !LocalProcess.isAlive(pid) {
                try? store.remove(team: template.team)
                throw LocalServerError.exitedEarly(logPath: logPath, logTail: Self.tail(of: logPath))
            }
            if ConnectProbe.probe(port: port, timeout: 2) == .answering { return (state, false) }
            if elapsed > options.timeout {
                LocalProcess.stop(pid, grace: 10)
                try? store.remove(team: template.team)
                throw LocalServerError.timedOut(seconds: options.timeout, logPath: logPath, logTail: Self.tail(of: logPath))
            }
            if Int(elapsed) > lastTick {
                lastTick = Int(elapsed)
                progress(elapsed)
            }
            usleep(250_000)
        }
    }

    /// Finds the recorded server of `team`; a record whose process is gone
    /// is removed and reported as stale.
    public func status(team: String) -> LocalServerStatus {
        guard let state = try? store.read(team: team) else { return .notRecorded }
        guard LocalProcess.isAlive(state.pid), LocalProcess.commandLine(of: state.pid, contains: Self.mainClass) else {
            // A gateway whose server is gone serves nothing; stop it with the record.
            if let gateway = state.gateway, LocalProcess.commandLine(of: gateway.pid, contains: "gateway") {
                LocalProcess.stop(gateway.pid, grace: 5)
            }
            try? store.remove(team: team)
            return .stale(state)
        }
        return .running(state, answering: ConnectProbe.probe(port: state.port) == .answering)
    }

    /// Stops the server of `team` (SIGTERM to its process group, SIGKILL
    /// after `grace` seconds) and forgets it; `purge` also deletes its log and
    /// warehouse. Returns what was found before stopping.
    public func down(team: String, purge: Bool, grace: Double = 20) throws -> LocalServerStatus {
        let found = status(team: team)
        if case .running(let state, _) = found {
            if let gateway = state.gateway { LocalProcess.stop(gateway.pid, grace: 5) }
            guard LocalProcess.stop(state.pid, grace: grace) else {
                throw LocalServerError.wouldNotStop(pid: state.pid)
            }
            try store.remove(team: team)
        }
        if purge, FileManager.default.fileExists(atPath: store.directory(team: team)) {
            try FileManager.default.removeItem(atPath: store.directory(team: team))
        }
        return found
    }

    private func environment(_ installation: SparkInstallation) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["SPARK_HOME"] = installation.sparkHome
        if let java = installation.javaHome { environment["JAVA_HOME"] = java }
        // spark-submit would otherwise read the user's conf/spark-defaults.conf of another Spark.
        environment.removeValue(forKey: "SPARK_CONF_DIR")
        return environment
    }

    /// The last `lines` lines of a log file.
    public static func tail(of path: String, lines: Int = 30) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "(no log)" }
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .suffix(lines).joined(separator: "\n")
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
