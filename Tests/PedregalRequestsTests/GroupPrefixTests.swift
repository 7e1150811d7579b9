import Foundation
import PedregalRequests
import Testing

/// `serve` matches token groups with a team's owners by the gateway's rule
/// (`PedregalAuth.GroupMatching`): the platform's `groupPrefix` (`okta:` in the
/// fixture) is dropped from both sides, so a provider that sends prefixed
/// groups is understood, and a group under another prefix is not the team's.
@Suite(.serialized) struct GroupPrefixTests {
    static let base = "/api/v1/spark-connect-clusters"

    @Test func prefixedGroupsAreTheTeamsGroups() async throws {
        let server = try ServerHarness()
        try await server.start()
        do {
            let staging = #"{"team": "alpha", "environment": "staging", "region": "us-west-2"}"#
            let admin = try server.token("carol", groups: ["okta:alpha-admins"])
            let created = try await server.send("POST", Self.base, body: staging, token: admin)
            #expect(created.status == 201, "\(created.body)")
            let member = try server.token("bob", groups: ["okta:alpha"])
            let read = try await server.send("GET", "\(Self.base)/alpha.staging-us", token: member)
            #expect(read.status == 200, "\(read.body)")
            let listed = try await server.send("GET", Self.base, token: member)
            #expect(listed.status == 200, "\(listed.body)")
            #expect(listed.body.contains("alpha.staging-us"), "\(listed.body)")
            // Another platform's prefix is another group.
            let foreign = try server.token("dave", groups: ["oidc:alpha-admins"])
            let refused = try await server.send("DELETE", "\(Self.base)/alpha.staging-us", token: foreign)
            #expect(refused.status == 403, "\(refused.body)")
            #expect(try await server.send("GET", "\(Self.base)/alpha.staging-us", token: foreign).status == 403)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}
