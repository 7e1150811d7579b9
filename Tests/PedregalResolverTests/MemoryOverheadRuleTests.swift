import PedregalCompiler
import PedregalTestSupport
import PedregalYAML
import Testing

/// `driver.memoryOverhead` and `executor.memoryOverhead`: the memory of a pod
/// beside the JVM heap, counted by the quota check and put on the
/// SparkApplication where each operator reads it.
@Suite struct MemoryOverheadRuleTests {
    static let header = "team: alpha\nowners: { admins: [a] }\nenvironments: { dev: { regions: [us-west-2], size: small } }\n"

    static func application(_ compilation: Compilation, _ name: String) throws -> YAMLValue {
        try #require(compilation.manifests.first { $0.id.kind == "SparkApplication" && $0.id.name == name }).object
    }

    @Test func theApacheOperatorGetsItAsSparkProperties() throws {
        let compilation = Fixtures.compile([
            "teams/alpha.yaml": Self.header + """
                jobs:
                  - name: s
                    type: streaming
                    mainApplicationFile: s3://x/y.py
                    driver: { memoryOverhead: 1g }
                    executor: { instances: 3, memory: 4g, memoryOverhead: 1536m }
                  - { name: plain, type: streaming, mainApplicationFile: s3://x/z.py }

                """
        ])
        #expect(!compilation.hasErrors, "\(compilation.diagnostics)")
        let conf = try Self.application(compilation, "s")["spec"]?["sparkConf"]
        #expect(conf?["spark.driver.memoryOverhead"] == "1g")
        #expect(conf?["spark.executor.memoryOverhead"] == "1536m")
        #expect(conf?["spark.executor.memory"] == "4g")
        // Unset: Spark's default, so nothing is written.
        let plain = try Self.application(compilation, "plain")["spec"]?["sparkConf"]
        #expect(plain?["spark.executor.memoryOverhead"] == nil)
        #expect(plain?["spark.driver.memoryOverhead"] == nil)
    }

    @Test func kubeflowGetsTheTypedFields() throws {
        let compilation = Fixtures.compile([
            "templates/platform.yaml": Fixtures.platform.replacingOccurrences(of: "operator: apache", with: "operator: kubeflow"),
            "teams/alpha.yaml": Self.header + """
                jobs:
                  - name: s
                    type: streaming
                    mainApplicationFile: s3://x/y.py
                    driver: { memoryOverhead: 1g }
                    executor: { memoryOverhead: 2g }

                """,
        ])
        #expect(!compilation.hasErrors, "\(compilation.diagnostics)")
        let spec = try Self.application(compilation, "s")["spec"]
        #expect(spec?["driver"]?["memoryOverhead"] == "1g")
        #expect(spec?["executor"]?["memoryOverhead"] == "2g")
        #expect(spec?["sparkConf"]?["spark.executor.memoryOverhead"] == nil)
    }

    @Test func aSizesOverheadIsTheDefaultOfItsJobsAndServers() throws {
        let sizes = Fixtures.sizes.replacingOccurrences(
            of: "executor: { instances: 2, cores: 2, memory: 8g } }",
            with: "executor: { instances: 2, cores: 2, memory: 8g, memoryOverhead: 3g } }")
        #expect(sizes != Fixtures.sizes)
        let compilation = Fixtures.compile([
            "templates/sizes.yaml": sizes,
            "teams/alpha.yaml": Self.header + """
                sparkConnect: [{ name: default, hotClusters: { dev: 1 } }]
                jobs:
                  - { name: s, type: streaming, mainApplicationFile: s3://x/y.py, executor: { memory: 4g } }
                  - { name: own, type: streaming, mainApplicationFile: s3://x/y.py, executor: { memoryOverhead: 1g } }

                """,
        ])
        #expect(!compilation.hasErrors, "\(compilation.diagnostics)")
        // Laid over key by key: the job's memory, the size's overhead.
        #expect(try Self.application(compilation, "s")["spec"]?["sparkConf"]?["spark.executor.memoryOverhead"] == "3g")
        #expect(try Self.application(compilation, "own")["spec"]?["sparkConf"]?["spark.executor.memoryOverhead"] == "1g")
        let server = try #require(
            compilation.manifests.first { $0.id.kind == "SparkApplication" && $0.id.name.hasPrefix("sc-default") })
        #expect(server.object["spec"]?["sparkConf"]?["spark.executor.memoryOverhead"] == "3g")
    }

    @Test func theQuotaCheckCountsTheWrittenOverhead() {
        // 10 executors × (8g + Spark's 819m) fit the small size's 128Gi; × (8g + 5g) do not.
        let fits = RuleCase(
            team: Self.header + """
                jobs:
                  - { name: j, type: batch, mainApplicationFile: s3://x/y.jar, mainClass: x.Y, executor: { instances: 10, memory: 8g } }

                """)
        #expect(fits.errors.isEmpty, "\(fits.errors)")
        let c = RuleCase(
            team: Self.header + """
                jobs:
                  - name: j
                    type: batch
                    mainApplicationFile: s3://x/y.jar
                    mainClass: x.Y
                    executor: 1️⃣{ instances: 10, memory: 8g, memoryOverhead: 5g }

                """)
        #expect(c.errors.map(\.location) == [c.at("1️⃣")])
        #expect(c.errors.first?.code == .exceedsQuota)
        #expect(c.errors.first?.message.contains("executor memoryOverhead 5g") == true, "\(c.errors)")
    }

    @Test func aBadSizeIsReportedWhereItIsWritten() {
        let c = RuleCase(
            team: Self.header + """
                jobs:
                  - { name: j, type: batch, mainApplicationFile: s3://x/y.py, executor: { memoryOverhead: 1️⃣"512" } }

                """)
        #expect(c.errors.map(\.location) == [c.at("1️⃣")])
        #expect(c.errors.first?.message.contains("executor.memoryOverhead") == true, "\(c.errors)")
    }

    @Test func theSparkPropertyPointsAtTheKey() {
        let c = RuleCase(
            team: Self.header + """
                jobs:
                  - name: j
                    type: batch
                    mainApplicationFile: s3://x/y.py
                    sparkConf:
                      1️⃣spark.executor.memoryOverhead: 2g

                """)
        #expect(c.errors.map(\.location) == [c.at("1️⃣")])
        #expect(c.errors.first?.message.contains("set 'executor.memoryOverhead' instead") == true, "\(c.errors)")
    }
}
