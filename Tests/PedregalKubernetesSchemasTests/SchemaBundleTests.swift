import Foundation
import PedregalTestSupport
import Testing

@testable import PedregalKubernetesSchemas

/// The vendored schemas: what the binary carries is what schemas/ holds, and
/// every version compiles with everything pedregal emits.
@Suite struct SchemaBundleTests {
    @Test func theEmbeddedBundleIsSchemasManifestSchemasJSONByteForByte() throws {
        let committed = try String(
            contentsOf: Paths.packageRoot.appendingPathComponent("schemas/manifest-schemas.json"), encoding: .utf8)
        let same = SchemaBundle.embeddedJSON == committed
        #expect(
            same,
            "EmbeddedSchemas.swift differs from schemas/manifest-schemas.json: run scripts/refresh-schemas (never edit either by hand)")
    }

    @Test func everyVendoredCRDFileIsInTheBundle() throws {
        let folder = Paths.packageRoot.appendingPathComponent("schemas/crds")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted()
        let bundle = SchemaBundle.embedded
        #expect(files.count == bundle.customResources.count)
        for crd in bundle.customResources {
            #expect(files.contains("\(crd.name).yaml"), "\(crd.name)")
        }
    }

    @Test(arguments: ManifestValidator.supportedKubernetesVersions)
    func everyVersionHasEveryKindPedregalEmits(_ version: String) throws {
        let validator = try #require(ManifestValidator(kubernetesVersion: version))
        let kinds = Set(validator.knownKinds)
        for kind in [
            "v1 Namespace", "v1 ResourceQuota", "v1 LimitRange", "v1 ServiceAccount", "v1 ConfigMap", "v1 Service",
            "networking.k8s.io/v1 NetworkPolicy", "rbac.authorization.k8s.io/v1 Role", "rbac.authorization.k8s.io/v1 RoleBinding",
            "batch/v1 CronJob", "apps/v1 Deployment", "spark.apache.org/v1 SparkApplication",
            "sparkoperator.k8s.io/v1beta2 SparkApplication", "sparkoperator.k8s.io/v1beta2 ScheduledSparkApplication",
            "externaldns.k8s.io/v1alpha1 DNSEndpoint", "argoproj.io/v1alpha1 Application", "argoproj.io/v1alpha1 AppProject",
        ] {
            #expect(kinds.contains(kind), "Kubernetes \(version) lacks \(kind)")
        }
        #expect(validator.kubernetesVersion == version)
        #expect(validator.isNamespaced(apiVersion: "v1", kind: "Namespace") == false)
        #expect(validator.isNamespaced(apiVersion: "spark.apache.org/v1", kind: "SparkApplication") == true)
    }

    @Test func everyPatternCompilesAndNoRuleIsSilentlySkipped() throws {
        let schemas = try #require(KubernetesSchemas(version: ManifestValidator.defaultKubernetesVersion))
        #expect(schemas.unreadablePatterns.isEmpty)
        // CEL rules are not evaluated (see docs/schemas.md); a refreshed CRD that
        // brings some must be looked at, and this count updated.
        #expect(schemas.celRules == 0)
    }

    @Test func unsupportedVersionsHaveNoValidator() {
        #expect(ManifestValidator(kubernetesVersion: "1.20") == nil)
        #expect(ManifestValidator(kubernetesVersion: "latest") == nil)
        #expect(ManifestValidator.supportedKubernetesVersions.contains(ManifestValidator.defaultKubernetesVersion))
    }
}
