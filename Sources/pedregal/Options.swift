import ArgumentParser
import Foundation
import PedregalCompiler
import PedregalDiagnostics
import PedregalLoader

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

/// `--color`: whether text output is coloured.
enum ColourChoice: String, CaseIterable, ExpressibleByArgument {
    case auto, always, never

    /// `always` and `never` as said; `auto` colours a terminal unless
    /// `NO_COLOR` is set to a non-empty value (no-color.org).
    func enabled(for descriptor: Int32) -> Bool {
        switch self {
        case .always: return true
        case .never: return false
        case .auto: return isatty(descriptor) == 1 && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        }
    }
}

/// `--format` and `--color` for diagnostics.
struct DiagnosticOptions: ParsableArguments {
    @Option(help: "How to print problems: text, json or github (workflow annotations).")
    var format: DiagnosticFormatter.Style = .text

    @Option(help: "Colour problems printed as text: auto (on a terminal, unless NO_COLOR is set), always or never.")
    var color: ColourChoice = .auto

    init() {}

    init(format: DiagnosticFormatter.Style, color: ColourChoice = .auto) {
        self.format = format
        self.color = color
    }

    /// Prints `diagnostics`: JSON to standard output (it is the command's
    /// result), everything else to standard error.
    func report(_ diagnostics: [Diagnostic], root: RootOptions) {
        report(diagnostics, display: { [root] in root.display($0) })
    }

    /// Prints `diagnostics` with paths shown by `display`.
    func report(_ diagnostics: [Diagnostic], display: @escaping @Sendable (String) -> String) {
        let colour = format == .text && color.enabled(for: STDERR_FILENO)
        let formatter = DiagnosticFormatter(style: format, colour: colour, displayPath: display)
        let text = formatter.format(diagnostics)
        if format == .json {
            print(text, terminator: "")
        } else if !text.isEmpty {
            FileHandle.standardError.write(Data(text.utf8))
        }
    }
}

extension DiagnosticOptions {
    /// A result line: standard output, except that with `--format json`
    /// standard output holds only the JSON document.
    func say(_ line: String) {
        if format == .json {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        } else {
            print(line)
        }
    }

    /// Compiles the root, prints its problems, and stops with status 1 on errors.
    func compile(_ root: RootOptions) throws -> Compilation {
        let compilation = Compiler().compile(DiskSourceTree(root: root.rootURL))
        report(compilation.diagnostics, root: root)
        try exitOnErrors(compilation.diagnostics)
        return compilation
    }

    /// Stops with status 70 when the compiler reported a bug of its own (an
    /// invalid generated object), 1 on any other error.
    func exitOnErrors(_ diagnostics: [Diagnostic]) throws {
        if diagnostics.contains(where: { $0.severity == .error && $0.code.rawValue == "internal" }) { throw Status.internalError }
        if diagnostics.containsErrors { throw Status.invalid }
    }
}

extension DiagnosticFormatter.Style: ExpressibleByArgument {}

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

func printWarning(_ message: String) {
    FileHandle.standardError.write(Data("pedregal: warning: \(message)\n".utf8))
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data("pedregal: error: \(message)\n".utf8))
}
