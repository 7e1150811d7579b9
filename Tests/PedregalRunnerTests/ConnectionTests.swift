import Foundation
import PedregalConsole
import PedregalKubernetes
import PedregalRunner
import PedregalTestSupport
import Testing

/// Kubeconfig parsing and connection resolution: every way of naming the
/// server, the CA and the credentials.
@Suite struct ConnectionTests {
    let root: URL

    init() throws {
        root = try Paths.temporaryDirectory()
    }

    func write(_ files: [String: String]) throws { try Paths.write(files, to: root) }
    func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    static let caPEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"

    @Test func readsInlineDataFields() throws {
        let encoded = Data(Self.caPEM.utf8).base64EncodedString()
        try write([
            "config": """
            apiVersion: v1
            kind: Config
            current-context: prod
            clusters:
            - name: sk8-us-west-2
              cluster:
                server: https://api.us.example:6443
                certificate-authority-data: \(encoded)
            users:
            - name: admin
              user:
                client-certificate-data: \(Data("CERT".utf8).base64EncodedString())
                client-key-data: \(Data("KEY".utf8).base64EncodedString())
            contexts:
            - name: prod
              context: { cluster: sk8-us-west-2, user: admin, namespace: default }
            """
        ])
        let connection = try Connection.resolve(ConnectionOptions(kubeconfig: path("config")), environment: [:])
        #expect(connection.server == "https://api.us.example:6443")
        #expect(connection.clusterName == "sk8-us-west-2")
        #expect(connection.certificateAuthority == Array(Self.caPEM.utf8))
        #expect(connection.clientCertificate == Array("CERT".utf8))
        #expect(connection.clientKey == Array("KEY".utf8))
        #expect(connection.token == nil)
        #expect(!connection.insecureSkipTLSVerify)
        #expect(connection.origin == "context 'prod' (cluster 'sk8-us-west-2')")
    }

    @Test func resolvesRelativeFilePathsAgainstTheKubeconfigsFolder() throws {
        try write([
            "kube/config": """
            clusters:
            - name: kind-pedregal
              cluster:
                server: https://127.0.0.1:6443/
                certificate-authority: certs/ca.crt
            users:
            - name: kind
              user:
                tokenFile: ../secrets/token
                client-certificate: certs/client.crt
                client-key: /\(path("kube/certs/client.key").dropFirst())
            contexts:
            - name: kind
              context: { cluster: kind-pedregal, user: kind }
            current-context: kind
            """,
            "kube/certs/ca.crt": Self.caPEM, "kube/certs/client.crt": "CERT", "kube/certs/client.key": "KEY",
            "secrets/token": "  s3cret\n",
        ])
        // From another working folder: paths must not depend on it.
        let connection = try Connection.resolve(ConnectionOptions(kubeconfig: path("kube/config")), environment: [:])
        #expect(connection.server == "https://127.0.0.1:6443")
        #expect(connection.certificateAuthority == Array(Self.caPEM.utf8))
        #expect(connection.clientCertificate == Array("CERT".utf8))
        #expect(connection.clientKey == Array("KEY".utf8))
        #expect(connection.token == "s3cret")
    }

    @Test func insecureSkipTLSVerifyAndInlineToken() throws {
        try write([
            "config": """
            clusters: [{ name: dev, cluster: { server: "https://dev:443", insecure-skip-tls-verify: true } }]
            users: [{ name: me, user: { token: abc } }]
            contexts: [{ name: dev, context: { cluster: dev, user: me } }]
            current-context: dev
            """
        ])
        let connection = try Connection.resolve(ConnectionOptions(kubeconfig: path("config")), environment: [:])
        #expect(connection.insecureSkipTLSVerify)
        #expect(connection.token == "abc")
    }

    @Test func picksTheContextFlagAndMergesKUBECONFIGFirstWins() throws {
        try write([
            "a": """
            clusters: [{ name: eu, cluster: { server: "https://eu:443" } }]
            users: [{ name: me, user: { token: from-a } }]
            contexts: [{ name: eu, context: { cluster: eu, user: me } }]
            current-context: eu
            """,
            "b": """
            clusters: [{ name: us, cluster: { server: "https://us:443" } }, { name: eu, cluster: { server: "https://ignored" } }]
            users: [{ name: me, user: { token: from-b } }]
            contexts: [{ name: us, context: { cluster: us, user: me } }]
            current-context: us
            """,
        ])
        let environment = ["KUBECONFIG": "\(path("a")):\(path("missing")):\(path("b"))"]
        let current = try Connection.resolve(ConnectionOptions(), environment: environment)
        #expect(current.server == "https://eu:443")
        #expect(current.token == "from-a")
        let chosen = try Connection.resolve(ConnectionOptions(context: "us"), environment: environment)
        #expect(chosen.server == "https://us:443")
        #expect(chosen.clusterName == "us")
        // HOME/.kube/config is the last resort.
        try write([
            ".kube/config":
                "clusters: [{ name: h, cluster: { server: \"http://h:80\" } }]\ncontexts: [{ name: h, context: { cluster: h } }]\ncurrent-context: h\n"
        ])
        #expect(try Connection.resolve(ConnectionOptions(), environment: ["HOME": root.path]).server == "http://h:80")
    }

    @Test func missingContextIsAClearUsageError() throws {
        try write([
            "config": """
            clusters: [{ name: us, cluster: { server: "https://us:443" } }]
            contexts: [{ name: us, context: { cluster: us } }, { name: eu, context: { cluster: eu } }]
            """
        ])
        let noCurrent = #expect(throws: RunnerError.self) {
            try Connection.resolve(ConnectionOptions(kubeconfig: path("config")), environment: [:])
        }
        #expect(noCurrent?.status == .usage)
        #expect(noCurrent?.message.contains("sets no current-context; pass --context (contexts: eu, us)") == true)
        let unknown = #expect(throws: RunnerError.self) {
            try Connection.resolve(ConnectionOptions(kubeconfig: path("config"), context: "ap"), environment: [:])
        }
        #expect(unknown?.message.contains("context 'ap' is not in '\(path("config"))' (contexts: eu, us)") == true)
        let dangling = #expect(throws: RunnerError.self) {
            try Connection.resolve(ConnectionOptions(kubeconfig: path("config"), context: "eu"), environment: [:])
        }
        #expect(dangling?.message == "context 'eu' names cluster 'eu', which '\(path("config"))' does not define")
    }

    @Test func unreadableFilesAndUnsupportedCredentialsAreReported() throws {
        let missing = #expect(throws: RunnerError.self) {
            try Connection.resolve(ConnectionOptions(kubeconfig: path("nope")), environment: [:])
        }
        #expect(missing?.status == .ioError)
        #expect(missing?.message == "kubeconfig '\(path("nope"))' does not exist")

        try write([
            "bad": "clusters: [\n",
            "exec": """
            clusters: [{ name: eks, cluster: { server: "https://eks:443" } }]
            users: [{ name: iam, user: { exec: { command: aws } } }]
            contexts: [{ name: eks, context: { cluster: eks, user: iam } }]
            current-context: eks
            """,
            "cafile": """
            clusters: [{ name: c, cluster: { server: "https://c:443", certificate-authority: missing-ca.crt } }]
            contexts: [{ name: c, context: { cluster: c } }]
            current-context: c
            """,
        ])
        let invalid = #expect(throws: RunnerError.self) {
            try Connection.resolve(ConnectionOptions(kubeconfig: path("bad")), environment: [:])
        }
        #expect(invalid?.status == .ioError)
        #expect(invalid?.message.hasPrefix("kubeconfig '\(path("bad"))' is not valid YAML") == true)
        let exec = #expect(throws: RunnerError.self) {
            try Connection.resolve(ConnectionOptions(kubeconfig: path("exec")), environment: [:])
        }
        #expect(exec?.status == .usage)
        #expect(exec?.message.contains("authenticates with 'exec', which pedregal does not support") == true)
        let ca = #expect(throws: RunnerError.self) {
            try Connection.resolve(ConnectionOptions(kubeconfig: path("cafile")), environment: [:])
        }
        #expect(ca?.status == .ioError)
        #expect(ca?.message == "certificate authority of cluster 'c' '\(path("missing-ca.crt"))' does not exist")
    }

    @Test func inClusterReadsTheServiceAccountAsPodsSeeIt() throws {
        try write(["sa/token": "pod-token\n", "sa/ca.crt": Self.caPEM])
        let options = ConnectionOptions(cluster: "sk8-us-west-2", inCluster: true, serviceAccountFolder: path("sa"))
        let connection = try Connection.resolve(
            options, environment: ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"])
        #expect(connection.server == "https://10.96.0.1:443")
        #expect(connection.token == "pod-token")
        #expect(connection.certificateAuthority == Array(Self.caPEM.utf8))
        #expect(connection.clusterName == "sk8-us-west-2")
        let ipv6 = try Connection.resolve(options, environment: ["KUBERNETES_SERVICE_HOST": "fd00::1"])
        #expect(ipv6.server == "https://[fd00::1]:443")
        let outside = #expect(throws: RunnerError.self) { try Connection.resolve(options, environment: [:]) }
        #expect(outside?.status == .usage)
        #expect(outside?.message.contains("KUBERNETES_SERVICE_HOST") == true)
    }

    @Test func serverFlagWithTokenFileAndConflictingFlags() throws {
        try write(["token": "t0k3n", "ca.crt": Self.caPEM])
        let connection = try Connection.resolve(
            ConnectionOptions(server: "https://api:6443", tokenFile: path("token"), certificateAuthority: path("ca.crt")),
            environment: [:])
        #expect(connection.server == "https://api:6443")
        #expect(connection.token == "t0k3n")
        #expect(connection.clusterName == nil)
        for options in [
            ConnectionOptions(inCluster: true, server: "https://api"),
            ConnectionOptions(kubeconfig: "k", server: "https://api"),
            ConnectionOptions(kubeconfig: "k", tokenFile: "t"),
            ConnectionOptions(server: "ftp://api"),
        ] {
            let error = #expect(throws: RunnerError.self) { try Connection.resolve(options, environment: [:]) }
            #expect(error?.status == .usage)
        }
    }

    @Test func clusterGuardNamesBothClusters() throws {
        let fromContext = Connection(
            server: "https://x", clusterName: "sk8-us-west-2", origin: "context 'us' (cluster 'sk8-us-west-2')")
        try fromContext.checkCluster("sk8-us-west-2", folder: "generated/sk8-us-west-2")
        let refused = #expect(throws: RunnerError.self) {
            try fromContext.checkCluster("sk8-eu-west-1", folder: "generated/sk8-eu-west-1")
        }
        #expect(refused?.status == .refused)
        #expect(
            refused?.message == """
                refusing to act on 'generated/sk8-eu-west-1', which is for cluster 'sk8-eu-west-1': \
                context 'us' (cluster 'sk8-us-west-2') is cluster 'sk8-us-west-2'; \
                pass --cluster sk8-eu-west-1 if this really is that cluster
                """)
        let flagged = Connection(server: "https://x", clusterName: "kind-pedregal", origin: "context 'kind'", namedByFlag: true)
        let flagRefused = #expect(throws: RunnerError.self) {
            try flagged.checkCluster("sk8-us-west-2", folder: "g/sk8-us-west-2")
        }
        #expect(flagRefused?.message.contains("--cluster says 'kind-pedregal'") == true)
        let unnamed = Connection(server: "https://x", clusterName: nil, origin: "the in-cluster ServiceAccount")
        let noName = #expect(throws: RunnerError.self) { try unnamed.checkCluster("sk8-us-west-2", folder: "g/sk8-us-west-2") }
        #expect(
            noName?.message
                == "refusing to act on 'g/sk8-us-west-2': the in-cluster ServiceAccount carries no cluster name; pass --cluster sk8-us-west-2 if this is that cluster"
        )
    }
}
