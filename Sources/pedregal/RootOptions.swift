import ArgumentParser
import Foundation

/// `--root`, shared by every compiling command.
struct RootOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Folder holding teams/ and templates/.", valueName: "dir"))
    var root: String = "."

    init() {}

    init(root: String) {
        self.root = root
    }

    var rootURL: URL { URL(fileURLWithPath: root, isDirectory: true) }

    /// How a root-relative path is shown: as reachable from where the
    /// command runs, so editors and terminals can open it.
    func display(_ path: String) -> String {
        var base = root
        while base.count > 1 && base.hasSuffix("/") { base.removeLast() }
        return base == "." || base.isEmpty ? path : "\(base)/\(path)"
    }

    func validate() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("--root '\(root)' is not a folder")
        }
        let has = { (name: String) in FileManager.default.fileExists(atPath: rootURL.appendingPathComponent(name).path) }
        guard has("teams") || has("templates") else {
            throw ValidationError("'\(root)' holds neither teams/ nor templates/; run in the repository or pass --root")
        }
    }
}
