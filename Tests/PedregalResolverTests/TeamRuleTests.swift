import PedregalBasics
import PedregalCompiler
import PedregalTestSupport
import Testing

/// Rules about one team: names, references, schedules, times, quotas.
@Suite struct TeamRuleTests {
    static let header = """
        team: alpha
        owners: { admins: [alpha-admins] }

        """

    @Test func teamNamesAreDNSLabels() {
        let c = RuleCase(team: "team: 1️⃣Alpha_Team\nowners: { admins: [a] }\nenvironments: { dev: { regions: [us-west-2], size: small } }\n")
        #expect(c.errors.map(\.code) == [.invalidName])
        #expect(c.errors[0].location == c.at("1️⃣"))
        #expect(c.errors[0].message == "team name 'Alpha_Team' is not valid: it contains uppercase 'A'; use lowercase letters")
    }

    @Test func unknownReferencesSuggestAndList() {
        let c = RuleCase(
            team: Self.header + """
                catalogs: [2️⃣pedregall]
                environments:
                  1️⃣prd:
                    regions: [us-west-2]
                    size: small
                  dev:
                    regions: [3️⃣us-west-3]
                    size: 4️⃣smal
                sparkConnect:
                  - name: default
                    environments: [dev]
                    engine: 5️⃣"3.6"

                """)
        #expect(c.errors.map(\.location) == [c.at("2️⃣"), c.at("1️⃣"), c.at("3️⃣"), c.at("4️⃣"), c.at("5️⃣")])
        #expect(c.errors.allSatisfy { $0.code == .unknownReference })
        #expect(
            c.errors.map(\.message) == [
                "unknown catalog 'pedregall'; did you mean 'pedregal'? templates/catalogs.yaml defines: pedregal, feature_store",
                "unknown environment 'prd'; did you mean 'prod'? templates/environments.yaml defines: dev, staging, prod",
                "unknown region 'us-west-3'; did you mean 'us-west-2'? templates/regions.yaml defines: us-west-2, eu-west-1",
                "unknown size 'smal'; did you mean 'small'? templates/sizes.yaml defines: small, large",
                "unknown engine '3.6'; did you mean '3.5'? templates/engines.yaml defines: 3.5, 4.0",
            ])
    }

    @Test func namespacesMustFit63Characters() {
        let long = String(repeating: "a", count: 60)
        let c = RuleCase(
            team: "team: \(long)\nowners: { admins: [a] }\nenvironments:\n  1️⃣prod: { regions: [us-west-2], size: small }\n",
            file: "teams/\(long).yaml")
        #expect(c.errors.map(\.code) == [.nameTooLong])
        #expect(c.errors[0].location == c.at("1️⃣"))
        #expect(
            c.errors[0].message.hasPrefix(
                "namespace 'sjns-\(long)-prod' for environment 'prod' is not a valid namespace name: it is 70 characters long; the limit is 63"
            ))
        #expect(c.errors[0].notes.map(\.location) == [Location(file: "teams/\(long).yaml", line: 1, column: 7)])
    }

    @Test func hotClustersOnlyForTheTeamsEnvironments() {
        let c = RuleCase(
            team: Self.header + """
                environments:
                  dev: { regions: [us-west-2], size: small }
                sparkConnect:
                  - name: default
                    hotClusters: { 1️⃣prod: 2, dev: 1 }

                """)
        #expect(c.errors.map(\.location) == [c.at("1️⃣")])
        #expect(c.errors[0].message == "hotClusters names environment 'prod', which the team does not have; it runs in: dev")
    }

    @Test func expiresAtMustBeRFC3339() {
        let c = RuleCase(
            team: Self.header + """
                environments:
                  dev: { regions: [us-west-2], size: small }
                sparkConnect:
                  - name: a
                    expiresAt: 1️⃣2026-02-30T00:00:00Z
                  - name: b
                    expiresAt: 2️⃣"next friday"
                  - name: c
                    expiresAt: 3️⃣2026-12-31T00:00:00

                """)
        #expect(c.errors.map(\.location) == [c.at("1️⃣"), c.at("2️⃣"), c.at("3️⃣")])
        #expect(
            c.errors.map(\.message) == [
                "expiresAt '2026-02-30T00:00:00Z' is invalid: day 30 does not exist in 2026-02",
                "expiresAt 'next friday' is invalid: not an RFC 3339 time; write e.g. 2026-12-31T00:00:00Z",
                "expiresAt '2026-12-31T00:00:00' is invalid: the time zone is missing; end with Z for UTC, e.g. 2026-12-31T00:00:00Z",
            ])
    }

    @Test func schedulesAreFiveFieldCron() {
        let c = RuleCase(
            team: Self.header + """
                environments:
                  dev: { regions: [us-west-2], size: small }
                jobs:
                  - { name: a, type: batch, mainApplicationFile: s3://b/a.py, schedule: 1️⃣"0 3 * *" }
                  - { name: b, type: batch, mainApplicationFile: s3://b/b.py, schedule: 2️⃣"61 3 * * *" }
                  - { name: c, type: batch, mainApplicationFile: s3://b/c.py, schedule: 3️⃣"0 3 * * FUN" }
                  - { name: d, type: batch, mainApplicationFile: s3://b/d.py, schedule: "@daily" }
                  - { name: e, type: batch, mainApplicationFile: s3://b/e.py, schedule: "*/15 0-6,22 1 JAN-MAR mon-fri" }
                  - { name: f, type: streaming, mainApplicationFile: s3://b/f.py, schedule: 4️⃣"@hourly" }

                """)
        #expect(c.errors.map(\.location) == [c.at("1️⃣"), c.at("2️⃣"), c.at("3️⃣"), c.at("4️⃣")])
        #expect(c.errors.map(\.code) == [.invalidCron, .invalidCron, .invalidCron, .invalidValue])
        #expect(
            c.errors[0].message
                == "schedule '0 3 * *' of job 'a' is invalid: it has 4 fields; write 5: minute hour day-of-month month day-of-week, e.g. \"0 3 * * *\""
        )
        #expect(c.errors[1].message == "schedule '61 3 * * *' of job 'b' is invalid: minute field '61': 61 is out of range 0-59")
        #expect(c.errors[3].message.hasPrefix("streaming job 'f' has a schedule"))
    }

    @Test func jobsMustFitTheQuotaWithANoteAtTheQuota() {
        let c = RuleCase(
            team: Self.header + """
                environments:
                  dev: { regions: [us-west-2], size: small }
                jobs:
                  - name: big
                    type: batch
                    mainApplicationFile: s3://b/big.py
                    executor: 1️⃣{ instances: 20, cores: 4, memory: 16g }

                """)
        #expect(c.errors.map(\.code) == [.exceedsQuota])
        #expect(c.errors[0].location == c.at("1️⃣"))
        #expect(
            c.errors[0].message.hasPrefix(
                "job 'big' cannot fit in the 'dev' quota: it needs 81 CPUs (driver 1 + 20 executors × 4) but the quota allows 32"))
        #expect(c.errors[0].notes.last?.location == Location(file: "templates/sizes.yaml", line: 1, column: 18))
        #expect(c.errors[0].notes.last?.message == "the 'dev' quota is set here")
    }

    @Test func quotaOverridesAreUsedForTheCheck() {
        let ok = RuleCase(
            team: Self.header + """
                environments:
                  dev: { regions: [us-west-2], size: small, quota: { cpu: "100", memory: 500Gi, pods: 50 } }
                jobs:
                  - { name: big, type: batch, mainApplicationFile: s3://b/big.py, executor: { instances: 20, cores: 4, memory: 16g } }

                """)
        #expect(ok.errors.isEmpty)
    }

    @Test func secretsAreRefused() {
        let c = RuleCase(
            team: Self.header + """
                environments:
                  dev: { regions: [us-west-2], size: small }
                jobs:
                  - name: j
                    type: batch
                    mainApplicationFile: s3://b/j.py
                    sparkConf:
                      1️⃣spark.hadoop.fs.s3a.secret.key: abc
                      spark.kubernetes.driver.secretKeyRef.DB_PASSWORD: db:password
                      2️⃣spark.kubernetes.container.image: mine:latest

                """)
        #expect(c.errors.map(\.location) == [c.at("1️⃣"), c.at("2️⃣")])
        #expect(c.errors.map(\.code) == [.secretValue, .invalidValue])
        #expect(
            c.errors[0].message.hasPrefix("'spark.hadoop.fs.s3a.secret.key' looks like a secret; never put secret values in teams/*.yaml"))
        #expect(c.errors[1].message == "'spark.kubernetes.container.image' cannot be set in sparkConf: set 'engine' instead")
    }

    @Test func jobRegionsComeFromTheEnvironment() {
        let c = RuleCase(
            team: Self.header + """
                environments:
                  dev: { regions: [us-west-2], size: small }
                jobs:
                  - { name: j, type: batch, mainApplicationFile: 2️⃣s3://b/j.jar, regions: [1️⃣eu-west-1] }

                """)
        #expect(c.errors.map(\.location) == [c.at("2️⃣"), c.at("1️⃣")])
        #expect(c.errors[0].message == "mainApplicationFile 's3://b/j.jar' of job 'j': a jar application needs 'mainClass'")
        #expect(
            c.errors[1].message
                == "job 'j' runs in region 'eu-west-1', which environment 'dev' of this team does not list; add it to environments.dev.regions or remove it here"
        )
    }

    @Test func namesAreUniqueWithinATeam() {
        let c = RuleCase(
            team: Self.header + """
                environments:
                  dev: { regions: [us-west-2], size: small }
                jobs:
                  - { name: 0️⃣j, type: batch, mainApplicationFile: s3://b/j.py }
                  - { name: 1️⃣j, type: batch, mainApplicationFile: s3://b/k.py }
                  - { name: 2️⃣9lives, type: batch, mainApplicationFile: s3://b/k.py }

                """)
        #expect(c.errors.map(\.location) == [c.at("1️⃣"), c.at("2️⃣")])
        #expect(c.errors[0].message == "job 'j' is defined twice in this team; rename one")
        #expect(c.errors[0].notes.map(\.location) == [c.at("0️⃣")])
        #expect(c.errors[1].message == "job name '9lives' is not valid: it must start with a letter")
    }

    @Test func environmentsOfJobsMustBeTheTeams() {
        let c = RuleCase(
            team: Self.header + """
                environments:
                  dev: { regions: [us-west-2], size: small }
                jobs:
                  - { name: j, type: batch, mainApplicationFile: s3://b/j.py, environments: [1️⃣prod] }

                """)
        #expect(c.errors.map(\.location) == [c.at("1️⃣")])
        #expect(
            c.errors[0].message
                == "job 'j' runs in environment 'prod', which the team does not have; add it under 'environments' or remove it here; the team has: dev"
        )
    }

    @Test func validTeamsHaveNoDiagnostics() {
        let c = RuleCase(team: Fixtures.team)
        #expect(c.diagnostics.isEmpty)
    }
}
