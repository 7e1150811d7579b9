import Crypto
import Foundation
import NIOSSL
import PedregalConsole
import PedregalKubernetes
import PedregalRunner
import PedregalTestSupport
import SwiftASN1
import Testing
import X509

/// A certificate authority, a server certificate for 127.0.0.1, a client
/// certificate it signed, and an unrelated CA, made in-process with
/// swift-certificates for one test run (no openssl needed, so the test always runs).
struct TestPKI {
    let folder: URL

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    static func make() throws -> TestPKI {
        let pki = TestPKI(folder: try Paths.temporaryDirectory())
        let ca = try pki.authority("ca")
        _ = try pki.authority("other-ca")
        try pki.leaf(
            "server", subject: try DistinguishedName { CommonName("kube-apiserver") }, issuer: ca,
            extensions: try Certificate.Extensions {
                SubjectAlternativeNames([.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])), .dnsName("localhost")])
                try ExtendedKeyUsage([.serverAuth])
            })
        try pki.leaf(
            "client",
            subject: try DistinguishedName {
                OrganizationName("system:masters")
                CommonName("pedregal")
            }, issuer: ca, extensions: try Certificate.Extensions { try ExtendedKeyUsage([.clientAuth]) })
        return pki
    }

    private func authority(_ name: String) throws -> (name: DistinguishedName, key: Certificate.PrivateKey) {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let subject = try DistinguishedName { CommonName(name) }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
            notValidBefore: Date().addingTimeInterval(-3600), notValidAfter: Date().addingTimeInterval(2 * 86_400),
            issuer: subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            }, issuerPrivateKey: key)
        try write(certificate, key, as: name)
        return (subject, key)
    }

    private func leaf(
        _ name: String, subject: DistinguishedName, issuer: (name: DistinguishedName, key: Certificate.PrivateKey),
        extensions: Certificate.Extensions
    ) throws {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
            notValidBefore: Date().addingTimeInterval(-3600), notValidAfter: Date().addingTimeInterval(2 * 86_400),
            issuer: issuer.name, subject: subject, signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions,
            issuerPrivateKey: issuer.key)
        try write(certificate, key, as: name)
    }

    private func write(_ certificate: Certificate, _ key: Certificate.PrivateKey, as name: String) throws {
        try Data(certificate.serializeAsPEM().pemString.utf8).write(to: folder.appendingPathComponent("\(name).crt"))
        try Data(key.serializeAsPEM().pemString.utf8).write(to: folder.appendingPathComponent("\(name).key"))
    }

    /// The server side: its certificate, and client certificates required and checked against the CA.
    func serverConfiguration() throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(path("server.crt")).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: path("server.key"), format: .pem)))
        tls.certificateVerification = .noHostnameVerification
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(path("ca.crt")))
        return tls
    }
}

/// The API server over TLS: trusting its CA, authenticating with a client
/// certificate, and refusing a server signed by someone else.
@Suite struct TLSTests {
    func kubeconfig(port: Int, ca: String?, clientCertificate: Bool, insecure: Bool = false) -> String {
        var cluster = "    server: https://127.0.0.1:\(port)\n"
        if let ca { cluster += "    certificate-authority: \(ca)\n" }
        if insecure { cluster += "    insecure-skip-tls-verify: true\n" }
        let user = clientCertificate ? "    client-certificate: client.crt\n    client-key: client.key\n" : "    {}\n"
        return """
            clusters:
            - name: sk8-us-west-2
              cluster:
            \(cluster)users:
            - name: admin
              user:
            \(user)contexts:
            - name: tls
              context: { cluster: sk8-us-west-2, user: admin }
            current-context: tls

            """
    }

    @Test func trustsTheCAAuthenticatesWithAClientCertificateAndRefusesStrangers() async throws {
        let pki = try TestPKI.make()
        // Client certificates authenticate, so the fake asks for no token.
        let fake = FakeKubernetes(token: nil)
        let server = try await FakeKubernetesServer.start(fake, tls: try pki.serverConfiguration())
        defer { try? FileManager.default.removeItem(at: pki.folder) }
        let folder = pki.folder.appendingPathComponent("generated/sk8-us-west-2")
        try Paths.write(Manifests.tenant(), to: folder)
        let sleeps = SleepRecorder()
        func run(_ kubeconfig: String) async throws -> (PedregalConsole.ExitStatus, Captured) {
            try Data(kubeconfig.utf8).write(to: pki.folder.appendingPathComponent("kubeconfig"))
            let captured = Captured()
            let context = RunnerContext(
                connection: ConnectionOptions(kubeconfig: pki.path("kubeconfig")), environment: [:], output: captured.output(),
                retry: sleeps.policy, requestTimeout: .seconds(10))
            return (await Runner.apply(folder: folder.path, dryRun: false, prune: false, context: context), captured)
        }

        let (trusted, output) = try await run(kubeconfig(port: server.port, ca: "ca.crt", clientCertificate: true))
        #expect(trusted == .success, "\(output.out)\(output.err)")
        #expect(output.lines.last == "sk8-us-west-2: 7 objects, 7 created, 0 configured, 0 unchanged, 0 failed")

        let requestsBefore = fake.requests.count
        let (stranger, refused) = try await run(kubeconfig(port: server.port, ca: "other-ca.crt", clientCertificate: true))
        #expect(stranger == .unavailable)
        #expect(
            refused.err.hasPrefix(
                "pedregal: error: the cluster is unreachable: GET https://127.0.0.1:\(server.port)/api/v1: TLS: the server's certificate is not signed by the certificate authority configured for it"
            ))
        let (anonymous, rejected) = try await run(kubeconfig(port: server.port, ca: "ca.crt", clientCertificate: false))
        #expect(anonymous == .unavailable)
        #expect(rejected.err.contains("TLS: the server refused the client certificate, or wants one"))
        // Neither reached the API, and TLS failures are not retried.
        #expect(fake.requests.count == requestsBefore)
        #expect(sleeps.sleeps.isEmpty)

        let (insecure, skipped) = try await run(kubeconfig(port: server.port, ca: nil, clientCertificate: true, insecure: true))
        #expect(insecure == .success, "\(skipped.err)")
        #expect(skipped.lines.last == "sk8-us-west-2: 7 objects, 0 created, 0 configured, 7 unchanged, 0 failed")
        try await server.stop()
    }

    @Test func aBrokenCertificateAuthorityIsALocalFileProblem() throws {
        let connection = Connection(
            server: "https://x", clusterName: "c", origin: "context 'c'", certificateAuthority: Array("not a pem".utf8))
        let error = #expect(throws: RunnerError.self) { try KubernetesClient(connection: connection) }
        #expect(error?.status == .ioError)
        #expect(error?.message.hasPrefix("the certificate authority of context 'c' is not a PEM certificate") == true)
    }
}
