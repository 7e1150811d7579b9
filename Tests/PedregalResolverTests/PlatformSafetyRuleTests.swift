import PedregalBasics
import PedregalCompiler
import PedregalDiagnostics
import PedregalTestSupport
import Testing

/// Inputs that once compiled into something unsafe on a real platform:
/// secrets in readable places, Argo CD's unrestricted project, policies that
/// cannot apply.
@Suite struct PlatformSafetyRuleTests {
    static let header = "team: alpha\nowners: { admins: [a] }\nenvironments: { dev: { regions: [us-west-2], size: small } }\n"

    @Test func secretLikeSparkPropertiesAreRefused() {
        let c = RuleCase(
            team: Self.header + """
                jobs:
                  - name: j
                    type: batch
                    mainApplicationFile: s3://x/y.py
                    sparkConf:
                      1️⃣spark.hadoop.fs.azure.account.key.acct.dfs.core.windows.net: c2VjcmV0
                      2️⃣spark.hadoop.fs.s3a.bucket.logs.secret.key: abc
                      3️⃣spark.hadoop.javax.jdo.option.ConnectionPassword: hunter2
                      4️⃣spark.myapp.token: abc
                      5️⃣spark.ssl.keyStorePassword: changeit
                      6️⃣spark.executorEnv.AWS_SECRET_ACCESS_KEY: abc
                      7️⃣spark.myapp.endpoint: https://user:pw@example.com/x
                      8️⃣spark.myapp.id: AKIAIOSFODNN7EXAMPLE
                      spark.ssl.keyStore: /etc/keystore.jks
                      spark.executorEnv.PASSWORD_FILE: /etc/secret/password
                      spark.hadoop.fs.s3a.aws.credentials.provider: com.amazonaws.auth.WebIdentityTokenCredentialsProvider
                      spark.hadoop.fs.azure.sas.token.provider.type: org.example.SasProvider
                      spark.kubernetes.driver.secretKeyRef.DB_PASSWORD: db:password
                      spark.kubernetes.driver.secrets.app-secret: /etc/app
                      spark.io.encryption.keySizeBits: "256"
                      spark.sql.shuffle.partitions: "400"

                """)
        #expect(c.errors.map(\.location) == ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣"].map(c.at))
        #expect(c.errors.allSatisfy { $0.code == .secretValue })
    }

    @Test func secretLikeArgumentsAreRefused() {
        for (args, marked) in [
            (#"["--date", "{{ ds }}", "--password", 1️⃣"hunter2"]"#, true),
            (#"[1️⃣"--token=abc123", "--date", "{{ ds }}"]"#, true),
            (#"["--jdbc", 1️⃣"jdbc:postgresql://etl:pw@db/x"]"#, true),
            (#"[1️⃣"api_key=abc"]"#, true),
            (#"["--password-file", "/etc/secret/pw", "--secret-name", "db", "--date", "{{ ds }}"]"#, false),
        ] {
            let c = RuleCase(team: Self.header + "jobs: [{ name: j, type: batch, mainApplicationFile: s3://x/y.py, args: \(args) }]\n")
            if marked {
                #expect(c.errors.map(\.location) == [c.at("1️⃣")], "\(args)")
                #expect(c.errors.first?.message.hasPrefix("argument") == true, "\(args)")
            } else {
                #expect(c.errors.isEmpty, "\(args): \(c.errors)")
            }
        }
    }

    @Test func aCatalogCredentialNamesASecretAndNeverHoldsOne() {
        let catalogs = Fixtures.catalogs.replacingAll("  default: true\n", with: "  default: true\n  credential: 1️⃣%@\n")
        for (value, code) in [("\"client-id:client-secret\"", DiagnosticCode.secretValue), ("Unity_Catalog", .invalidName)] {
            let c = RuleCase(template: "templates/catalogs.yaml", catalogs.replacingAll("%@", with: value))
            #expect(c.errors.map(\.location) == [c.at("1️⃣")], "\(value)")
            #expect(c.errors.map(\.code) == [code], "\(value)")
        }
    }

    /// The Secret's value reaches the driver at run time, never generated/.
    @Test func aCatalogCredentialIsPassedFromItsSecretAtRunTime() throws {
        let catalogs = Fixtures.catalogs.replacingAll("  default: true\n", with: "  default: true\n  credential: uc-client\n")
        let team =
            Self.header + "sparkConnect: [{ name: default, hotClusters: { dev: 1 } }]\n"
            + "jobs: [{ name: j, type: batch, mainApplicationFile: s3://x/y.py }]\n"
        let compilation = Fixtures.compile(["templates/catalogs.yaml": catalogs, "teams/alpha.yaml": team])
        #expect(!compilation.hasErrors, "\(compilation.diagnostics)")
        let text = compilation.files.map { String(decoding: $0.contents, as: UTF8.self) }
        let defaults = try #require(text.first { $0.contains("name: spark-defaults") })
        #expect(defaults.contains("spark.sql.catalog.pedregal.credential env:PEDREGAL_CATALOG_PEDREGAL_CREDENTIAL\n"))
        #expect(defaults.contains("spark.kubernetes.driver.secretKeyRef.PEDREGAL_CATALOG_PEDREGAL_CREDENTIAL uc-client:credential\n"))
        let server = try #require(text.first { $0.contains("kind: SparkApplication") && $0.contains("name: sc-default-0") })
        #expect(server.contains("spark.sql.catalog.pedregal.credential: env:PEDREGAL_CATALOG_PEDREGAL_CREDENTIAL\n"))
        #expect(server.contains("spark.kubernetes.driver.secretKeyRef.PEDREGAL_CATALOG_PEDREGAL_CREDENTIAL: uc-client:credential\n"))
        // Every `.credential` anywhere is an env: reference.
        for file in text {
            for line in file.split(separator: "\n") where line.contains(".credential") {
                #expect(line.contains("env:PEDREGAL_CATALOG_"), "\(line)")
            }
        }
    }

    @Test func argoCDsDefaultProjectIsRefused() {
        let c = RuleCase(
            template: "templates/platform.yaml",
            Fixtures.platform + """
                argocd:
                  repoURL: https://git.example.team/platform.git
                  project: 1️⃣default

                """)
        #expect(c.errors.map(\.location) == [c.at("1️⃣")])
        #expect(c.errors.first?.message.hasPrefix("argocd.project 'default' is Argo CD's built-in project") == true)
    }

    @Test func everyApplicationUsesAProjectThatAdmitsOnlyWhatPedregalEmits() throws {
        let platform = Fixtures.platform + "argocd: { repoURL: https://git.example.team/platform.git }\n"
        let compilation = Fixtures.compile(["templates/platform.yaml": platform])
        #expect(!compilation.hasErrors, "\(compilation.diagnostics)")
        let project = try #require(compilation.manifests.first { $0.id.kind == "AppProject" })
        #expect(project.id.name == "pedregal")
        let applications = compilation.manifests.filter { $0.id.kind == "Application" }
        #expect(applications.count == 2)
        #expect(applications.allSatisfy { $0.object["spec"]?["project"] == "pedregal" })
        let spec = try #require(project.object["spec"])
        #expect(spec["sourceRepos"] == ["https://git.example.team/platform.git"])
        #expect(spec["clusterResourceWhitelist"] == [["group": "", "kind": "Namespace"]])
        let emitted = Set(
            compilation.manifests.filter { $0.cluster != "argocd" && $0.id.namespace != nil }.map { "\($0.id.group)/\($0.id.kind)" })
        let admitted = Set((spec["namespaceResourceWhitelist"]?.listValue ?? []).map { "\($0["group"]!.string!)/\($0["kind"]!.string!)" })
        #expect(admitted == emitted)
        #expect(!admitted.contains("rbac.authorization.k8s.io/ClusterRoleBinding"))
        let destinations = Set((spec["destinations"]?.listValue ?? []).map { "\($0["name"]!.string!) \($0["namespace"]!.string!)" })
        #expect(
            destinations == [
                "sk8-us-west-2 ", "sk8-us-west-2 sjns-*", "sk8-us-west-2 spark-operator",
                "sk8-eu-west-1 ", "sk8-eu-west-1 sjns-*", "sk8-eu-west-1 spark-operator",
            ])
    }

    @Test func concurrencyIsForBatchRuns() throws {
        let c = RuleCase(
            team: Self.header + """
                jobs:
                  - { name: s, type: streaming, mainApplicationFile: s3://x/y.py, concurrency: 1️⃣allow }
                  - { name: b, type: batch, mainApplicationFile: s3://x/y.py, schedule: "0 3 * * *", concurrency: replace }

                """)
        #expect(c.errors.map(\.location) == [c.at("1️⃣")])
        let compilation = Fixtures.compile([
            "teams/alpha.yaml": Self.header + """
                jobs: [{ name: b, type: batch, mainApplicationFile: s3://x/y.py, schedule: "0 3 * * *", concurrency: replace }]

                """
        ])
        let template = try #require(compilation.files.first { $0.path.hasSuffix("configmap-job-b.yaml") })
        #expect(String(decoding: template.contents, as: UTF8.self).contains("pedregal.io/concurrency-policy: Replace"))
        let role = try #require(compilation.manifests.first { $0.id.kind == "Role" && $0.id.name == "pedregal-submitter" })
        #expect(
            role.object["rules"] == [
                ["apiGroups": ["spark.apache.org"], "resources": ["sparkapplications"], "verbs": ["create", "delete", "get", "list"]],
                ["apiGroups": ["batch"], "resources": ["jobs"], "verbs": ["get"]],
            ])
    }
}
