/// Why a bearer token was refused. Messages never quote the token: they are
/// safe to log and to send back to the caller.
public enum AuthError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No `authorization: Bearer …` was sent.
    case missingToken
    /// Not three base64url parts of JSON, or a claim has the wrong type.
    case malformed(String)
    /// The header names an algorithm the verifier does not accept.
    case unsupportedAlgorithm(String)
    /// No key in the JWKS has the token's `kid` (or fits its algorithm).
    case unknownKey(String)
    /// The signature does not verify.
    case badSignature
    /// `exp` is past (beyond the allowed skew).
    case expired
    /// `nbf` or `iat` is in the future (beyond the allowed skew).
    case notYetValid
    /// `iss` is not the configured issuer.
    case wrongIssuer
    /// `aud` does not contain the configured audience.
    case wrongAudience
    /// The token carries no `sub`.
    case missingSubject
    /// The JWKS could not be loaded, so nothing can be verified.
    case keysUnavailable(String)

    public var description: String {
        switch self {
        case .missingToken: return "no bearer token: send 'authorization: Bearer <token>' (token= in the sc:// URL)"
        case .malformed(let why): return "the bearer token is not a valid JWT: \(why)"
        case .unsupportedAlgorithm(let alg): return "the token's algorithm '\(alg)' is not accepted"
        case .unknownKey(let kid): return "no key '\(kid)' in the issuer's key set"
        case .badSignature: return "the token's signature does not verify"
        case .expired: return "the token has expired"
        case .notYetValid: return "the token is not valid yet"
        case .wrongIssuer: return "the token was issued by another issuer"
        case .wrongAudience: return "the token is for another audience"
        case .missingSubject: return "the token has no subject"
        case .keysUnavailable(let why): return "the issuer's keys are unavailable: \(why)"
        }
    }
}
