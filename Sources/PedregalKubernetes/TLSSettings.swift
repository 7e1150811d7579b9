import NIOSSL
import PedregalConsole

/// The TLS client configuration a connection asks for: its CA instead of the
/// system's trust roots, its client certificate, or no verification at all.
enum TLSSettings {
    /// The configuration, or a `RunnerError` (exit 74) when a PEM is unusable.
    static func configuration(for connection: Connection) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if connection.insecureSkipTLSVerify {
            tls.certificateVerification = .none
        } else if let pem = connection.certificateAuthority {
            let roots: [NIOSSLCertificate]
            do {
                roots = try NIOSSLCertificate.fromPEMBytes(pem)
            } catch {
                throw RunnerError.io("the certificate authority of \(connection.origin) is not a PEM certificate: \(error)")
            }
            guard !roots.isEmpty else {
                throw RunnerError.io("the certificate authority of \(connection.origin) holds no certificate")
            }
            tls.trustRoots = .certificates(roots)
        }
        if let certificatePEM = connection.clientCertificate, let keyPEM = connection.clientKey {
            do {
                tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(certificatePEM).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: keyPEM, format: .pem))
            } catch {
                throw RunnerError.io("the client certificate or key of \(connection.origin) is not usable PEM: \(error)")
            }
        }
        return tls
    }
}
