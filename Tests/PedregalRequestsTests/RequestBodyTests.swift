import PedregalCompiler
import PedregalDiagnostics
import PedregalRequests
import Testing

/// Request bodies are checked for shape before anything else, every problem
/// named with a JSON Pointer.
@Suite struct RequestBodyTests {
    func problem(_ body: String) -> Problem? {
        do {
            _ = try CreateClusterRequest(json: Array(body.utf8))
            return nil
        } catch {
            return error
        }
    }

    @Test func readsAFullRequest() throws {
        let request = try CreateClusterRequest(
            json: Array(
                """
                {"team": "feature-engineering", "environment": "prod", "region": "eu-west-1", "size": "medium",
                 "catalogs": ["pedregal", "feature_store"], "ttl": "7d", "name": "eval", "engine": "4.0"}
                """.utf8))
        #expect(request.team == "feature-engineering")
        #expect(request.catalogs == ["pedregal", "feature_store"])
        #expect(request.ttl == .seconds(7 * 86_400))
        #expect(request.name == "eval")
        #expect(
            try CreateClusterRequest(json: Array(#"{"team": "a", "environment": "b", "region": "c", "ttl": "persistent"}"#.utf8)).ttl
                == .persistent)
    }

    @Test func namesEveryFieldAtFault() throws {
        let found = try #require(
            problem(#"{"teem": "a", "environment": 1, "region": "", "catalogs": ["x", "x", 2], "ttl": "7 days", "name": "Eval"}"#))
        #expect(found.status == 422)
        #expect(
            found.errors.map(\.pointer) == ["/teem", "/team", "/environment", "/region", "/catalogs/1", "/catalogs/2", "/ttl", "/name"])
        #expect(
            found.errors[0].detail
                == "unknown field 'teem'; did you mean 'team'? the fields are: team, environment, region, size, catalogs, ttl, name, engine"
        )
        #expect(
            found.errors[6].detail
                == "'7 days' is not a time to live; write a whole number of minutes, hours, days or weeks such as 30m, 12h, 7d or 2w, or persistent"
        )
    }

    @Test func refusesWhatIsNotAnObject() {
        #expect(problem("not json")?.status == 400)
        #expect(problem("[1]")?.status == 422)
        #expect(problem("")?.status == 400)
        #expect(problem(#"{"team": "a", "environment": "b", "region": "c", "catalogs": []}"#)?.errors.map(\.pointer) == ["/catalogs"])
    }

    @Test func patchTakesOnlyATimeToLive() throws {
        #expect(try UpdateClusterRequest(json: Array(#"{"ttl": "2w"}"#.utf8)).ttl == .seconds(14 * 86_400))
        #expect(throws: Problem.self) { try UpdateClusterRequest(json: Array(#"{"ttl": "2w", "size": "x"}"#.utf8)) }
        #expect(throws: Problem.self) { try UpdateClusterRequest(json: Array("{}".utf8)) }
    }

    @Test func problemsAreRFC9457() {
        let diagnostic = Diagnostic.error(
            .exceedsQuota, "too big", at: PedregalDiagnostics.SourceLocation(file: "teams/a.yaml", line: 12, column: 7),
            notes: [.init("quota here", at: PedregalDiagnostics.SourceLocation(file: "templates/sizes.yaml", line: 1, column: 2))])
        let old = (1...10).map { "line \($0)\n" }.joined()
        let new = old + "  - name: big\n    size: huge\n"
        let report = ChangeDiagnostics.compare(before: [], after: [diagnostic], edits: ["teams/a.yaml": (Array(old.utf8), Array(new.utf8))])
        let problem = Problem.doesNotCompile("teams/a.yaml", report)
        #expect(
            problem.json(instance: "/api/v1/spark-connect-clusters") == """
                {"type": "urn:pedregal:problem:does-not-compile", "title": "The change does not compile", "status": 422, "detail": "with this change teams/a.yaml does not compile (1 error: teams/a.yaml:12:7: error: too big [exceeds-quota]); nothing was committed", "instance": "/api/v1/spark-connect-clusters", "diagnostics": [{"severity": "error", "code": "exceeds-quota", "file": "teams/a.yaml", "line": 12, "column": 7, "message": "too big", "notes": [{"file": "templates/sizes.yaml", "line": 1, "column": 2, "message": "quota here"}], "quote": "    size: huge"}], "edits": [{"file": "teams/a.yaml", "lines": [{"line": 11, "text": "  - name: big"}, {"line": 12, "text": "    size: huge"}]}]}

                """)
    }

    @Test func clusterIDsAreTwoLabels() {
        #expect(ClusterID("alpha.dev-us") == ClusterID(team: "alpha", name: "dev-us"))
        #expect(ClusterID("alpha") == nil)
        #expect(ClusterID("a.b.c") == nil)
        #expect(ClusterID("Alpha.x") == nil)
        #expect(ClusterID(".x") == nil)
    }
}

/// A remote's credentials never reach a log line or an answer.
@Suite struct RedactionTests {
    @Test func takesCredentialsOutOfURLs() {
        #expect(
            redactingCredentials("fatal: unable to access 'https://bot:ghp_secret@git.example.team/a.git/': 403")
                == "fatal: unable to access 'https://***@git.example.team/a.git/': 403")
        #expect(
            redactingCredentials("https://git.example.team/a.git and ssh://git@host:22/x")
                == "https://git.example.team/a.git and ssh://***@host:22/x")
        #expect(redactingCredentials("/var/lib/remote.git") == "/var/lib/remote.git")
    }
}
