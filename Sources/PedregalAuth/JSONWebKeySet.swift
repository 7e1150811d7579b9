import Crypto
import _CryptoExtras

/// A public key from a JWKS, ready to verify signatures.
public struct VerificationKey: Sendable {
    /// The key material, by family.
    public enum Material: Sendable {
        case rsa(_RSA.Signing.PublicKey)
        case p256(P256.Signing.PublicKey)
        case p384(P384.Signing.PublicKey)
    }

    /// `kid`, when the JWK has one.
    public var keyID: String?
    /// `alg`, when the JWK pins one.
    public var algorithm: String?
    /// The key.
    public var material: Material

    /// Whether this key may verify a token signed with `alg`.
    public func fits(_ alg: String) -> Bool {
        if let algorithm, algorithm != alg { return false }
        switch (material, alg) {
        case (.rsa, "RS256"), (.rsa, "RS384"), (.rsa, "RS512"): return true
        case (.p256, "ES256"), (.p384, "ES384"): return true
        default: return false
        }
    }

    /// Whether `signature` over `input` verifies with this key under `alg`.
    public func verifies(_ signature: [UInt8], over input: [UInt8], alg: String) -> Bool {
        switch (material, alg) {
        case (.rsa(let key), "RS256"):
            return rsa(key, signature, SHA256.hash(data: input))
        case (.rsa(let key), "RS384"):
            return rsa(key, signature, SHA384.hash(data: input))
        case (.rsa(let key), "RS512"):
            return rsa(key, signature, SHA512.hash(data: input))
        case (.p256(let key), "ES256"):
            // JWS carries ECDSA signatures as r‖s, not DER (RFC 7518 §3.4).
            guard let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: input)
        case (.p384(let key), "ES384"):
            guard let parsed = try? P384.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: input)
        default:
            return false
        }
    }

    private func rsa<D: Digest>(_ key: _RSA.Signing.PublicKey, _ signature: [UInt8], _ digest: D) -> Bool {
        key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: digest, padding: .insecurePKCS1v1_5)
    }
}

/// A JSON Web Key Set (RFC 7517): the signing keys of an issuer.
public struct JSONWebKeySet: Sendable {
    /// The usable keys, in document order.
    public var keys: [VerificationKey]
    /// Why each skipped key was skipped (unknown type, encryption key, bad numbers).
    public var skipped: [String]

    /// Creates a set of keys.
    public init(keys: [VerificationKey], skipped: [String] = []) {
        self.keys = keys
        self.skipped = skipped
    }

    /// Parses a JWKS document. Keys that cannot verify signatures are skipped
    /// with a reason; a document that is not a JWKS at all throws.
    public init(json bytes: [UInt8]) throws(AuthError) {
        guard case .array(let entries)? = JSONValue.parse(bytes)?["keys"] else {
            throw .keysUnavailable("the document is not a JWKS: no 'keys' list")
        }
        var keys: [VerificationKey] = []
        var skipped: [String] = []
        for (index, entry) in entries.enumerated() {
            let name = entry["kid"]?.string.map { "'\($0)'" } ?? "#\(index + 1)"
            if let use = entry["use"]?.string, use != "sig" {
                skipped.append("key \(name): use '\(use)' is not 'sig'")
                continue
            }
            do {
                keys.append(try Self.key(entry))
            } catch {
                skipped.append("key \(name): \(error)")
            }
        }
        self.init(keys: keys, skipped: skipped)
    }

    private struct KeyProblem: Error, CustomStringConvertible {
        var description: String
    }

    private static func key(_ entry: JSONValue) throws -> VerificationKey {
        func bytes(_ name: String) throws -> [UInt8] {
            guard let text = entry[name]?.string, let decoded = Base64URL.decode(text), !decoded.isEmpty else {
                throw KeyProblem(description: "'\(name)' is missing or not base64url")
            }
            return decoded
        }
        let material: VerificationKey.Material
        switch entry["kty"]?.string {
        case "RSA":
            let modulus = try bytes("n")
            // RFC 7518 §3.3: keys of 2048 bits or more.
            guard modulus.drop(while: { $0 == 0 }).count * 8 >= 2048 else {
                throw KeyProblem(description: "RSA modulus shorter than 2048 bits")
            }
            material = .rsa(try _RSA.Signing.PublicKey(n: modulus, e: try bytes("e")))
        case "EC":
            let x = try bytes("x")
            let y = try bytes("y")
            switch entry["crv"]?.string {
            case "P-256": material = .p256(try P256.Signing.PublicKey(rawRepresentation: x + y))
            case "P-384": material = .p384(try P384.Signing.PublicKey(rawRepresentation: x + y))
            case let other: throw KeyProblem(description: "curve '\(other ?? "none")' is not supported")
            }
        case let other:
            throw KeyProblem(description: "key type '\(other ?? "none")' is not supported")
        }
        return VerificationKey(keyID: entry["kid"]?.string, algorithm: entry["alg"]?.string, material: material)
    }

    /// The keys that may verify a token with this `kid` and `alg`. A token
    /// without `kid` may be verified by any key that fits the algorithm.
    public func candidates(keyID: String?, alg: String) -> [VerificationKey] {
        keys.filter { key in
            guard key.fits(alg) else { return false }
            guard let keyID else { return true }
            return key.keyID == keyID
        }
    }
}
