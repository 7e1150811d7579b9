import PedregalCompiler
import PedregalEmitter
import PedregalLoader
import PedregalManifests
import PedregalResolver

/// A team as one commit holds it: what answers need.
struct TeamAtCommit: Sendable {
    /// The team, resolved; nil when the commit has no such team (or it does not resolve).
    var team: ResolvedTeam?
    /// Its clusters the API manages, by name.
    var placements: [String: Placement]
    /// The platform's `groupPrefix` at that commit: how its owners match token groups.
    var groupPrefix: String?
}

extension TeamAtCommit {
    init(_ platform: ResolvedPlatform?, _ name: String) {
        team = platform?.teams.first { $0.name == name }
        placements = platform?.placements(team: name) ?? [:]
        groupPrefix = platform?.settings.groupPrefix
    }
}

/// Teams as commits hold them, for answers. A team's clusters depend only
/// on templates/ and its own file, so a commit the writer did not compile
/// whole is read as those files alone, resolved (no manifests), and cached
/// by their blob ids: a read costs one `ls-tree`, or nothing.
actor PlacementReader {
    private struct Compiled {
        var commit: String
        var compilation: Compilation
        /// Whether the commit's generated/ is exactly the compilation's files.
        var current: Bool
    }

    private let repository: RequestRepository
    private let compiler: CompileService
    // Whole compilations the writer made (the newest few), by commit.
    private var compiled: [Compiled] = []
    private var byCommit = BoundedCache<String, TeamAtCommit>(limit: 4096)
    private var byContent = BoundedCache<String, TeamAtCommit>(limit: 1024)
    private var manifestsByContent = BoundedCache<String, [Manifest]>(limit: 64)
    private var generated = BoundedCache<String, Bool>(limit: 8192)

    init(repository: RequestRepository, compiler: CompileService) {
        self.repository = repository
        self.compiler = compiler
    }

    /// Keeps a whole compilation of `commit`; `current` when the commit's
    /// generated/ is exactly its files (the service's own commits).
    func remember(_ commit: String, _ compilation: Compilation, current: Bool = true) {
        compiled.removeAll { $0.commit == commit }
        compiled.append(Compiled(commit: commit, compilation: compilation, current: current))
        if compiled.count > 8 { compiled.removeFirst() }
    }

    /// The whole compilation of `commit`, when the writer made it and it is current.
    func compilation(of commit: String) -> Compilation? {
        compiled.first { $0.commit == commit && $0.current }?.compilation
    }

    /// The newest whole platform the writer compiled (every team's owners, for lists).
    var latestPlatform: ResolvedPlatform? { compiled.last?.compilation.platform }

    /// `team` at `commit`.
    func team(_ team: String, at commit: String) async throws -> TeamAtCommit {
        if let whole = compiled.first(where: { $0.commit == commit }) {
            return TeamAtCommit(whole.compilation.platform, team)
        }
        let key = "\(commit) \(team)"
        if let hit = byCommit[key] { return hit }
        let (contentKey, names) = try await files(of: team, at: commit)
        let result: TeamAtCommit
        if let hit = byContent[contentKey] {
            result = hit
        } else {
            result = TeamAtCommit(await compiler.resolve(try await tree(names)), team)
            byContent[contentKey] = result
        }
        byCommit[key] = result
        return result
    }

    /// The manifests of `team` at `commit` (to read its objects from its cluster).
    func manifests(of team: String, at commit: String) async throws -> [Manifest] {
        if let whole = compiled.first(where: { $0.commit == commit }) {
            return whole.compilation.manifests.filter { $0.object["metadata"]?["labels"]?[Vocabulary.team]?.string == team }
        }
        let (contentKey, names) = try await files(of: team, at: commit)
        if let hit = manifestsByContent[contentKey] { return hit }
        let manifests = await compiler.compileAlone(try await tree(names)).manifests
        manifestsByContent[contentKey] = manifests
        return manifests
    }

    /// Whether generated/ at `commit` holds `path` (root-relative).
    func generated(_ path: String, at commit: String) async throws -> Bool {
        if let whole = compiled.first(where: { $0.commit == commit && $0.current }) {
            let relative = String(path.dropFirst(FileChanges.outputFolder.count))
            return whole.compilation.files.containsPath(relative)
        }
        let key = "\(commit):\(path)"
        if let hit = generated[key] { return hit }
        let found = try await repository.existing([path], at: commit).contains(path)
        generated[key] = found
        return found
    }

    /// templates/ and the team's file at `commit`: a key made of their blob ids, and their object names.
    private func files(of team: String, at commit: String) async throws -> (String, [(path: String, id: String)]) {
        let listing = try await repository.git.run([
            "ls-tree", "-r", "-z", "--full-tree", commit, "--", "templates", "teams/\(team).yaml",
        ])
        var names: [(path: String, id: String)] = []
        for entry in listing.stdout.split(separator: 0) {
            let text = String(decoding: entry, as: UTF8.self)
            guard let tab = text.firstIndex(of: "\t") else { continue }
            let fields = text[..<tab].split(separator: " ")
            if fields.count == 3, fields[1] == "blob" { names.append((String(text[text.index(after: tab)...]), String(fields[2]))) }
        }
        return (names.map { "\($0.path)=\($0.id)" }.joined(separator: " "), names)
    }

    private func tree(_ names: [(path: String, id: String)]) async throws -> MemorySourceTree {
        let contents = try await repository.objects(names.map(\.id))
        var files: [String: [UInt8]] = [:]
        for (name, bytes) in zip(names, contents) { files[name.path] = bytes }
        return MemorySourceTree(bytes: files)
    }
}

/// A dictionary that forgets its oldest entries past `limit`.
struct BoundedCache<Key: Hashable, Value> {
    private var values: [Key: Value] = [:]
    private var order: [Key] = []
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    subscript(key: Key) -> Value? {
        get { values[key] }
        set {
            if values[key] == nil, newValue != nil { order.append(key) }
            values[key] = newValue
            if order.count > limit {
                let drop = order.count - limit
                for old in order.prefix(drop) { values[old] = nil }
                order.removeFirst(drop)
            }
        }
    }
}

extension [OutputFile] {
    /// Whether the list (sorted by path, as the emitter makes it) holds `path`.
    func containsPath(_ path: String) -> Bool {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if self[middle].path == path { return true }
            if self[middle].path.utf8.lexicographicallyPrecedes(path.utf8) { low = middle + 1 } else { high = middle }
        }
        return false
    }
}

extension BoundedCache: Sendable where Key: Sendable, Value: Sendable {}
