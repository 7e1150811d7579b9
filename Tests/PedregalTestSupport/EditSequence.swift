import Foundation

/// A small deterministic random number generator (xorshift64*), so that
/// randomized tests reproduce from their seed.
public struct SeededGenerator: RandomNumberGenerator {
    public var state: UInt64

    public init(seed: UInt64) {
        state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed
    }

    public mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 2_685_821_657_736_338_717
    }
}

/// A root's files (root-relative path → text) and random edits of the
/// kinds users make, for tests that compare an incremental compile with a
/// compile from nothing after each edit.
public struct EditSequence {
    /// The kinds of edit.
    public enum Edit: CaseIterable, Sendable {
        case change, breakSyntax, breakRule, collide, add, delete, rename, changeTemplates, revert
    }

    public private(set) var files: [String: String]
    /// Earlier roots, and which of their files an edit broke.
    private var history: [(files: [String: String], broken: Set<String>)] = []
    /// Files the last edit broke: the next edit repairs them, so roots
    /// alternate between broken and valid, and both are compared.
    private var broken: Set<String> = []
    private var counter = 0

    /// The fixture templates and `teams` valid teams.
    public init(teams: Int) {
        var files = Fixtures.templates
        for index in 0..<teams { files["teams/team-\(index).yaml"] = Self.team("team-\(index)", variant: index) }
        self.files = files
    }

    /// A valid team file; `variant` changes what it asks for (environments,
    /// regions, jobs, schedules, executors).
    public static func team(_ name: String, variant: Int) -> String {
        var text = """
            team: \(name)
            owners:
              admins: [\(name)-admins]
              members: [\(name)]
            environments:
              dev:
                regions: [us-west-2]
                size: small

            """
        if variant % 2 == 1 { text += "  prod:\n    regions: [us-west-2, eu-west-1]\n    size: \(variant % 7 == 1 ? "large" : "small")\n" }
        text += """
            sparkConnect:
              - name: default
            jobs:
              - name: daily
                type: batch
                schedule: "\(variant % 60) 3 * * *"
                mainApplicationFile: s3://\(name)/daily.py
                executor: { instances: \(1 + variant % 5) }

            """
        if variant % 3 == 0 {
            text += "  - name: stream\n    type: streaming\n    engine: \"4.0\"\n    mainApplicationFile: s3://\(name)/stream.py\n"
        }
        return text
    }

    /// The team files, sorted.
    public var teamPaths: [String] { files.keys.filter { $0.hasPrefix("teams/") }.sorted() }

    /// Applies one edit of kind `edit` (after repairing what the previous edit broke).
    public mutating func apply(_ edit: Edit, using generator: inout SeededGenerator) {
        history.append((files, broken))
        counter += 1
        for path in broken where files[path] != nil { files[path] = Self.team(Self.stem(path), variant: counter) }
        broken = []
        let teams = teamPaths
        let pick = teams.randomElement(using: &generator)
        switch edit {
        case .change:
            guard let pick else { return add() }
            files[pick] = Self.team(Self.stem(pick), variant: Int.random(in: 0..<100, using: &generator))
        case .breakSyntax:
            guard let pick else { return add() }
            files[pick] = (files[pick] ?? "") + "  - [unclosed\n"
            broken.insert(pick)
        case .breakRule:
            guard let pick else { return add() }
            files[pick] = (files[pick] ?? "").replacingOccurrences(of: "size: small", with: "size: enormous")
            broken.insert(pick)
        case .collide:
            guard let pick, teams.count >= 2 else { return add() }
            let other = Self.stem(teams[0] == pick ? teams[1] : teams[0])
            files[pick] = Self.team(other, variant: counter)
            broken.insert(pick)
        case .add:
            add()
        case .delete:
            guard let pick, teams.count > 1 else { return add() }
            files[pick] = nil
        case .rename:
            guard let pick else { return add() }
            let text = files[pick]
            files[pick] = nil
            files["teams/renamed-\(counter).yaml"] = text
        case .changeTemplates:
            let sizes = Fixtures.sizes.replacingOccurrences(of: "cpu: \"400\"", with: "cpu: \"\(400 + counter)\"")
            files["templates/sizes.yaml"] = Bool.random(using: &generator) ? sizes : Fixtures.sizes
        case .revert:
            // Back to two edits ago: units of both revisions are then in play.
            guard history.count >= 3 else { return add() }
            (files, broken) = history[history.count - 3]
        }
    }

    private mutating func add() {
        let name = "t\(counter)"
        files["teams/\(name).yaml"] = Self.team(name, variant: counter)
    }

    private static func stem(_ path: String) -> String {
        String(path.dropFirst("teams/".count).dropLast(".yaml".count))
    }
}
