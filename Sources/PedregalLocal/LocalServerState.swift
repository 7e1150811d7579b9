import Foundation

/// What `pedregal local up` records about a running server, so `status`
/// and `down` find it again: the file `STATE/server.json`.
public struct LocalServerState: Codable, Sendable, Equatable {
    public var team: String
    public var environment: String
    /// The Spark Connect server's name in the team file.
    public var cluster: String
    public var region: String
    /// The process id of the server; it leads its own process group.
    public var pid: Int32
    public var port: Int
    public var logPath: String
    /// When it started, ISO 8601 in UTC.
    public var started: String
    /// The command line it was started with.
    public var command: [String]
    /// The gateway in front of it, when `--gateway` started one.
    public var gateway: LocalGatewayState?

    public init(
        team: String, environment: String, cluster: String, region: String, pid: Int32, port: Int, logPath: String,
        started: String, command: [String], gateway: LocalGatewayState? = nil
    ) {
        self.team = team
        self.environment = environment
        self.cluster = cluster
        self.region = region
        self.pid = pid
        self.port = port
        self.logPath = logPath
        self.started = started
        self.command = command
        self.gateway = gateway
    }

    /// The URL clients connect to.
    public var url: String { "sc://localhost:\(port)" }
}

/// A `pedregal gateway` started in front of a local server.
public struct LocalGatewayState: Codable, Sendable, Equatable {
    public var pid: Int32
    public var port: Int
    public var logPath: String
    /// The host name clients send (`grpc.default_authority`).
    public var host: String

    public init(pid: Int32, port: Int, logPath: String, host: String) {
        self.pid = pid
        self.port = port
        self.logPath = logPath
        self.host = host
    }
}

/// Where local servers keep their files: one folder per team under a base
/// folder that is per user, `$PEDREGAL_LOCAL_STATE`, else
/// `$XDG_STATE_HOME/pedregal/local`, else `~/.local/state/pedregal/local`.
public struct LocalStateStore: Sendable {
    public var base: String

    public init(base: String) {
        self.base = base
    }

    /// The base folder for `environment` (a process's environment variables) unless `override` names one.
    public static func base(override: String?, environment: [String: String]) -> String {
        if let override, !override.isEmpty { return override }
        if let explicit = environment["PEDREGAL_LOCAL_STATE"], !explicit.isEmpty { return explicit }
        if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") { return xdg + "/pedregal/local" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.local/state/pedregal/local"
    }

    /// The folder of one team: its state file, log and warehouse.
    public func directory(team: String) -> String { "\(base)/\(team)" }
    public func stateFile(team: String) -> String { directory(team: team) + "/server.json" }
    public func logFile(team: String) -> String { directory(team: team) + "/spark-connect.log" }

    /// The recorded server of `team`, nil when there is none.
    public func read(team: String) throws -> LocalServerState? {
        let path = stateFile(team: team)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try JSONDecoder().decode(LocalServerState.self, from: data)
    }

    /// Records `state`, replacing the file in one step.
    public func write(_ state: LocalServerState) throws {
        try FileManager.default.createDirectory(atPath: directory(team: state.team), withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try (encoder.encode(state) + Data("\n".utf8)).write(to: URL(fileURLWithPath: stateFile(team: state.team)), options: .atomic)
    }

    /// Forgets the server of `team` (the log and warehouse stay).
    public func remove(team: String) throws {
        let path = stateFile(team: team)
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
    }

    /// Teams with a state file, sorted.
    public func teams() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: stateFile(team: $0)) }.sorted()
    }
}
