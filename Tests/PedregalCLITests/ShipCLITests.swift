import Foundation
import PedregalTestSupport
import Testing

/// The built binary: `pedregal init` end to end, `--color`, and the shell
/// completion scripts argument-parser generates from the command tree.
@Suite struct ShipCLITests {
    func pedregal(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) -> Shell.Result {
        Shell.run([Paths.binary.path] + arguments, in: directory, environment: environment)
    }

    @Test func initThenValidateThenGenerateThenCheck() throws {
        let folder = try Paths.temporaryDirectory()
        let created = pedregal(["init", "platform", "--domain", "spark.example.org"], in: folder)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("  templates/platform.yaml\n"))
        let root = folder.appendingPathComponent("platform")
        for command in [["validate"], ["generate"], ["check"]] {
            let result = pedregal(command, in: root)
            #expect(result.status == 0, "pedregal \(command[0]): \(result.stdout)\(result.stderr)")
        }
        let team = pedregal(["init", "--team", "growth", "--root", "platform"], in: folder)
        #expect(team.status == 0 && team.stdout.hasPrefix("wrote platform/teams/growth.yaml"), "\(team.stdout)\(team.stderr)")
        #expect(pedregal(["check"], in: root).status == 1, "a new team makes generated/ stale")
        #expect(pedregal(["generate"], in: root).status == 0)
        #expect(pedregal(["check"], in: root).status == 0)
    }

    @Test func initRefusesToOverwriteAndSaysWhich() throws {
        let folder = try Paths.temporaryDirectory()
        try Paths.write(["README.md": "mine\n"], to: folder)
        let result = pedregal(["init"], in: folder)
        #expect(result.status == 1)
        #expect(result.stderr.contains("refusing to overwrite a file that exists: README.md; nothing was written"), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["README.md"])
    }

    @Test func initTeamRejectsBadUsage() throws {
        let folder = try Paths.temporaryDirectory()
        #expect(pedregal(["init", "--team", "Growth"], in: folder).status == 64)
        #expect(pedregal(["init", "x", "--team", "growth"], in: folder).status == 64)
        let noRoot = pedregal(["init", "--team", "growth"], in: folder)
        #expect(noRoot.status == 64 && noRoot.stderr.contains("neither teams/ nor templates/"), "\(noRoot.stderr)")
    }

    @Test func colourFollowsTheFlagAndNoColor() throws {
        let folder = try Paths.temporaryDirectory()
        try Paths.write(
            Fixtures.templates.merging([
                "teams/alpha.yaml": "team: alpha\nowners: { admins: [a] }\nenvironments:\n  dev: { regions: [us-west-2], sise: small }\n"
            ]) { _, new in new }, to: folder)
        let escape = "\u{1B}["
        let always = pedregal(["validate", "--color", "always"], in: folder, environment: ["NO_COLOR": "1"])
        #expect(always.status == 1 && always.stderr.contains(escape), "--color always wins over NO_COLOR")
        let never = pedregal(["validate", "--color", "never"], in: folder)
        #expect(never.status == 1 && !never.stderr.contains(escape))
        // Not a terminal: auto does not colour.
        let auto = pedregal(["validate"], in: folder)
        #expect(auto.status == 1 && !auto.stderr.contains(escape))
        #expect(pedregal(["validate", "--color", "sometimes"], in: folder).status == 64)
    }

    @Test func completionScriptsNameEveryCommand() {
        for shell in ["bash", "zsh", "fish"] {
            let result = Shell.run([Paths.binary.path, "--generate-completion-script", shell])
            #expect(result.status == 0, "\(shell): \(result.stderr)")
            for command in ["init", "validate", "generate", "check", "diff", "submit", "expire"] {
                #expect(result.stdout.contains(command), "\(shell) completion lacks \(command)")
            }
        }
    }
}
