import PedregalBasics
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
///
/// Each team file is compiled on its own into a ``TeamUnit`` (load, resolve,
/// render, schema check, emit), in parallel; only the cross-team rules and
/// the per-cluster objects look at all teams, and they need only what each
/// unit claims and the addresses of its objects. Given a
/// ``CompilationCache``, units whose inputs did not change are reused.
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
    /// happen only when no stage found an error. With a `cache`, teams whose
    /// file and templates/ did not change are not compiled again (and the
    /// cache is updated); the result is the same, byte for byte.
    public func compile(_ tree: any SourceTree, cache: CompilationCache? = nil) -> Compilation {
        let pass = run(tree, cache: cache, materializing: nil)
        var compilation = Compilation(diagnostics: pass.diagnostics, platform: pass.platform, inputs: pass.inputs)
        guard let outputs = pass.outputs else { return compilation }
        compilation.manifests = pass.units.flatMap { $0.details?.manifests ?? [] } + outputs.clusterManifests
        compilation.files = outputs.files
        compilation.outputs = outputs.records
        return compilation
    }

    /// Compiles like ``compile(_:cache:)``, but keeps the bytes only of the
    /// files it made: units the cache holds without details (read back from
    /// disk) are reused as they are unless their file is in `materializing`.
    /// What `generate` and `check` use with the cache on disk.
    public func compileOutputs(_ tree: any SourceTree, cache: CompilationCache, materializing: Set<String> = []) -> OutputCompilation {
        let pass = run(tree, cache: cache, materializing: materializing, sortingOutputs: false)
        var result = OutputCompilation(diagnostics: pass.diagnostics, inputs: pass.inputs)
        guard let outputs = pass.outputs else { return result }
        result.records = outputs.records
        result.fileCount = outputs.records.count
        for unit in pass.units {
            for file in unit.details?.files ?? [] { result.contents[file.path] = file.contents }
        }
        for file in outputs.clusterFiles { result.contents[file.path] = file.contents }
        result.units = pass.units
        return result
    }

    /// What one run of the pipeline found and made.
    struct Pass {
        var diagnostics: [Diagnostic]
        var inputs: [String]
        var units: [TeamUnit]
        var platform: ResolvedPlatform?
        /// Nil when there are errors.
        var outputs: Outputs?

        struct Outputs {
            var clusterManifests: [Manifest]
            var clusterFiles: [OutputFile]
            /// Every file, sorted by path.
            var records: [OutputRecord]
            /// The same files with their bytes, when every unit has its details.
            var files: [OutputFile]
        }
    }

    /// `materializing`: nil to require every unit's details (recompiling
    /// units that lack them), else the team files whose details are needed.
    /// `sortingOutputs`: whether the outputs come sorted by path, or in the
    /// order the units made them (what comparing with a folder needs; sorting
    /// 100,000 paths was a tenth of a `check`).
    func run(_ tree: any SourceTree, cache: CompilationCache?, materializing: Set<String>?, sortingOutputs: Bool = true) -> Pass {
        let templates = loader.loadTemplates(from: tree)
        let (teamFiles, listing) = loader.teamFiles(in: tree)
        let checked = resolver.check(templates.templates, brokenFiles: templates.unusableFiles)
        let (validator, versionProblems) = ManifestSchemaCheck.validator(for: templates.templates.platform)
        let context = TeamUnitContext(
            loader: loader, renderer: renderer, templates: templates.templates, checked: checked,
            validator: checksManifests ? validator : nil,
            keyPrefix: keyPrefix(tree, templateFiles: templates.files, fingerprint: cache?.fingerprint ?? ""))
        let units: [TeamUnit] = teamFiles.parallelMap { file in
            let contents = loader.readFile(file, in: tree)
            guard case .contents(let bytes) = contents else { return context.unreadable(file, contents) }
            let key = context.key(file: file, bytes: bytes)
            let needsDetails = materializing.map { $0.contains(file) } ?? true
            if let kept = cache?.unit(for: file, key: key), kept.details != nil || !needsDetails { return kept }
            let unit = context.compile(file, bytes: bytes, key: key)
            cache?.store(unit)
            return unit
        }
        cache?.keepOnly(Set(teamFiles))

        var diagnostics =
            templates.diagnostics + listing + checked.diagnostics + units.flatMap(\.diagnostics)
            + checked.crossTeamDiagnostics(units.map(\.claims)) + versionProblems
        // A team is only ever left out because of an error; if a rule ever
        // forgets to say why, say so rather than drop the team silently.
        if !diagnostics.containsErrors, checked.settings != nil {
            for unit in units where unit.isLoaded && !unit.isResolved {
                diagnostics.append(
                    .error("internal", "this team could not be resolved, and no rule said why; please report it", at: .startOf(unit.file)))
            }
        }
        let teams = units.compactMap { $0.details?.team }
        var pass = Pass(
            diagnostics: diagnostics.sorted(), inputs: templates.files + teamFiles, units: units,
            platform: materializing == nil ? checked.platform(teams: teams) : nil)
        guard !diagnostics.containsErrors, let settings = checked.settings else { return pass }

        let clusterManifests = renderer.renderClusters(
            settings: settings, regions: checked.regions, rendered: units.flatMap { $0.objects.map(\.address) })
        var problems = units.flatMap(\.outputProblems)
        if let validator = context.validator {
            problems += ManifestSchemaCheck(validator: validator, origins: ObjectOrigins(teams: [], templates: templates.templates))
                .diagnostics(for: clusterManifests)
        }
        guard problems.isEmpty else {
            pass.diagnostics = (diagnostics + problems).sorted()
            return pass
        }
        let clusterFiles = clusterManifests.map(Emitter.file(for:))
        // One sort for the records and, where the units have them, the bytes.
        var entries: [(record: OutputRecord, file: OutputFile?)] = []
        entries.reserveCapacity(units.reduce(clusterFiles.count) { $0 + $1.objects.count })
        for unit in units {
            if let files = unit.details?.files {
                for (object, file) in zip(unit.objects, files) { entries.append((object.record, file)) }
            } else {
                for object in unit.objects { entries.append((object.record, nil)) }
            }
        }
        for file in clusterFiles { entries.append((file.record, file)) }
        if sortingOutputs { entries = ByteOrder.sortedPositions(entries.map(\.record.path)).map { entries[$0] } }
        let records = entries.map(\.record)
        if let path = sortingOutputs ? Emitter.firstCollision(in: records.map(\.path)) : Emitter.collision(in: records.map(\.path)) {
            pass.diagnostics =
                (diagnostics + [
                    .error("internal", "\(Emitter.CollisionError(path: path)); please report this", at: .startOf("teams"))
                ]).sorted()
            return pass
        }
        let files = entries.compactMap(\.file)
        pass.outputs = Pass.Outputs(
            clusterManifests: clusterManifests, clusterFiles: clusterFiles, records: records,
            files: files.count == records.count ? files : [])
        return pass
    }

    /// pedregal's version and every setting of this compiler that can change its output: two
    /// compilers with the same signature make the same output from the same files.
    public var signature: String {
        "pedregal \(PedregalVersion.current) \(resolver.version) checks-manifests=\(checksManifests) parser=\(loader.parser.limits) renderers=\(renderer.signature)"
    }

    /// What every unit key starts with: the build, the compiler's settings,
    /// and every file of templates/ (names and bytes).
    private func keyPrefix(_ tree: any SourceTree, templateFiles: [String], fingerprint: String) -> ContentDigest {
        var parts: [[UInt8]] = [Array("\(signature) \(fingerprint)".utf8)]
        let names = ((try? tree.fileNames(in: "templates")) ?? nil) ?? []
        parts.append(Array(names.sorted(by: ByteOrder.precedes).joined(separator: "\n").utf8))
        for file in templateFiles {
            parts.append(Array(file.utf8))
            switch loader.readFile(file, in: tree) {
            case .contents(let bytes): parts.append(bytes)
            case .problem(let problem): parts.append(Array(problem.description.utf8))
            }
        }
        return ContentDigest(ofParts: parts)
    }
}

/// The result of ``Compiler/compileOutputs(_:cache:materializing:)``.
public struct OutputCompilation: Sendable {
    /// Every problem found, sorted by location.
    public var diagnostics: [Diagnostic]
    /// Root-relative paths of every input file read.
    public var inputs: [String]
    /// Every file of generated/ by path and digest, in the order the team
    /// units made them, then the per-cluster files (not sorted); empty when
    /// there are errors.
    public var records: [OutputRecord] = []
    /// The bytes of the files made in this run (path → bytes).
    public var contents: [String: [UInt8]] = [:]
    /// The team units, in file order.
    public var units: [TeamUnit] = []
    /// How many files generated/ holds (the count of ``records`` when this run compiled).
    public var fileCount = 0
    /// Whether this result is the last compile's, reused because nothing that compile read had
    /// changed (see `Workspace`): then ``records``, ``contents`` and ``units`` are empty.
    public var isReused = false

    /// The team files whose units made any of `paths` (files of
    /// generated/); per-cluster files come from none.
    public func teamFiles(making paths: [String]) -> Set<String> {
        let wanted = Set(paths)
        var files: Set<String> = []
        for unit in units where unit.objects.contains(where: { wanted.contains($0.record.path) }) { files.insert(unit.file) }
        return files
    }

    public init(diagnostics: [Diagnostic], inputs: [String]) {
        self.diagnostics = diagnostics
        self.inputs = inputs
    }

    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { diagnostics.containsErrors }
}

/// The result of a compilation.
public struct Compilation: Sendable {
    /// Every problem found, sorted by location.
    public var diagnostics: [Diagnostic]
    /// The resolved platform, when templates/platform.yaml was usable.
    public var platform: ResolvedPlatform?
    /// Root-relative paths of every input file read.
    public var inputs: [String]
    /// The manifests: each team's in team order, then the per-cluster ones;
    /// empty when there are errors.
    public var manifests: [Manifest] = []
    /// The files of generated/, sorted by path; empty when there are errors.
    public var files: [OutputFile] = []
    /// The same files by path and digest.
    public var outputs: [OutputRecord] = []

    public init(diagnostics: [Diagnostic], platform: ResolvedPlatform?, inputs: [String]) {
        self.diagnostics = diagnostics
        self.platform = platform
        self.inputs = inputs
    }

    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { diagnostics.containsErrors }
}
