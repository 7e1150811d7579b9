import ArgumentParser
import Foundation
import PedregalCompiler
import PedregalDiagnostics
import PedregalKubernetesSchemas
import PedregalLoader

/// `validate --manifests`: check a folder of manifests against Kubernetes' schemas.
struct ManifestOptions: ParsableArguments {
    @Option(
        name: .customLong("manifests"),
        help: ArgumentHelp(
            "Check the manifests in this folder (or file) instead of compiling teams/.", valueName: "dir"))
    var folder: String?

    @Option(
        help: ArgumentHelp(
            "Kubernetes version whose schemas to use (default: templates/platform.yaml's kubernetesVersion, else \(ManifestValidator.defaultKubernetesVersion)).",
            valueName: "version"))
    var kubernetesVersion: String?

    @Option(
        help: ArgumentHelp(
            "How many folders below --manifests name the cluster of an object without a pedregal.io/cluster label (objects pedregal writes are grouped by that label); an object defined twice within one cluster is an error.",
            valueName: "n"))
    var clusterDepth: Int = 0

    @Flag(help: "Report objects of kinds with no schema as warnings, not errors.")
    var ignoreMissingSchemas = false

    func validate() throws {
        if folder == nil && (kubernetesVersion != nil || clusterDepth != 0 || ignoreMissingSchemas) {
            throw ValidationError("--kubernetes-version, --cluster-depth and --ignore-missing-schemas go with --manifests DIR")
        }
        guard clusterDepth >= 0 else { throw ValidationError("--cluster-depth must be 0 or more") }
        if let version = kubernetesVersion, ManifestValidator(kubernetesVersion: version) == nil {
            throw ValidationError(
                "no schemas for Kubernetes '\(version)'; supported: \(ManifestValidator.supportedKubernetesVersions.joined(separator: ", "))"
            )
        }
    }

    /// Reads, checks and reports `folder`; exit 1 on any error, 74 when it cannot be read.
    func check(_ folder: String, root: RootOptions, diagnostics options: DiagnosticOptions) throws {
        let validator: ManifestValidator
        if let version = kubernetesVersion, let chosen = ManifestValidator(kubernetesVersion: version) {
            validator = chosen
        } else {
            let (chosen, problems) = ManifestValidator.forRoot(DiskSourceTree(root: root.rootURL))
            guard let chosen else {
                options.report(problems, root: root)
                throw ExitCode(.failure)
            }
            validator = chosen
        }
        let read: (files: [ManifestFileCheck.File], unreadable: [Diagnostic])
        do {
            read = try ManifestFileCheck.read(folder)
        } catch {
            throw failure("\(error)", .ioError)
        }
        let check = ManifestFileCheck(validator: validator, ignoresMissingSchemas: ignoreMissingSchemas, clusterDepth: clusterDepth)
        let report = check.check(read.files)
        let all = (read.unreadable + report.diagnostics).sorted()
        options.report(all, display: { $0 })
        if all.containsErrors { throw ExitCode(.failure) }
        func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
        options.say(
            "\(count(read.files.count, "file")), \(count(report.objects, "object")) valid against Kubernetes \(validator.kubernetesVersion) and the vendored CRDs"
        )
    }
}
