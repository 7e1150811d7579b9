import ArgumentParser

/// `pedregal job …`: runs started by `submit`.
struct JobCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "job",
        abstract: "Follow runs started by `pedregal submit`, and say why failed ones failed.",
        subcommands: [JobStatusCommand.self, JobClassifyCommand.self])
}
