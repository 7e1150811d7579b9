/// How pedregal compares the groups of a token with the groups a team or a
/// route allows: the one rule the gateway and the request API share.
///
/// pedregal writes groups as `<groupPrefix><group>` wherever Kubernetes reads
/// them (RBAC subjects, a route's `allowedGroups`: `okta:data-science`), while
/// team files list bare names (`data-science`) and identity providers send
/// either form (Okta's `groups` claim holds `data-science`; a Kubernetes OIDC
/// setup with `--oidc-groups-prefix` sends `oidc:data-science`). So both sides
/// lose the platform's prefix, once, before they are compared exactly: a group
/// matches whether or not either side carries the prefix, and a group under
/// another prefix never matches (`okta:x` is not `x` on an `oidc:` platform).
public struct GroupMatching: Sendable, Hashable {
    /// The platform's `groupPrefix` (`okta:`); empty compares names as they are.
    public var prefix: String

    /// Matching under `prefix`.
    public init(prefix: String) {
        self.prefix = prefix
    }

    /// `group` without the prefix, when it carries it.
    public func bareName(_ group: String) -> Substring {
        guard !prefix.isEmpty, group.hasPrefix(prefix) else { return Substring(group) }
        return group.dropFirst(prefix.count)
    }

    /// Whether the token group `group` is the allowed group `allowed`. An empty
    /// name (a bare prefix) matches nothing.
    public func matches(_ group: String, _ allowed: String) -> Bool {
        let name = bareName(group)
        return !name.isEmpty && name == bareName(allowed)
    }

    /// Whether any of `groups` (a token's) is one of `allowed`.
    public func matchesAny<Groups: Collection<String>, Allowed: Collection<String>>(_ groups: Groups, of allowed: Allowed) -> Bool {
        guard !groups.isEmpty, !allowed.isEmpty else { return false }
        let wanted = Set(allowed.lazy.map(bareName).filter { !$0.isEmpty })
        return groups.contains { group in
            let name = bareName(group)
            return !name.isEmpty && wanted.contains(name)
        }
    }

    /// Whether some entry of `allowed` is written with the prefix. A gateway
    /// whose routes name no group with its prefix was most likely started
    /// with another platform's prefix and will refuse everyone.
    public func isUsed<Allowed: Sequence<String>>(by allowed: Allowed) -> Bool {
        !prefix.isEmpty && allowed.contains { $0.hasPrefix(prefix) }
    }
}
