import ArgumentParser
import PedregalConsole
import PedregalRunner

/// `pedregal expire`: Spark Connect servers past their expiry, removed from
/// teams/ (`--root`) or deleted in a cluster (a cluster folder).
struct ExpireCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expire",
        abstract: "Remove Spark Connect clusters whose expiry has passed.",
        discussion: """
            With --root (GitOps, where Argo CD syncs generated/): removes every sparkConnect entry whose expiresAt is at or before --now from teams/*.yaml, as a minimal text edit that keeps comments and layout, and regenerates the output folder, so the change can be committed and the next sync removes the servers. Nothing is written when the result does not compile.

            With a cluster folder (clusters without Argo CD): looks at every Spark Connect server pedregal manages that is labelled for the folder's cluster (pedregal.io/cluster, as prune) and deletes those whose expiry is at or before --now.

            --now defaults to the current time.

            \(runnerExitStatuses)

            Examples:
              pedregal expire --root . --now 2027-01-01T00:00:00Z --dry-run
              pedregal expire --root .
              pedregal expire generated/sk8-us-west-2
              pedregal expire generated/sk8-us-west-2 --now 2027-01-01T00:00:00Z --dry-run
            """)

    @Argument(help: ArgumentHelp("A cluster folder: generated/<cluster> (cluster mode).", valueName: "dir"))
    var folder: String?

    @Option(help: ArgumentHelp("Edit teams/ under this folder and regenerate, instead of deleting in a cluster.", valueName: "dir"))
    var root: String?

    @Option(help: ArgumentHelp("Output folder with --root (default: ROOT/generated).", valueName: "dir"))
    var out: String?

    @Option(help: ArgumentHelp("The time to compare with, RFC 3339 (default: now).", valueName: "time"))
    var now: String?

    @Flag(help: "Change nothing: with --root, print what would be removed; in a cluster, send the deletes with dryRun=All.")
    var dryRun = false

    @OptionGroup var connection: ConnectionFlags

    func validate() throws {
        switch (folder, root) {
        case (nil, nil): throw ValidationError("give a cluster folder, or --root DIR to edit teams/ and regenerate")
        case (.some, .some): throw ValidationError("give either a cluster folder or --root, not both")
        default: break
        }
        if let root { try RootOptions(root: root).validate() }
    }

    func run() async throws {
        if let root {
            try RootExpiry(root: root, out: out, json: connection.format == .json, now: now, dryRun: dryRun).run()
            return
        }
        guard let folder else { return }
        try await connection.execute { await Runner.expire(folder: folder, now: now, dryRun: dryRun, context: $0) }
    }
}
