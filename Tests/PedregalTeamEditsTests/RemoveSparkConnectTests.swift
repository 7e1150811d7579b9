import Testing

@testable import PedregalTeamEdits

/// Removing Spark Connect entries leaves every other byte of the file as it
/// was: a reviewer sees only the entry go.
@Suite struct RemoveSparkConnectTests {
    func remove(_ names: Set<String>, from text: String) throws -> String {
        let file = try TeamFile(path: "teams/t.yaml", bytes: Array(text.utf8))
        return String(decoding: try file.removingSparkConnect(names), as: UTF8.self)
    }

    static let team = """
        # The ML platform team.
        team: ml-platform
        owners:
          admins: [ml-platform-admins]   # Okta
        sparkConnect:
          - name: default
            hotClusters: { prod: 1 }
          # Q4 evaluation; remove after the review
          - name: training-eval       # temporary
            environments: [staging]
            expiresAt: 2026-12-31T00:00:00Z
          - name: scratch
            expiresAt: "2026-12-01T00:00:00Z"

        # Jobs follow.
        jobs:
          - name: nightly
            type: batch

        """

    @Test func listsEntriesWithTheirExpiry() throws {
        let file = try TeamFile(path: "teams/t.yaml", bytes: Array(Self.team.utf8))
        #expect(file.sparkConnectEntries.map(\.name) == ["default", "training-eval", "scratch"])
        #expect(file.sparkConnectEntries.map(\.expiresAt) == [nil, "2026-12-31T00:00:00Z", "2026-12-01T00:00:00Z"])
        #expect(file.sparkConnectEntries[1].location.line == 9)
    }

    @Test func removesAMiddleEntryWithItsComment() throws {
        #expect(
            try remove(["training-eval"], from: Self.team) == """
                # The ML platform team.
                team: ml-platform
                owners:
                  admins: [ml-platform-admins]   # Okta
                sparkConnect:
                  - name: default
                    hotClusters: { prod: 1 }
                  - name: scratch
                    expiresAt: "2026-12-01T00:00:00Z"

                # Jobs follow.
                jobs:
                  - name: nightly
                    type: batch

                """)
    }

    @Test func removesTheLastEntryAndKeepsWhatFollows() throws {
        #expect(
            try remove(["scratch"], from: Self.team) == """
                # The ML platform team.
                team: ml-platform
                owners:
                  admins: [ml-platform-admins]   # Okta
                sparkConnect:
                  - name: default
                    hotClusters: { prod: 1 }
                  # Q4 evaluation; remove after the review
                  - name: training-eval       # temporary
                    environments: [staging]
                    expiresAt: 2026-12-31T00:00:00Z

                # Jobs follow.
                jobs:
                  - name: nightly
                    type: batch

                """)
    }

    @Test func removingEveryEntryRemovesTheKey() throws {
        #expect(
            try remove(["default", "training-eval", "scratch"], from: Self.team) == """
                # The ML platform team.
                team: ml-platform
                owners:
                  admins: [ml-platform-admins]   # Okta

                # Jobs follow.
                jobs:
                  - name: nightly
                    type: batch

                """)
    }

    @Test func removesAtTheEndOfTheFileWithoutANewline() throws {
        let text = "team: a\nsparkConnect:\n- name: x\n- name: y\n  expiresAt: 2026-01-01T00:00:00Z"
        #expect(try remove(["y"], from: text) == "team: a\nsparkConnect:\n- name: x\n")
    }

    @Test func editsFlowSequences() throws {
        let text = "team: a\nsparkConnect: [{name: x}, {name: y, expiresAt: 2026-01-01T00:00:00Z}]  # both\njobs: []\n"
        #expect(try remove(["y"], from: text) == "team: a\nsparkConnect: [{name: x}]  # both\njobs: []\n")
        #expect(try remove(["x", "y"], from: text) == "team: a\njobs: []\n")
    }

    @Test func unknownNamesChangeNothing() throws {
        #expect(try remove(["nope"], from: Self.team) == Self.team)
        #expect(try remove(["x"], from: "team: a\n") == "team: a\n")
    }

    @Test func keepsNonASCIIText() throws {
        let text = "team: a\ncontact: \"#équipe-données\"\nsparkConnect:\n  - name: x   # für später\n  - name: y\n"
        #expect(try remove(["x"], from: text) == "team: a\ncontact: \"#équipe-données\"\nsparkConnect:\n  - name: y\n")
    }

    @Test func refusesFilesThatAreNotAMapping() {
        #expect(throws: TeamFile.EditError.self) { try TeamFile(path: "teams/t.yaml", bytes: Array("- a\n".utf8)) }
        #expect(throws: TeamFile.EditError.self) { try TeamFile(path: "teams/t.yaml", bytes: Array("a: [\n".utf8)) }
    }
}
