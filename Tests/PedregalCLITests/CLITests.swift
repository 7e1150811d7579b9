import Foundation
import PedregalBasics
import PedregalTestSupport
import Testing

/// The built `pedregal` binary, end to end: exit statuses, messages, and what
/// it does to the output folder.
@Suite struct CLITests {
    let root: URL

    init() throws {
        root = try Paths.temporaryDirectory()
        try Paths.write(Fixtures.templates.merging(["teams/alpha.yaml": Fixtures.team]) { _, new in new }, to: root)
    }

    func pedregal(_ arguments: [String], in directory: URL? = nil) -> Shell.Result {
        Shell.run([Paths.binary.path] + arguments, in: directory ?? root, environment: ["NO_COLOR": "1"])
    }

    /// Every file below `folder` with its bytes and modification time.
    func snapshot(_ folder: URL) throws -> [String: (Data, Date)] {
        var result: [String: (Data, Date)] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder.path)!
        while let path = enumerator.nextObject() as? String {
            let url = folder.appendingPathComponent(path)
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
            if isDirectory.boolValue { continue }
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            result[path] = (try Data(contentsOf: url), attributes[.modificationDate] as! Date)
        }
        return result
    }

    func breakTeam() throws {
        try Paths.write(
            ["teams/alpha.yaml": "team: alpha\nowners: { admins: [a] }\nenvironments:\n  dev: { regions: [us-west-2], sise: small }\n"],
            to: root)
    }

    @Test func validateSucceedsOnValidInput() {
        let result = pedregal(["validate"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasSuffix("files valid, 17 manifests\n"), "\(result.stdout)")
    }

    @Test func validateReportsFileLineColumnAndExitsOne() throws {
        try breakTeam()
        let result = pedregal(["validate"])
        #expect(result.status == 1)
        #expect(
            result.stderr == """
                teams/alpha.yaml:4:32: error: unknown key 'sise' in 'environments.dev'; did you mean 'size'? [unknown-key]
                1 error, 0 warnings

                """)
        // From elsewhere, paths are shown as reachable from there.
        let elsewhere = pedregal(["validate", "--root", root.path], in: FileManager.default.temporaryDirectory)
        #expect(elsewhere.status == 1)
        #expect(elsewhere.stderr.hasPrefix("\(root.path)/teams/alpha.yaml:4:32: error:"))
    }

    @Test func validateFormatsForBotsAndGitHub() throws {
        try breakTeam()
        let json = pedregal(["validate", "--format", "json"])
        #expect(json.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["errors"] as? Int == 1)
        let first = try #require((object["diagnostics"] as? [[String: Any]])?.first)
        #expect(first["file"] as? String == "teams/alpha.yaml")
        #expect(first["line"] as? Int == 4)
        #expect(first["column"] as? Int == 32)
        #expect(first["code"] as? String == "unknown-key")

        let github = pedregal(["validate", "--format", "github"])
        #expect(github.status == 1)
        #expect(github.stderr.hasPrefix("::error file=teams/alpha.yaml,line=4,col=32,title=pedregal unknown-key::unknown key 'sise'"))
    }

    @Test func usageErrorsExitSixtyFour() {
        #expect(pedregal(["validate", "--frobnicate"]).status == 64)
        #expect(pedregal(["launch"]).status == 64)
        let missing = pedregal(["validate", "--root", root.appendingPathComponent("nope").path])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("is not a folder"))
    }

    @Test func helpShowsExamples() {
        for command in ["validate", "generate", "check"] {
            let help = pedregal([command, "--help"])
            #expect(help.status == 0)
            #expect(help.stdout.contains("Examples:"), "\(command)")
            #expect(help.stdout.contains("--root"), "\(command)")
        }
    }

    @Test func generateWritesPrunesAndKeepsForeignFiles() throws {
        let out = root.appendingPathComponent("generated")
        let first = pedregal(["generate"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "wrote generated: 17 added, 0 changed, 0 removed (17 files)\n")
        let namespace = out.appendingPathComponent("sk8-us-west-2/sjns-alpha-dev/namespace-sjns-alpha-dev.yaml")
        #expect(FileManager.default.fileExists(atPath: namespace.path))

        try Paths.write(["generated/README.md": "not ours\n", "generated/sk8-us-west-2/notes.yaml": "# mine\n"], to: root)
        let before = try snapshot(out)
        let again = pedregal(["generate"])
        #expect(again.stdout == "generated is up to date (17 files)\n")
        let after = try snapshot(out)
        #expect(before.keys.sorted() == after.keys.sorted())
        #expect(before.allSatisfy { after[$0.key]!.1 == $0.value.1 }, "unchanged files are not rewritten")

        // The team moves to prod: dev's files go, the folder with them; foreign files stay.
        try Paths.write(["teams/alpha.yaml": Fixtures.team.replacingAll("dev:", with: "prod:")], to: root)
        let moved = pedregal(["generate"])
        #expect(moved.status == 0)
        #expect(moved.stdout.contains("removed"))
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("sk8-us-west-2/sjns-alpha-dev").path))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("README.md").path))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("sk8-us-west-2/notes.yaml").path))
    }

    @Test func failingGenerateLeavesTheOutputFolderUntouched() throws {
        #expect(pedregal(["generate"]).status == 0)
        let out = root.appendingPathComponent("generated")
        try Paths.write(["generated/extra.txt": "keep me\n"], to: root)
        let before = try snapshot(out)
        try breakTeam()
        let failed = pedregal(["generate"])
        #expect(failed.status == 1)
        #expect(failed.stdout.isEmpty)
        let after = try snapshot(out)
        #expect(before.keys.sorted() == after.keys.sorted())
        for (path, (data, date)) in before {
            #expect(after[path]?.0 == data, "\(path)")
            #expect(after[path]?.1 == date, "\(path)")
        }
    }

    @Test func generateRefusesToOverwriteForeignFiles() throws {
        try Paths.write(["out/sk8-us-west-2/sjns-alpha-dev/namespace-sjns-alpha-dev.yaml": "hand written\n"], to: root)
        let result = pedregal(["generate", "--out", "out"])
        #expect(result.status == 74)
        #expect(result.stderr.contains("was not generated by pedregal"))
        #expect(
            !FileManager.default.fileExists(
                atPath: root.appendingPathComponent("out/sk8-us-west-2/sjns-alpha-dev/role-spark-driver.yaml").path))
    }

    @Test func checkListsWhatDiffers() throws {
        let fresh = pedregal(["check"])
        #expect(fresh.status == 1)
        #expect(fresh.stdout.contains("added:   sk8-us-west-2/sjns-alpha-dev/namespace-sjns-alpha-dev.yaml"))
        #expect(pedregal(["generate"]).status == 0)
        let current = pedregal(["check"])
        #expect(current.status == 0)
        #expect(current.stdout == "generated is up to date (17 files)\n")

        let quota = root.appendingPathComponent("generated/sk8-us-west-2/sjns-alpha-dev/resourcequota-quota.yaml")
        try (try String(contentsOf: quota, encoding: .utf8) + "# edited\n").write(to: quota, atomically: true, encoding: .utf8)
        let limits = root.appendingPathComponent("generated/sk8-us-west-2/sjns-alpha-dev/limitrange-limits.yaml")
        try FileManager.default.removeItem(at: limits)
        try Paths.write(
            ["generated/sk8-us-west-2/sjns-alpha-dev/configmap-old.yaml": "# Generated by pedregal from teams/alpha.yaml. DO NOT EDIT.\n"],
            to: root)
        let stale = pedregal(["check"])
        #expect(stale.status == 1)
        #expect(
            stale.stdout == """
                removed: sk8-us-west-2/sjns-alpha-dev/configmap-old.yaml
                added:   sk8-us-west-2/sjns-alpha-dev/limitrange-limits.yaml
                changed: sk8-us-west-2/sjns-alpha-dev/resourcequota-quota.yaml
                generated is stale: 1 to add, 1 to change, 1 to remove; run `pedregal generate`

                """)
        try breakTeam()
        #expect(pedregal(["check"]).status == 1)
    }

    /// Argo CD syncs every file of a cluster folder: a hand-written object
    /// slipped into generated/ must fail the CI gate, header or not.
    @Test func checkFailsOnFilesGenerateDoesNotWrite() throws {
        #expect(pedregal(["generate"]).status == 0)
        let binding = """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: { name: everyone-admin }
            roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }
            subjects: [{ kind: Group, apiGroup: rbac.authorization.k8s.io, name: "system:authenticated" }]

            """
        try Paths.write(
            [
                "generated/sk8-us-west-2/_cluster/clusterrolebinding-everyone-admin.yaml": binding,
                "generated/sk8-us-west-2/sjns-alpha-dev/notes.txt": "hello\n",
                "generated/README.md": "What this folder is.\n",
                "generated/sk8-us-west-2/README": "What this cluster folder is.\n",
                "generated/sk8-us-west-2/sjns-alpha-dev/README.md": "Not allowed this deep.\n",
            ], to: root)
        let result = pedregal(["check"])
        #expect(result.status == 1)
        #expect(
            result.stdout == """
                unexpected: sk8-us-west-2/_cluster/clusterrolebinding-everyone-admin.yaml
                unexpected: sk8-us-west-2/sjns-alpha-dev/README.md
                unexpected: sk8-us-west-2/sjns-alpha-dev/notes.txt
                generated holds 3 file(s) that `generate` does not write; Argo CD would sync them and `apply` would apply them: remove them (only a README.md or README at the top of the folder or of a cluster folder is allowed)

                """)
        // generate leaves them alone (it only removes what it wrote) but says so.
        let generate = pedregal(["generate"])
        #expect(generate.status == 0)
        #expect(generate.stderr.contains("clusterrolebinding-everyone-admin.yaml was not written by pedregal"))
    }

    /// Under GitOps, expiry is a change to teams/ (Argo CD's self-heal would
    /// re-create servers deleted in the cluster): the expired entry goes from
    /// the team file, comments and all else untouched, and generated/ follows.
    @Test func expireWithRootRemovesExpiredClustersFromTeamFiles() throws {
        let team =
            Fixtures.team + """
                sparkConnect:
                  - name: default            # stays
                  # for the Q4 review
                  - name: review
                    expiresAt: 2026-12-31T00:00:00Z
                  - name: later
                    expiresAt: 2027-06-30T00:00:00+02:00

                """
        try Paths.write(["teams/alpha.yaml": team], to: root)
        #expect(pedregal(["generate"]).status == 0)
        let route = root.appendingPathComponent("generated/sk8-us-west-2/spark-gateway/configmap-route.sjns-alpha-dev.review.yaml")
        #expect(FileManager.default.fileExists(atPath: route.path))

        let dry = pedregal(["expire", "--root", ".", "--now", "2027-01-01T00:00:00Z", "--dry-run"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(
            dry.stdout.hasPrefix(
                "removed    sparkConnect 'review' from teams/alpha.yaml:12:5 (expired at 2026-12-31T00:00:00Z) (dry run)\n"))
        #expect(try String(contentsOf: root.appendingPathComponent("teams/alpha.yaml"), encoding: .utf8) == team)

        let result = pedregal(["expire", "--root", ".", "--now", "2027-01-01T00:00:00Z"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            try String(contentsOf: root.appendingPathComponent("teams/alpha.yaml"), encoding: .utf8) == Fixtures.team + """
                sparkConnect:
                  - name: default            # stays
                  - name: later
                    expiresAt: 2027-06-30T00:00:00+02:00

                """)
        #expect(!FileManager.default.fileExists(atPath: route.path))
        #expect(pedregal(["check"]).status == 0)
        #expect(pedregal(["expire", "--root", ".", "--now", "2027-01-01T00:00:00Z"]).stdout == "nothing expired at 2027-01-01T00:00:00Z\n")
        // 2027-06-30T00:00:00+02:00 is 2027-06-29T22:00:00Z.
        let later = pedregal(["expire", "--root", ".", "--now", "2027-06-29T22:00:00Z"])
        #expect(later.stdout.contains("removed    sparkConnect 'later'"))
        #expect(
            try String(contentsOf: root.appendingPathComponent("teams/alpha.yaml"), encoding: .utf8) == Fixtures.team + """
                sparkConnect:
                  - name: default            # stays

                """)
    }

    @Test func expireNeedsAFolderOrARoot() {
        #expect(pedregal(["expire"]).status == 64)
        #expect(pedregal(["expire", "generated/x", "--root", "."]).status == 64)
        #expect(pedregal(["expire", "--root", ".", "--now", "tomorrow"]).status == 64)
    }

    @Test func unreadableTeamFilesAreErrorsNotSilentlySkipped() throws {
        try FileManager.default.createSymbolicLink(
            atPath: root.appendingPathComponent("teams/ghost.yaml").path,
            withDestinationPath: "/nonexistent/ghost.yaml")
        let result = pedregal(["validate"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("teams/ghost.yaml:1:1: error: cannot read the file: no such file or directory"))
    }
}
