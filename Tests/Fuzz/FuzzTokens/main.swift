import FuzzSupport
import PedregalAuth

// JWTs and JWKS documents. The first byte picks the input: even ('T'), an Authorization header checked
// by a verifier holding the test keys below; odd ('K'), a JWKS document whose keys then check a token
// signed by the test RSA key. Seed tokens (Tests/Fuzz/Corpus/tokens) are signed by these keys.
let testKeys =
    #"{"keys":[{"kty":"RSA","kid":"rsa-1","use":"sig","alg":"RS256","n":"qYLy7-xfI5Xy7X6c85ax1YcHlEzUZceC6"#
    + #"nDBPk3QIRcmAbN2CUWDaQPWFfkfUaLZ9Yqz-iF2VPaLpy4-cVPDM6jR0PDJrvlgSg8Hc9SBtKL5LfyOx_0o1wTLM1sgRnoazcwkC"#
    + #"MJYsYhQ9w8vMFqe_-szgmGJreY19cCoZTgo4ibwdHfleQO6_gCxmNUuCL6SwASqj7DScoL62RyEaKGxL-hslmgAhjAzmqpmpYUIE"#
    + #"wTIWoaTseCYlzQzm2whB8Y3ztePTk_SCG0No9al0rUyN9hs9VZKQc1pNUgid6ro8mvTzlnBqf85O_Iun6UQhRF6lKp1XgPtY3XSB"#
    + #"Uzg5Zs2Ew","e":"AQAB"},{"kty":"EC","kid":"ec-1","use":"sig","crv":"P-256","x":"rKyC5xpwlf05ucXMHrSDu"#
    + #"wdzJ3zxCgELEJLXkOr4-2c","y":"1qvMLGZ6q9m9O-309EnCQA6_MJDxjU5Midg1qAe-ga0"}]}"#
let testToken =
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6InJzYS0xIn0.eyJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxlLmNv"
    + "bSIsInN1YiI6ImFsaWNlQGV4YW1wbGUuY29tIiwiYXVkIjoicGVkcmVnYWwiLCJpYXQiOjE3OTk5OTk5OTAsIm5iZiI6MTc5OTk5"
    + "OTk5MCwiZXhwIjoxODAwMDAzNjAwLCJncm91cHMiOlsiZGF0YS1zY2llbmNlIiwicGxhdGZvcm0tYWRtaW5zIl19.NyJE-DCxGj6"
    + "bOUHYAWi7Peqswk-UzZulpK6tiMQUy-JbnIEJR1lG7bAg2HYWVpGTQ-WFImZ1UYBUcR6idXvWrRSP_TPVsK-gCyiGIc-Fh0E2pZ1"
    + "4CKwa5YXCY-sA61mBbn6Gr6L9VlKS9MqL9HTijsUaEAeZkCUTTA-yUHh6EF6k09CCEp-pKdgCkFUHqCdb5FtWmQIMSPuElgzBQH6"
    + "ZLIByyM8vpo6O1m_j0j6pYQbMBl_Y8qt9-wZktIFSbHoKsNwmY4pa0XiGy4f9bnJO8uWCd_3zwARFM3HVrW70E8YMxN34SVt4gUF"
    + "3tfduRmRoT_hkHj8KolHfbj-yE9gZkQ"
// The seed tokens' claims are valid at this instant (2027-01-15).
let now = 1_800_000_000.0
let configuration = VerifierConfiguration(issuer: "https://issuer.example.com", audiences: ["pedregal"])
let keys = fuzzSetup { KeyStore(keys: try! JSONWebKeySet(json: Array(testKeys.utf8))) }

fuzzMain { input in
    guard let selector = input.first else { return }
    let text = String(decoding: input.dropFirst(), as: UTF8.self)
    if selector & 1 == 0 {
        // A fresh verifier per input: its cache of verified tokens must not carry state between inputs.
        let verifier = TokenVerifier(configuration: configuration, keys: keys)
        guard let token = try? TokenVerifier.bearerToken(text) else { return }
        _ = try? JWT(parsing: token)
        if let identity = try? verifier.verify(token, now: now) {
            fuzzCheck(!identity.subject.isEmpty, "a verified token without a subject")
            // The cache answers a second time exactly as the first check did.
            fuzzCheck((try? verifier.verify(token, now: now)) == identity, "the cached identity differs")
        }
    } else {
        guard let set = try? JSONWebKeySet(json: Array(input.dropFirst())) else { return }
        for key in set.keys {
            for alg in VerifierConfiguration.defaultAlgorithms.sorted() where key.fits(alg) {
                _ = key.verifies(Array("header.payload".utf8), over: Array("header.payload".utf8), alg: alg)
            }
        }
        let verifier = TokenVerifier(configuration: configuration, keys: KeyStore(keys: set))
        _ = try? verifier.verify(testToken, now: now)
    }
}
