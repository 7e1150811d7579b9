import PedregalBasics
import PedregalDiagnostics
import PedregalEmitter
import PedregalKubernetesSchemas
import PedregalLoader
import PedregalManifests
import PedregalSpec

/// The compiler's last check before it emits anything: every rendered
/// object against Kubernetes' schemas (of the version templates/platform.yaml
/// targets) and the vendored CRDs. Input that passed the earlier stages must
/// never produce an invalid object, so a violation here is an internal error,
/// reported at the team file line that defined what the object was made from.
struct ManifestSchemaCheck: Sendable {
    let validator: ManifestValidator
    let origins: ObjectOrigins

    /// The validator for the version `platform` names (or the default);
    /// an unsupported version is an error at its line and yields nil.
    static func validator(for platform: PlatformTemplate) -> (ManifestValidator?, [Diagnostic]) {
        guard let version = platform.kubernetesVersion else {
            return (ManifestValidator(), [])
        }
        if let validator = ManifestValidator(kubernetesVersion: version.value) { return (validator, []) }
        let supported = ManifestValidator.supportedKubernetesVersions
        let message =
            "kubernetesVersion '\(version.value)' is not supported: pedregal carries the schemas of Kubernetes "
            + "\(supported.joined(separator: ", ")); write one of them (the default is \(ManifestValidator.defaultKubernetesVersion))"
        return (nil, [.error(.invalidValue, message, at: version.location)])
    }

    /// One internal error per broken object, naming the object, its file, the field and what is wrong.
    ///
    /// Templates kept as text in ConfigMaps are not parsed back here: that
    /// would triple the check's cost. `pedregal validate --manifests` and the
    /// golden tests check them.
    func diagnostics(for manifests: [Manifest], inParallel: Bool = true) -> [Diagnostic] {
        let validator = {
            var v = self.validator
            v.checksEmbeddedObjects = false
            return v
        }()
        let origins = self.origins
        let check = { @Sendable (manifest: Manifest) -> Diagnostic? in
            let violations = validator.violations(of: manifest.object)
            guard !violations.isEmpty else { return nil }
            let problems = violations.map(\.description).joined(separator: "; ")
            let message =
                "pedregal generated an invalid \(manifest.id) for cluster \(manifest.cluster) "
                + "(\(OutputLayout.path(for: manifest))): \(problems). This is a bug in pedregal, not in your files; please report it"
            return .error("internal", message, at: origins.location(of: manifest))
        }
        return (inParallel ? manifests.parallelMap(check) : manifests.map(check)).compactMap { $0 }
    }
}

/// Where in the input each object comes from: the definition in the team
/// file (job, Spark Connect cluster, environment, team), found from the
/// labels every object carries, or the template it was made from.
struct ObjectOrigins: Sendable {
    private var teams: [String: TeamSpec]
    private var templates: Templates

    init(teams: [TeamSpec], templates: Templates) {
        self.teams = Dictionary(teams.map { ($0.file, $0) }, uniquingKeysWith: { first, _ in first })
        self.templates = templates
    }

    func location(of manifest: Manifest) -> SourceLocation {
        let labels = manifest.object["metadata"]?["labels"]
        func label(_ key: String) -> String? { labels?[key]?.string }
        guard let team = teams[manifest.source] else {
            // Per-cluster objects: Argo CD's from platform.yaml's argocd, the
            // operator's settings (made from every team) from its operator fields.
            let platform = templates.platform
            if manifest.source == platform.file, let argocd = platform.argocd { return argocd.location }
            return platform.operatorNamespace?.location ?? platform.sparkOperator?.location ?? .startOf(platform.file)
        }
        if let job = label(Vocabulary.job), let spec = team.jobs.first(where: { $0.name?.value == job }) {
            return spec.location
        }
        if let cluster = label(Vocabulary.sparkConnect), let spec = team.sparkConnect.first(where: { $0.name?.value == cluster }) {
            return spec.location
        }
        if let environment = label(Vocabulary.environment),
            let spec = team.environments.first(where: { $0.name.value == environment })
        {
            return spec.name.location
        }
        return team.location
    }
}

extension ManifestValidator {
    /// The validator for the version the root's templates/platform.yaml
    /// names, else for the default version (a root without templates is fine);
    /// nil and an error at its line when that version has no schemas.
    public static func forRoot(_ tree: any SourceTree) -> (ManifestValidator?, [Diagnostic]) {
        ManifestSchemaCheck.validator(for: Loader().load(from: tree).templates.platform)
    }
}
