import PedregalBasics
import PedregalDiagnostics
import PedregalSpec
import PedregalYAML

/// What the loader read: templates and teams as written, plus every problem
/// of syntax and shape.
public struct LoadedInput: Sendable {
    public var templates: Templates
    public var teams: [TeamSpec]
    public var diagnostics: [Diagnostic]
    /// Root-relative paths of every file read, in order.
    public var files: [String]
    /// Files (and missing template files) whose content could not be used
    /// at all: unreadable, not YAML, empty, or not a mapping. References
    /// into them are not reported again.
    public var unusableFiles: Set<String> = []
}

/// A file's bytes, or why they could not be read.
public enum FileRead: Sendable {
    case contents([UInt8])
    case problem(Diagnostic)
}

/// Reads `templates/*.yaml` and `teams/*.yaml` from a source tree. Files are
/// parsed and decoded in parallel; results come back in sorted path order.
public struct Loader: Sendable {
    /// The template files, in the order they are reported.
    public static let templateNames = ["platform", "environments", "regions", "sizes", "catalogs", "engines"]
    /// Template files that may be left out.
    public static let optionalTemplates: Set<String> = ["catalogs"]

    public var parser: YAMLParser

    public init(parser: YAMLParser = YAMLParser()) {
        self.parser = parser
    }

    /// Loads everything below the root of `tree`.
    public func load(from tree: any SourceTree) -> LoadedInput {
        var loaded = loadTemplates(from: tree)
        let (teamFiles, listing) = teamFiles(in: tree)
        let teams = teamFiles.parallelMap { path in loadTeam(path, contents: readFile(path, in: tree)) }
        loaded.diagnostics += listing
        for (team, found) in teams {
            loaded.diagnostics += found
            if let team { loaded.teams.append(team) }
        }
        loaded.files += teamFiles
        return loaded
    }

    /// Loads templates/ alone: `LoadedInput` with no teams.
    public func loadTemplates(from tree: any SourceTree) -> LoadedInput {
        var diagnostics: [Diagnostic] = []
        let templateFiles = locateTemplates(in: tree, diagnostics: &diagnostics)
        let results: [(Templates.Part?, [Diagnostic])] = templateFiles.parallelMap { file in
            let decoder = FileDecoder(file: file.path)
            guard let root = parseDocument(file.path, contents: readFile(file.path, in: tree), decoder: decoder) else {
                return (nil, decoder.diagnostics)
            }
            return (decoder.templatePart(file.name, root), decoder.diagnostics)
        }
        var templates = Templates(platform: PlatformTemplate(file: "templates/platform.yaml"))
        var unusable = Set(Self.templateNames.map { "templates/\($0).yaml" })
            .subtracting(templateFiles.map { "templates/\($0.name).yaml" })
        for ((part, found), file) in zip(results, templateFiles) {
            diagnostics += found
            if let part {
                templates.merge(part)
            } else {
                unusable.insert("templates/\(file.name).yaml")
            }
        }
        // A root that is not a mapping is as unusable as a missing file.
        for diagnostic in diagnostics where diagnostic.code == .wrongType && diagnostic.message.hasPrefix("the file must be") {
            unusable.insert(diagnostic.location.file)
        }
        var loaded = LoadedInput(templates: templates, teams: [], diagnostics: diagnostics, files: templateFiles.map(\.path))
        loaded.unusableFiles = unusable
        return loaded
    }

    /// The root-relative paths of the team files, in byte order, and any
    /// problem listing teams/.
    public func teamFiles(in tree: any SourceTree) -> (paths: [String], diagnostics: [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        let paths = listYAML(in: "teams", tree: tree, diagnostics: &diagnostics)
        return (paths, diagnostics)
    }

    /// The bytes of the file at `path`, or the problem reading it.
    public func readFile(_ path: String, in tree: any SourceTree) -> FileRead {
        do {
            guard let bytes = try tree.contents(of: path) else {
                return .problem(.error(.unreadableFile, "cannot read the file", at: .startOf(path)))
            }
            return .contents(bytes)
        } catch {
            return .problem(
                .error(
                    .unreadableFile, "cannot read the file: \(error); make it a readable YAML file or remove it", at: .startOf(path)))
        }
    }

    /// Parses and decodes one team file: the team as written (nil when the
    /// file is unusable) and every problem of syntax and shape in it.
    public func loadTeam(_ path: String, contents: FileRead) -> (team: TeamSpec?, diagnostics: [Diagnostic]) {
        let decoder = FileDecoder(file: path)
        guard let root = parseDocument(path, contents: contents, decoder: decoder) else { return (nil, decoder.diagnostics) }
        let team = decoder.team(root)
        return (team, decoder.diagnostics)
    }

    private func parseDocument(_ path: String, contents: FileRead, decoder: FileDecoder) -> YAMLNode? {
        let bytes: [UInt8]
        switch contents {
        case .contents(let read): bytes = read
        case .problem(let problem):
            decoder.append([problem])
            return nil
        }
        let result = parser.parse(bytes, file: path)
        decoder.append(result.diagnostics)
        if result.diagnostics.containsErrors && result.documents.isEmpty { return nil }
        guard let first = result.documents.first else {
            decoder.error(.missingKey, "the file is empty; it must hold a YAML mapping", at: .startOf(path))
            return nil
        }
        if result.documents.count > 1 {
            decoder.error(
                .unsupportedYAML,
                "the file holds \(result.documents.count) YAML documents; keep one (remove the '---' separators)",
                at: result.documents[1].location)
        }
        return first
    }

    private func locateTemplates(
        in tree: any SourceTree, diagnostics: inout [Diagnostic]
    ) -> [(name: String, path: String)] {
        let names: [String]
        do {
            names = try tree.fileNames(in: "templates") ?? []
        } catch {
            diagnostics.append(.error(.unreadableFile, "cannot list templates/: \(error)", at: .startOf("templates")))
            return []
        }
        var found: [(name: String, path: String)] = []
        let yamlNames = names.filter(Self.isYAML).sorted(by: Self.byteOrder)
        for name in yamlNames {
            let stem = Self.stem(name)
            let path = "templates/\(name)"
            if !Self.templateNames.contains(stem) {
                diagnostics.append(
                    .error(
                        .unknownFile,
                        "unknown template file '\(name)'"
                            + Suggestion.hint(
                                for: name, in: Self.templateNames.map { "\($0).yaml" },
                                then: "templates/ holds \(Self.templateNames.map { "\($0).yaml" }.joined(separator: ", "))"),
                        at: .startOf(path)))
            } else if let earlier = found.first(where: { $0.name == stem }) {
                diagnostics.append(
                    .error(
                        .unknownFile, "'\(path)' and '\(earlier.path)' both define \(stem); keep one",
                        at: .startOf(path)))
            } else {
                found.append((stem, path))
            }
        }
        for name in Self.templateNames
        where !Self.optionalTemplates.contains(name)
            && !found.contains(where: { $0.name == name })
        {
            diagnostics.append(
                .error(
                    .missingFile, "missing template file templates/\(name).yaml", at: .startOf("templates/\(name).yaml")))
        }
        return Self.templateNames.compactMap { name in found.first { $0.name == name } }
    }

    private func listYAML(in directory: String, tree: any SourceTree, diagnostics: inout [Diagnostic]) -> [String] {
        do {
            return (try tree.fileNames(in: directory) ?? []).filter(Self.isYAML).sorted(by: Self.byteOrder)
                .map { "\(directory)/\($0)" }
        } catch {
            diagnostics.append(.error(.unreadableFile, "cannot list \(directory)/: \(error)", at: .startOf(directory)))
            return []
        }
    }

    static func isYAML(_ name: String) -> Bool {
        !name.hasPrefix(".") && (name.hasSuffix(".yaml") || name.hasSuffix(".yml"))
    }

    static func stem(_ name: String) -> String {
        name.hasSuffix(".yaml") ? String(name.dropLast(5)) : String(name.dropLast(4))
    }

    /// Byte order, not the locale's collation: output must not depend on
    /// the machine.
    static func byteOrder(_ a: String, _ b: String) -> Bool {
        ByteOrder.precedes(a, b)
    }
}

extension Templates {
    /// One decoded template file.
    public enum Part: Sendable {
        case platform(PlatformTemplate)
        case environments([EnvironmentTemplate])
        case regions([RegionTemplate])
        case sizes([SizeTemplate])
        case catalogs([CatalogTemplate])
        case engines(EngineTemplates)
    }

    mutating func merge(_ part: Part) {
        switch part {
        case .platform(let p): platform = p
        case .environments(let e): environments = e
        case .regions(let r): regions = r
        case .sizes(let s): sizes = s
        case .catalogs(let c): catalogs = c
        case .engines(let e): engines = e
        }
    }
}

extension FileDecoder {
    func templatePart(_ name: String, _ root: YAMLNode) -> Templates.Part {
        switch name {
        case "platform": return .platform(platform(root))
        case "environments": return .environments(environments(root))
        case "regions": return .regions(regions(root))
        case "sizes": return .sizes(sizes(root))
        case "catalogs": return .catalogs(catalogs(root))
        default: return .engines(engines(root))
        }
    }
}
