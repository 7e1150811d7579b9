import Foundation
import PedregalTestSupport
import Testing

/// `pedregal local up` shows only the problems that concern the team it
/// starts, and with --quiet nothing but an error that stops it. Runs the
/// built binary with --dry-run against a stand-in Spark and Java (executable
/// files where `SparkInstallation` looks), so no JVM is needed.
@Suite struct LocalDiagnosticsCLITests {
    static let alpha = """
        team: alpha
        owners:
          admins: [alpha-admins]
          members: [alpha]
        environments:
          dev: { regions: [us-west-2], size: small }
        sparkConnect:
          - name: default

        """
    /// alpha, with a warning of its own (a group listed twice).
    static let alphaWarned = alpha.replacingOccurrences(of: "admins: [alpha-admins]", with: "admins: [alpha-admins, alpha-admins]")
    /// Another team, with a warning.
    static let betaWarned = """
        team: beta
        owners:
          admins: [beta-admins, beta-admins]
        environments:
          dev: { regions: [us-west-2], size: small }

        """
    /// Another team, with an error.
    static let betaBroken = """
        team: beta
        owners:
          admins: [beta-admins]
        environments:
          dev: { regions: [us-west-2], sise: small }

        """

    let root: URL
    let environment: [String: String]

    init() throws {
        root = try Paths.temporaryDirectory()
        let tools = try Paths.temporaryDirectory()
        for tool in ["spark/bin/spark-submit", "java/bin/java"] {
            try Paths.write([tool: "#!/bin/sh\nexit 1\n"], to: tools)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: tools.appendingPathComponent(tool).path)
        }
        environment = [
            "NO_COLOR": "1", "SPARK_HOME": tools.appendingPathComponent("spark").path,
            "JAVA_HOME": tools.appendingPathComponent("java").path,
            "PEDREGAL_LOCAL_STATE": tools.appendingPathComponent("state").path,
        ]
    }

    func up(_ teams: [String: String], _ arguments: [String]) throws -> Shell.Result {
        try Paths.write(Fixtures.templates.merging(teams) { _, new in new }, to: root)
        return Shell.run([Paths.binary.path, "local", "up", "alpha", "--dry-run"] + arguments, in: root, environment: environment)
    }

    @Test func anotherTeamsWarningsAreNotShown() throws {
        let result = try up(["teams/alpha.yaml": Self.alpha, "teams/beta.yaml": Self.betaWarned], [])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("# alpha/dev/default in us-west-2"), "\(result.stdout)")
        #expect(!result.stderr.contains("beta"), "\(result.stderr)")
        #expect(!result.stderr.contains("warning"), "\(result.stderr)")
    }

    @Test func theTeamsOwnWarningsAreShownUnlessQuiet() throws {
        let teams = ["teams/alpha.yaml": Self.alphaWarned, "teams/beta.yaml": Self.betaWarned]
        let loud = try up(teams, [])
        #expect(loud.status == 0, "\(loud.stderr)")
        #expect(loud.stderr.contains("teams/alpha.yaml:3:"), "\(loud.stderr)")
        #expect(loud.stderr.contains("group 'alpha-admins' is listed twice"), "\(loud.stderr)")
        #expect(!loud.stderr.contains("beta"), "\(loud.stderr)")
        let quiet = try up(teams, ["--quiet"])
        #expect(quiet.status == 0, "\(quiet.stderr)")
        #expect(quiet.stderr == "", "\(quiet.stderr)")
    }

    @Test func anotherTeamsErrorsDoNotStopIt() throws {
        let teams = ["teams/alpha.yaml": Self.alpha, "teams/beta.yaml": Self.betaBroken]
        let quiet = try up(teams, ["--quiet"])
        #expect(quiet.status == 0, "\(quiet.stderr)")
        #expect(quiet.stderr == "", "\(quiet.stderr)")
        #expect(quiet.stdout.contains("spark.sql.defaultCatalog="), "\(quiet.stdout)")
        let loud = try up(teams, [])
        #expect(loud.status == 0, "\(loud.stderr)")
        #expect(
            loud.stderr.contains(
                "note: other teams' files have 1 error (`pedregal validate` shows them); compiled templates/ and teams/alpha.yaml alone"),
            "\(loud.stderr)")
        #expect(!loud.stderr.contains("sise"), "\(loud.stderr)")
    }

    @Test func theTeamsOwnErrorsStopItEvenQuiet() throws {
        let broken = Self.alpha.replacingOccurrences(of: "size: small", with: "sise: small")
        let quiet = try up(["teams/alpha.yaml": broken, "teams/beta.yaml": Self.betaWarned], ["--quiet"])
        #expect(quiet.status == 1)
        #expect(quiet.stderr.contains("teams/alpha.yaml:6:32: error: unknown key 'sise'"), "\(quiet.stderr)")
        #expect(quiet.stderr.contains("unknown key 'sise'"), "\(quiet.stderr)")
        #expect(!quiet.stderr.contains("beta"), "\(quiet.stderr)")
        #expect(quiet.stdout == "")
    }
}
