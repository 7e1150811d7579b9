import Foundation
import PedregalRequests
import Testing

/// What a change answers: a 422 shows what the change did wrong, in the file
/// as it would have been committed; a retry after the service died answers
/// what the first request would have.
@Suite(.serialized) struct ChangeAnswerTests {
    static let base = "/api/v1/spark-connect-clusters"

    /// alpha lists a member twice (a warning above where an entry is added);
    /// beta lists an admin twice (another team's warning).
    static func fixture() throws -> GitFixture {
        try GitFixture(teams: [
            "teams/alpha.yaml": GitFixture.team.replacingOccurrences(of: "members: [alpha]", with: "members: [alpha, alpha]"),
            "teams/beta.yaml": """
            team: beta
            owners:
              admins: [beta-admins, beta-admins]
            environments:
              dev: { regions: [us-west-2], size: small }

            """,
        ])
    }

    @Test func aChangeThatDoesNotCompileShowsOnlyWhatItIntroduced() async throws {
        let server = try ServerHarness(fixture: try Self.fixture())
        try await server.start()
        let reply: ServerHarness.Reply
        do {
            reply = try await server.send(
                "POST", Self.base, body: #"{"team": "alpha", "environment": "dev", "region": "us-west-2", "size": "large", "name": "big"}"#,
                token: try server.token())
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
        #expect(reply.status == 422, "\(reply.body)")
        #expect(reply.json["type"] as? String == "urn:pedregal:problem:does-not-compile")
        let diagnostics = try #require(reply.json["diagnostics"] as? [[String: Any]])
        #expect(!diagnostics.isEmpty)
        #expect(diagnostics.allSatisfy { $0["severity"] as? String == "error" }, "\(reply.body)")
        #expect(diagnostics.allSatisfy { $0["file"] as? String == "teams/alpha.yaml" }, "\(reply.body)")
        #expect(!reply.body.contains("listed twice"), "\(reply.body)")
        // The lines the change wrote, numbered as the file would have been committed.
        let edits = try #require(reply.json["edits"] as? [[String: Any]])
        #expect(edits.count == 1)
        #expect(edits.first?["file"] as? String == "teams/alpha.yaml")
        let lines = try #require(edits.first?["lines"] as? [[String: Any]])
        let numbered = Dictionary(
            uniqueKeysWithValues: lines.compactMap { line in (line["line"] as? Int).map { ($0, line["text"] as? String ?? "") } })
        #expect(numbered.values.contains("  - name: big"), "\(lines)")
        #expect(numbered.values.contains("    size: large"), "\(lines)")
        let committed = GitFixture.team.replacingOccurrences(of: "members: [alpha]", with: "members: [alpha, alpha]")
            .split(separator: "\n", omittingEmptySubsequences: false)
        #expect(numbered.keys.min() == committed.count, "new lines start after the file's last line")
        for diagnostic in diagnostics {
            let line = try #require(diagnostic["line"] as? Int)
            #expect(numbered[line] != nil, "an introduced error points at a line the change wrote: \(diagnostic)")
            #expect(diagnostic["quote"] as? String == numbered[line], "\(diagnostic)")
        }
        #expect(server.fixture.remoteFile("teams/alpha.yaml")?.contains("big") == false)
    }

    @Test func aRetryAfterTheServiceDiedWithItsPushLandedAnswersTheSame() async throws {
        let fixture = try GitFixture()
        let harness = try ServerHarness(fixture: fixture)
        let port = try LoadAndCrashTests.freePort()
        let arguments = [
            "serve", "--port", String(port), "--remote", fixture.remote, "--state-dir", harness.state, "--issuer",
            ServerHarness.issuerURL, "--audience", ServerHarness.audience, "--jwks", harness.jwksPath, "--log-format", "text",
        ]
        var process = try LoadAndCrashTests.launch(arguments, home: fixture.home)
        defer {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try await LoadAndCrashTests.waitUntilReady(harness, port: port)
        let token = try harness.token()
        // The push lands, then the service dies before it answers (once).
        let pidFile = fixture.folder + "/server.pid"
        try String(process.processIdentifier).write(toFile: pidFile, atomically: true, encoding: .utf8)
        try fixture.installHook("post-receive", "rm -f \"$0\"\nkill -9 \"$(cat '\(pidFile)')\"\n")
        let body = #"{"team": "alpha", "environment": "dev", "region": "us-west-2", "ttl": "3d"}"#
        let first = try? await harness.send("POST", Self.base, body: body, token: token, headers: ["Idempotency-Key": "once"])
        #expect(first == nil, "the service answered before it died: \(first?.body ?? "")")
        process.waitUntilExit()
        let landed = try #require(fixture.remoteFile("teams/alpha.yaml"))
        #expect(landed.contains("- name: dev-us"))
        let head = try fixture.git(["rev-parse", "main"], in: fixture.remote)
        let count = try fixture.git(["rev-list", "--count", "main"], in: fixture.remote)

        process = try LoadAndCrashTests.launch(arguments, home: fixture.home)
        try await LoadAndCrashTests.waitUntilReady(harness, port: port)
        let retry = try await harness.send("POST", Self.base, body: body, token: token, headers: ["Idempotency-Key": "once"])
        #expect(retry.status == 201, "\(retry.body)")
        #expect(retry.headers["idempotent-replayed"] == "true")
        #expect(retry.json["commit"] as? String == head)
        #expect(try fixture.git(["rev-list", "--count", "main"], in: fixture.remote) == count, "no second commit")
        #expect(fixture.remoteFile("teams/alpha.yaml") == landed, "expiresAt did not move")
        let expires = try #require(retry.json["expires_at"] as? String)
        #expect(landed.contains("expiresAt: \(expires)"))
        // Asked again, the same answer.
        let again = try await harness.send("POST", Self.base, body: body, token: token, headers: ["Idempotency-Key": "once"])
        #expect(again.status == 201 && again.body == retry.body)
    }
}
