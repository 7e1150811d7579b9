import Foundation
import PedregalConsole
import PedregalYAML

/// A kubeconfig file (or several merged, as `$KUBECONFIG` lists them): named
/// clusters, users and contexts, and the current context.
///
/// File paths inside it resolve against the folder of the file that names
/// them, as kubectl resolves them; `*-data` fields are base64.
public struct Kubeconfig: Sendable {
    /// A `clusters[]` entry.
    public struct Cluster: Sendable, Equatable {
        /// Its name.
        public var name: String
        /// API server URL.
        public var server: String
        /// PEM bytes from `certificate-authority-data`, or read from `certificate-authority`.
        public var certificateAuthority: CertificateSource?
        /// Skip verifying the server's certificate.
        public var insecureSkipTLSVerify: Bool
    }

    /// A `users[]` entry.
    public struct User: Sendable, Equatable {
        /// Its name.
        public var name: String
        /// Bearer token.
        public var token: String?
        /// Absolute path of `tokenFile`.
        public var tokenFile: String?
        /// PEM client certificate.
        public var clientCertificate: CertificateSource?
        /// PEM client key.
        public var clientKey: CertificateSource?
        /// The key of a credential pedregal cannot use (`exec`, `auth-provider`, `username`), if any.
        public var unsupported: String?
    }

    /// A `contexts[]` entry.
    public struct Context: Sendable, Equatable {
        /// Its name.
        public var name: String
        /// The cluster it names.
        public var cluster: String
        /// The user it names (empty: none).
        public var user: String
        /// Default namespace.
        public var namespace: String?
    }

    /// Where PEM bytes come from: inline data or a file.
    public enum CertificateSource: Sendable, Equatable {
        case data([UInt8])
        case file(String)

        /// The PEM bytes.
        func bytes(what: String) throws -> [UInt8] {
            switch self {
            case .data(let bytes): return bytes
            case .file(let path): return try LocalFiles.bytes(path, what: what)
            }
        }
    }

    /// Clusters by name.
    public var clusters: [String: Cluster] = [:]
    /// Users by name.
    public var users: [String: User] = [:]
    /// Contexts by name.
    public var contexts: [String: Context] = [:]
    /// The context used when none is asked for.
    public var currentContext: String?
    /// The files read, for messages.
    public var files: [String] = []

    /// An empty kubeconfig.
    public init() {}

    /// Reads and merges `paths` in order: the first file to define a name (or
    /// the current context) wins, as kubectl merges `$KUBECONFIG`.
    public static func load(paths: [String]) throws -> Kubeconfig {
        var merged = Kubeconfig()
        for path in paths {
            let one = try parse(try LocalFiles.bytes(path, what: "kubeconfig"), file: path)
            merged.clusters.merge(one.clusters) { first, _ in first }
            merged.users.merge(one.users) { first, _ in first }
            merged.contexts.merge(one.contexts) { first, _ in first }
            if merged.currentContext == nil { merged.currentContext = one.currentContext }
            merged.files.append(path)
        }
        return merged
    }

    /// Parses the kubeconfig text `bytes` read from `file`.
    public static func parse(_ bytes: [UInt8], file: String) throws -> Kubeconfig {
        let documents = try LocalFiles.parseYAML(bytes, file: file, what: "kubeconfig '\(file)'")
        var config = Kubeconfig()
        config.files = [file]
        guard let root = documents.first, root != .null else { return config }
        guard case .map = root else { throw RunnerError.io("kubeconfig '\(file)' is not a mapping") }
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent().path
        let reader = FieldReader(file: file, folder: folder)

        config.currentContext = root["current-context"]?.string.flatMap { $0.isEmpty ? nil : $0 }
        for (name, body) in try reader.namedEntries(root, "clusters", inner: "cluster") {
            guard let server = body["server"]?.string, !server.isEmpty else {
                throw RunnerError.io("kubeconfig '\(file)': cluster '\(name)' has no server")
            }
            config.clusters[name] = Cluster(
                name: name, server: server,
                certificateAuthority: try reader.source(body, data: "certificate-authority-data", file: "certificate-authority"),
                insecureSkipTLSVerify: body["insecure-skip-tls-verify"] == .bool(true))
        }
        for (name, body) in try reader.namedEntries(root, "users", inner: "user") {
            let unsupported = ["exec", "auth-provider", "username"].first { body[$0] != nil }
            config.users[name] = User(
                name: name, token: body["token"]?.string,
                tokenFile: body["tokenFile"]?.string.map { LocalFiles.resolve($0, against: folder) },
                clientCertificate: try reader.source(body, data: "client-certificate-data", file: "client-certificate"),
                clientKey: try reader.source(body, data: "client-key-data", file: "client-key"),
                unsupported: unsupported)
        }
        for (name, body) in try reader.namedEntries(root, "contexts", inner: "context") {
            guard let cluster = body["cluster"]?.string else {
                throw RunnerError.io("kubeconfig '\(file)': context '\(name)' names no cluster")
            }
            config.contexts[name] = Context(
                name: name, cluster: cluster, user: body["user"]?.string ?? "", namespace: body["namespace"]?.string)
        }
        return config
    }

    /// The context `name` (or the current context) with its cluster and user.
    public func resolve(context name: String?) throws -> (context: Context, cluster: Cluster, user: User) {
        let whereText = files.isEmpty ? "the kubeconfig" : files.map { "'\($0)'" }.joined(separator: ", ")
        let available = contexts.keys.sorted()
        let listing = available.isEmpty ? "it defines no contexts" : "contexts: \(available.joined(separator: ", "))"
        guard let chosen = name ?? currentContext else {
            throw RunnerError.usage("\(whereText) sets no current-context; pass --context (\(listing))")
        }
        guard let context = contexts[chosen] else {
            throw RunnerError.usage("context '\(chosen)' is not in \(whereText) (\(listing))")
        }
        guard let cluster = clusters[context.cluster] else {
            throw RunnerError.usage("context '\(chosen)' names cluster '\(context.cluster)', which \(whereText) does not define")
        }
        let user: User
        if context.user.isEmpty {
            user = User(name: "", token: nil, tokenFile: nil, clientCertificate: nil, clientKey: nil, unsupported: nil)
        } else if let found = users[context.user] {
            user = found
        } else {
            throw RunnerError.usage("context '\(chosen)' names user '\(context.user)', which \(whereText) does not define")
        }
        return (context, cluster, user)
    }
}

/// Reads the `name:` + inner-mapping entries of kubeconfig lists.
private struct FieldReader {
    let file: String
    let folder: String

    func namedEntries(_ root: YAMLValue, _ key: String, inner: String) throws -> [(String, YAMLValue)] {
        guard let value = root[key], value != .null else { return [] }
        guard let items = value.listValue else { throw RunnerError.io("kubeconfig '\(file)': '\(key)' is not a list") }
        return try items.map { item in
            guard let name = item["name"]?.string else {
                throw RunnerError.io("kubeconfig '\(file)': an entry of '\(key)' has no name")
            }
            return (name, item[inner] ?? .map(YAMLMap()))
        }
    }

    func source(_ body: YAMLValue, data dataKey: String, file fileKey: String) throws -> Kubeconfig.CertificateSource? {
        if let encoded = body[dataKey]?.string, !encoded.isEmpty {
            guard let data = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters) else {
                throw RunnerError.io("kubeconfig '\(file)': '\(dataKey)' is not valid base64")
            }
            return .data([UInt8](data))
        }
        if let path = body[fileKey]?.string, !path.isEmpty {
            return .file(LocalFiles.resolve(path, against: folder))
        }
        return nil
    }
}
