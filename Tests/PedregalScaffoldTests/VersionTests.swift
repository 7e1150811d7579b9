import Foundation
import PedregalCompiler
import PedregalLoader
import PedregalScaffold
import PedregalTestSupport
import Testing

/// One version: `PedregalVersion.current` is what `pedregal --version`
/// prints (on every command), the tag of the default runner image, the tag
/// the repository's own platform pins, and the image the workflow uses.
/// `scripts/build-image` tags the image with the binary's `--version`.
@Suite struct VersionTests {
    let version = PedregalVersion.current

    @Test func versionIsSemantic() {
        let parts = version.split(separator: ".", omittingEmptySubsequences: false)
        #expect(parts.count == 3 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }, "'\(version)'")
    }

    @Test func everyCommandPrintsTheVersion() {
        for command in [[], ["validate"], ["submit"], ["job", "status"], ["init"], ["diff"]] {
            let result = Shell.run([Paths.binary.path] + command + ["--version"])
            #expect(
                result.status == 0 && result.stdout == version + "\n",
                "pedregal \(command.joined(separator: " ")) --version: \(result.status) \(result.stdout)\(result.stderr)")
        }
    }

    @Test func defaultRunnerImageIsTaggedWithTheVersion() throws {
        var files = Fixtures.templates
        files["teams/alpha.yaml"] = Fixtures.team
        let compilation = Compiler().compile(MemorySourceTree(files))
        #expect(compilation.platform?.settings.runnerImage == "registry.example.team/pedregal:\(version)")
        #expect(PlatformScaffold(domain: "example.team").runnerImage == compilation.platform?.settings.runnerImage)
    }

    @Test func repositoryPlatformPinsTheCurrentRunner() throws {
        let text = try String(contentsOf: Paths.packageRoot.appendingPathComponent("templates/platform.yaml"), encoding: .utf8)
        // Without a pin the platform follows the default, checked above.
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("runnerImage:") }) else { return }
        #expect(line.hasSuffix("/pedregal:\(version)"), "templates/platform.yaml: \(line) (pedregal is \(version))")
    }

    @Test func workflowUsesTheVersionsImage() {
        #expect(RepositoryTexts.workflow(image: PlatformScaffold().runnerImage).contains("pedregal:\(version)\n"))
    }
}
