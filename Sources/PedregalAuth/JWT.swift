import Foundation

/// A compact JWS split into its parts; nothing is verified yet.
public struct JWT: Sendable {
    /// The `alg` header.
    public var algorithm: String
    /// The `kid` header, when present.
    public var keyID: String?
    /// The decoded claims.
    public var claims: Claims
    /// `header.payload`, the bytes the signature covers.
    public var signingInput: [UInt8]
    /// The decoded signature.
    public var signature: [UInt8]

    /// Longest token accepted; real ID/access tokens are a few KiB.
    public static let maxLength = 16 * 1024

    /// Splits and decodes `token`.
    public init(parsing token: String) throws(AuthError) {
        guard token.utf8.count <= Self.maxLength else { throw .malformed("longer than \(Self.maxLength) bytes") }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformed("expected three dot-separated parts, found \(parts.count)") }
        guard let headerBytes = Base64URL.decode(parts[0]), let payloadBytes = Base64URL.decode(parts[1]),
            let signature = Base64URL.decode(parts[2])
        else { throw .malformed("a part is not base64url") }
        guard case .object(let header)? = JSONValue.parse(headerBytes) else {
            throw .malformed("the header is not a JSON object")
        }
        guard let alg = header["alg"]?.string else { throw .malformed("the header has no 'alg'") }
        if let crit = header["crit"], crit != .array([]) {
            // RFC 7515 §4.1.11: unknown critical extensions must be refused.
            throw .malformed("the header lists critical extensions this verifier does not understand")
        }
        guard case .object(let payload)? = JSONValue.parse(payloadBytes) else {
            throw .malformed("the payload is not a JSON object")
        }
        self.algorithm = alg
        self.keyID = header["kid"]?.string
        self.claims = try Claims(payload)
        self.signingInput = Array(parts[0].utf8) + [UInt8(ascii: ".")] + Array(parts[1].utf8)
        self.signature = signature
    }
}

/// The registered claims the verifier checks, plus the groups claim.
public struct Claims: Sendable {
    /// `iss`.
    public var issuer: String?
    /// `sub`.
    public var subject: String?
    /// `aud`: a string or a list in the token, always a list here.
    public var audience: [String]
    /// `exp`, seconds since 1970.
    public var expiresAt: Double?
    /// `nbf`, seconds since 1970.
    public var notBefore: Double?
    /// `iat`, seconds since 1970.
    public var issuedAt: Double?
    /// Every other claim whose value is a string or a list of strings, by name.
    public var strings: [String: [String]]

    init(_ payload: [String: JSONValue]) throws(AuthError) {
        func string(_ key: String) throws(AuthError) -> String? {
            guard let value = payload[key] else { return nil }
            guard case .string(let text) = value else { throw .malformed("claim '\(key)' is not a string") }
            return text
        }
        func number(_ key: String) throws(AuthError) -> Double? {
            guard let value = payload[key] else { return nil }
            guard case .number(let number) = value else { throw .malformed("claim '\(key)' is not a number") }
            return number
        }
        issuer = try string("iss")
        subject = try string("sub")
        switch payload["aud"] {
        case nil: audience = []
        case .string(let one)?: audience = [one]
        case .array(let many)?:
            audience = many.compactMap(\.string)
            guard audience.count == many.count else { throw .malformed("claim 'aud' holds a non-string") }
        default: throw .malformed("claim 'aud' is neither a string nor a list of strings")
        }
        expiresAt = try number("exp")
        notBefore = try number("nbf")
        issuedAt = try number("iat")
        var strings: [String: [String]] = [:]
        for (key, value) in payload {
            if case .string(let text) = value {
                strings[key] = [text]
            } else if case .array(let list) = value {
                let texts = list.compactMap(\.string)
                if texts.count == list.count { strings[key] = texts }
            }
        }
        self.strings = strings
    }
}
