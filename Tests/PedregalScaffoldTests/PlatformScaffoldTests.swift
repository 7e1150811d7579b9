import Foundation
import PedregalCompiler
import PedregalLoader
import PedregalScaffold
import PedregalTestSupport
import Testing

/// `pedregal init [DIR]`: what a new platform repository holds, that it
/// compiles as it is, and that nothing existing is ever overwritten.
@Suite struct PlatformScaffoldTests {
    @Test func scaffoldValidatesAndGeneratesWithoutWarnings() throws {
        let files = PlatformScaffold(domain: "data.example.org").files
        let compilation = PlatformScaffold.compile(files)
        #expect(compilation.diagnostics.isEmpty, "\(compilation.diagnostics.map(\.description))")
        let paths = Set(compilation.files.map(\.path))
        #expect(paths.contains("spark-us-east-1/spark-analytics-dev/namespace-spark-analytics-dev.yaml"), "\(paths.sorted())")
        // The example team's endpoint lives in the domain given.
        let dns = try #require(compilation.files.first { $0.path.contains("dnsendpoint") })
        #expect(String(decoding: dns.contents, as: UTF8.self).contains("analytics-dev.data.example.org"))
    }

    @Test func scaffoldHoldsEveryPartOfARepository() {
        let paths = PlatformScaffold().files.map(\.path)
        #expect(
            paths == [
                ".github/workflows/pedregal.yml", ".gitignore", "README.md", "schemas/team.schema.json",
                "teams/analytics.yaml", "templates/catalogs.yaml", "templates/engines.yaml", "templates/environments.yaml",
                "templates/platform.yaml", "templates/regions.yaml", "templates/sizes.yaml",
            ])
    }

    @Test func everyTemplateExplainsItsFields() {
        for file in PlatformScaffold().templateFiles {
            let comments = file.contents.split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }
            #expect(comments.count >= 3, "\(file.path) has \(comments.count) comment lines")
        }
        let platform = PlatformScaffold().templateFiles[0].contents
        for key in [
            "domain", "namespacePrefix", "sparkConnectPort", "gatewayNamespace", "groupPrefix", "operator",
            "operatorNamespace", "runnerImage", "argocd", "observability",
        ] {
            #expect(platform.contains("\(key):"), "templates/platform.yaml does not mention \(key)")
        }
    }

    @Test func aDomainThatIsNotAHostIsRefusedBeforeWriting() throws {
        let folder = try Paths.temporaryDirectory()
        #expect {
            _ = try Scaffolding.createPlatform(PlatformScaffold(domain: "not a domain"), at: folder)
        } throws: { error in
            guard case Scaffolding.Failure.invalid(let diagnostics) = error else { return false }
            return diagnostics.contains { $0.location.file == "templates/platform.yaml" && $0.message.contains("not a domain") }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func writesIntoANewFolderAndTheResultCompilesFromDisk() throws {
        let folder = try Paths.temporaryDirectory().appendingPathComponent("platform")
        let written = try Scaffolding.createPlatform(PlatformScaffold(), at: folder)
        for file in written {
            #expect(try String(contentsOf: folder.appendingPathComponent(file.path), encoding: .utf8) == file.contents)
        }
        let compilation = Compiler().compile(DiskSourceTree(root: folder))
        #expect(!compilation.hasErrors && !compilation.files.isEmpty)
    }

    @Test func refusesToOverwriteAndNamesTheFilesWritingNothing() throws {
        let folder = try Paths.temporaryDirectory()
        try Paths.write(["README.md": "ours\n", "templates/sizes.yaml": "mine: {}\n"], to: folder)
        #expect {
            _ = try Scaffolding.createPlatform(PlatformScaffold(), at: folder)
        } throws: { error in
            guard case Scaffolding.Failure.write(.existing(let paths)) = error else { return false }
            return paths == ["README.md", "templates/sizes.yaml"]
                && "\(error)".contains("refusing to overwrite files that exist: README.md, templates/sizes.yaml")
        }
        #expect(try String(contentsOf: folder.appendingPathComponent("README.md"), encoding: .utf8) == "ours\n")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("templates/platform.yaml").path))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("teams").path))
    }

    @Test func aDanglingLinkCountsAsExisting() throws {
        let folder = try Paths.temporaryDirectory()
        try FileManager.default.createSymbolicLink(
            atPath: folder.appendingPathComponent(".gitignore").path,
            withDestinationPath: "/nonexistent/target")
        #expect(ScaffoldWriter(root: folder).existing(PlatformScaffold().files) == [".gitignore"])
    }

    /// The committed example workflow is the one `pedregal init` writes for
    /// example.com (re-record with PEDREGAL_RECORD=1 after changing it).
    @Test func committedExampleWorkflowIsWhatInitWrites() throws {
        let scaffold = PlatformScaffold()
        let workflow = try #require(scaffold.files.first { $0.path == RepositoryTexts.workflowPath })
        let committed = Paths.packageRoot.appendingPathComponent("examples/github/pedregal.yml")
        let report = try Golden.compare(workflow.contents, with: committed)
        #expect(report.isEmpty, "\(report)")
    }

    @Test func workflowAnnotatesChecksAndCommentsTheDiff() {
        let workflow = RepositoryTexts.workflow(image: "registry.example.com/pedregal:1.2.3")
        #expect(workflow.contains("pedregal validate --format github"))
        #expect(workflow.contains("pedregal check"))
        #expect(workflow.contains(#"pedregal diff --base-ref "origin/$BASE_REF" --format markdown"#))
        #expect(workflow.contains("gh pr comment"))
        #expect(workflow.contains("PEDREGAL_IMAGE: registry.example.com/pedregal:1.2.3"))
    }
}
