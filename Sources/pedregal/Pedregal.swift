import ArgumentParser
import PedregalCompiler

struct Pedregal: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pedregal",
        abstract: "Compile teams/*.yaml and templates/ into the Kubernetes manifests of a Spark platform.",
        discussion: """
            Exit status: 0 success; 1 invalid input, a stale `check`, changes found by `diff`, or (runner) a failed request or an object missing, drifted or unhealthy; 2 a side of `diff` does not compile; 64 bad usage; 69 cluster unreachable; 70 internal error; 74 input/output error; 77 refused (cluster-name guard, 401/403).

            Examples:
              pedregal validate    # check teams/ and templates/ in the current folder
              pedregal generate    # write generated/
              pedregal check       # CI: is generated/ current?
              pedregal diff --base-ref origin/main --format markdown
                                   # what a pull request does
              pedregal apply generated/sk8-us-west-2 --dry-run
                                   # where no Argo CD runs
            """,
        version: PedregalVersion.current,
        subcommands: [
            InitCommand.self, ValidateCommand.self, GenerateCommand.self, CheckCommand.self, DiffCommand.self,
            SchemaCommand.self, ApplyCommand.self, ClusterStatusCommand.self, SubmitCommand.self, JobCommand.self,
            CancelCommand.self, ExpireCommand.self, GatewayCommand.self, ServeCommand.self, LocalCommand.self, AdviseCommand.self,
        ])
}
