import Foundation
import PedregalBasics

/// What the verifier checks besides the signature.
public struct VerifierConfiguration: Sendable {
    /// The expected `iss`.
    public var issuer: String
    /// The token's `aud` must contain one of these.
    public var audiences: [String]
    /// Tolerance for `exp`, `nbf` and `iat` against this machine's clock.
    public var clockSkew: Duration
    /// The claim holding the caller's groups (Okta: `groups`).
    public var groupsClaim: String
    /// Accepted `alg`s; `none` and HMAC are never accepted.
    public var algorithms: Set<String>

    /// Algorithms accepted by default: RSA PKCS#1 v1.5 and ECDSA.
    public static let defaultAlgorithms: Set<String> = ["RS256", "RS384", "RS512", "ES256", "ES384"]

    /// Creates a configuration.
    public init(
        issuer: String, audiences: [String], clockSkew: Duration = .seconds(60), groupsClaim: String = "groups",
        algorithms: Set<String> = VerifierConfiguration.defaultAlgorithms
    ) {
        self.issuer = issuer
        self.audiences = audiences
        self.clockSkew = clockSkew
        self.groupsClaim = groupsClaim
        self.algorithms = algorithms.intersection(Self.defaultAlgorithms)
    }
}

/// Who a verified token says the caller is.
public struct VerifiedIdentity: Sendable, Hashable {
    /// `sub`.
    public var subject: String
    /// The groups claim (empty when absent).
    public var groups: [String]
    /// `exp`, seconds since 1970, when present.
    public var expiresAt: Double?

    /// Creates an identity.
    public init(subject: String, groups: [String], expiresAt: Double?) {
        self.subject = subject
        self.groups = groups
        self.expiresAt = expiresAt
    }

    /// Whether the caller is in any of `allowed`, under the platform's group
    /// prefix: `GroupMatching`, the rule the gateway and the request API share.
    public func isMember<C: Collection<String>>(ofAny allowed: C, prefix: String) -> Bool {
        GroupMatching(prefix: prefix).matchesAny(groups, of: allowed)
    }
}

/// Verifies OIDC JWTs against an issuer's JWKS: signature, `iss`, `aud`,
/// `exp`, `nbf`/`iat` with a small skew, and a subject. Verified tokens are
/// cached until they expire, so a busy connection pays for one signature check.
public final class TokenVerifier: Sendable {
    /// The checks.
    public let configuration: VerifierConfiguration
    /// The issuer's keys.
    public let keys: KeyStore

    private let cache = Locked([String: VerifiedIdentity]())
    /// Bound on cached tokens; the cache is cleared when it fills.
    private let cacheLimit: Int

    /// Creates a verifier.
    public init(configuration: VerifierConfiguration, keys: KeyStore, cacheLimit: Int = 10_000) {
        self.configuration = configuration
        self.keys = keys
        self.cacheLimit = cacheLimit
    }

    /// The token of an `authorization` header value (`Bearer <token>`,
    /// scheme case-insensitive).
    public static func bearerToken(_ header: String?) throws(AuthError) -> String {
        guard let header else { throw .missingToken }
        // Byte-wise, because this runs on every call: Foundation's trimming goes through
        // UTF-16 and was an eighth of the gateway's CPU. Blanks are HTTP's (space, tab).
        let value = trimmingBlanks(header.utf8[...])
        let scheme = Array("bearer ".utf8)
        guard value.count > scheme.count, zip(value, scheme).allSatisfy({ $0 | 0x20 == $1 }) else { throw .missingToken }
        let token = trimmingBlanks(value.dropFirst(scheme.count))
        guard !token.isEmpty else { throw .missingToken }
        return String(Substring(token))
    }

    private static func trimmingBlanks(_ bytes: Substring.UTF8View) -> Substring.UTF8View {
        var bytes = bytes
        while let first = bytes.first, first == 0x20 || first == 0x09 { bytes = bytes.dropFirst() }
        while let last = bytes.last, last == 0x20 || last == 0x09 { bytes = bytes.dropLast() }
        return bytes
    }

    /// Verifies `token` at time `now` (seconds since 1970) with the keys at hand.
    public func verify(_ token: String, now: Double = Date().timeIntervalSince1970) throws(AuthError) -> VerifiedIdentity {
        if let hit = cache.withLock({ $0[token] }) {
            try checkTimes(expiresAt: hit.expiresAt, notBefore: nil, issuedAt: nil, now: now)
            return hit
        }
        let jwt = try JWT(parsing: token)
        guard configuration.algorithms.contains(jwt.algorithm) else { throw .unsupportedAlgorithm(jwt.algorithm) }
        let candidates = try keys.current().candidates(keyID: jwt.keyID, alg: jwt.algorithm)
        guard !candidates.isEmpty else { throw .unknownKey(jwt.keyID ?? "(no kid)") }
        guard candidates.contains(where: { $0.verifies(jwt.signature, over: jwt.signingInput, alg: jwt.algorithm) }) else {
            throw .badSignature
        }
        let claims = jwt.claims
        guard claims.issuer == configuration.issuer else { throw .wrongIssuer }
        guard claims.audience.contains(where: configuration.audiences.contains) else { throw .wrongAudience }
        try checkTimes(expiresAt: claims.expiresAt, notBefore: claims.notBefore, issuedAt: claims.issuedAt, now: now)
        guard let subject = claims.subject, !subject.isEmpty else { throw .missingSubject }
        let identity = VerifiedIdentity(
            subject: subject, groups: claims.strings[configuration.groupsClaim] ?? [], expiresAt: claims.expiresAt)
        cache.withLock { cache in
            if cache.count >= cacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[token] = identity
        }
        return identity
    }

    /// Verifies `token`; when it names a key not in the set, refreshes the
    /// set (at most once per `minimumRefreshGap`) and tries again, so a
    /// rotated key is picked up without waiting for the periodic refresh.
    public func verifyRefreshing(_ token: String, now: Double = Date().timeIntervalSince1970) async throws(AuthError)
        -> VerifiedIdentity
    {
        do {
            return try verify(token, now: now)
        } catch .unknownKey {
            await keys.refreshSoon()
            return try verify(token, now: now)
        } catch .keysUnavailable {
            await keys.refreshSoon()
            return try verify(token, now: now)
        }
    }

    private func checkTimes(expiresAt: Double?, notBefore: Double?, issuedAt: Double?, now: Double) throws(AuthError) {
        let skew = Double(configuration.clockSkew.components.seconds)
        // OIDC ID tokens always carry exp; a token without one never expires, which we refuse.
        guard let expiresAt else { throw .malformed("claim 'exp' is required") }
        guard now < expiresAt + skew else { throw .expired }
        if let notBefore, now + skew < notBefore { throw .notYetValid }
        if let issuedAt, now + skew < issuedAt { throw .notYetValid }
    }
}
