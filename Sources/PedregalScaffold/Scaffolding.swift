import Foundation
import PedregalCompiler
import PedregalDiagnostics
import PedregalLoader

/// The two things `pedregal init` does to a folder on disk: write a new
/// platform repository, or add a team to an existing one. Both compile
/// what they would write before writing anything.
public enum Scaffolding {
    /// Why nothing (or, for `.write`, not everything) was written.
    public enum Failure: Error, CustomStringConvertible {
        /// The team name cannot be a file name.
        case badTeamName(String, problem: String)
        /// What would be written does not compile; the diagnostics say why,
        /// with root-relative paths of the files as they would be.
        case invalid([Diagnostic])
        /// Writing failed or was refused.
        case write(ScaffoldWriter.Failure)

        public var description: String {
            switch self {
            case .badTeamName(let name, let problem):
                return "the team name '\(name)' cannot be used: \(problem)"
            case .invalid(let diagnostics):
                return "the result would not validate (\(diagnostics.filter { $0.severity == .error }.count) errors); nothing was written"
            case .write(let failure):
                return failure.description
            }
        }
    }

    /// Writes `scaffold` into `root` (created if missing) and returns the
    /// files written. Refuses, writing nothing, when any of them exists or
    /// when the result would not compile (a bad `--domain`).
    public static func createPlatform(_ scaffold: PlatformScaffold, at root: URL) throws(Failure) -> [ScaffoldFile] {
        let files = scaffold.files
        let compilation = PlatformScaffold.compile(files)
        guard !compilation.hasErrors else { throw .invalid(compilation.diagnostics) }
        do {
            try ScaffoldWriter(root: root).write(files)
        } catch {
            throw .write(error)
        }
        return files
    }

    /// Writes `teams/<name>.yaml` into the platform repository at `root`,
    /// with the choices its templates offer, and returns it. Refuses when the
    /// file exists or when adding it brings new errors (a name already taken,
    /// a name too long for a namespace); errors the platform already had do
    /// not stop it.
    public static func addTeam(named name: String, root: URL) throws(Failure) -> ScaffoldFile {
        if let problem = TeamScaffold.fileNameProblem(name) { throw .badTeamName(name, problem: problem) }
        let tree = DiskSourceTree(root: root)
        let team = TeamScaffold(name: name, templates: Loader().load(from: tree).templates)
        let file = team.file
        // The new file's errors are those the platform did not have without
        // it: a clash with another team may be reported at the other file.
        let before = Set(Compiler().compile(tree).diagnostics.filter { $0.severity == .error }.map(\.description))
        let after = Compiler().compile(OverlaySourceTree(tree, replacing: [file.path: Array(file.contents.utf8)]))
        let added = after.diagnostics.filter { $0.severity == .error && !before.contains($0.description) }
        guard added.isEmpty else { throw .invalid(added) }
        do {
            try ScaffoldWriter(root: root).write([file])
        } catch {
            throw .write(error)
        }
        return file
    }
}
