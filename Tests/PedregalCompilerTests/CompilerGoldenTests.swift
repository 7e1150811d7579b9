import Foundation
import PedregalCompiler
import PedregalDiagnostics
import PedregalKubernetesSchemas
import PedregalLoader
import PedregalManifests
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
        let report = try Golden.compare(text, with: root.appendingPathComponent("expected-diagnostics.txt"))
        #expect(report.isEmpty, "\(report)")
    }

    @Test(arguments: ["apache", "kubeflow"])
    func outputIsIdenticalWhateverTheOrderFilesAreListedIn(_ name: String) throws {
        let disk = DiskSourceTree(root: Self.fixtures.appendingPathComponent(name))
        let reference = Compiler().compile(disk).files
        #expect(!reference.isEmpty)
        // The real files, listed in a different order each time; a
        // hash-ordered in-memory tree is not enough, since one process
        // hashes the same way every time.
        for seed: UInt64 in [1, 2, 3, 42, 0xDEAD_BEEF] {
            let shuffled = Compiler().compile(ShuffledSourceTree(disk, seed: seed)).files
            #expect(shuffled == reference, "listing order of seed \(seed) changed the output")
        }
    }

    /// The API server rewrites Quantities into canonical form; a manifest in
    /// any other spelling would differ from the live object forever.
    @Test(arguments: ["apache", "kubeflow"])
    func everyObjectIsWrittenAsTheAPIServerStoresIt(_ name: String) throws {
        let compilation = Compiler().compile(DiskSourceTree(root: Self.fixtures.appendingPathComponent(name)))
        #expect(!compilation.manifests.isEmpty)
        for manifest in compilation.manifests {
            #expect(StoredForm.canonicalizingQuantities(manifest.object) == manifest.object, "\(manifest.id)")
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
