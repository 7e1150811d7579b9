import PedregalBasics
import PedregalCompiler
import PedregalTestSupport
import PedregalYAML
import Testing

/// Rules added after an adversarial review: each case is an input that was
/// once accepted, misreported or over-reported.
@Suite struct ReviewRuleTests {
    static let header = "team: alpha\nowners: { admins: [a] }\n"

    @Test func environmentAndRegionNamesMustBeLabelValues() {
        let c = RuleCase(
            template: "templates/environments.yaml",
            """
            1️⃣"QA env": { abbrev: qa, dnsSuffix: "-qa", hotClusters: 0, catalogSuffix: qa, podSecurity: baseline }
            dev: { abbrev: dev, dnsSuffix: "-dev", hotClusters: 0, catalogSuffix: dev, podSecurity: baseline }

            """)
        #expect(c.errors.map(\.location) == [c.at("1️⃣")])
        #expect(
            c.errors[0].message
                == "environment name 'QA env' cannot be a Kubernetes label value: it contains ' '; use letters, digits, '-', '_' and '.'")
    }

    @Test func jobsCannotTakeTheNameOfASparkConnectServer() {
        let c = RuleCase(
            team: Self.header + """
                environments: { dev: { regions: [us-west-2], size: small } }
                sparkConnect: [{ name: default, hotClusters: { dev: 1 } }]
                jobs: [{ name: 1️⃣sc-default-0, type: streaming, mainApplicationFile: s3://x/y.py }]

                """)
        #expect(c.errors.map(\.location) == [c.at("1️⃣")])
        #expect(c.errors[0].code == .duplicateName)
    }

    @Test func pythonJobsCountTheLargerMemoryOverhead() {
        // 9 × (12g + 40%) + driver: about 157Gi > 128Gi; with the JVM's 10% it would fit.
        let python = RuleCase(
            team: Self.header + """
                environments: { dev: { regions: [us-west-2], size: small } }
                jobs: [{ name: py, type: batch, mainApplicationFile: s3://x/y.py, executor: 1️⃣{ instances: 9, cores: 2, memory: 12g } }]

                """)
        #expect(python.errors.map(\.location) == [python.at("1️⃣")])
        #expect(python.errors[0].message.contains("it needs 156.8Gi of memory"))
        let jvm = RuleCase(
            team: Self.header + """
                environments: { dev: { regions: [us-west-2], size: small } }
                jobs: [{ name: jar, type: batch, mainApplicationFile: s3://x/y.jar, mainClass: a.B, executor: { instances: 9, cores: 2, memory: 12g } }]

                """)
        #expect(jvm.errors.isEmpty)
    }

    @Test func dynamicAllocationIsBoundedByMaxExecutors() {
        let c = RuleCase(
            team: Self.header + """
                environments: { dev: { regions: [us-west-2], size: small } }
                jobs:
                  - name: grows
                    type: batch
                    mainApplicationFile: s3://x/y.jar
                    mainClass: a.B
                    sparkConf: 1️⃣{ spark.dynamicAllocation.enabled: "true", spark.dynamicAllocation.maxExecutors: "40" }
                  - name: unbounded
                    type: batch
                    mainApplicationFile: s3://x/y.jar
                    mainClass: a.B
                    sparkConf: { spark.dynamicAllocation.enabled: 2️⃣"true" }

                """)
        #expect(c.errors.map(\.code) == [.exceedsQuota, .invalidValue])
        #expect(c.errors[0].message.hasPrefix("job 'grows' cannot fit in the 'dev' quota: it needs 81 CPUs (driver 1 + 40 executors × 2)"))
        #expect(c.errors[1].location == c.at("2️⃣"))
    }

    /// The ceiling is for the quota check only: Spark starts a job with
    /// `spark.executor.instances` executors, so writing the ceiling there
    /// would start every dynamically allocated job at its largest.
    @Test func dynamicAllocationStartsWithTheWrittenInstances() throws {
        let team =
            Self.header + """
                environments: { dev: { regions: [us-west-2], size: large } }
                jobs:
                  - name: grows
                    type: streaming
                    mainApplicationFile: s3://x/y.jar
                    mainClass: a.B
                    executor: { instances: 2, cores: 1, memory: 1g }
                    sparkConf: { spark.dynamicAllocation.enabled: "true", spark.dynamicAllocation.maxExecutors: "6" }

                """
        let compilation = Fixtures.compile(["teams/alpha.yaml": team])
        #expect(!compilation.diagnostics.containsErrors, "\(compilation.diagnostics)")
        let job = try #require(compilation.platform?.teams.first { $0.name == "alpha" }?.environments.first?.jobs.first)
        #expect(job.resources.executorInstances == 2)
        let application = try #require(compilation.manifests.first { $0.id.kind == "SparkApplication" && $0.id.name == "grows" })
        let text = YAMLWriter.document(application.object)
        #expect(text.contains("spark.executor.instances: \"2\""), "\(text)")
    }

    @Test func sparkConfThatBypassesQuotaOrPodSecurityIsRefused() {
        let c = RuleCase(
            team: Self.header + """
                environments: { dev: { regions: [us-west-2], size: small } }
                jobs:
                  - name: j
                    type: batch
                    mainApplicationFile: s3://x/y.py
                    sparkConf:
                      1️⃣spark.executor.memoryOverhead: 500g
                      2️⃣spark.kubernetes.executor.podTemplateFile: /tmp/pod.yaml
                      3️⃣spark.kubernetes.authenticate.executor.serviceAccountName: admin
                      spark.myapp.apiKeyRef: app-api-key
                      spark.myapp.secretName: app-secret

                """)
        #expect(c.errors.map(\.location) == [c.at("1️⃣"), c.at("2️⃣"), c.at("3️⃣")])
        #expect(c.errors.allSatisfy { $0.code == .invalidValue })
    }

    @Test func referencesAreCheckedEvenBesideOtherMistakes() {
        let c = RuleCase(
            team: Self.header + """
                environments: { dev: { regions: [us-west-2], size: small } }
                sparkConnect: [{ name: default, engine: 1️⃣"3.6", size: 2️⃣huge }]
                jobs: [{ name: j, type: batch, mainApplicationFile: s3://x/y.py, engine: 3️⃣"3.6", environments: [4️⃣qa] }]

                """)
        #expect(Set(c.errors.map(\.location)) == [c.at("1️⃣"), c.at("2️⃣"), c.at("3️⃣"), c.at("4️⃣")])
    }

    @Test func aBrokenTemplateIsReportedOnceNotInEveryTeam() {
        let c = RuleCase(
            template: "templates/sizes.yaml", "small: [\n",
            extra: ["teams/beta.yaml": Fixtures.team.replacingAll("alpha", with: "beta")])
        #expect(c.errors.map(\.code) == [.yamlSyntax])
    }

    @Test func aCopiedTeamFileIsOneError() {
        let team = Self.header + "environments: { dev: { regions: [us-west-2], size: small } }\nsparkConnect: [{ name: default }]\n"
        let c = RuleCase(team: team, file: "teams/alpha.yaml", extra: ["teams/alpha-copy.yaml": team])
        #expect(c.errors.map(\.code) == [.duplicateName])
    }

    @Test func aLongShortNameIsBlamedForItsHostnames() {
        let short = String(repeating: "s", count: 58)
        let c = RuleCase(
            team:
                "team: alpha\nshortName: 1️⃣\(short)\nowners: { admins: [a] }\nenvironments: { dev: { regions: [us-west-2], size: small } }\nsparkConnect: [{ name: default }]\n"
        )
        // The namespace is too long as well: two names, two errors, both
        // pointing at the shortName.
        #expect(c.errors.map(\.code) == [.nameTooLong, .nameTooLong])
        #expect(c.errors[0].location == c.at("1️⃣"))
        #expect(c.errors[0].message.hasSuffix("shorten the team's shortName"))
        #expect(c.errors[1].notes.map(\.location) == [c.at("1️⃣")])
    }

    @Test func emptyMainClassIsNotAClassName() {
        let c = RuleCase(
            team: Self.header + """
                environments: { dev: { regions: [us-west-2], size: small } }
                jobs: [{ name: j, type: batch, mainApplicationFile: s3://x/y.jar, mainClass: 1️⃣"" }]

                """)
        #expect(c.errors.map(\.location) == [c.at("1️⃣")])
    }
}
