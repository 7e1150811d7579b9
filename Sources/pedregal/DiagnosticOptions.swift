import ArgumentParser
import Foundation
import PedregalCompiler
import PedregalDiagnostics
import PedregalLoader

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
        if diagnostics.contains(where: { $0.severity == .error && $0.code.rawValue == "internal" }) {
            throw ExitCode(.internalError)
        }
        if diagnostics.containsErrors { throw ExitCode(.failure) }
    }
}

extension DiagnosticFormatter.Style: ExpressibleByArgument {}
