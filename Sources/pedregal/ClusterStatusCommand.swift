import ArgumentParser
import PedregalRunner

/// `pedregal status DIR`: how a cluster folder stands in the cluster.
struct ClusterStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show whether each object of a cluster folder is present, in sync and healthy.",
        discussion: """
            In sync: every field of the manifest equals the live object's, both in the form the API server stores (quantities canonical: cpu "1000" is 1k). Healthy: namespaces Active, SparkApplications (Spark Connect servers, streaming jobs) running healthily; other kinds when present. --wait checks again until all are fine or --timeout seconds pass.

            Exit status: 0 when every object is present, in sync and healthy; 1 otherwise (or on timeout); 64 bad usage; 65 the folder holds files `pedregal generate` would not write; 69 unreachable; 74 local files unreadable; 77 refused.

            Examples:
              pedregal status generated/sk8-us-west-2
              pedregal status generated/sk8-us-west-2 --wait --timeout 600 --format json
            """)

    @Argument(help: ArgumentHelp("A cluster folder: generated/<cluster>.", valueName: "dir"))
    var folder: String

    @Flag(help: "Check again until all objects are fine or the timeout passes.")
    var wait = false

    @Option(help: ArgumentHelp("Seconds --wait may take.", valueName: "seconds"))
    var timeout = 300

    @OptionGroup var connection: ConnectionFlags

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    func run() async throws {
        try await connection.execute {
            await Runner.status(folder: folder, wait: wait, timeout: .seconds(timeout), context: $0)
        }
    }
}
