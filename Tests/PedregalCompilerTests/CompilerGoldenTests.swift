import Foundation
import PedregalCompiler
import PedregalTestSupport
import Testing

/// Whole compilations of the fixture roots in Fixtures/<case>/ against their
/// committed output in Fixtures/<case>/expected/ (or expected-diagnostics.txt
/// for invalid input). Re-record with `PEDREGAL_RECORD=1 swift test`.
@Suite struct CompilerGoldenTests {
    static let fixtures = Paths.packageRoot.appendingPathComponent("Tests/PedregalCompilerTests/Fixtures")

    @Test(arguments: ["apache", "kubeflow"])
    func compilesToTheCommittedManifests(_ name: String) throws {
        let root = Self.fixtures.appendingPathComponent(name)
        let compilation = Compiler().compile(DiskSourceTree(root: root))
        #expect(!compilation.hasErrors, "\(compilation.diagnostics)")
        let report = try Golden.compare(compilation.files, with: root.appendingPathComponent("expected"))
        #expect(report.isEmpty, "\(report)")
    }

    @Test(arguments: ["apache", "kubeflow"])
    func goldenOutputPassesKubernetesSchemas(_ name: String) throws {
        let expected = Self.fixtures.appendingPathComponent(name).appendingPathComponent("expected")
        let files = try ManifestFileCheck.read(expected.path).files
        let report = ManifestFileCheck(validator: try #require(ManifestValidator()), clusterDepth: 1).check(files)
        #expect(report.diagnostics.isEmpty, "\(report.diagnostics.prefix(10))")
        #expect(report.objects == files.count)
    }

    @Test func invalidInputReportsEveryProblemOnce() throws {
        let root = Self.fixtures.appendingPathComponent("invalid")
        let compilation = Compiler().compile(DiskSourceTree(root: root))
        #expect(compilation.files.isEmpty)
        let text = DiagnosticFormatter(style: .text).format(compilation.diagnostics)
        let expected = root.appendingPathComponent("expected-diagnostics.txt")
        if Golden.recording || !FileManager.default.fileExists(atPath: expected.path) {
            try Data(text.utf8).write(to: expected)
        }
        #expect(text == (try String(contentsOf: expected, encoding: .utf8)))
    }

    @Test func outputIsIdenticalAcrossRunsAndInputOrder() throws {
        let root = Self.fixtures.appendingPathComponent("apache")
        let disk = Compiler().compile(DiskSourceTree(root: root)).files
        // A memory tree lists files in hash order, different every run.
        var files: [String: [UInt8]] = [:]
        for folder in ["teams", "templates"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path) {
                files["\(folder)/\(name)"] = Array(try Data(contentsOf: root.appendingPathComponent("\(folder)/\(name)")))
            }
        }
        for _ in 0..<3 {
            #expect(Compiler().compile(MemorySourceTree(bytes: files)).files == disk)
        }
    }

    @Test func everyObjectRecordsItsSourceAndOwner() throws {
        let compilation = Compiler().compile(DiskSourceTree(root: Self.fixtures.appendingPathComponent("apache")))
        for manifest in compilation.manifests {
            let metadata = try #require(manifest.object["metadata"])
            #expect(metadata["labels"]?["app.kubernetes.io/managed-by"] == "pedregal", "\(manifest.id)")
            #expect(metadata["annotations"]?["pedregal.io/source"]?.string?.isEmpty == false, "\(manifest.id)")
            if manifest.source.hasPrefix("teams/") && manifest.source.hasSuffix(".yaml") && !manifest.source.contains("*") {
                #expect(metadata["labels"]?["pedregal.io/team"] != nil, "\(manifest.id)")
                #expect(metadata["labels"]?["pedregal.io/environment"] != nil, "\(manifest.id)")
            }
        }
    }
}
