import ArgumentParser
import PedregalScaffold

/// `pedregal init`: a new platform repository, or a new team file.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Start a platform repository, or add a team to one.",
        discussion: """
            `pedregal init [DIR]` writes a new platform repository into DIR (default: the current folder): commented templates/, an example team, a README for teams, a GitHub Actions workflow (.github/workflows/pedregal.yml), the editor schema and .gitignore. It validates and generates as it is. No existing file is overwritten: if any exists, nothing is written and the command names each one.

            `pedregal init --team NAME` adds teams/NAME.yaml to the repository at --root, with the platform's environments, regions, sizes, catalogs and engines listed as choices. It is refused when the file exists or when the new team would not validate (a name already taken).

            Exit status: 0 written; 1 refused (existing files, or the result would not validate); 64 bad usage; 74 a file could not be written.

            Examples:
              pedregal init spark-platform --domain data.example.com
              pedregal init --team growth
              pedregal init --team growth --root ../spark-platform
            """)

    @Argument(help: ArgumentHelp("Folder of the new repository (created if missing).", valueName: "dir"))
    var directory: String?

    @Option(help: ArgumentHelp("DNS zone of the platform (templates/platform.yaml domain).", valueName: "domain"))
    var domain: String = "example.com"

    @Option(help: ArgumentHelp("Add a team file to an existing repository instead.", valueName: "name"))
    var team: String?

    @Option(help: ArgumentHelp("With --team: the repository's folder.", valueName: "dir"))
    var root: String = "."

    @Option(help: "Colour problems printed as text: auto (on a terminal, unless NO_COLOR is set), always or never.")
    var color: ColourChoice = .auto

    func validate() throws {
        if let team {
            if directory != nil { throw ValidationError("give either DIR or --team (with --root), not both") }
            if let problem = TeamScaffold.fileNameProblem(team) { throw ValidationError("--team '\(team)': \(problem)") }
            try RootOptions(root: root).validate()
        }
    }

    func run() throws {
        let reporter = DiagnosticOptions(format: .text, color: color)
        let folder = team == nil ? (directory ?? ".") : root
        let display = RootOptions(root: folder)
        do throws(Scaffolding.Failure) {
            if let team {
                let file = try Scaffolding.addTeam(named: team, root: display.rootURL)
                print("wrote \(display.display(file.path)): fill in the choices, then `pedregal validate` and `pedregal generate`")
            } else {
                let files = try Scaffolding.createPlatform(PlatformScaffold(domain: domain), at: display.rootURL)
                print("wrote \(files.count) files into \(folder):")
                for file in files { print("  \(file.path)") }
                let rootFlag = folder == "." ? "" : " --root \(folder)"
                print("next: `pedregal generate\(rootFlag)` writes generated/; then commit it all (see README.md)")
            }
        } catch {
            if case .invalid(let diagnostics) = error { reporter.report(diagnostics, root: display) }
            if case .write(.unwritable) = error { throw failure(error.description, .ioError) }
            throw failure(error.description, .failure)
        }
    }
}
