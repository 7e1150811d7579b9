import Foundation
import PedregalTestSupport
import Testing

/// `pedregal validate --manifests DIR`, run as a user would: any folder, no
/// teams/ or templates/ needed.
@Suite struct ValidateManifestsCLITests {
    let folder: URL

    static let service = """
        apiVersion: v1
        kind: Service
        metadata:
          name: gateway
          namespace: spark-gateway
        spec:
          ports:
          - port: 443
            targetPort: https

        """

    static let brokenQuota = """
        ---
        apiVersion: v1
        kind: Namespace
        metadata:
          name: extras
        ---
        apiVersion: v1
        kind: ResourceQuota
        metadata:
          name: quota
          namespace: extras
        spec:
          hardd:
            pods: "10"

        """

    init() throws {
        folder = try Paths.temporaryDirectory()
        try Paths.write(["manifests/gateway/service.yaml": Self.service], to: folder)
    }

    func pedregal(_ arguments: [String]) -> Shell.Result {
        Shell.run([Paths.binary.path] + arguments, in: folder, environment: ["NO_COLOR": "1"])
    }

    @Test func aValidFolderPassesAnywhere() {
        let result = pedregal(["validate", "--manifests", "manifests"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "1 file, 1 object valid against Kubernetes 1.33 and the vendored CRDs\n")
    }

    @Test func problemsArePrintedAtTheirFieldWithExitOne() throws {
        try Paths.write(["manifests/extras.yaml": Self.brokenQuota], to: folder)
        let result = pedregal(["validate", "--manifests", "manifests"])
        #expect(result.status == 1)
        #expect(
            result.stderr == """
                manifests/extras.yaml:13:3: error: ResourceQuota extras/quota: spec.hardd: unknown field 'hardd'; did you mean 'hard'? [unknown-key]
                1 error, 0 warnings

                """)

        let json = pedregal(["validate", "--manifests", "manifests", "--format", "json"])
        #expect(json.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let first = try #require((object["diagnostics"] as? [[String: Any]])?.first)
        #expect(first["file"] as? String == "manifests/extras.yaml")
        #expect(first["line"] as? Int == 13)
        #expect(first["column"] as? Int == 3)
        #expect(first["code"] as? String == "unknown-key")

        let github = pedregal(["validate", "--manifests", "manifests", "--format", "github"])
        #expect(
            github.stderr.hasPrefix(
                "::error file=manifests/extras.yaml,line=13,col=3,title=pedregal unknown-key::ResourceQuota extras/quota: spec.hardd"))
    }

    @Test func theKubernetesVersionIsChosenOrRefused() throws {
        let old = pedregal(["validate", "--manifests", "manifests", "--kubernetes-version", "1.30"])
        #expect(old.status == 0)
        #expect(old.stdout.contains("Kubernetes 1.30"))
        let unknown = pedregal(["validate", "--manifests", "manifests", "--kubernetes-version", "1.20"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("no schemas for Kubernetes '1.20'; supported: 1.30,"))
        #expect(pedregal(["validate", "--cluster-depth", "1"]).status == 64)
        // Inside a root, templates/platform.yaml's version is the default.
        try Paths.write(["templates/platform.yaml": Fixtures.platform + "kubernetesVersion: \"1.31\"\n"], to: folder)
        #expect(pedregal(["validate", "--manifests", "manifests"]).stdout.contains("Kubernetes 1.31"))
    }

    @Test func kindsWithoutSchemasCanBeWarnings() throws {
        try Paths.write(["manifests/secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata: { name: s, namespace: n }\n"], to: folder)
        #expect(pedregal(["validate", "--manifests", "manifests"]).status == 1)
        let lenient = pedregal(["validate", "--manifests", "manifests", "--ignore-missing-schemas"])
        #expect(lenient.status == 0)
        #expect(lenient.stderr.contains("manifests/secret.yaml:1:13: warning: Secret n/s: apiVersion: no schema for v1 Secret"))
    }

    @Test func aMissingFolderIsAnInputOutputError() {
        let result = pedregal(["validate", "--manifests", "nowhere"])
        #expect(result.status == 74)
        #expect(result.stderr == "pedregal: error: 'nowhere' does not exist\n")
    }
}
