import PedregalBasics
import PedregalCompiler
import PedregalTestSupport
import Testing

/// Rules across teams and templates.
@Suite struct CrossTeamRuleTests {
    func team(_ name: String, shortName: String? = nil, extra: String = "") -> String {
        "team: \(name)\n" + (shortName.map { "shortName: \($0)\n" } ?? "")
            + "owners: { admins: [a] }\nenvironments: { dev: { regions: [us-west-2], size: small } }\n" + extra
    }

    @Test func teamNamesAreUniqueAcrossFiles() {
        let c = RuleCase(
            team: "team: 1️⃣alpha\nowners: { admins: [a] }\nenvironments: { dev: { regions: [us-west-2], size: small } }\n",
            file: "teams/zeta.yaml", extra: ["teams/alpha.yaml": team("alpha")])
        #expect(c.errors.map(\.code) == [.duplicateName])
        #expect(c.errors[0].location == c.at("1️⃣"))
        #expect(
            c.errors[0].message == "team name 'alpha' is already used by teams/alpha.yaml; team names are unique across teams/; rename one")
        #expect(c.errors[0].notes.map(\.location) == [Location(file: "teams/alpha.yaml", line: 1, column: 7)])
    }

    @Test func shortNamesAreUniqueIncludingDefaults() {
        let c = RuleCase(
            team: "team: beta\nshortName: 1️⃣alpha\nowners: { admins: [a] }\nenvironments: { dev: { regions: [us-west-2], size: small } }\n",
            file: "teams/beta.yaml", extra: ["teams/alpha.yaml": team("alpha")])
        #expect(c.errors.map(\.code) == [.duplicateName])
        #expect(c.errors[0].location == c.at("1️⃣"))
        #expect(c.errors[0].message.hasPrefix("shortName 'alpha' is already used by teams/alpha.yaml"))
    }

    @Test func twoDefinitionsCannotClaimOneHostname() {
        // "data" + cluster "eng" and "data-eng" + cluster "default" both want data-eng-dev.example.team.
        // teams/data-eng.yaml sorts first, so teams/data.yaml is the one told.
        let c = RuleCase(
            team: team("data", extra: "sparkConnect:\n  - name: 1️⃣eng\n"), file: "teams/data.yaml",
            extra: ["teams/data-eng.yaml": team("data-eng", extra: "sparkConnect:\n  - name: default\n")])
        #expect(c.errors.map(\.code) == [.duplicateHostname, .duplicateHostname])
        #expect(c.errors.map(\.location) == [c.at("1️⃣"), c.at("1️⃣")])
        #expect(c.errors[0].message.hasPrefix("hostname 'data-eng-dev-us.example.team' is already claimed by teams/data-eng.yaml"))
        #expect(c.errors[1].message.hasPrefix("hostname 'data-eng-dev.example.team' is already claimed by teams/data-eng.yaml"))
        #expect(c.errors[0].notes.map(\.location) == [Location(file: "teams/data-eng.yaml", line: 5, column: 11)])
    }

    @Test func regionCapacityBoundsTheSumOfQuotas() {
        var extra: [String: String] = [:]
        for i in 0..<30 {
            extra["teams/t\(i).yaml"] =
                "team: t\(i)\nowners: { admins: [a] }\nenvironments: { prod: { regions: [eu-west-1], size: small } }\n"
        }
        let c = RuleCase(
            template: "templates/regions.yaml",
            """
            us-west-2: { alias: us, cluster: sk8-us-west-2, backend: sk8, gateway: gw-us.example.team }
            eu-west-1: { alias: eu, cluster: sk8-eu-west-1, backend: sk8, gateway: gw-eu.example.team,
                         capacity: { cpu: 1️⃣"800", memory: 3Ti } }

            """, extra: extra)
        #expect(c.errors.map(\.code) == [.exceedsCapacity])
        #expect(c.errors[0].location == c.at("1️⃣"))
        #expect(
            c.errors[0].message
                == "the quotas of the 30 namespaces placed in region 'eu-west-1' add up to more than its capacity (cpu 960 > 800, memory 3.75Ti > 3Ti); raise the region's capacity or lower team quotas"
        )
        #expect(c.errors[0].notes.count == 3)
    }

    @Test func theDefaultEngineMustExist() {
        let c = RuleCase(
            template: "templates/engines.yaml",
            """
            "3.5": { image: registry.example.team/spark:3.5.3, sparkVersion: 3.5.3 }
            default: 1️⃣"3.4"

            """)
        #expect(c.errors.map(\.code) == [.unknownReference])
        #expect(c.errors[0].location == c.at("1️⃣"))
        #expect(
            c.errors[0].message == "the default engine '3.4' is not defined in templates/engines.yaml; did you mean '3.5'? defined: 3.5")
    }

    @Test func withoutADefaultEngineEveryUserMustNameOne() {
        let c = RuleCase(
            team: """
                team: alpha
                owners: { admins: [a] }
                environments: { dev: { regions: [us-west-2], size: small } }
                sparkConnect:
                  - name: 1️⃣default
                  - name: pinned
                    engine: "4.0"

                """,
            extra: [
                "templates/engines.yaml": """
                "3.5": { image: registry.example.team/spark:3.5.3, sparkVersion: 3.5.3 }
                "4.0": { image: registry.example.team/spark:4.0.1, sparkVersion: 4.0.1 }

                """
            ])
        #expect(c.errors.map(\.location) == [c.at("1️⃣")])
        #expect(
            c.errors[0].message
                == "Spark Connect cluster 'default' names no engine and templates/engines.yaml has no 'default'; set 'engine' to one of 3.5, 4.0"
        )
    }

    @Test func templateRulesReportAtTheTemplateLine() {
        let c = RuleCase(
            template: "templates/environments.yaml",
            """
            dev:  { abbrev: dev, dnsSuffix: "-dev", hotClusters: 0, catalogSuffix: dev, podSecurity: 1️⃣strict }
            prod: { abbrev: 2️⃣dev, dnsSuffix: "", hotClusters: 3, catalogSuffix: prod, podSecurity: restricted }

            """)
        #expect(c.errors.map(\.location) == [c.at("1️⃣"), c.at("2️⃣")])
        #expect(c.errors[0].message == "'dev.podSecurity' must be one of privileged, baseline, restricted, not 'strict'")
        #expect(c.errors[1].message == "environments 'dev' and 'prod' share abbrev 'dev', so their namespaces would collide")
    }

    @Test func namespacesOfThePlatformAreReserved() {
        let c = RuleCase(
            template: "templates/platform.yaml", Fixtures.platform.replacingAll("namespacePrefix: sjns", with: "namespacePrefix: spark"),
            extra: [
                "teams/alpha.yaml":
                    "team: alpha\nshortName: gateway\nowners: { admins: [a] }\nenvironments:\n  dev: { regions: [us-west-2], size: small }\n"
            ])
        #expect(c.errors.isEmpty)  // spark-gateway-dev is not spark-gateway
    }
}
