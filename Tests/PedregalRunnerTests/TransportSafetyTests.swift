import Foundation
import PedregalConsole
import PedregalKubernetes
import PedregalRunner
import PedregalTestSupport
import Testing

/// Connections that would be unsafe are refused before any request: a CA
/// together with insecure-skip-tls-verify (as kubectl refuses it), and a
/// bearer token over plain http to anything but this machine.
@Suite struct TransportSafetyTests {
    let root: URL

    init() throws {
        root = try Paths.temporaryDirectory()
    }

    func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    func kubeconfig(_ cluster: String, user: String = "{ token: abc }") throws -> String {
        try Paths.write(
            [
                "config": """
                clusters: [{ name: c, cluster: \(cluster) }]
                users: [{ name: me, user: \(user) }]
                contexts: [{ name: c, context: { cluster: c, user: me } }]
                current-context: c
                """,
                "ca.crt": ConnectionTests.caPEM, "token": "t0k3n",
            ], to: root)
        return path("config")
    }

    @Test func aCertificateAuthorityWithInsecureSkipTLSVerifyIsRefusedAsKubectlRefusesIt() throws {
        let encoded = Data(ConnectionTests.caPEM.utf8).base64EncodedString()
        for cluster in [
            "{ server: \"https://c:443\", certificate-authority-data: \(encoded), insecure-skip-tls-verify: true }",
            "{ server: \"https://c:443\", certificate-authority: ca.crt, insecure-skip-tls-verify: true }",
        ] {
            let file = try kubeconfig(cluster)
            let error = #expect(throws: RunnerError.self) {
                try Connection.resolve(ConnectionOptions(kubeconfig: file), environment: [:])
            }
            #expect(error?.status == .usage)
            #expect(
                error?.message
                    == "cluster 'c' in '\(file)' sets both a certificate authority (certificate-authority or "
                    + "certificate-authority-data) and insecure-skip-tls-verify: true; kubectl refuses this too "
                    + "(\"specifying a root certificates file with the insecure flag is not allowed\"): remove one of them")
        }
        // Either alone is accepted.
        #expect(
            try Connection.resolve(
                ConnectionOptions(
                    kubeconfig: kubeconfig(
                        "{ server: \"https://c:443\", insecure-skip-tls-verify: true }")), environment: [:]
            ).insecureSkipTLSVerify)
        let flags = #expect(throws: RunnerError.self) {
            try Connection.resolve(
                ConnectionOptions(
                    server: "https://api:6443", certificateAuthority: path("ca.crt"), insecureSkipTLSVerify: true),
                environment: [:])
        }
        #expect(flags?.status == .usage)
        #expect(flags?.message.contains("specifying a root certificates file with the insecure flag is not allowed") == true)
    }

    @Test func aBearerTokenNeverGoesOverPlainHTTPExceptToLoopback() throws {
        let remote = #expect(throws: RunnerError.self) {
            try Connection.resolve(ConnectionOptions(kubeconfig: kubeconfig("{ server: \"http://api.example:8080\" }")), environment: [:])
        }
        #expect(remote?.status == .refused)
        #expect(
            remote?.message
                == "refusing to send the bearer token of context 'c' (cluster 'c') over plain http to api.example: anyone "
                + "on the way could read it; use https, or plain http only to a loopback address (such as `kubectl proxy` on 127.0.0.1)")
        let flag = #expect(throws: RunnerError.self) {
            try Connection.resolve(
                ConnectionOptions(server: "http://10.0.0.1:8080", tokenFile: path("token")), environment: [:])
        }
        #expect(flag?.status == .refused)
        let tokenFile = #expect(throws: RunnerError.self) {
            try Connection.resolve(
                ConnectionOptions(kubeconfig: kubeconfig("{ server: \"http://Api.Example\" }", user: "{ tokenFile: token }")),
                environment: [:])
        }
        #expect(tokenFile?.status == .refused)

        for server in ["http://127.0.0.1:8001", "http://localhost:8001", "http://[::1]:8001", "http://127.3.2.1"] {
            let connection = try Connection.resolve(
                ConnectionOptions(kubeconfig: kubeconfig("{ server: \"\(server)\" }")), environment: [:])
            #expect(connection.token == "abc", "\(server)")
        }
        // https carries tokens anywhere; plain http without a token (kubectl proxy elsewhere) sends nothing secret.
        #expect(
            try Connection.resolve(ConnectionOptions(kubeconfig: kubeconfig("{ server: \"https://api.example\" }")), environment: [:]).token
                == "abc")
        #expect(
            try Connection.resolve(
                ConnectionOptions(kubeconfig: kubeconfig("{ server: \"http://api.example\" }", user: "{}")), environment: [:]
            ).token == nil)
        #expect(!Connection.isLoopback("127.0.0.1.example.com"))
        #expect(!Connection.isLoopback("128.0.0.1"))
    }

    @Test func theRefusalComesBeforeAnyRequest() async throws {
        try await withCluster { cluster in
            let folder = try cluster.folder(Manifests.tenant())
            // A name that only looks like loopback is not: the token stays home.
            try Paths.write(
                [
                    "kubeconfig": TestCluster.kubeconfig(
                        server: "http://127.0.0.1.nip.invalid:\(cluster.server.port)", cluster: TestCluster.name, token: "test-token")
                ],
                to: cluster.root)
            let captured = Captured()
            #expect(await Runner.apply(folder: folder, dryRun: false, prune: false, context: cluster.context(captured)) == .refused)
            #expect(captured.err.contains("refusing to send the bearer token"))
            #expect(cluster.fake.requests.isEmpty)
        }
    }
}
