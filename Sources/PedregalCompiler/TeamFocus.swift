import PedregalDiagnostics
import PedregalLoader

/// A compilation seen from one team, for commands that act for that team
/// alone (`pedregal local`): its diagnostics are only those that concern the
/// team, and mistakes in other teams' files do not stop it.
public struct TeamFocusedCompilation: Sendable {
    /// The compilation the team's objects come from.
    public var compilation: Compilation
    /// The team's file (`teams/<team>.yaml` when no file names the team).
    public var teamFile: String
    /// The diagnostics that concern the team, sorted: located in its file, in
    /// templates/ or outside any team file, or with a note in its file.
    public var diagnostics: [Diagnostic]
    /// Errors in other teams' files that were set aside by compiling
    /// templates/ and the team's file alone.
    public var otherTeamsErrors: Int
}

extension Compiler {
    /// Compiles `tree` for `team`. When the whole root has errors and none of
    /// them concerns the team, compiles templates/ and the team's file alone,
    /// so that another team's broken file does not stop this team's work.
    public func compile(_ tree: any SourceTree, focusingOn team: String) -> TeamFocusedCompilation {
        // The second compile, if any, reuses the team's unit from the first.
        let cache = CompilationCache()
        let whole = compile(tree, cache: cache)
        let file =
            whole.platform?.teams.first { $0.name == team }?.source
            ?? loader.load(from: tree).teams.first { $0.team?.value == team }?.file
            ?? "teams/\(team).yaml"
        let concerning = TeamFocusedCompilation.concerning(whole.diagnostics, teamFile: file)
        guard whole.hasErrors, !concerning.containsErrors else {
            return TeamFocusedCompilation(compilation: whole, teamFile: file, diagnostics: concerning, otherTeamsErrors: 0)
        }
        let alone = compile(OneTeamSourceTree(base: tree, teamFile: file), cache: cache)
        return TeamFocusedCompilation(
            compilation: alone, teamFile: file, diagnostics: TeamFocusedCompilation.concerning(alone.diagnostics, teamFile: file),
            otherTeamsErrors: alone.hasErrors ? 0 : whole.diagnostics.filter { $0.severity == .error }.count)
    }
}

extension TeamFocusedCompilation {
    /// The diagnostics of `diagnostics` that concern the team whose file is
    /// `teamFile`: all but those located in another team's file without a note
    /// in the team's.
    public static func concerning(_ diagnostics: [Diagnostic], teamFile: String) -> [Diagnostic] {
        diagnostics.filter { diagnostic in
            let file = diagnostic.location.file
            guard file.hasPrefix("teams/"), file != teamFile else { return true }
            return diagnostic.notes.contains { $0.location.file == teamFile }
        }
    }
}

/// A source tree that shows templates/ and one team file of `base`.
struct OneTeamSourceTree: SourceTree {
    var base: any SourceTree
    var teamFile: String

    func fileNames(in directory: String) throws -> [String]? {
        let names = try base.fileNames(in: directory)
        guard directory == "teams" else { return names }
        return names?.filter { "teams/" + $0 == teamFile }
    }

    func contents(of path: String) throws -> [UInt8]? {
        guard !path.hasPrefix("teams/") || path == teamFile else { return nil }
        return try base.contents(of: path)
    }
}
