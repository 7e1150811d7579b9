import Foundation
import PedregalCompiler
import PedregalLoader
import PedregalScaffold
import PedregalSpec
import PedregalTestSupport
import Testing

/// `pedregal init --team NAME`: a commented team file whose choices come from
/// the platform's own templates, added only when it validates.
@Suite struct TeamScaffoldTests {
    func loadedTemplates(_ files: [String: String] = Fixtures.templates) -> Templates {
        Loader().load(from: MemorySourceTree(files)).templates
    }

    @Test func listsThePlatformsChoices() {
        let text = TeamScaffold(name: "growth", templates: loadedTemplates()).text
        for choice in ["small", "large", "us-west-2", "eu-west-1", "sk8-eu-west-1", "pedregal", "feature_store", "dev, staging, prod"] {
            #expect(text.contains(choice), "the team file does not offer \(choice)")
        }
        #expect(text.contains("quota cpu 32, memory 128Gi, pods 100"))
        #expect(text.contains("# catalogs: [pedregal]"))
        #expect(text.contains(#"# engine: "3.5""#) && text.contains("3.5 (default), 4.0"))
        // The values filled in are the first of each list.
        #expect(text.contains("  dev:\n"))
        #expect(text.contains("    regions: [us-west-2]\n"))
        #expect(text.contains("    size: small\n"))
    }

    @Test func compilesAgainstTheTemplatesItWasMadeFrom() {
        let team = TeamScaffold(name: "growth", templates: loadedTemplates())
        let compilation = Fixtures.compile([team.path: team.text])
        #expect(compilation.diagnostics.isEmpty, "\(compilation.diagnostics.map(\.description))")
        #expect(compilation.files.contains { $0.path == "sk8-us-west-2/sjns-growth-dev/namespace-sjns-growth-dev.yaml" })
    }

    /// The repository's own templates: three regions (one EMR), four sizes.
    @Test func compilesAgainstTheRepositorysTemplates() throws {
        let root = Paths.packageRoot
        let tree = DiskSourceTree(root: root)
        let team = TeamScaffold(name: "newcomers", templates: Loader().load(from: tree).templates)
        #expect(team.text.contains("emr-ap-southeast-2 (EMR: namespaces, DNS and routes only)"))
        let compilation = Compiler().compile(OverlaySourceTree(tree, replacing: [team.path: Array(team.text.utf8)]))
        #expect(!compilation.hasErrors, "\(compilation.diagnostics.map(\.description))")
    }

    @Test func fileNamesAreCheckedBeforeAnythingIsRead() {
        #expect(TeamScaffold.fileNameProblem("growth") == nil)
        #expect(TeamScaffold.fileNameProblem("../etc/passwd") != nil)
        #expect(TeamScaffold.fileNameProblem("Growth") != nil)
        #expect(TeamScaffold.fileNameProblem("") != nil)
    }

    @Test func addsTheFileToARepositoryOnDisk() throws {
        let folder = try Paths.temporaryDirectory()
        try Paths.write(Fixtures.templates.merging(["teams/alpha.yaml": Fixtures.team]) { _, new in new }, to: folder)
        let file = try Scaffolding.addTeam(named: "growth", root: folder)
        #expect(file.path == "teams/growth.yaml")
        #expect(try String(contentsOf: folder.appendingPathComponent(file.path), encoding: .utf8) == file.contents)
        #expect(!Compiler().compile(DiskSourceTree(root: folder)).hasErrors)
        // Twice: the file exists now.
        #expect {
            _ = try Scaffolding.addTeam(named: "growth", root: folder)
        } throws: { error in
            guard case Scaffolding.Failure.write(.existing(let paths)) = error else { return false }
            return paths == ["teams/growth.yaml"]
        }
    }

    @Test func refusesATeamNameAnotherFileTakes() throws {
        let folder = try Paths.temporaryDirectory()
        try Paths.write(Fixtures.templates.merging(["teams/first.yaml": Fixtures.team]) { _, new in new }, to: folder)
        #expect {
            _ = try Scaffolding.addTeam(named: "alpha", root: folder)
        } throws: { error in
            guard case Scaffolding.Failure.invalid(let diagnostics) = error else { return false }
            return !diagnostics.isEmpty && diagnostics.allSatisfy { $0.severity == .error }
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("teams/alpha.yaml").path))
    }

    @Test func errorsThePlatformAlreadyHadDoNotStopIt() throws {
        let folder = try Paths.temporaryDirectory()
        let broken = "team: broken\nowners: { admins: [b] }\nenvironments:\n  dev: { regions: [us-west-2], sise: small }\n"
        try Paths.write(Fixtures.templates.merging(["teams/broken.yaml": broken]) { _, new in new }, to: folder)
        let file = try Scaffolding.addTeam(named: "growth", root: folder)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file.path).path))
    }
}
