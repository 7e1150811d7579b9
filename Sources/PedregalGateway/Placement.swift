import Foundation

/// A backend server: `host:port`.
public struct ServerAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Host name or IP literal (IPv6 without brackets).
    public var host: String
    /// TCP port.
    public var port: Int

    /// Creates an address.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port` or `[v6]:port`.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let host: Substring
        let portText: Substring
        if trimmed.hasPrefix("[") {
            guard let close = trimmed.firstIndex(of: "]"), trimmed[trimmed.index(after: close)...].hasPrefix(":") else {
                return nil
            }
            host = trimmed[trimmed.index(after: trimmed.startIndex)..<close]
            portText = trimmed[trimmed.index(close, offsetBy: 2)...]
        } else {
            guard let colon = trimmed.lastIndex(of: ":") else { return nil }
            host = trimmed[..<colon]
            portText = trimmed[trimmed.index(after: colon)...]
        }
        guard !host.isEmpty, let port = Int(portText), (1...65535).contains(port) else { return nil }
        self.init(host: String(host), port: port)
    }

    public var description: String { host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]:\(port)" : "\(host):\(port)" }

    public static func < (lhs: ServerAddress, rhs: ServerAddress) -> Bool { lhs.description < rhs.description }
}

/// What placement knows about one server of a route.
public struct ServerView: Sendable, Equatable {
    /// The server.
    public var address: ServerAddress
    /// Answering health checks (and, in a cluster, a ready endpoint).
    public var healthy: Bool
    /// Taken out of placement by an operator, or terminating: keeps its
    /// sessions, takes no new ones.
    public var cordoned: Bool
    /// Open sessions plus running executions seen by this gateway.
    public var load: Int

    /// Creates a view.
    public init(address: ServerAddress, healthy: Bool = true, cordoned: Bool = false, load: Int = 0) {
        self.address = address
        self.healthy = healthy
        self.cordoned = cordoned
        self.load = load
    }
}

/// Where sessions go: rendezvous (highest-random-weight) hashing of the
/// session id over a route's servers, with a load bound for new sessions.
///
/// Replicas and restarts need no shared store because placement of a new
/// session never has to be recomputed: the gateway that does not know a
/// session asks the route's servers whether they hold it (a side-effect-free
/// probe, see `SparkConnectRequest.sessionProbe`) before anything else. The
/// HRW order only decides where new sessions go and in which order servers
/// are asked, so a load-bounded choice made by one replica is still found by
/// every other one, and no request is ever sent where it would silently open
/// an empty session. The hash is FNV-1a with a SplitMix64 finalizer, fixed
/// across processes and machines (Swift's `Hasher` is seeded per process).
public enum Placement {
    /// Weight of `server` for `sessionID`.
    public static func weight(sessionID: String, server: ServerAddress) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in sessionID.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        hash = (hash ^ 0xff) &* 0x0000_0100_0000_01b3
        for byte in server.description.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        hash = (hash ^ (hash >> 30)) &* 0xbf58_476d_1ce4_e5b9
        hash = (hash ^ (hash >> 27)) &* 0x94d0_49bb_1331_11eb
        return hash ^ (hash >> 31)
    }

    /// `servers` ordered by falling weight for `sessionID` (ties by address).
    public static func rank(sessionID: String, servers: [ServerAddress]) -> [ServerAddress] {
        servers.map { ($0, weight(sessionID: sessionID, server: $0)) }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
            .map(\.0)
    }

    /// The server for a new session: the first in HRW order that is healthy,
    /// not cordoned, and below the bound ⌈factor × (total load + 1) / n⌉
    /// (consistent hashing with bounded loads), n counting eligible servers.
    /// Nil when no server is eligible.
    public static func placeNew(sessionID: String, servers: [ServerView], loadFactor: Double = 1.25) -> ServerAddress? {
        let eligible = servers.filter { $0.healthy && !$0.cordoned }
        guard !eligible.isEmpty else { return nil }
        let total = eligible.reduce(0) { $0 + $1.load }
        let bound = max(1, Int((loadFactor * Double(total + 1) / Double(eligible.count)).rounded(.up)))
        let byAddress = Dictionary(eligible.map { ($0.address, $0) }, uniquingKeysWith: { first, _ in first })
        let ranked = rank(sessionID: sessionID, servers: eligible.map(\.address))
        return ranked.first { byAddress[$0]!.load < bound } ?? ranked[0]
    }
}
