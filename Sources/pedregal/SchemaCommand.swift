import ArgumentParser
import PedregalCompiler
import PedregalLoader

/// `pedregal schema`: the team file's JSON Schema.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of teams/*.yaml, for editors.",
        discussion: """
            The repository commits it as schemas/team.schema.json; point editors at it with a first line `# yaml-language-server: $schema=../schemas/team.schema.json` in a team file.

            Examples:
              pedregal schema > schemas/team.schema.json
            """)

    func run() throws {
        print(EditorSchema.team, terminator: "")
    }
}
