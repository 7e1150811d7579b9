import PedregalAuth
import Testing

/// The one rule both servers match groups by: the platform's prefix is dropped
/// from both sides, once, and the rest compared exactly.
struct GroupMatchingTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var token: String
        var allowed: String
        var prefix: String
        var matches: Bool
        var testDescription: String { "\(token) vs \(allowed) under '\(prefix)': \(matches)" }
    }

    static let cases: [Case] = [
        // The gateway: routes list `<prefix><group>`, Okta sends the bare group, or the prefixed one.
        Case(token: "data-science", allowed: "okta:data-science", prefix: "okta:", matches: true),
        Case(token: "okta:data-science", allowed: "okta:data-science", prefix: "okta:", matches: true),
        // The request API: team files list bare groups; an OIDC provider may send them prefixed.
        Case(token: "oidc:feat-admins", allowed: "feat-admins", prefix: "oidc:", matches: true),
        Case(token: "feat-admins", allowed: "feat-admins", prefix: "oidc:", matches: true),
        // Another platform's prefix is another group.
        Case(token: "okta:feat-admins", allowed: "feat-admins", prefix: "oidc:", matches: false),
        Case(token: "feat-admins", allowed: "okta:feat-admins", prefix: "oidc:", matches: false),
        Case(token: "oidc:feat-admins", allowed: "okta:feat-admins", prefix: "okta:", matches: false),
        // Exact otherwise: no substring, no case folding, the prefix taken off once.
        Case(token: "feat-admins-old", allowed: "okta:feat-admins", prefix: "okta:", matches: false),
        Case(token: "Feat-Admins", allowed: "okta:feat-admins", prefix: "okta:", matches: false),
        Case(token: "okta:okta:x", allowed: "okta:x", prefix: "okta:", matches: false),
        Case(token: "okta:okta:x", allowed: "okta:okta:x", prefix: "okta:", matches: true),
        // A bare prefix names no group.
        Case(token: "okta:", allowed: "okta:", prefix: "okta:", matches: false),
        Case(token: "", allowed: "", prefix: "", matches: false),
        // No prefix: names compare as they are.
        Case(token: "okta:x", allowed: "x", prefix: "", matches: false),
        Case(token: "x", allowed: "x", prefix: "", matches: true),
    ]

    @Test(arguments: cases) func matchesOneGroup(_ c: Case) {
        let matching = GroupMatching(prefix: c.prefix)
        #expect(matching.matches(c.token, c.allowed) == c.matches)
        #expect(matching.matchesAny([c.token], of: [c.allowed]) == c.matches)
        let identity = VerifiedIdentity(subject: "s", groups: ["unrelated", c.token], expiresAt: nil)
        #expect(identity.isMember(ofAny: ["other", c.allowed], prefix: c.prefix) == c.matches)
    }

    @Test func noGroupsMatchNothing() {
        let matching = GroupMatching(prefix: "okta:")
        #expect(!matching.matchesAny([String](), of: ["okta:a"]))
        #expect(!matching.matchesAny(["a"], of: [String]()))
    }

    @Test func tellsWhetherAnyAllowedGroupCarriesThePrefix() {
        #expect(GroupMatching(prefix: "okta:").isUsed(by: ["oidc:a", "okta:b"]))
        #expect(!GroupMatching(prefix: "okta:").isUsed(by: ["oidc:a", "oidc:b"]))
        #expect(!GroupMatching(prefix: "okta:").isUsed(by: [String]()))
        #expect(!GroupMatching(prefix: "").isUsed(by: ["a"]))
    }
}
