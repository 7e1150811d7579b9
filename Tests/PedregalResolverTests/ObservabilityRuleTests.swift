import PedregalBasics
import PedregalCompiler
import PedregalManifests
import PedregalTestSupport
import PedregalYAML
import Testing

/// templates/platform.yaml `observability`: checked where it is written, and
/// compiled into every Spark application so that no team can turn it off.
@Suite struct ObservabilityRuleTests {
    static let settings = """
        observability:
          historyServer: https://history.example.team/
          eventLogDir: s3a://events/{region}/{cluster}
          scrapeNamespace: observability

        """

    @Test(arguments: [
        (
            "historyServer: 1️⃣history.example.team",
            "observability.historyServer 'history.example.team' is not a URL: it must start with https:// (or http://)"
        ),
        (
            "historyServer: 1️⃣\"https://h.example.team/?x=1\"",
            "observability.historyServer 'https://h.example.team/?x=1' is not a URL: it must not carry a query or fragment; links add /history/<app id>"
        ),
        (
            "eventLogDir: 1️⃣s3://events",
            "observability.eventLogDir 's3://events' cannot hold event logs: Spark on Kubernetes writes to S3 through Hadoop's S3A connector: write s3a:// instead of s3://"
        ),
        (
            "eventLogDir: 1️⃣/var/log/spark",
            "observability.eventLogDir '/var/log/spark' cannot hold event logs: it must be an object-store folder such as s3a://bucket/spark-events (pods have no shared local disk)"
        ),
        (
            "eventLogDir: 1️⃣\"gs://events/{team}\"",
            "observability.eventLogDir 'gs://events/{team}' cannot hold event logs: '{team}' is not a placeholder; use {region} or {cluster}"
        ),
        (
            "scrapeNamespace: 1️⃣Observability",
            "observability.scrapeNamespace 'Observability' is not a valid DNS label: it contains uppercase 'O'; use lowercase letters"
        ),
    ])
    func settingsAreChecked(line: String, message: String) {
        let c = RuleCase(template: "templates/platform.yaml", Fixtures.platform + "observability:\n  \(line)\n")
        #expect(c.errors.map(\.location) == [c.at("1️⃣")])
        #expect(c.errors.map(\.message) == [message])
    }

    @Test func teamsCannotTurnItOff() {
        let team =
            "team: alpha\nowners: { admins: [a] }\nenvironments: { dev: { regions: [us-west-2], size: small } }\n" + """
                jobs:
                  - name: j
                    type: batch
                    mainApplicationFile: s3://x/y.py
                    sparkConf:
                      1️⃣spark.eventLog.enabled: "false"
                      2️⃣spark.metrics.conf.*.sink.prometheusServlet.class: x
                      3️⃣spark.ui.enabled: "false"
                      spark.sql.shuffle.partitions: "40"

                """
        let with = RuleCase(team: team, extra: ["templates/platform.yaml": Fixtures.platform + Self.settings])
        #expect(with.errors.map(\.location) == [with.at("1️⃣"), with.at("2️⃣"), with.at("3️⃣")])
        // Without platform settings the properties are the team's own.
        #expect(RuleCase(team: team).errors.isEmpty)
    }

    @Test func everySparkApplicationReports() throws {
        let team =
            "team: alpha\nowners: { admins: [a] }\nenvironments: { dev: { regions: [us-west-2, eu-west-1], size: small } }\n"
            + "sparkConnect: [{ name: default, hotClusters: { dev: 1 } }]\n"
            + "jobs: [{ name: b, type: batch, mainApplicationFile: s3://x/y.py, schedule: \"0 3 * * *\" }, { name: s, type: streaming, mainApplicationFile: s3://x/s.py }]\n"
        for flavor in ["apache", "kubeflow"] {
            let platform = Fixtures.platform.replacingAll("operator: apache", with: "operator: \(flavor)") + Self.settings
            let compilation = Fixtures.compile(["templates/platform.yaml": platform, "teams/alpha.yaml": team])
            #expect(!compilation.hasErrors, "\(compilation.diagnostics)")
            let applications = SparkApplications.all(in: compilation.manifests)
            // Each region: a server and its on-demand template; the primary region also the
            // streaming job and the batch job's template (and Kubeflow's schedule).
            #expect(applications.count == (flavor == "apache" ? 6 : 7), "\(flavor)")
            for (region, application) in applications {
                let conf = try #require(SparkApplications.sparkConf(of: application))
                #expect(conf["spark.eventLog.enabled"] == "true")
                #expect(conf["spark.eventLog.dir"] == "s3a://events/\(region)/sk8-\(region)")
                #expect(conf["spark.metrics.conf.*.sink.prometheusServlet.class"] == "org.apache.spark.metrics.sink.PrometheusServlet")
                #expect(application["metadata"]?["annotations"]?["pedregal.io/history-server"] == "https://history.example.team")
                #expect(SparkApplications.driverAnnotations(of: application)?["prometheus.io/port"] == "4040", "\(flavor)")
            }
            let scrape = compilation.manifests.filter { $0.id.kind == "NetworkPolicy" && $0.id.name == "allow-metrics-scrape" }
            #expect(scrape.count == 2)
        }
    }
}

/// Every SparkApplication a compilation holds, live or inside a template.
enum SparkApplications {
    static func all(in manifests: [Manifest]) -> [(region: String, object: YAMLValue)] {
        manifests.flatMap { manifest -> [(String, YAMLValue)] in
            let region = manifest.object["metadata"]?["labels"]?["pedregal.io/region"]?.string ?? ""
            switch manifest.id.kind {
            case "SparkApplication": return [(region, manifest.object)]
            case "ScheduledSparkApplication":
                return [(region, ["metadata": manifest.object["metadata"]!, "spec": manifest.object["spec"]!["template"]!])]
            case "ConfigMap":
                guard let text = manifest.object["data"]?["sparkapplication.yaml"]?.string,
                    let document = YAMLParser().parse(Array(text.utf8), file: "t").documents.first
                else { return [] }
                return [(region, document.value)]
            default: return []
            }
        }
    }

    static func sparkConf(of application: YAMLValue) -> [String: String]? {
        guard let conf = application["spec"]?["sparkConf"]?.mapValue else { return nil }
        return Dictionary(uniqueKeysWithValues: conf.entries.map { ($0.key, $0.value.string ?? "") })
    }

    static func driverAnnotations(of application: YAMLValue) -> YAMLValue? {
        application["spec"]?["driverSpec"]?["podTemplateSpec"]?["metadata"]?["annotations"]
            ?? application["spec"]?["driver"]?["annotations"]
    }
}
