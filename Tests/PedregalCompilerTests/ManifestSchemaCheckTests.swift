import PedregalCompiler
import PedregalKubernetesSchemas
import PedregalManifests
import PedregalRenderers
import PedregalTestSupport
import Testing

/// The compiler's own schema check: the target version from
/// templates/platform.yaml, and an invalid rendered object reported as an
/// internal error at the team file line it came from.
@Suite struct ManifestSchemaCheckTests {
    /// A renderer with a bug: a Service port as a string, for every job.
    struct BrokenServiceRenderer: TenantRenderer {
        func render(_ context: TenantContext) -> [Manifest] {
            context.environment.jobs.map { job in
                context.object(
                    "v1", "Service", name: "svc-\(job.name)", labels: [Vocabulary.job: job.name],
                    [
                        "spec": ["ports": [["name": "http", "port": "8080"]]]
                    ])
            }
        }
    }

    static let teamWithJob = """
        team: alpha
        owners: { admins: [alpha-admins] }
        environments:
          dev: { regions: [us-west-2], size: small }
        jobs:
          - 1️⃣name: nightly
            type: batch
            mainApplicationFile: s3://alpha/jobs/nightly.py

        """

    static let broken = Renderer(
        tenantRenderers: Renderer.standard.tenantRenderers + [BrokenServiceRenderer()],
        clusterRenderers: Renderer.standard.clusterRenderers)

    @Test func anInvalidObjectIsAnInternalErrorAtTheDefinitionThatMadeIt() throws {
        let team = MarkedText(Self.teamWithJob)
        let compilation = Compiler(renderer: Self.broken).compile(Fixtures.tree(["teams/alpha.yaml": team.text]))
        #expect(compilation.files.isEmpty, "nothing is written when an object is invalid")
        let error = try #require(compilation.diagnostics.first { $0.code.rawValue == "internal" })
        #expect(compilation.diagnostics.filter { $0.severity == .error }.count == 1)
        #expect(error.location == team.location("1️⃣", file: "teams/alpha.yaml"))
        #expect(
            error.message.hasPrefix(
                "pedregal generated an invalid Service sjns-alpha-dev/svc-nightly for cluster sk8-us-west-2 "
                    + "(sk8-us-west-2/sjns-alpha-dev/service-svc-nightly.yaml): "
                    + "spec.ports[0].port: must be an integer, not a string (\"8080\"); remove the quotes."), "\(error.message)")
    }

    @Test func theCheckCanBeSwitchedOffToMeasureIt() {
        let compilation = Compiler(renderer: Self.broken, checksManifests: false)
            .compile(Fixtures.tree(["teams/alpha.yaml": MarkedText(Self.teamWithJob).text]))
        #expect(!compilation.hasErrors)
        #expect(compilation.files.contains { $0.path.hasSuffix("service-svc-nightly.yaml") })
    }

    @Test func anUnsupportedKubernetesVersionIsReportedAtItsLineWithTheSupportedOnes() {
        let c = RuleCase(template: "templates/platform.yaml", Fixtures.platform + "kubernetesVersion: 1️⃣\"1.20\"\n")
        #expect(c.errors.map(\.location) == [c.at("1️⃣")])
        let supported = ManifestValidator.supportedKubernetesVersions.joined(separator: ", ")
        #expect(
            c.errors.first?.message == "kubernetesVersion '1.20' is not supported: pedregal carries the schemas of "
                + "Kubernetes \(supported); write one of them (the default is \(ManifestValidator.defaultKubernetesVersion))")
        #expect(c.errors.first?.code == .invalidValue)
    }

    @Test(arguments: ["\"1.31\"", "1.31", "1.30", "'1.37'"])
    func aSupportedVersionCompiles(_ written: String) {
        let c = RuleCase(template: "templates/platform.yaml", Fixtures.platform + "kubernetesVersion: \(written)\n")
        #expect(c.errors.isEmpty, "\(c.errors)")
    }
}
