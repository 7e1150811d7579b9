import ArgumentParser
import PedregalCompiler
import PedregalLoader
import PedregalWorkspace

/// `pedregal validate`: every problem of teams/ and templates/, or of a folder of manifests.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check teams/ and templates/ (or, with --manifests, a folder of manifests) and print every problem.",
        discussion: """
            Prints each problem as FILE:LINE:COLUMN: error: MESSAGE [code]. Exit 0 when the input is valid (warnings allowed), 1 when it is not. Every generated object is also checked against the schemas of templates/platform.yaml's kubernetesVersion and the CRDs in schemas/crds.

            --manifests DIR checks every *.yaml/*.yml file below DIR (multi-document files too) against the same schemas, as `kubeconform -strict` would, and reports each problem at the line of the offending field.

            Examples:
              pedregal validate
              pedregal validate --root ../platform-config --format github
              pedregal validate --manifests generated
              pedregal validate --manifests extras/ --kubernetes-version 1.31 \\
                --ignore-missing-schemas
            """)

    // Not RootOptions: with --manifests the folder need not hold teams/ or templates/.
    @Option(help: ArgumentHelp("Folder holding teams/ and templates/.", valueName: "dir"))
    var root: String = "."
    @OptionGroup var diagnostics: DiagnosticOptions
    @OptionGroup var manifests: ManifestOptions

    func validate() throws {
        if manifests.folder == nil { try RootOptions(root: root).validate() }
    }

    func run() throws {
        let root = RootOptions(root: root)
        if let folder = manifests.folder { return try manifests.check(folder, root: root, diagnostics: diagnostics) }
        let workspace = Workspace(
            root: root.rootURL, output: root.rootURL.appendingPathComponent("generated"), cache: Workspace.defaultCache(root: root.rootURL))
        let compilation = workspace.validate()
        diagnostics.report(compilation.diagnostics, root: root)
        try diagnostics.exitOnErrors(compilation.diagnostics)
        if diagnostics.format == .text {
            print("\(compilation.inputs.count) files valid, \(compilation.fileCount) manifests")
        }
    }
}
