import ArgumentParser
import Foundation

/// `--out`, for commands that read or write the output folder.
struct OutputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Output folder (default: ROOT/generated).", valueName: "dir"))
    var out: String?

    init() {}

    init(out: String?) {
        self.out = out
    }

    func url(root: RootOptions) -> URL {
        out.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? root.rootURL.appendingPathComponent("generated", isDirectory: true)
    }

    func display(root: RootOptions) -> String {
        out ?? root.display("generated")
    }
}
