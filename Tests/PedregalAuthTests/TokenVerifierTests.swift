import Foundation
import PedregalAuth
import Testing

@Suite struct TokenVerifierTests {
    static let issuerURL = "https://issuer.test/oauth2/default"
    static let now = 1_800_000_000.0

    let rsa: TokenIssuer
    let ec: TokenIssuer
    let verifier: TokenVerifier

    init() throws {
        rsa = try TokenIssuer.rsa(keyID: "rsa-1")
        ec = TokenIssuer.p256(keyID: "ec-1")
        let keys = try JSONWebKeySet(json: Array(try TokenIssuer.jwks([rsa, ec]).utf8))
        verifier = TokenVerifier(
            configuration: VerifierConfiguration(issuer: Self.issuerURL, audiences: ["spark"], clockSkew: .seconds(30)),
            keys: KeyStore(keys: keys))
    }

    func claims(
        sub: String = "alice@example.com", iss: String = issuerURL, aud: String = "\"spark\"", exp: Double = now + 600,
        nbf: Double = now - 10, extra: String = ",\"groups\":[\"data-science\"]"
    ) -> String {
        "{\"iss\":\"\(iss)\",\"sub\":\"\(sub)\",\"aud\":\(aud),\"exp\":\(Int(exp)),\"nbf\":\(Int(nbf)),\"iat\":\(Int(nbf))\(extra)}"
    }

    @Test func acceptsRS256AndES256() throws {
        for issuer in [rsa, ec] {
            let identity = try verifier.verify(try issuer.sign(claims: claims()), now: Self.now)
            #expect(identity.subject == "alice@example.com")
            #expect(identity.groups == ["data-science"])
        }
    }

    @Test func acceptsAudienceLists() throws {
        let token = try rsa.sign(claims: claims(aud: "[\"other\",\"spark\"]"))
        #expect(try verifier.verify(token, now: Self.now).subject == "alice@example.com")
    }

    @Test func refusesWhatItMust() throws {
        let cases: [(String, AuthError)] = [
            (try rsa.sign(claims: claims(exp: Self.now - 31)), .expired),
            (try rsa.sign(claims: claims(nbf: Self.now + 31)), .notYetValid),
            (try rsa.sign(claims: claims(iss: "https://evil.test")), .wrongIssuer),
            (try rsa.sign(claims: claims(aud: "\"other\"")), .wrongAudience),
            (try rsa.sign(claims: claims(sub: "")), .missingSubject),
            (try rsa.sign(claims: claims(), keyID: "rotated-away"), .unknownKey("rotated-away")),
            (try rsa.sign(claims: claims(), algorithm: "HS256"), .unsupportedAlgorithm("HS256")),
            (try rsa.sign(claims: claims(), algorithm: "none"), .unsupportedAlgorithm("none")),
        ]
        for (token, expected) in cases {
            #expect(throws: expected) { try verifier.verify(token, now: Self.now) }
        }
    }

    @Test func allowsSkew() throws {
        let token = try rsa.sign(claims: claims(exp: Self.now - 20, nbf: Self.now + 20))
        #expect(try verifier.verify(token, now: Self.now).subject == "alice@example.com")
    }

    @Test func refusesAForgedSignature() throws {
        let good = try rsa.sign(claims: claims())
        let forged = try rsa.sign(claims: claims(sub: "mallory"))
        let parts = good.split(separator: ".")
        let spliced = forged.split(separator: ".")[0...1].joined(separator: ".") + "." + parts[2]
        #expect(throws: AuthError.badSignature) { try verifier.verify(spliced, now: Self.now) }
        // An EC key must not verify an RSA-signed token claiming ES256, nor the reverse.
        let confused = try rsa.sign(claims: claims(), algorithm: "ES256", keyID: "ec-1")
        #expect(throws: AuthError.badSignature) { try verifier.verify(confused, now: Self.now) }
    }

    @Test func refusesMalformedTokens() {
        for token in ["", "a.b", "a.b.c", "e30.e30.", String(repeating: "a", count: 20_000)] {
            #expect(throws: AuthError.self) { try verifier.verify(token, now: Self.now) }
        }
    }

    @Test func readsBearerHeaders() throws {
        #expect(try TokenVerifier.bearerToken("Bearer abc") == "abc")
        #expect(try TokenVerifier.bearerToken("bearer   abc ") == "abc")
        #expect(throws: AuthError.missingToken) { try TokenVerifier.bearerToken(nil) }
        #expect(try TokenVerifier.bearerToken("\tBEARER abc.def-_\t") == "abc.def-_")
        #expect(throws: AuthError.missingToken) { try TokenVerifier.bearerToken("Basic abc") }
        #expect(throws: AuthError.missingToken) { try TokenVerifier.bearerToken("Bearer    ") }
        #expect(throws: AuthError.missingToken) { try TokenVerifier.bearerToken("Bearerabc") }
        #expect(throws: AuthError.missingToken) { try TokenVerifier.bearerToken("Bearer") }
    }

    @Test func matchesGroupsWithAndWithoutPrefix() {
        let identity = VerifiedIdentity(subject: "a", groups: ["data-science"], expiresAt: nil)
        #expect(identity.isMember(ofAny: ["okta:data-science"], prefix: "okta:"))
        #expect(identity.isMember(ofAny: ["data-science"], prefix: "okta:"))
        #expect(!identity.isMember(ofAny: ["okta:feature-eng"], prefix: "okta:"))
        #expect(!identity.isMember(ofAny: ["okta:data-science"], prefix: ""))
    }

    @Test func readsACustomGroupsClaim() throws {
        let keys = try JSONWebKeySet(json: Array(try TokenIssuer.jwks([rsa]).utf8))
        let custom = TokenVerifier(
            configuration: VerifierConfiguration(issuer: Self.issuerURL, audiences: ["spark"], groupsClaim: "okta_groups"),
            keys: KeyStore(keys: keys))
        let token = try rsa.sign(claims: claims(extra: ",\"okta_groups\":[\"a\",\"b\"],\"groups\":[\"c\"]"))
        #expect(try custom.verify(token, now: Self.now).groups == ["a", "b"])
    }

    @Test func skipsKeysItCannotUse() throws {
        let document = """
            {"keys":[{"kty":"oct","kid":"hmac","k":"c2VjcmV0"},{"kty":"RSA","kid":"enc","use":"enc","n":"AQAB","e":"AQAB"},
            {"kty":"RSA","kid":"short","n":"AQAB","e":"AQAB"},\(try ec.jwk())]}
            """
        let set = try JSONWebKeySet(json: Array(document.utf8))
        #expect(set.keys.count == 1)
        #expect(set.skipped.count == 3)
        #expect(throws: AuthError.self) { try JSONWebKeySet(json: Array("{}".utf8)) }
    }

    @Test func picksUpARotatedKeyFromTheFile() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pedregal-auth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("jwks.json").path
        try TokenIssuer.jwks([rsa]).write(toFile: path, atomically: true, encoding: .utf8)
        let store = KeyStore(source: .file(path), minimumRefreshGap: .zero)
        try await store.refresh()
        let rotating = TokenVerifier(
            configuration: VerifierConfiguration(issuer: Self.issuerURL, audiences: ["spark"]), keys: store)
        let newKey = try TokenIssuer.rsa(keyID: "rsa-2")
        let token = try newKey.token(subject: "bob", groups: [], issuer: Self.issuerURL, audience: "spark")
        #expect(throws: AuthError.unknownKey("rsa-2")) { try rotating.verify(token) }
        try TokenIssuer.jwks([rsa, newKey]).write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try await rotating.verifyRefreshing(token).subject == "bob")
    }

    @Test func reportsMissingKeys() async {
        let store = KeyStore(source: .file("/nonexistent/jwks.json"))
        await #expect(throws: AuthError.self) { try await store.refresh() }
        #expect(throws: AuthError.self) { try store.current() }
    }
}
