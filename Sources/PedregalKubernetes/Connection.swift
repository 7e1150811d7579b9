import Foundation
import PedregalConsole

/// How the user asked to reach the cluster: the connection flags.
public struct ConnectionOptions: Sendable {
    /// `--kubeconfig FILE`; otherwise `$KUBECONFIG`, then `~/.kube/config`.
    public var kubeconfig: String?
    /// `--context NAME`; otherwise the kubeconfig's current context.
    public var context: String?
    /// `--cluster NAME`: the operator's statement of which cluster this is.
    public var cluster: String?
    /// `--in-cluster`: the ServiceAccount a pod runs as.
    public var inCluster: Bool
    /// `--server URL`: talk to this API server directly.
    public var server: String?
    /// `--token-file FILE`: the bearer token for `--server`.
    public var tokenFile: String?
    /// `--certificate-authority FILE`: the CA for `--server`.
    public var certificateAuthority: String?
    /// `--insecure-skip-tls-verify` for `--server`.
    public var insecureSkipTLSVerify: Bool
    /// Where a pod finds its ServiceAccount token and CA.
    public var serviceAccountFolder: String

    /// The standard ServiceAccount mount.
    public static let podServiceAccountFolder = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// Creates options; all default to "not given".
    public init(
        kubeconfig: String? = nil, context: String? = nil, cluster: String? = nil, inCluster: Bool = false,
        server: String? = nil, tokenFile: String? = nil, certificateAuthority: String? = nil,
        insecureSkipTLSVerify: Bool = false, serviceAccountFolder: String = ConnectionOptions.podServiceAccountFolder
    ) {
        self.kubeconfig = kubeconfig
        self.context = context
        self.cluster = cluster
        self.inCluster = inCluster
        self.server = server
        self.tokenFile = tokenFile
        self.certificateAuthority = certificateAuthority
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.serviceAccountFolder = serviceAccountFolder
    }
}

/// A resolved API endpoint with its credentials, and the name of the cluster
/// it claims to be.
public struct Connection: Sendable {
    /// Base URL of the API server, without a trailing slash.
    public var server: String
    /// The cluster's name: `--cluster`, else the kubeconfig context's cluster;
    /// nil for in-cluster and `--server` connections without `--cluster`.
    public var clusterName: String?
    /// How the connection was chosen, for messages ("context 'kind-pedregal'").
    public var origin: String
    /// Whether `clusterName` came from `--cluster`.
    public var namedByFlag: Bool
    /// PEM CA certificates to trust instead of the system's.
    public var certificateAuthority: [UInt8]?
    /// PEM client certificate chain and key.
    public var clientCertificate: [UInt8]?
    /// PEM client key.
    public var clientKey: [UInt8]?
    /// Bearer token.
    public var token: String?
    /// The file the token was read from: a command that runs long (a
    /// `submit --retry auto` following its runs for hours) reads it again,
    /// as the kubelet rotates a pod's projected ServiceAccount token.
    public var tokenFile: String?
    /// Skip verifying the server's certificate.
    public var insecureSkipTLSVerify: Bool

    /// Creates a connection.
    public init(
        server: String, clusterName: String?, origin: String, namedByFlag: Bool = false, certificateAuthority: [UInt8]? = nil,
        clientCertificate: [UInt8]? = nil, clientKey: [UInt8]? = nil, token: String? = nil, tokenFile: String? = nil,
        insecureSkipTLSVerify: Bool = false
    ) {
        var server = server
        while server.hasSuffix("/") { server.removeLast() }
        self.server = server
        self.clusterName = clusterName
        self.origin = origin
        self.namedByFlag = namedByFlag
        self.certificateAuthority = certificateAuthority
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.token = token
        self.tokenFile = tokenFile
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
    }

    /// Resolves `options` with the process environment (`KUBECONFIG`, `HOME`,
    /// `KUBERNETES_SERVICE_HOST`/`PORT`), reading every file it names.
    public static func resolve(_ options: ConnectionOptions, environment: [String: String]) throws -> Connection {
        let isDirect = options.inCluster || options.server != nil
        if options.inCluster && options.server != nil {
            throw RunnerError.usage("give either --in-cluster or --server, not both")
        }
        if isDirect && (options.kubeconfig != nil || options.context != nil) {
            throw RunnerError.usage("--kubeconfig and --context cannot be combined with --in-cluster or --server")
        }
        if !isDirect && (options.tokenFile != nil || options.certificateAuthority != nil || options.insecureSkipTLSVerify) {
            throw RunnerError.usage(
                "--token-file, --certificate-authority and --insecure-skip-tls-verify go with --server or --in-cluster; "
                    + "a kubeconfig names its own")
        }
        if isDirect && options.insecureSkipTLSVerify && options.certificateAuthority != nil {
            throw RunnerError.usage(
                "--certificate-authority and --insecure-skip-tls-verify contradict each other; "
                    + "kubectl refuses them too (\"\(caWithInsecure)\"): give one")
        }
        let connection: Connection
        if options.inCluster {
            connection = try inCluster(options, environment: environment)
        } else if let server = options.server {
            connection = try direct(server, options)
        } else {
            connection = try fromKubeconfig(options, environment: environment)
        }
        try connection.checkTokenTransport()
        return connection
    }

    /// kubectl's (client-go's) refusal of a CA together with insecure-skip-tls-verify.
    static let caWithInsecure = "specifying a root certificates file with the insecure flag is not allowed"

    /// Refuses (exit 77) to send a bearer token over plain http to anything
    /// but this machine: anyone on the path could read it and act as its user.
    public func checkTokenTransport() throws {
        guard token != nil, let url = URL(string: server), url.scheme?.lowercased() == "http" else { return }
        let host = (url.host ?? "").lowercased()
        guard !Self.isLoopback(host) else { return }
        throw RunnerError.refused(
            "refusing to send the bearer token of \(origin) over plain http to \(host): anyone on the way could read it; "
                + "use https, or plain http only to a loopback address (such as `kubectl proxy` on 127.0.0.1)")
    }

    /// Whether `host` is this machine: `localhost`, 127.0.0.0/8 or ::1.
    public static func isLoopback(_ host: String) -> Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if bare == "localhost" || bare == "::1" || bare == "0:0:0:0:0:0:0:1" { return true }
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    private static func inCluster(_ options: ConnectionOptions, environment: [String: String]) throws -> Connection {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty else {
            throw RunnerError.usage("--in-cluster needs KUBERNETES_SERVICE_HOST, which Kubernetes sets in pods; it is not set")
        }
        let port = environment["KUBERNETES_SERVICE_PORT"].flatMap { $0.isEmpty ? nil : $0 } ?? "443"
        let bracketed = host.contains(":") ? "[\(host)]" : host
        let folder = options.serviceAccountFolder
        let tokenPath = options.tokenFile ?? "\(folder)/token"
        let caPath = options.certificateAuthority ?? "\(folder)/ca.crt"
        return Connection(
            server: "https://\(bracketed):\(port)", clusterName: options.cluster, origin: "the in-cluster ServiceAccount",
            namedByFlag: true,
            certificateAuthority: options.insecureSkipTLSVerify ? nil : try LocalFiles.bytes(caPath, what: "ServiceAccount CA"),
            token: try readToken(tokenPath), tokenFile: tokenPath, insecureSkipTLSVerify: options.insecureSkipTLSVerify)
    }

    private static func direct(_ server: String, _ options: ConnectionOptions) throws -> Connection {
        try checkURL(server, what: "--server")
        return Connection(
            server: server, clusterName: options.cluster, origin: "--server \(server)", namedByFlag: true,
            certificateAuthority: try options.certificateAuthority.map {
                try LocalFiles.bytes($0, what: "certificate authority")
            },
            token: try options.tokenFile.map(readToken), tokenFile: options.tokenFile,
            insecureSkipTLSVerify: options.insecureSkipTLSVerify)
    }

    private static func fromKubeconfig(_ options: ConnectionOptions, environment: [String: String]) throws -> Connection {
        let paths: [String]
        if let path = options.kubeconfig {
            paths = [path]
        } else if let list = environment["KUBECONFIG"], !list.isEmpty {
            paths = list.split(separator: ":").map(String.init).filter { FileManager.default.fileExists(atPath: $0) }
            if paths.isEmpty { throw RunnerError.io("none of the files in KUBECONFIG (\(list)) exists") }
        } else if let home = environment["HOME"], !home.isEmpty {
            paths = ["\(home)/.kube/config"]
            guard FileManager.default.fileExists(atPath: paths[0]) else {
                throw RunnerError.io(
                    "no kubeconfig at '\(paths[0])'; pass --kubeconfig, set KUBECONFIG, or use --server or --in-cluster")
            }
        } else {
            throw RunnerError.usage("no kubeconfig: pass --kubeconfig, set KUBECONFIG, or use --server or --in-cluster")
        }
        let config = try Kubeconfig.load(paths: paths)
        let (context, cluster, user) = try config.resolve(context: options.context)
        if let key = user.unsupported {
            throw RunnerError.usage(
                "user '\(user.name)' of context '\(context.name)' authenticates with '\(key)', which pedregal does not support; "
                    + "use a token, a token file or a client certificate")
        }
        try checkURL(cluster.server, what: "cluster '\(cluster.name)' server")
        if cluster.insecureSkipTLSVerify && cluster.certificateAuthority != nil {
            throw RunnerError.usage(
                "cluster '\(cluster.name)' in \(config.files.map { "'\($0)'" }.joined(separator: ", ")) sets both a certificate "
                    + "authority (certificate-authority or certificate-authority-data) and insecure-skip-tls-verify: true; "
                    + "kubectl refuses this too (\"\(caWithInsecure)\"): remove one of them")
        }
        if (user.clientCertificate == nil) != (user.clientKey == nil) {
            throw RunnerError.usage("user '\(user.name)' has a client certificate without a key, or a key without a certificate")
        }
        var token = user.token
        if token == nil, let file = user.tokenFile { token = try readToken(file) }
        return Connection(
            server: cluster.server, clusterName: options.cluster ?? cluster.name,
            origin: "context '\(context.name)' (cluster '\(cluster.name)')", namedByFlag: options.cluster != nil,
            certificateAuthority: try cluster.certificateAuthority?.bytes(
                what: "certificate authority of cluster '\(cluster.name)'"),
            clientCertificate: try user.clientCertificate?.bytes(what: "client certificate of user '\(user.name)'"),
            clientKey: try user.clientKey?.bytes(what: "client key of user '\(user.name)'"),
            token: token, tokenFile: user.token == nil ? user.tokenFile : nil, insecureSkipTLSVerify: cluster.insecureSkipTLSVerify)
    }

    static func readToken(_ path: String) throws -> String {
        let text = String(decoding: try LocalFiles.bytes(path, what: "token file"), as: UTF8.self)
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw RunnerError.io("token file '\(path)' is empty") }
        return token
    }

    private static func checkURL(_ server: String, what: String) throws {
        guard let url = URL(string: server), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw RunnerError.usage("\(what) '\(server)' is not an http(s) URL")
        }
    }

    /// Refuses (exit 77) unless this connection's cluster is `folderCluster`:
    /// applying one cluster's manifests to another must not happen by accident.
    public func checkCluster(_ folderCluster: String, folder: String) throws {
        guard let name = clusterName else {
            throw RunnerError.refused(
                "refusing to act on '\(folder)': \(origin) carries no cluster name; "
                    + "pass --cluster \(folderCluster) if this is that cluster")
        }
        guard name == folderCluster else {
            let claim = namedByFlag ? "--cluster says '\(name)'" : "\(origin) is cluster '\(name)'"
            throw RunnerError.refused(
                "refusing to act on '\(folder)', which is for cluster '\(folderCluster)': \(claim); "
                    + "pass --cluster \(folderCluster) if this really is that cluster")
        }
    }
}
