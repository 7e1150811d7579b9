import Crypto
import Foundation
import _CryptoExtras

/// Signs JWTs and publishes the matching JWKS: a local issuer for tests and
/// benchmarks (the servers only verify). Keys are made fresh per issuer.
public struct TokenIssuer: Sendable {
    /// The signing key.
    public enum Key: Sendable {
        case rsa(_RSA.Signing.PrivateKey)
        case p256(P256.Signing.PrivateKey)
    }

    /// `kid` of the key.
    public var keyID: String
    /// The key.
    public var key: Key

    /// An issuer with a new RSA-2048 (`RS256`) key.
    public static func rsa(keyID: String) throws -> TokenIssuer {
        TokenIssuer(keyID: keyID, key: .rsa(try _RSA.Signing.PrivateKey(keySize: .bits2048)))
    }

    /// An issuer with a new P-256 (`ES256`) key.
    public static func p256(keyID: String) -> TokenIssuer {
        TokenIssuer(keyID: keyID, key: .p256(P256.Signing.PrivateKey()))
    }

    /// The JWS algorithm of the key.
    public var algorithm: String {
        switch key {
        case .rsa: return "RS256"
        case .p256: return "ES256"
        }
    }

    /// The public key as a JWK object (JSON text).
    public func jwk() throws -> String {
        switch key {
        case .rsa(let key):
            let primitives = try key.publicKey.getKeyPrimitives()
            return "{\"kty\":\"RSA\",\"kid\":\"\(keyID)\",\"use\":\"sig\",\"alg\":\"RS256\","
                + "\"n\":\"\(Base64URL.encode(primitives.modulus))\",\"e\":\"\(Base64URL.encode(primitives.publicExponent))\"}"
        case .p256(let key):
            let raw = key.publicKey.rawRepresentation
            return "{\"kty\":\"EC\",\"kid\":\"\(keyID)\",\"use\":\"sig\",\"crv\":\"P-256\","
                + "\"x\":\"\(Base64URL.encode(raw.prefix(32)))\",\"y\":\"\(Base64URL.encode(raw.suffix(32)))\"}"
        }
    }

    /// A JWKS document holding the public keys of `issuers`.
    public static func jwks(_ issuers: [TokenIssuer]) throws -> String {
        "{\"keys\":[" + (try issuers.map { try $0.jwk() }).joined(separator: ",") + "]}"
    }

    /// A signed token with `claims` (a JSON object's text), under `header`
    /// overrides when given (to make broken tokens in tests).
    public func sign(claims: String, algorithm: String? = nil, keyID: String? = nil) throws -> String {
        let header = "{\"alg\":\"\(algorithm ?? self.algorithm)\",\"typ\":\"JWT\",\"kid\":\"\(keyID ?? self.keyID)\"}"
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(claims.utf8))
        let signature: [UInt8]
        switch key {
        case .rsa(let key):
            signature = Array(
                try key.signature(for: SHA256.hash(data: Array(input.utf8)), padding: .insecurePKCS1v1_5).rawRepresentation)
        case .p256(let key):
            signature = Array(try key.signature(for: Array(input.utf8)).rawRepresentation)
        }
        return input + "." + Base64URL.encode(signature)
    }

    /// A token for `subject` in `groups`, valid from `now - 10` for `lifetime` seconds.
    public func token(
        subject: String, groups: [String], issuer: String, audience: String, now: Double = Date().timeIntervalSince1970,
        lifetime: Double = 3600, groupsClaim: String = "groups"
    ) throws -> String {
        let groupList = groups.map { "\"\($0)\"" }.joined(separator: ",")
        let claims =
            "{\"iss\":\"\(issuer)\",\"sub\":\"\(subject)\",\"aud\":\"\(audience)\",\"iat\":\(Int(now) - 10),"
            + "\"nbf\":\(Int(now) - 10),\"exp\":\(Int(now + lifetime)),\"\(groupsClaim)\":[\(groupList)]}"
        return try sign(claims: claims)
    }
}
