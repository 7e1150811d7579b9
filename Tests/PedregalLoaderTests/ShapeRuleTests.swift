import PedregalCompiler
import PedregalLoader
import PedregalTestSupport
import Testing

/// Syntax and shape: every bad input gives its exact location and message.
@Suite struct ShapeRuleTests {
    @Test func unknownKeySuggestsTheNearestKey() {
        let c = RuleCase(
            team: """
                team: alpha
                owners: { admins: [a] }
                environments:
                  dev:
                    regions: [us-west-2]
                    1️⃣sise: small

                """)
        // One mistake, one error: the missing 'size' is what the suggestion names.
        #expect(c.errors.map(\.location) == [c.at("1️⃣")])
        #expect(c.errors[0].message == "unknown key 'sise' in 'environments.dev'; did you mean 'size'?")
        #expect(c.errors[0].code == .unknownKey)
    }

    @Test func missingKeysWithoutATypoAreReportedAtTheirMapping() {
        let c = RuleCase(
            team: """
                team: alpha
                owners: { admins: [a] }
                environments:
                  0️⃣dev:
                    regions: [us-west-2]
                    1️⃣colour: blue

                """)
        #expect(c.errors.map(\.location) == [c.at("0️⃣"), c.at("1️⃣")])
        #expect(c.errors[0].message.hasPrefix("'environments.dev' is missing required key 'size'"))
    }

    @Test func mergeKeysAreOneError() {
        let c = RuleCase(
            team: """
                team: alpha
                owners: { admins: [a] }
                environments: { dev: { regions: [us-west-2], size: small } }
                jobs:
                  - name: j
                    1️⃣<<: { type: batch, mainApplicationFile: s3://b/j.py }

                """)
        #expect(c.errors.map(\.location) == [c.at("1️⃣")])
        #expect(c.errors[0].message == "YAML merge keys ('<<') are not supported; write the keys out")
    }

    @Test func aByteOrderMarkIsAccepted() {
        let c = RuleCase(team: "\u{FEFF}" + Fixtures.team)
        #expect(c.diagnostics.isEmpty)
    }

    @Test func unknownKeyWithoutNearMatchListsTheKeys() {
        let c = RuleCase(
            team: "team: alpha\nowners: { admins: [a] }\nenvironments: { dev: { regions: [us-west-2], size: small } }\n1️⃣colour: blue\n")
        #expect(c.errors.count == 1)
        #expect(c.errors[0].location == c.at("1️⃣"))
        #expect(c.errors[0].message.hasPrefix("unknown key 'colour' in the team file; allowed keys: team, shortName, owners"))
    }

    @Test func wrongTypesNameTheFieldAndTheFix() {
        let c = RuleCase(
            team: """
                team: alpha
                owners:
                  admins: 1️⃣alpha-admins
                environments:
                  dev:
                    regions: [us-west-2]
                    size: small
                sparkConnect:
                  - name: default
                    hotClusters: { dev: 2️⃣two }
                  - name: other
                    hotClusters: { dev: 3️⃣"2" }

                """)
        #expect(c.errors.map(\.location) == [c.at("1️⃣"), c.at("2️⃣"), c.at("3️⃣")])
        #expect(c.errors[0].message == "'owners.admins' must be a list, not a string ('alpha-admins'); write [alpha-admins]")
        #expect(c.errors[1].message == "'sparkConnect[0].hotClusters.dev' must be an integer, not a string ('two')")
        #expect(c.errors[2].message == "'sparkConnect[1].hotClusters.dev' must be an integer, not a string ('2'); remove the quotes")
        #expect(c.errors.allSatisfy { $0.code == .wrongType })
    }

    @Test func missingRequiredKeysPointAtTheMapping() {
        let c = RuleCase(team: "1️⃣team: alpha\nenvironments: { dev: { regions: [us-west-2], size: small } }\n")
        #expect(c.errors.count == 1)
        #expect(c.errors[0].code == .missingKey)
        #expect(c.errors[0].location == c.at("1️⃣"))
        #expect(c.errors[0].message.hasPrefix("the team file is missing required key 'owners'"))
    }

    @Test func emptyValueOfARequiredKey() {
        let c = RuleCase(team: "1️⃣team:\nowners: { admins: [a] }\nenvironments: { dev: { regions: [us-west-2], size: small } }\n")
        #expect(c.errors.map(\.message) == ["'team' is empty; give it a value"])
        #expect(c.errors[0].location == c.at("1️⃣"))
    }

    @Test func quantitiesAndMemorySizesAreChecked() {
        let c = RuleCase(
            team: """
                team: alpha
                owners: { admins: [a] }
                environments:
                  dev:
                    regions: [us-west-2]
                    size: small
                    quota: { cpu: 1️⃣lots, memory: 2️⃣12GB }
                jobs:
                  - name: j
                    type: batch
                    mainApplicationFile: s3://b/j.py
                    driver: { memory: 3️⃣4.5g }

                """)
        #expect(c.errors.map(\.location) == [c.at("1️⃣"), c.at("2️⃣"), c.at("3️⃣")])
        #expect(c.errors.map(\.code) == [.invalidQuantity, .invalidQuantity, .invalidQuantity])
        #expect(c.errors[0].message.hasPrefix("'environments.dev.quota.cpu' is not a Kubernetes quantity: 'lots'"))
        #expect(c.errors[2].message.hasPrefix("'jobs[0].driver.memory' is not a Spark memory size: '4.5g'"))
    }

    @Test func enumerationsListTheirValues() {
        let c = RuleCase(
            team: """
                team: alpha
                owners: { admins: [a] }
                environments: { dev: { regions: [us-west-2], size: small } }
                jobs:
                  - name: j
                    type: 1️⃣bacth
                    mainApplicationFile: s3://b/j.py

                """)
        #expect(c.errors.map(\.message) == ["'jobs[0].type' must be one of batch, streaming, not 'bacth'; did you mean 'batch'?"])
        #expect(c.errors[0].location == c.at("1️⃣"))
    }

    @Test func emptyAndNonMappingFiles() {
        let empty = RuleCase(team: "")
        #expect(empty.errors.map(\.message) == ["the file is empty; it must hold a YAML mapping"])
        #expect(empty.errors[0].location == Location(file: "teams/alpha.yaml", line: 1, column: 1))
        let list = RuleCase(team: "- team: alpha\n")
        #expect(list.errors.map(\.code) == [.wrongType])
    }

    @Test func templateFilesAreCheckedByName() {
        let unknown = RuleCase(template: "templates/size.yaml", "small: {}\n")
        #expect(
            unknown.errors.map(\.message) == [
                "unknown template file 'size.yaml'; did you mean 'sizes.yaml'? templates/ holds platform.yaml, environments.yaml, regions.yaml, sizes.yaml, catalogs.yaml, engines.yaml"
            ])
        let tree = MemorySourceTree(Fixtures.templates.filter { $0.key != "templates/regions.yaml" })
        let missing = Compiler().compile(tree).diagnostics
        #expect(missing.map(\.message) == ["missing template file templates/regions.yaml"])
        #expect(missing[0].location == Location(file: "templates/regions.yaml", line: 1, column: 1))
    }

    @Test func everyProblemOfEveryFileIsReported() {
        let c = RuleCase(
            team: "team: alpha\nowners: { admins: [a], 1️⃣boss: x }\nenvironments: { dev: { regions: [us-west-2], size: small } }\n",
            extra: [
                "teams/beta.yaml":
                    "team: beta\nowners: { admins: [b] }\nenvironments: { dev: { regions: [us-west-2], size: small, 2: x } }\n",
                "teams/gamma.yaml": "team: [gamma\n",
            ])
        #expect(Set(c.errors.map(\.location.file)) == ["teams/alpha.yaml", "teams/beta.yaml", "teams/gamma.yaml"])
        #expect(c.errors.count == 3)
    }
}
