import NIOHPACK
import PedregalAuth
import PedregalManifests
import Testing

@testable import PedregalGateway

/// The pure rules behind a call: which refusal its headers get, who may use
/// a route, where its session goes, and which limit refuses it.
@Suite struct CallDecisionsTests {
    static let route = LoadedRoute(name: "route.ns.default", route: RouteFixtures.dataScience())
    static let a = ServerAddress(host: "10.0.0.1", port: 15002)
    static let b = ServerAddress(host: "10.0.0.2", port: 15002)

    static func head(
        method: String? = "POST", contentType: String? = "application/grpc", path: String = "/spark.connect.SparkConnectService/Config",
        authorization: String? = "Bearer t0ken", endStream: Bool = false
    ) -> CallHead {
        CallHead(
            method: method, contentType: contentType, authority: "DS-dev.doordash.team:443", path: path, authorization: authorization,
            endStream: endStream)
    }

    static func refusal(_ decision: CallAdmission.Decision) -> (GRPCStatusCode, String, String?)? {
        guard case .refused(let refusal, let reason) = decision else { return nil }
        return (refusal.code, refusal.message, reason)
    }

    @Test func headersAreRefusedInOrderWithTheirStatus() {
        #expect(Self.refusal(CallAdmission.admit(Self.head(method: "GET"), route: Self.route))?.0 == .unimplemented)
        #expect(Self.refusal(CallAdmission.admit(Self.head(contentType: "text/html"), route: Self.route))?.0 == .unimplemented)
        let unknown = Self.refusal(CallAdmission.admit(Self.head(), route: nil))
        #expect(unknown?.0 == .notFound)
        #expect(unknown?.1.contains("'ds-dev.doordash.team'") == true, "the host, without port, lower-cased")
        #expect(Self.refusal(CallAdmission.admit(Self.head(path: "/grpc.health.v1.Health/Check"), route: Self.route))?.0 == .unimplemented)
        #expect(Self.refusal(CallAdmission.admit(Self.head(endStream: true), route: Self.route))?.0 == .invalidArgument)
        let missing = Self.refusal(CallAdmission.admit(Self.head(authorization: nil), route: Self.route))
        #expect(missing?.0 == .unauthenticated && missing?.2 == "missing")
        #expect(
            CallAdmission.admit(Self.head(), route: Self.route) == .admitted(route: Self.route, method: .config, token: "t0ken"))
    }

    @Test func onlyTheRoutesGroupsMayUseIt() {
        let member = VerifiedIdentity(subject: "alice", groups: ["data-science"], expiresAt: nil)
        let prefixed = VerifiedIdentity(subject: "alice", groups: ["okta:data-science"], expiresAt: nil)
        let stranger = VerifiedIdentity(subject: "eve", groups: ["feature-eng"], expiresAt: nil)
        #expect(CallAdmission.authorize(member, route: Self.route, groupPrefix: "okta:") == nil)
        #expect(CallAdmission.authorize(prefixed, route: Self.route, groupPrefix: "okta:") == nil)
        let refused = CallAdmission.authorize(stranger, route: Self.route, groupPrefix: "okta:")
        #expect(refused?.code == .permissionDenied)
        #expect(refused?.message == "'eve' is in none of the groups allowed on ds-dev.doordash.team (team data-science)")
    }

    @Test func aVerifiedTokenIsReusedUntilItExpires() {
        let identity = VerifiedIdentity(subject: "a", groups: [], expiresAt: 1000)
        #expect(CallAdmission.reusable(identity, now: 900, clockSkew: 60))
        #expect(CallAdmission.reusable(identity, now: 1050, clockSkew: 60))
        #expect(!CallAdmission.reusable(identity, now: 1061, clockSkew: 60))
        #expect(!CallAdmission.reusable(VerifiedIdentity(subject: "a", groups: [], expiresAt: nil), now: 0, clockSkew: 60))
    }

    @Test func theTokenAndHopByHopFieldsDoNotReachSpark() {
        let headers: HPACKHeaders = [
            ":method": "POST", ":scheme": "https", ":path": "/p", "authorization": "Bearer secret", "connection": "x", "te": "trailers",
            "user-agent": "pyspark",
        ]
        let forwarded = CallAdmission.forwardedHeaders(headers, serverUsesTLS: false)
        #expect(forwarded.first(name: "authorization") == nil && forwarded.first(name: "connection") == nil)
        #expect(forwarded.first(name: ":scheme") == "http")
        #expect(forwarded.first(name: "te") == "trailers" && forwarded.first(name: "user-agent") == "pyspark")
    }

    @Test func aKnownSessionGoesToItsServerUnlessItIsDrainedOrDown() {
        #expect(PlacementDecisions.known(sessionID: "s", server: Self.a, healthy: true, cordon: nil) == .forward(Self.a))
        #expect(PlacementDecisions.known(sessionID: "s", server: Self.a, healthy: true, cordon: .cordoned) == .forward(Self.a))
        guard case .refuse(let refusal) = PlacementDecisions.known(sessionID: "s", server: Self.a, healthy: true, cordon: .draining) else {
            Issue.record("a draining server's sessions are refused")
            return
        }
        #expect(refusal.code == .unavailable)
        #expect(PlacementDecisions.known(sessionID: "s", server: Self.a, healthy: false, cordon: nil) == .serverDown)
    }

    @Test func aLostSessionIsAnsweredAtOnceOnlyWhileItsServerIsDown() {
        let lost = PlacementDecisions.lost(sessionID: "s", observed: true, lostOn: Self.a, serverHealthy: false, host: "h")
        #expect(lost?.code == .internalError && lost?.sparkError?.errorClass == "INVALID_HANDLE.SESSION_CHANGED")
        #expect(PlacementDecisions.lost(sessionID: "s", observed: true, lostOn: Self.a, serverHealthy: true, host: "h") == nil)
        #expect(PlacementDecisions.lost(sessionID: "s", observed: false, lostOn: Self.a, serverHealthy: false, host: "h") == nil)
        #expect(PlacementDecisions.lost(sessionID: "s", observed: true, lostOn: nil, serverHealthy: false, host: "h") == nil)
    }

    @Test func newSessionsRespectTheRoutesLimitAndTheServersState() {
        let servers = [ServerView(address: Self.a), ServerView(address: Self.b)]
        let full = PlacementDecisions.newSession(sessionID: "s", host: "h", openSessions: 5, limit: 5, servers: servers, loadFactor: 1.25)
        #expect(full == .failure(GatewayRefusal(.resourceExhausted, "route h has its limit of 5 open sessions; retry later")))
        let none = PlacementDecisions.newSession(
            sessionID: "s", host: "h", openSessions: 0, limit: 5, servers: [ServerView(address: Self.a, healthy: false)], loadFactor: 1.25)
        #expect((try? none.get()) == nil)
        let placed = PlacementDecisions.newSession(sessionID: "s", host: "h", openSessions: 0, limit: 5, servers: servers, loadFactor: 1.25)
        #expect((try? placed.get()) == Placement.placeNew(sessionID: "s", servers: servers))
        let upstream = PlacementDecisions.upstream([Self.a, Self.b], healthy: { $0 == Self.b }, route: Self.route)
        #expect((try? upstream.get()) == Self.b)
        #expect((try? PlacementDecisions.upstream([], healthy: { _ in true }, route: Self.route).get()) == nil)
    }
}
