import PedregalDiagnostics
import PedregalEmitter
import Testing

@testable import PedregalRequests

/// The pure decisions under a change: which files a commit writes, which
/// diagnostics a change introduced, how a pending change is made again on a
/// newer target, when the remote moved.
@Suite struct ChangeRulesTests {
    static let base = """
        team: alpha
        owners:
          admins: [alpha-admins]
        sparkConnect:
          - name: one
            environments: [dev]
            regions: [us-west-2]
        jobs: []

        """

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    // MARK: Files

    @Test func aCommitWritesOnlyWhatChanged() {
        let old = [
            OutputFile(path: "c/a.yaml", contents: [1]), OutputFile(path: "c/b.yaml", contents: [2]),
            OutputFile(path: "c/d.yaml", contents: [4]),
        ]
        let new = [
            OutputFile(path: "c/a.yaml", contents: [1]), OutputFile(path: "c/b.yaml", contents: [9]),
            OutputFile(path: "c/c.yaml", contents: [3]),
        ]
        let changes = FileChanges.between(old, new, teamFiles: ["teams/alpha.yaml": [7]])
        #expect(changes.written == ["generated/c/b.yaml": [9], "generated/c/c.yaml": [3], "teams/alpha.yaml": [7]])
        #expect(changes.removed == ["generated/c/d.yaml"])
        #expect(FileChanges.between(old, old).isEmpty)
        // A stale committed file is written from the compilation, or removed when nothing produces it.
        let fixed = FileChanges.between(old, old, stale: ["generated/c/a.yaml", "generated/c/x.yaml"])
        #expect(fixed.written == ["generated/c/a.yaml": [1]])
        #expect(fixed.removed == ["generated/c/x.yaml"])
    }

    // MARK: Diagnostics

    @Test func onlyWhatTheChangeIntroducedIsReported() {
        let old = Self.bytes("a\nb\nc\n")
        let new = Self.bytes("a\nb\nnew 1\nnew 2\nc\n")
        let file = "teams/alpha.yaml"
        func diagnostic(_ severity: Diagnostic.Severity, _ file: String, _ line: Int, _ message: String) -> Diagnostic {
            Diagnostic(severity, "invalid-value", message, at: SourceLocation(file: file, line: line, column: 3))
        }
        let otherTeam = diagnostic(.warning, "teams/beta.yaml", 4, "listed twice")
        let above = diagnostic(.warning, file, 2, "above the edit")
        let below = diagnostic(.warning, file, 3, "below the edit")
        let before = [above, below, otherTeam]
        let introduced = diagnostic(.error, file, 4, "does not fit")
        // The same findings after the edit: the one below moved down two lines.
        let after = [above, introduced, diagnostic(.warning, file, 5, "below the edit"), otherTeam]
        let report = ChangeDiagnostics.compare(before: before, after: after, edits: [file: (old, new)])
        #expect(report.introduced == [introduced])
        #expect(report.quotes[introduced] == "new 2")
        #expect(report.edits == [.init(file: file, lines: [.init(line: 3, text: "new 1"), .init(line: 4, text: "new 2")])])
        // A finding that stayed at its old line after lines were added above it is new.
        let unmoved = ChangeDiagnostics.compare(before: before, after: [above, below, otherTeam], edits: [file: (old, new)])
        #expect(unmoved.introduced == [below])
    }

    // MARK: Pending changes

    static let withTwo = base.replacingOccurrences(
        of: "jobs: []", with: "  - name: two\n    environments: [prod]\n    regions: [us-west-2]\njobs: []")

    @Test func aCreateIsMadeAgainAfterAnotherEntryLanded() throws {
        let branch = Self.base.replacingOccurrences(
            of: "jobs: []", with: "  - name: eval\n    environments: [prod]\n    regions: [eu-west-1]\njobs: []")
        let outcome = PendingReplay.replay(
            name: "eval", file: "teams/alpha.yaml", base: Self.bytes(Self.base), branch: Self.bytes(branch),
            target: Self.bytes(Self.withTwo), targetBranch: "main")
        guard case .rebuilt(let bytes) = outcome else {
            Issue.record("\(outcome)")
            return
        }
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("  - name: two\n"))
        #expect(text.contains("  - name: eval\n    environments: [prod]\n    regions: [eu-west-1]\n"))
    }

    @Test func anUpdateTakesTheBranchsEntryAndADeletionRemovesIt() throws {
        let updated = Self.withTwo.replacingOccurrences(
            of: "regions: [us-west-2]\njobs", with: "regions: [us-west-2]\n    size: large\njobs")
        let target = Self.withTwo.replacingOccurrences(of: "admins: [alpha-admins]", with: "admins: [alpha-admins, more]")
        let outcome = PendingReplay.replay(
            name: "two", file: "teams/alpha.yaml", base: Self.bytes(Self.withTwo), branch: Self.bytes(updated),
            target: Self.bytes(target), targetBranch: "main")
        #expect(outcome == .rebuilt(Self.bytes(updated.replacingOccurrences(of: "[alpha-admins]", with: "[alpha-admins, more]"))))
        let deleted = PendingReplay.replay(
            name: "two", file: "teams/alpha.yaml", base: Self.bytes(Self.withTwo), branch: Self.bytes(Self.base),
            target: Self.bytes(target), targetBranch: "main")
        #expect(deleted == .rebuilt(Self.bytes(Self.base.replacingOccurrences(of: "[alpha-admins]", with: "[alpha-admins, more]"))))
        // The target already holds what the branch does.
        #expect(
            PendingReplay.replay(
                name: "two", file: "teams/alpha.yaml", base: Self.bytes(Self.base), branch: Self.bytes(Self.withTwo),
                target: Self.bytes(Self.withTwo), targetBranch: "main") == .applied)
    }

    @Test func anEntryEditedByHandOnTheTargetIsAConflict() {
        let branch = Self.withTwo.replacingOccurrences(
            of: "regions: [us-west-2]\njobs", with: "regions: [us-west-2]\n    size: large\njobs")
        let byHand = Self.withTwo.replacingOccurrences(of: "environments: [prod]", with: "environments: [prod]\n    engine: \"4.0\"")
        let outcome = PendingReplay.replay(
            name: "two", file: "teams/alpha.yaml", base: Self.bytes(Self.withTwo), branch: Self.bytes(branch),
            target: Self.bytes(byHand), targetBranch: "main")
        guard case .conflict(let reason) = outcome else {
            Issue.record("\(outcome)")
            return
        }
        #expect(reason.contains("the entry 'two' of teams/alpha.yaml was changed on main"))
        // Added by hand under the same name before the branch's create landed.
        let added = PendingReplay.replay(
            name: "two", file: "teams/alpha.yaml", base: Self.bytes(Self.base), branch: Self.bytes(branch),
            target: Self.bytes(byHand), targetBranch: "main")
        #expect(added != .applied)
        if case .rebuilt = added { Issue.record("a hand-made entry must not be overwritten") }
    }

    // MARK: The remote

    @Test func theStateAgreesWithTheRemoteOnlyWhenNothingMoved() {
        let id = ClusterID(team: "alpha", name: "eval")
        let state = RemoteState.read(
            target: "t1",
            lines: [
                "refs/remotes/origin/cluster-requests/alpha/eval b1 create", "refs/pedregal-requests/alpha/eval b1 create",
                "refs/remotes/origin/cluster-requests/not-a-cluster b2",
            ],
            merged: [])
        #expect(state.branches == [id: ClusterRef(commit: "b1", action: .create, merged: false)])
        #expect(state.records[id]?.commit == "b1")
        var listing = [
            "refs/heads/main": "t1", "refs/heads/cluster-requests/alpha/eval": "b1", "refs/pedregal-requests/alpha/eval": "b1",
            "refs/heads/feature": "f1",
        ]
        #expect(state.agrees(with: listing, targetBranch: "main"))
        listing["refs/heads/main"] = "t2"
        #expect(!state.agrees(with: listing, targetBranch: "main"))
        listing["refs/heads/main"] = "t1"
        listing["refs/heads/cluster-requests/alpha/other"] = "b3"
        #expect(!state.agrees(with: listing, targetBranch: "main"))
    }
}
