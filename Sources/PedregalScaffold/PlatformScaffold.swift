import PedregalCompiler
import PedregalLoader

/// A new platform repository, as `pedregal init` writes it: commented
/// templates/, one example team, the README section for teams, the CI
/// workflow, the editor schema and `.gitignore`. It validates and generates
/// as it is.
public struct PlatformScaffold: Sendable {
    /// The DNS zone of the platform (`domain:` in templates/platform.yaml).
    public var domain: String
    /// The example team's name.
    public var exampleTeam: String

    /// A scaffold for a platform at `domain`.
    public init(domain: String = "example.com", exampleTeam: String = "analytics") {
        self.domain = domain
        self.exampleTeam = exampleTeam
    }

    /// The default runner image of this platform, which the workflow copies
    /// pedregal out of.
    public var runnerImage: String { "registry.\(domain)/pedregal:\(PedregalVersion.current)" }

    /// The template files alone.
    public var templateFiles: [ScaffoldFile] {
        [
            ScaffoldFile(path: "templates/platform.yaml", contents: TemplateTexts.platform(domain: domain)),
            ScaffoldFile(path: "templates/environments.yaml", contents: TemplateTexts.environments),
            ScaffoldFile(path: "templates/regions.yaml", contents: TemplateTexts.regions(domain: domain)),
            ScaffoldFile(path: "templates/sizes.yaml", contents: TemplateTexts.sizes),
            ScaffoldFile(path: "templates/catalogs.yaml", contents: TemplateTexts.catalogs(domain: domain)),
            ScaffoldFile(path: "templates/engines.yaml", contents: TemplateTexts.engines),
        ]
    }

    /// Every file, sorted by path. The example team is written by
    /// `TeamScaffold` from the templates above, as `pedregal init --team` would.
    public var files: [ScaffoldFile] {
        let templates = templateFiles
        let loaded = Loader().load(from: MemorySourceTree(Dictionary(uniqueKeysWithValues: templates.map { ($0.path, $0.contents) })))
        let firstEnvironment = loaded.templates.environments.first?.name.value ?? "dev"
        let others = [
            TeamScaffold(name: exampleTeam, templates: loaded.templates).file,
            ScaffoldFile(
                path: "README.md",
                contents: RepositoryTexts.readme(domain: domain, exampleTeam: exampleTeam, firstEnvironment: firstEnvironment)),
            ScaffoldFile(path: RepositoryTexts.workflowPath, contents: RepositoryTexts.workflow(image: runnerImage)),
            ScaffoldFile(path: ".gitignore", contents: RepositoryTexts.gitignore),
            ScaffoldFile(path: "schemas/team.schema.json", contents: EditorSchema.team),
        ]
        return (templates + others).sorted { $0.path < $1.path }
    }

    /// Compiles `files` in memory, as `pedregal validate` would once they are
    /// written.
    public static func compile(_ files: [ScaffoldFile]) -> Compilation {
        Compiler().compile(MemorySourceTree(Dictionary(uniqueKeysWithValues: files.map { ($0.path, $0.contents) })))
    }
}
