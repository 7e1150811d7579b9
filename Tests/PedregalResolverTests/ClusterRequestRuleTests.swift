import PedregalCompiler
import PedregalResolver
import PedregalSpec
import PedregalTestSupport
import Testing

/// The format extensions cluster requests need: a Spark Connect cluster's own
/// `regions` and `catalogs`, and the request terms in templates/platform.yaml.
@Suite struct ClusterRequestRuleTests {
    static let team = """
        team: alpha
        owners: { admins: [alpha-admins] }
        environments:
          dev: { regions: [us-west-2], size: small }
          prod: { regions: [us-west-2, eu-west-1], size: large }

        """

    @Test func clusterRegionsPlaceServersDNSAndRoutesOnlyThere() throws {
        let compilation = Fixtures.compile([
            "teams/alpha.yaml": Self.team + """
                sparkConnect:
                  - name: eu-only
                    environments: [prod]
                    regions: [eu-west-1]
                    catalogs: [feature_store]
                  - name: everywhere
                    environments: [prod]

                """
        ])
        #expect(!compilation.hasErrors, "\(compilation.diagnostics)")
        let paths = compilation.files.map(\.path)
        #expect(paths.contains("sk8-eu-west-1/sjns-alpha-prod/service-sc-eu-only.yaml"))
        #expect(!paths.contains { $0.hasPrefix("sk8-us-west-2/") && $0.contains("eu-only") })
        #expect(paths.contains("sk8-us-west-2/sjns-alpha-prod/service-sc-everywhere.yaml"))
        #expect(paths.contains("sk8-eu-west-1/sjns-alpha-prod/service-sc-everywhere.yaml"))
        // The plain hostname goes to the cluster's first region, not the environment's.
        let dns = try #require(compilation.files.first { $0.path == "sk8-eu-west-1/sjns-alpha-prod/dnsendpoint-sc-eu-only.yaml" })
        let text = String(decoding: dns.contents, as: UTF8.self)
        #expect(text.contains("dnsName: alpha-eu-only.example.team"))
        #expect(text.contains("dnsName: alpha-eu-only-eu.example.team"))
        // Its servers open its own catalogs, not the team's.
        let template = try #require(
            compilation.files.first {
                $0.path == "sk8-eu-west-1/sjns-alpha-prod/configmap-sc-eu-only-template.yaml"
            })
        let body = String(decoding: template.contents, as: UTF8.self)
        #expect(body.contains("spark.sql.catalog.feature_store"))
        #expect(!body.contains("spark.sql.catalog.pedregal"))
    }

    @Test func clusterRegionsMustBeRegionsOfItsEnvironments() {
        let c = RuleCase(
            team: Self.team + """
                sparkConnect:
                  - name: a
                    environments: [dev]
                    regions: 6️⃣[1️⃣eu-west-1]
                  - name: b
                    regions: [us-west-2, 2️⃣us-west-2, 3️⃣us-east-1]
                  - name: c
                    regions: 4️⃣[]
                  - name: d
                    regions: 5️⃣[eu-west-1]

                """)
        #expect(c.errors.map(\.location) == [c.at("6️⃣"), c.at("1️⃣"), c.at("2️⃣"), c.at("3️⃣"), c.at("4️⃣"), c.at("5️⃣")])
        #expect(
            c.errors.map(\.message) == [
                "Spark Connect cluster 'a' runs in environment 'dev', but none of its regions is a region of 'dev' (us-west-2); add one, or list only the environments it should run in under 'environments'",
                "Spark Connect cluster 'a' runs in region 'eu-west-1', which none of its environments (dev) lists; add it to an environment's regions or choose one of us-west-2",
                "region 'us-west-2' is listed twice",
                "unknown region 'us-east-1'; did you mean 'us-west-2'? templates/regions.yaml defines: us-west-2, eu-west-1",
                "'regions' of Spark Connect cluster 'c' is empty; list at least one, or leave it out for every region of its environments",
                "Spark Connect cluster 'd' runs in environment 'dev', but none of its regions is a region of 'dev' (us-west-2); add one, or list only the environments it should run in under 'environments'",
            ])
    }

    @Test func clusterCatalogsMustExist() {
        let c = RuleCase(team: Self.team + "sparkConnect:\n  - name: a\n    catalogs: [1️⃣feature_stor]\n")
        #expect(c.errors.map(\.location) == [c.at("1️⃣")])
        #expect(c.errors.map(\.code) == [.unknownReference])
    }

    @Test func requestTermsAreResolved() throws {
        let platform =
            Fixtures.platform + """
                clusterRequests:
                  environments:
                    dev: { defaultTTL: 7d, maxTTL: 30d, autoApprove: true, members: true }
                    prod: { defaultTTL: persistent, maxTTL: 12w, persistent: true }

                """
        let compilation = Fixtures.compile(["teams/alpha.yaml": Fixtures.team, "templates/platform.yaml": platform])
        #expect(!compilation.hasErrors, "\(compilation.diagnostics)")
        let policy = try #require(compilation.platform?.settings.clusterRequests)
        #expect(
            policy.environments["dev"]
                == ClusterRequestPolicy.Terms(
                    defaultTTL: .seconds(7 * 86_400), maxSeconds: 30 * 86_400, persistent: false, autoApprove: true, members: true))
        #expect(
            policy.environments["prod"]
                == ClusterRequestPolicy.Terms(
                    defaultTTL: .persistent, maxSeconds: 84 * 86_400, persistent: true, autoApprove: false, members: false))
        #expect(policy.environments["staging"] == nil)
    }

    @Test func requestTermsAreChecked() {
        let c = RuleCase(
            template: "templates/platform.yaml",
            Fixtures.platform + """
                clusterRequests:
                  environments:
                    1️⃣prd: { defaultTTL: 7d, maxTTL: 30d }
                    dev: { defaultTTL: 2️⃣40d, maxTTL: 30d }
                    staging: { defaultTTL: 3️⃣persistent, maxTTL: 4️⃣7 }
                    prod: { defaultTTL: 5️⃣1y, maxTTL: 6️⃣persistent, persistent: true, 7️⃣autoApprov: true }

                """)
        #expect(c.errors.map(\.location) == [c.at("1️⃣"), c.at("2️⃣"), c.at("3️⃣"), c.at("4️⃣"), c.at("5️⃣"), c.at("6️⃣"), c.at("7️⃣")])
        #expect(
            c.errors.map(\.message) == [
                "clusterRequests names environment 'prd', which does not exist; did you mean 'prod'? templates/environments.yaml defines: dev, staging, prod",
                "defaultTTL '40d' of 'dev' is longer than its maxTTL '30d'; shorten it or raise maxTTL",
                "defaultTTL of 'staging' is persistent, but 'staging' does not allow persistent clusters; set 'persistent: true' or give a duration",
                "maxTTL '7' of 'staging' is not a duration; write a whole number of minutes, hours, days or weeks such as 30m, 12h, 7d or 2w",
                "defaultTTL '1y' of 'prod' is not a duration; write a whole number of minutes, hours, days or weeks such as 30m, 12h, 7d or 2w, or persistent",
                "maxTTL of 'prod' cannot be persistent; set 'persistent: true' to allow clusters that never expire, and give maxTTL as a whole number of minutes, hours, days or weeks such as 30m, 12h, 7d or 2w",
                "unknown key 'autoApprov' in 'clusterRequests.environments.prod'; did you mean 'autoApprove'?",
            ])
    }

    @Test func timeToLiveParsesAndSpells() {
        #expect(TimeToLive(parsing: "30m") == .seconds(1800))
        #expect(TimeToLive(parsing: "2w") == .seconds(14 * 86_400))
        #expect(TimeToLive(parsing: "persistent") == .persistent)
        for bad in ["", "d", "0d", "-1d", "1.5d", "7D", "7 d", "+7d", "99999999999d", "1y"] {
            #expect(TimeToLive(parsing: bad) == nil, "\(bad)")
        }
        #expect(TimeToLive.seconds(14 * 86_400).description == "2w")
        #expect(TimeToLive.seconds(36 * 3600).description == "36h")
        #expect(TimeToLive.seconds(90).description == "90s")
    }
}
