import Foundation
import PedregalYAML

/// The backends file of a setup without Kubernetes endpoints (local runs,
/// tests, and pass-through upstreams in a cluster):
///
/// ```yaml
/// services:                     # namespace/service → its Spark Connect servers
///   sjns-ds-dev/sc-default: [127.0.0.1:15002, 127.0.0.1:15012]
/// upstreams:                    # route backend kind → pass-through upstream
///   emr: [emr-connect.internal:15002]
/// cordoned: [127.0.0.1:15012]   # no new sessions on these
/// ```
public struct StaticBackends: Sendable, Equatable {
    /// Servers by `namespace/service`.
    public var services: [String: [ServerAddress]]
    /// Upstreams by backend kind.
    public var upstreams: [String: [ServerAddress]]
    /// Cordoned servers.
    public var cordoned: Set<ServerAddress>

    /// Creates backends.
    public init(services: [String: [ServerAddress]] = [:], upstreams: [String: [ServerAddress]] = [:], cordoned: Set<ServerAddress> = []) {
        self.services = services
        self.upstreams = upstreams
        self.cordoned = cordoned
    }

    /// Servers keyed as `RoutingSnapshot.servers` wants them.
    public var serversByKey: [String: [ServerAddress]] {
        var out = services
        for (kind, addresses) in upstreams { out["upstream:\(kind)"] = addresses }
        return out
    }

    /// Parses the file's text; every problem is reported, none is fatal to the others.
    public static func parse(_ text: String, file: String) -> (StaticBackends, [String]) {
        let parsed = YAMLParser().parse(Array(text.utf8), file: file)
        var problems = parsed.diagnostics.filter { $0.severity == .error }.map { "\(file): \($0.message)" }
        guard let root = parsed.documents.first?.value, root.mapValue != nil else {
            if problems.isEmpty && !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                problems.append("\(file): expected a mapping with 'services', 'upstreams' and 'cordoned'")
            }
            return (StaticBackends(), problems)
        }
        for key in root.mapValue?.keys ?? [] where !["services", "upstreams", "cordoned"].contains(key) {
            problems.append("\(file): unknown key '\(key)'; expected 'services', 'upstreams' or 'cordoned'")
        }
        func addresses(_ value: YAMLValue?, _ what: String) -> [ServerAddress] {
            let items = value?.listValue ?? value.map { [$0] } ?? []
            return items.compactMap { item in
                guard let text = item.string, let address = ServerAddress(parsing: text) else {
                    problems.append("\(file): \(what): '\(item.string ?? "\(item)")' is not host:port")
                    return nil
                }
                return address
            }
        }
        func section(_ key: String) -> [String: [ServerAddress]] {
            var out: [String: [ServerAddress]] = [:]
            for entry in root[key]?.mapValue?.entries ?? [] {
                out[entry.key] = addresses(entry.value, "\(key).\(entry.key)")
            }
            return out
        }
        let backends = StaticBackends(
            services: section("services"), upstreams: section("upstreams"),
            cordoned: Set(addresses(root["cordoned"], "cordoned")))
        return (backends, problems)
    }

    /// Reads the file at `path`.
    public static func load(path: String) -> (StaticBackends, [String]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            return (StaticBackends(), ["\(path): cannot read the backends file"])
        }
        return parse(String(decoding: data, as: UTF8.self), file: path)
    }
}
