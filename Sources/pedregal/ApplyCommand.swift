import ArgumentParser
import PedregalRunner

/// `pedregal apply DIR`: a cluster folder into the cluster.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Apply a cluster folder of generated/ with server-side apply.",
        discussion: """
            Objects go in dependency order (namespaces, service accounts and RBAC, quotas and limits, configuration, services, workloads) as field manager `pedregal`. Refuses, before any request, a folder holding a file `pedregal generate` would not write (exit 65), and a folder whose pedregal.io/cluster label is not the connection's cluster unless --cluster names it. --prune then deletes what pedregal manages in the cluster (app.kubernetes.io/managed-by=pedregal, never runs) that the folder no longer holds, listing it first; Namespaces only with --prune-namespaces, after listing everything each one holds. --dry-run sends everything with dryRun=All: the server checks, nothing changes.

            \(runnerExitStatuses)

            Examples:
              pedregal apply generated/sk8-us-west-2 --dry-run
              pedregal apply generated/sk8-us-west-2 --prune
              pedregal apply generated/sk8-us-west-2 --prune --prune-namespaces --dry-run
              pedregal apply generated/sk8-us-west-2 --context kind-pedregal \\
                --cluster sk8-us-west-2
            """)

    @Argument(help: ArgumentHelp("A cluster folder: generated/<cluster>.", valueName: "dir"))
    var folder: String

    @Flag(help: "Send every request with dryRun=All; nothing changes.")
    var dryRun = false

    @Flag(help: "Delete managed objects the folder no longer holds (Namespaces are kept and listed).")
    var prune = false

    @Flag(help: "With --prune, delete Namespaces too, with everything in them (listed first).")
    var pruneNamespaces = false

    @OptionGroup var connection: ConnectionFlags

    func validate() throws {
        if pruneNamespaces && !prune { throw ValidationError("--prune-namespaces goes with --prune") }
    }

    func run() async throws {
        try await connection.execute {
            await Runner.apply(folder: folder, dryRun: dryRun, prune: prune, pruneNamespaces: pruneNamespaces, context: $0)
        }
    }
}
