import Foundation
import Testing

@testable import PedregalTeamEdits

/// Adding a Spark Connect entry and changing one of its fields leave every
/// other byte of the file as it was: a reviewer sees only the request.
@Suite struct AddSparkConnectTests {
    static let request: [(key: String, value: EditValue)] = [
        ("name", .text("dev-us")), ("environments", .list(["dev"])), ("regions", .list(["us-west-2"])),
        ("size", .text("small")), ("catalogs", .list(["pedregal", "feature_store"])),
        ("expiresAt", .timestamp("2026-12-07T10:00:00Z")),
    ]

    func add(to text: String) throws -> String {
        let file = try TeamFile(path: "teams/t.yaml", bytes: Array(text.utf8))
        return String(decoding: try file.addingSparkConnect(Self.request), as: UTF8.self)
    }

    func set(_ name: String, _ key: String, _ value: EditValue?, in text: String) throws -> String {
        let file = try TeamFile(path: "teams/t.yaml", bytes: Array(text.utf8))
        return String(decoding: try file.settingSparkConnectField(name, key: key, to: value), as: UTF8.self)
    }

    static let team = """
        # The ML platform team.
        team: ml-platform
        sparkConnect:
            -   name: default     # the team's own
                hotClusters: { prod: 1 }
            # Q4 evaluation
            -   name: training-eval
                expiresAt: 2026-12-31T00:00:00Z

        # Jobs follow.
        jobs:
          - name: nightly
            type: batch

        """

    @Test func appendsAfterTheLastEntryInItsStyle() throws {
        #expect(
            try add(to: Self.team) == """
                # The ML platform team.
                team: ml-platform
                sparkConnect:
                    -   name: default     # the team's own
                        hotClusters: { prod: 1 }
                    # Q4 evaluation
                    -   name: training-eval
                        expiresAt: 2026-12-31T00:00:00Z
                    -   name: dev-us
                        environments: [dev]
                        regions: [us-west-2]
                        size: small
                        catalogs: [pedregal, feature_store]
                        expiresAt: 2026-12-07T10:00:00Z

                # Jobs follow.
                jobs:
                  - name: nightly
                    type: batch

                """)
    }

    @Test func addsTheKeyAtTheEndInTheStyleOfJobs() throws {
        let text = "team: a   # ünïcödé\njobs:\n    - name: j\n      type: batch\n"
        #expect(
            try add(to: text) == text + """
                sparkConnect:
                    - name: dev-us
                      environments: [dev]
                      regions: [us-west-2]
                      size: small
                      catalogs: [pedregal, feature_store]
                      expiresAt: 2026-12-07T10:00:00Z

                """)
        #expect(try add(to: "team: a\n").hasPrefix("team: a\nsparkConnect:\n  - name: dev-us\n    environments: [dev]\n"))
    }

    @Test func keepsAMissingFinalNewline() throws {
        #expect(
            try add(to: "team: a\nsparkConnect:\n- name: x\n  size: small") == """
                team: a
                sparkConnect:
                - name: x
                  size: small
                - name: dev-us
                  environments: [dev]
                  regions: [us-west-2]
                  size: small
                  catalogs: [pedregal, feature_store]
                  expiresAt: 2026-12-07T10:00:00Z
                """)
        let added = try add(to: "team: a")
        #expect(added.hasPrefix("team: a\nsparkConnect:\n  - name: dev-us\n"), "\(added)")
        #expect(added.hasSuffix("\n    expiresAt: 2026-12-07T10:00:00Z"), "\(added)")
    }

    @Test func editsFlowLists() throws {
        let entry =
            "{name: dev-us, environments: [dev], regions: [us-west-2], size: small, catalogs: [pedregal, feature_store], expiresAt: 2026-12-07T10:00:00Z}"
        #expect(try add(to: "team: a\nsparkConnect: [{name: x}]  # both\n") == "team: a\nsparkConnect: [{name: x}, \(entry)]  # both\n")
        #expect(try add(to: "team: a\nsparkConnect: []\njobs: []\n") == "team: a\nsparkConnect: [\(entry)]\njobs: []\n")
    }

    @Test func fillsAnEmptyKey() throws {
        #expect(try add(to: "team: a\nsparkConnect:\njobs: []\n").hasPrefix("team: a\nsparkConnect:\n  - name: dev-us\n"))
    }

    @Test func quotesWhatWouldReadBackDifferently() throws {
        let file = try TeamFile(path: "teams/t.yaml", bytes: Array("team: a\n".utf8))
        let text = String(
            decoding: try file.addingSparkConnect([("name", .text("x")), ("engine", .text("3.5")), ("environments", .list(["on"]))]),
            as: UTF8.self)
        #expect(text == "team: a\nsparkConnect:\n  - name: x\n    engine: \"3.5\"\n    environments: [\"on\"]\n")
    }

    @Test func replacesAFieldInPlace() throws {
        let changed = try set("training-eval", "expiresAt", .timestamp("2027-01-31T00:00:00Z"), in: Self.team)
        #expect(changed == Self.team.replacingOccurrences(of: "2026-12-31T00:00:00Z", with: "2027-01-31T00:00:00Z"))
        let quoted = "team: a\nsparkConnect:\n  - name: x\n    expiresAt: \"2026-01-01T00:00:00Z\"   # soon\n"
        #expect(
            try set("x", "expiresAt", .timestamp("2026-02-01T00:00:00Z"), in: quoted)
                == "team: a\nsparkConnect:\n  - name: x\n    expiresAt: 2026-02-01T00:00:00Z   # soon\n")
    }

    @Test func addsAFieldAfterTheEntrysLast() throws {
        let changed = try set("default", "expiresAt", .timestamp("2027-01-31T00:00:00Z"), in: Self.team)
        #expect(
            changed
                == Self.team.replacingOccurrences(
                    of: "        hotClusters: { prod: 1 }\n",
                    with: "        hotClusters: { prod: 1 }\n        expiresAt: 2027-01-31T00:00:00Z\n"))
        let last = try set("training-eval", "size", .text("large"), in: Self.team)
        #expect(
            last
                == Self.team.replacingOccurrences(
                    of: "expiresAt: 2026-12-31T00:00:00Z\n", with: "expiresAt: 2026-12-31T00:00:00Z\n        size: large\n"))
    }

    @Test func removesAField() throws {
        let changed = try set("training-eval", "expiresAt", nil, in: Self.team)
        #expect(changed == Self.team.replacingOccurrences(of: "        expiresAt: 2026-12-31T00:00:00Z\n", with: ""))
        let block = "team: a\nsparkConnect:\n  - name: x\n    catalogs:\n      - a\n      - b\n    size: small\n"
        #expect(
            try set("x", "catalogs", .list(["c"]), in: block) == "team: a\nsparkConnect:\n  - name: x\n    catalogs: [c]\n    size: small\n"
        )
        #expect(try set("x", "catalogs", nil, in: block) == "team: a\nsparkConnect:\n  - name: x\n    size: small\n")
        #expect(try set("x", "nothing", nil, in: block) == block)
    }

    @Test func editsFlowEntries() throws {
        let text = "team: a\nsparkConnect:\n  - {name: x, expiresAt: 2026-01-01T00:00:00Z, size: small}  # é\n"
        #expect(
            try set("x", "expiresAt", .timestamp("2026-02-01T00:00:00Z"), in: text)
                == "team: a\nsparkConnect:\n  - {name: x, expiresAt: 2026-02-01T00:00:00Z, size: small}  # é\n")
        #expect(try set("x", "expiresAt", nil, in: text) == "team: a\nsparkConnect:\n  - {name: x, size: small}  # é\n")
        #expect(
            try set("x", "engine", .text("4.0"), in: text)
                == "team: a\nsparkConnect:\n  - {name: x, expiresAt: 2026-01-01T00:00:00Z, size: small, engine: \"4.0\"}  # é\n")
    }

    @Test func refusesWhatItCannotEditSafely() throws {
        #expect(throws: TeamFile.EditError.self) { try set("nope", "size", .text("small"), in: Self.team) }
        #expect(throws: TeamFile.EditError.self) { try add(to: "team: a\nsparkConnect: {name: x}\n") }
        #expect(throws: TeamFile.EditError.self) { try set("x", "name", nil, in: "team: a\nsparkConnect:\n  - name: x\n") }
    }
}
