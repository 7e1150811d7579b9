import PedregalDiagnostics
import PedregalEmitter
import PedregalKubernetesSchemas
import PedregalLoader
import PedregalManifests
import PedregalRenderers
import PedregalResolver
import PedregalSpec

/// What compiling one team file needs besides the file: the checked
/// templates, the renderers and the schema validator, shared by every
/// team of one compilation.
struct TeamUnitContext: Sendable {
    let loader: Loader
    let renderer: Renderer
    let templates: Templates
    let checked: CheckedTemplates
    /// Nil when objects are not checked against the schemas.
    let validator: ManifestValidator?
    /// The parts of every unit key that do not depend on the team file.
    let keyPrefix: ContentDigest

    /// The key of the unit made from `bytes` at `file`.
    func key(file: String, bytes: [UInt8]) -> ContentDigest {
        ContentDigest(ofParts: [keyPrefix.bytes, Array(file.utf8), bytes])
    }

    /// A file that could not be read: reported, never cached or saved
    /// (reading it again is what tells whether it changed), so without details.
    func unreadable(_ file: String, _ contents: FileRead) -> TeamUnit {
        let (_, diagnostics) = loader.loadTeam(file, contents: contents)
        return TeamUnit(
            file: file, key: ContentDigest(ofParts: [Array(file.utf8)]), diagnostics: diagnostics, outputProblems: [],
            claims: TeamClaims(), isLoaded: false, isResolved: false, objects: [], details: nil)
    }

    /// Loads, resolves, renders, checks and emits one team.
    func compile(_ file: String, bytes: [UInt8], key: ContentDigest) -> TeamUnit {
        let (spec, loadProblems) = loader.loadTeam(file, contents: .contents(bytes))
        guard let spec else {
            return TeamUnit(
                file: file, key: key, diagnostics: loadProblems, outputProblems: [], claims: TeamClaims(), isLoaded: false,
                isResolved: false, objects: [], details: TeamUnit.Details(team: nil, manifests: [], files: []))
        }
        let resolution = checked.resolve(spec)
        var manifests: [Manifest] = []
        var problems: [Diagnostic] = []
        if let team = resolution.team, let settings = checked.settings {
            manifests = renderer.render(team, settings: settings)
            if let validator {
                problems = ManifestSchemaCheck(validator: validator, origins: ObjectOrigins(teams: [spec], templates: templates))
                    .diagnostics(for: manifests, inParallel: false)
            }
        }
        let files = manifests.map(Emitter.file(for:))
        let objects = zip(manifests, files).map { EmittedObject(address: $0.address, record: $1.record) }
        return TeamUnit(
            file: file, key: key, diagnostics: loadProblems + resolution.diagnostics, outputProblems: problems,
            claims: resolution.claims, isLoaded: true, isResolved: resolution.team != nil, objects: objects,
            details: TeamUnit.Details(team: resolution.team, manifests: manifests, files: files))
    }
}
