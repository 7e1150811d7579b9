import Foundation
import PedregalBasics
import PedregalTestSupport
import Testing

/// `pedregal diff` against a git revision in a temporary repository, and
/// `pedregal schema`.
@Suite struct DiffCLITests {
    let repository: URL
    /// The compiler root inside the repository (a subfolder, as in a monorepo).
    let root: URL

    init() throws {
        repository = try Paths.temporaryDirectory()
        root = repository.appendingPathComponent("platform")
        try Paths.write(Fixtures.templates.merging(["teams/alpha.yaml": Fixtures.team]) { _, new in new }, to: root)
        for command in [
            ["init", "-q", "-b", "main"], ["add", "-A"],
            ["-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "base"],
        ] {
            let result = Shell.run(["git"] + command, in: repository)
            precondition(result.status == 0, result.stderr)
        }
    }

    func pedregal(_ arguments: [String]) -> Shell.Result {
        Shell.run([Paths.binary.path] + arguments, in: root, environment: ["NO_COLOR": "1"])
    }

    @Test func noChangeExitsZero() {
        let result = pedregal(["diff", "--base-ref", "HEAD"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "no changes between HEAD and working tree\n")
    }

    @Test func changesAgainstHeadExitOneWithoutTouchingTheWorkTree() throws {
        let edited = Fixtures.team.replacingAll("size: small", with: "size: small\n    quota: { cpu: \"48\" }")
        try Paths.write(["teams/alpha.yaml": edited], to: root)
        let result = pedregal(["diff", "--base-ref", "HEAD"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout.contains("~ ResourceQuota sjns-alpha-dev/quota  (teams/alpha.yaml)"))
        #expect(result.stdout.contains(#"spec.hard["requests.cpu"]: "32" → "48""#))
        #expect(result.stdout.contains("sk8-us-west-2  alpha"))
        // The work tree still holds the edit: the base was read from git.
        #expect(try String(contentsOf: root.appendingPathComponent("teams/alpha.yaml"), encoding: .utf8) == edited)
        #expect(Shell.run(["git", "status", "--porcelain"], in: repository).stdout == " M platform/teams/alpha.yaml\n")

        let markdown = pedregal(["diff", "--base-ref", "main", "--format", "markdown"])
        #expect(markdown.status == 1)
        #expect(markdown.stdout.hasPrefix("### pedregal diff\n\n`main` → `working tree`"))
        let json = pedregal(["diff", "--base-ref", "main", "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["changed"] as? Bool == true)
    }

    @Test func newTeamsAndRemovedFilesAreSeen() throws {
        try Paths.write(["teams/beta.yaml": Fixtures.team.replacingAll("alpha", with: "beta")], to: root)
        try FileManager.default.removeItem(at: root.appendingPathComponent("teams/alpha.yaml"))
        let result = pedregal(["diff", "--base-ref", "HEAD"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("+ Namespace sjns-beta-dev"))
        #expect(result.stdout.contains("- Namespace sjns-alpha-dev"))
        #expect(result.stdout.contains("! Namespace removed: sk8-us-west-2 Namespace sjns-alpha-dev"))
    }

    @Test func invalidChangePrintsDiagnosticsAndExitsTwo() throws {
        try Paths.write(
            ["teams/alpha.yaml": "team: alpha\nowners: { admins: [a] }\nenvironments: { dev: { regions: [us-west-2], sise: small } }\n"],
            to: root)
        let result = pedregal(["diff", "--base-ref", "HEAD"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("the change does not compile"))
        #expect(result.stderr.contains("teams/alpha.yaml:3:"))
    }

    @Test func unknownRevisionsAndMissingFlagsAreUsageErrors() {
        let unknown = pedregal(["diff", "--base-ref", "no-such-branch"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("'no-such-branch' is not a commit"))
        #expect(pedregal(["diff"]).status == 64)
        #expect(pedregal(["diff", "--base-ref", "HEAD", "--base", "x"]).status == 64)
        #expect(pedregal(["diff", "--base", "/nonexistent"]).status == 64)
    }

    @Test func baseFolderWorksWithoutGit() throws {
        let other = try Paths.temporaryDirectory()
        try Paths.write(Fixtures.templates, to: other)
        let result = pedregal(["diff", "--base", other.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("+ Namespace sjns-alpha-dev"))
    }

    @Test func schemaPrintsTheCommittedSchema() throws {
        let result = pedregal(["schema"])
        #expect(result.status == 0)
        #expect(
            result.stdout == (try String(contentsOf: Paths.packageRoot.appendingPathComponent("schemas/team.schema.json"), encoding: .utf8))
        )
    }
}
