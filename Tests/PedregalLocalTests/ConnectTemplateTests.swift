import PedregalCompiler
import PedregalLocal
import PedregalManifests
import PedregalTestSupport
import XCTest

final class ConnectTemplateTests: XCTestCase {
    static let team = """
        team: alpha
        owners:
          admins: [alpha-admins]
          members: [alpha]
        environments:
          dev:
            regions: [us-west-2]
            size: small
          prod:
            regions: [us-west-2, eu-west-1]
            size: small
        sparkConnect:
          - name: default
          - name: notebooks
            environments: [prod]
            catalogs: [feature_store]

        """

    var manifests: [Manifest] {
        let compilation = Fixtures.compile(["teams/alpha.yaml": Self.team])
        XCTAssertEqual(compilation.diagnostics.filter { $0.severity == .error }, [])
        return compilation.manifests
    }

    func testFindsTheTemplateOfTheEnvironmentAndItsSparkConf() throws {
        let template = try ConnectTemplate.find(ConnectTemplateQuery(team: "alpha"), in: manifests)
        XCTAssertEqual(template.environment, "dev")
        XCTAssertEqual(template.region, "us-west-2")
        XCTAssertEqual(template.kubernetesCluster, "sk8-us-west-2")
        XCTAssertEqual(template.namespace, "sjns-alpha-dev")
        let conf = Dictionary(uniqueKeysWithValues: template.sparkConf.map { ($0.key, $0.value) })
        XCTAssertEqual(conf["spark.sql.defaultCatalog"], "pedregal")
        XCTAssertEqual(conf["spark.sql.catalog.pedregal.warehouse"], "pedregal-dev")
        XCTAssertEqual(conf["spark.connect.grpc.binding.port"], "15002")
    }

    func testRegionDefaultsToTheFirstSortedAndCanBeChosen() throws {
        let first = try ConnectTemplate.find(ConnectTemplateQuery(team: "alpha", environment: "prod"), in: manifests)
        XCTAssertEqual(first.region, "eu-west-1")
        let chosen = try ConnectTemplate.find(
            ConnectTemplateQuery(team: "alpha", environment: "prod", region: "us-west-2"), in: manifests)
        XCTAssertEqual(chosen.kubernetesCluster, "sk8-us-west-2")
        let notebooks = try ConnectTemplate.find(ConnectTemplateQuery(team: "alpha", environment: "prod", name: "notebooks"), in: manifests)
        XCTAssertEqual(notebooks.sparkConf.first { $0.key == "spark.sql.defaultCatalog" }?.value, "feature_store")
    }

    func testUnknownNamesSayWhatExists() {
        let manifests = self.manifests
        XCTAssertThrowsError(try ConnectTemplate.find(ConnectTemplateQuery(team: "beta"), in: manifests)) {
            XCTAssertEqual($0 as? ConnectTemplateLookupError, .unknownTeam("beta", known: ["alpha"]))
        }
        XCTAssertThrowsError(try ConnectTemplate.find(ConnectTemplateQuery(team: "alpha", environment: "staging"), in: manifests)) {
            XCTAssertEqual($0 as? ConnectTemplateLookupError, .unknownEnvironment("staging", team: "alpha", known: ["dev", "prod"]))
        }
        XCTAssertThrowsError(try ConnectTemplate.find(ConnectTemplateQuery(team: "alpha", name: "notebooks"), in: manifests)) {
            XCTAssertEqual(
                $0 as? ConnectTemplateLookupError,
                .unknownServer("notebooks", team: "alpha", environment: "dev", known: ["default"]))
            XCTAssertTrue("\($0)".contains("--cluster"))
        }
        XCTAssertThrowsError(try ConnectTemplate.find(ConnectTemplateQuery(team: "alpha", region: "ap-south-1"), in: manifests)) {
            XCTAssertEqual($0 as? ConnectTemplateLookupError, .unknownRegion("ap-south-1", known: ["us-west-2"]))
        }
    }
}
