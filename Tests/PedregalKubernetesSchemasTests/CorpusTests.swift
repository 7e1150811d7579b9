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
        #expect(report.objects == 7)
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
                "sk8-us/b.yaml:4:9: error: Namespace sjns-a-dev is defined twice in one cluster; remove one [duplicate-name]"
            ])
        #expect(report.diagnostics.first?.notes.first?.location == Location(file: "sk8-us/a.yaml", line: 4, column: 9))
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
