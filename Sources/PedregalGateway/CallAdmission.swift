import NIOHPACK
import PedregalAuth

/// What the gateway reads from a call's request headers before anything else.
struct CallHead: Sendable, Equatable {
    var method: String?
    var contentType: String?
    /// `:authority`, else `host`.
    var authority: String
    var path: String
    var authorization: String?
    /// The headers ended the request (no message follows).
    var endStream: Bool

    init(method: String?, contentType: String?, authority: String, path: String, authorization: String?, endStream: Bool) {
        self.method = method
        self.contentType = contentType
        self.authority = authority
        self.path = path
        self.authorization = authorization
        self.endStream = endStream
    }

    init(_ headers: HPACKHeaders, endStream: Bool) {
        self.init(
            method: headers.first(name: ":method"), contentType: headers.first(name: "content-type"),
            authority: headers.first(name: ":authority") ?? headers.first(name: "host") ?? "", path: headers.first(name: ":path") ?? "",
            authorization: headers.first(name: "authorization"), endStream: endStream)
    }
}

/// The pure rules that decide, from a call's headers and token, whether the
/// gateway takes it, and which refusal it gets when it does not.
enum CallAdmission {
    /// What becomes of a call's headers.
    enum Decision: Equatable {
        /// A Spark Connect call on a known route, with its bearer token (to verify).
        case admitted(route: LoadedRoute, method: SparkConnectMethod, token: String)
        /// Refused; `authFailure` is the metric reason when the token is at fault.
        case refused(GatewayRefusal, authFailure: String?)
    }

    /// Checks, in order: gRPC (POST, `application/grpc`), a route for the
    /// host, a Spark Connect method, a request message to follow, a bearer token.
    static func admit(_ head: CallHead, route: LoadedRoute?) -> Decision {
        guard head.method == "POST", head.contentType?.hasPrefix("application/grpc") == true else {
            return .refused(GatewayRefusal(.unimplemented, "the Spark Gateway serves gRPC (POST application/grpc) only"), authFailure: nil)
        }
        guard let route else {
            return .refused(
                GatewayRefusal(
                    .notFound,
                    "no Spark Connect cluster answers to host '\(RouteTable.host(ofAuthority: head.authority))'; check the sc:// host name"),
                authFailure: nil)
        }
        guard let method = SparkConnectMethod(path: Substring(head.path)) else {
            return .refused(GatewayRefusal(.unimplemented, "'\(head.path)' is not a Spark Connect method"), authFailure: nil)
        }
        if head.endStream { return .refused(GatewayRefusal(.invalidArgument, "the call carries no request message"), authFailure: nil) }
        do {
            return .admitted(route: route, method: method, token: try TokenVerifier.bearerToken(head.authorization))
        } catch {
            return .refused(GatewayRefusal(.unauthenticated, error.description), authFailure: "missing")
        }
    }

    /// The refusal of a verified `identity` on `route`, if it is in none of the route's groups.
    static func authorize(_ identity: VerifiedIdentity, route: LoadedRoute, groupPrefix: String) -> GatewayRefusal? {
        guard !identity.isMember(ofAny: route.allowedGroups, prefix: groupPrefix) else { return nil }
        return GatewayRefusal(
            .permissionDenied, "'\(identity.subject)' is in none of the groups allowed on \(route.host) (team \(route.team))")
    }

    /// Whether an identity verified earlier on this connection for the same
    /// token may be used again at `now` (seconds since 1970): not expired,
    /// allowing the verifier's clock skew.
    static func reusable(_ identity: VerifiedIdentity, now: Double, clockSkew: Double) -> Bool {
        identity.expiresAt.map { $0 > now - clockSkew } ?? false
    }

    /// The refusal of a token the verifier rejected, with the metric reason.
    static func refusal(_ error: AuthError) -> (GatewayRefusal, reason: String) {
        (GatewayRefusal(.unauthenticated, error.description), reason(error))
    }

    /// The metric reason for a refused token: a fixed word, never token content.
    static func reason(_ error: AuthError) -> String {
        switch error {
        case .missingToken: return "missing"
        case .malformed: return "malformed"
        case .unsupportedAlgorithm: return "algorithm"
        case .unknownKey: return "unknown-key"
        case .badSignature: return "signature"
        case .expired: return "expired"
        case .notYetValid: return "not-yet-valid"
        case .wrongIssuer: return "issuer"
        case .wrongAudience: return "audience"
        case .missingSubject: return "subject"
        case .keysUnavailable: return "keys-unavailable"
        }
    }

    /// The client's headers minus what must not reach Spark: the bearer token
    /// (Spark does not need it; a driver should never see users' tokens) and
    /// hop-by-hop fields; `:scheme` names how the gateway reaches the server.
    static func forwardedHeaders(_ headers: HPACKHeaders, serverUsesTLS: Bool) -> HPACKHeaders {
        var out = HPACKHeaders()
        out.reserveCapacity(headers.count)
        for (name, value, indexable) in headers {
            switch name {
            case "authorization", "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "host":
                continue
            case ":scheme":
                out.add(name: name, value: serverUsesTLS ? "https" : "http", indexing: indexable)
            default:
                out.add(name: name, value: value, indexing: indexable)
            }
        }
        return out
    }
}
