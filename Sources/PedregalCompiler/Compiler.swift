import PedregalDiagnostics
import PedregalEmitter
import PedregalKubernetesSchemas
import PedregalLoader
import PedregalManifests
import PedregalRenderers
import PedregalResolver

/// The version of pedregal, also the tag of the default runner image.
public enum PedregalVersion {
    public static let current = "0.1.0"
}

/// The whole pipeline, in memory: load → resolve → render → emit. The one
/// library entry point: a source tree in, diagnostics and files out. It
/// never reads the clock or the network, and never writes.
public struct Compiler: Sendable {
    public var loader: Loader
    public var resolver: Resolver
    public var renderer: Renderer
    /// Whether every rendered object is checked against Kubernetes' schemas
    /// before it is emitted (off only to measure what the check costs).
    public var checksManifests: Bool

    public init(
        loader: Loader = Loader(), resolver: Resolver = Resolver(version: PedregalVersion.current),
        renderer: Renderer = .standard, checksManifests: Bool = true
    ) {
        self.loader = loader
        self.resolver = resolver
        self.renderer = renderer
        self.checksManifests = checksManifests
    }

    /// Compiles everything below the root of `tree`. Rendering and emitting
    /// happen only when no stage found an error.
    public func compile(_ tree: any SourceTree) -> Compilation {
        let loaded = loader.load(from: tree)
        let resolved = resolver.resolve(templates: loaded.templates, teams: loaded.teams, brokenFiles: loaded.unusableFiles)
        let (validator, versionProblems) = ManifestSchemaCheck.validator(for: loaded.templates.platform)
        var diagnostics = (loaded.diagnostics + resolved.diagnostics + versionProblems).sorted()
        // A team is only ever left out because of an error; if a rule ever
        // forgets to say why, say so rather than drop the team silently.
        if !diagnostics.containsErrors, let platform = resolved.platform {
            let resolvedFiles = Set(platform.teams.map(\.source))
            for team in loaded.teams where !resolvedFiles.contains(team.file) {
                diagnostics.append(
                    .error(
                        "internal", "this team could not be resolved, and no rule said why; please report it",
                        at: team.location))
            }
        }
        var compilation = Compilation(diagnostics: diagnostics, platform: resolved.platform, inputs: loaded.files)
        guard !diagnostics.containsErrors, let platform = resolved.platform else { return compilation }
        let manifests = renderer.render(platform)
        if checksManifests, let validator {
            let check = ManifestSchemaCheck(validator: validator, origins: ObjectOrigins(teams: loaded.teams, templates: loaded.templates))
            let problems = check.diagnostics(for: manifests)
            guard problems.isEmpty else {
                compilation.diagnostics = (diagnostics + problems).sorted()
                return compilation
            }
        }
        do {
            compilation.files = try Emitter.files(for: manifests)
            compilation.manifests = manifests
        } catch {
            diagnostics.append(.error("internal", "\(error); please report this", at: .startOf("teams")))
            compilation.diagnostics = diagnostics
        }
        return compilation
    }
}

/// The result of a compilation.
public struct Compilation: Sendable {
    /// Every problem found, sorted by location.
    public var diagnostics: [Diagnostic]
    /// The resolved platform, when templates/platform.yaml was usable.
    public var platform: ResolvedPlatform?
    /// Root-relative paths of every input file read.
    public var inputs: [String]
    /// The manifests; empty when there are errors.
    public var manifests: [Manifest] = []
    /// The files of generated/, sorted by path; empty when there are errors.
    public var files: [OutputFile] = []

    public init(diagnostics: [Diagnostic], platform: ResolvedPlatform?, inputs: [String]) {
        self.diagnostics = diagnostics
        self.platform = platform
        self.inputs = inputs
    }

    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { diagnostics.containsErrors }
}
