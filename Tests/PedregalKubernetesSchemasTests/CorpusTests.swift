import Foundation
import PedregalKubernetesSchemas
import PedregalTestSupport
import Testing

/// What must pass: the golden output of both operators, the committed
/// generated/, and hand-written objects that use every lenient rule.
@Suite struct CorpusTests {
    static func files(_ folder: String) throws -> [ManifestFileCheck.File] {
        let read = try ManifestFileCheck.read(Paths.packageRoot.appendingPathComponent(folder).path)
        #expect(read.unreadable.isEmpty)
        return read.files
    }

    static let corpora = [
        "Tests/PedregalCompilerTests/Fixtures/apache/expected", "Tests/PedregalCompilerTests/Fixtures/kubeflow/expected",
        "generated",
    ]

    @Test(arguments: corpora)
    func goldenOutputIsValidForEverySupportedKubernetesVersion(_ folder: String) throws {
        let files = try Self.files(folder)
        #expect(files.count > 100)
        for version in ManifestValidator.supportedKubernetesVersions {
            let validator = try #require(ManifestValidator(kubernetesVersion: version))
            let report = ManifestFileCheck(validator: validator, clusterDepth: 1).check(files)
            #expect(report.diagnostics.isEmpty, "Kubernetes \(version): \(report.diagnostics.prefix(5))")
            #expect(report.objects == files.count)
        }
    }

    @Test func handWrittenEdgeCasesAreValid() throws {
        let report = ManifestFileCheck(validator: try #require(ManifestValidator())).check(
            try Self.files("Tests/PedregalKubernetesSchemasTests/Fixtures/valid"))
        #expect(report.diagnostics.isEmpty, "\(report.diagnostics)")
        #expect(report.objects == 8)
    }

    @Test func theSameObjectTwiceInOneClusterIsAnErrorButNotAcrossClusters() throws {
        let namespace = Array("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: sjns-a-dev\n".utf8)
        let files: [ManifestFileCheck.File] = [
            .init(path: "sk8-us/a.yaml", bytes: namespace), .init(path: "sk8-us/b.yaml", bytes: namespace),
            .init(path: "sk8-eu/a.yaml", bytes: namespace),
        ]
        let report = ManifestFileCheck(validator: try #require(ManifestValidator()), clusterDepth: 1).check(files)
        #expect(
            report.diagnostics.map(\.description) == [
                "sk8-us/b.yaml:4:9: error: Namespace sjns-a-dev is defined twice in cluster 'sk8-us'; remove one [duplicate-name]"
            ])
        #expect(report.diagnostics.first?.notes.first?.location == Location(file: "sk8-us/a.yaml", line: 4, column: 9))
    }

    /// Objects pedregal writes carry `pedregal.io/cluster`: that label, not the folder, names
    /// their cluster, so one team's environment in two regions is no duplicate, and no
    /// --cluster-depth is needed for generated/.
    @Test func labelledObjectsBelongToTheClusterTheirLabelNames() throws {
        func namespace(_ cluster: String?) -> [UInt8] {
            let labels = cluster.map { "\n  labels:\n    pedregal.io/cluster: \($0)" } ?? ""
            return Array("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: sjns-a-prod\(labels)\n".utf8)
        }
        let files: [ManifestFileCheck.File] = [
            .init(path: "generated/sk8-us/a.yaml", pathInFolder: "sk8-us/a.yaml", bytes: namespace("sk8-us")),
            .init(path: "generated/sk8-eu/a.yaml", pathInFolder: "sk8-eu/a.yaml", bytes: namespace("sk8-eu")),
            .init(path: "generated/sk8-us/copy.yaml", pathInFolder: "sk8-us/copy.yaml", bytes: namespace("sk8-us")),
            // Unlabelled objects are grouped by --cluster-depth, here 0: one cluster of their own.
            .init(path: "generated/extra/a.yaml", pathInFolder: "extra/a.yaml", bytes: namespace(nil)),
        ]
        let report = ManifestFileCheck(validator: try #require(ManifestValidator())).check(files)
        #expect(
            report.diagnostics.map(\.description) == [
                "generated/sk8-us/copy.yaml:4:9: error: Namespace sjns-a-prod is defined twice in cluster 'sk8-us'; remove one [duplicate-name]"
            ])
        // With --cluster-depth 1, an unlabelled object in a cluster's folder meets the labelled ones.
        let foreign = ManifestFileCheck.File(path: "generated/sk8-eu/extra.yaml", pathInFolder: "sk8-eu/extra.yaml", bytes: namespace(nil))
        let deep = ManifestFileCheck(validator: try #require(ManifestValidator()), clusterDepth: 1).check(
            Array(files.prefix(2)) + [foreign])
        #expect(deep.diagnostics.map(\.location.file) == ["generated/sk8-eu/extra.yaml"])
    }

    @Test func theRepositorysGeneratedFolderNeedsNoClusterDepth() throws {
        let report = ManifestFileCheck(validator: try #require(ManifestValidator())).check(try Self.files("generated"))
        #expect(report.diagnostics.isEmpty, "\(report.diagnostics.prefix(5))")
    }

    @Test func kindsWithoutSchemasAreErrorsOrWarnings() throws {
        let secret = ManifestFileCheck.File(
            path: "secret.yaml", bytes: Array("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: n\n".utf8))
        let validator = try #require(ManifestValidator())
        let strict = ManifestFileCheck(validator: validator).check([secret])
        #expect(
            strict.diagnostics.map(\.description) == [
                "secret.yaml:1:13: error: Secret n/s: apiVersion: no schema for v1 Secret: pedregal carries the schemas of the kinds "
                    + "it generates (Kubernetes \(validator.kubernetesVersion)) and of the CRDs in schemas/crds [unknown-kind]"
            ])
        let lenient = ManifestFileCheck(validator: validator, ignoresMissingSchemas: true).check([secret])
        #expect(lenient.diagnostics.map(\.severity) == [.warning])
    }

    @Test func syntaxErrorsAreReportedWhereTheyAre() throws {
        let broken = ManifestFileCheck.File(path: "bad.yaml", bytes: Array("apiVersion: v1\nkind: [\n".utf8))
        let report = ManifestFileCheck(validator: try #require(ManifestValidator())).check([broken])
        #expect(report.diagnostics.first?.code == .yamlSyntax)
        #expect(report.diagnostics.first?.location.file == "bad.yaml")
    }
}
