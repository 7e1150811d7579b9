import PedregalBasics
import PedregalCompiler
import PedregalEmitter
import PedregalLoader
import PedregalSpec

/// The target branch's head as the writer builds on it: its inputs in
/// memory and their compilation, so a change compiles and commits without
/// reading the repository again. Moving it to another commit reads only
/// what changed.
struct TargetSnapshot: Sendable {
    /// The commit.
    var commit: String
    /// `teams/` and `templates/`: path → bytes.
    var sources: [String: [UInt8]]
    /// The root compiled.
    var compilation: Compilation
    /// templates/ as written (size and catalog names for request checks).
    var templates: Templates
    /// generated/ paths whose committed bytes are not the compilation's (a
    /// hand-made commit that did not regenerate): the next change writes them.
    var stale: Set<String> = []

    /// The tree the compiler reads.
    var tree: MemorySourceTree { MemorySourceTree(bytes: sources) }

    /// Reads and compiles `commit` whole, and compares its generated/ with the compilation.
    static func load(_ commit: String, from repository: RequestRepository, compiler: CompileService) async throws -> TargetSnapshot {
        let sources = try await repository.sources(at: commit)
        let tree = MemorySourceTree(bytes: sources)
        let compilation = await compiler.compile(tree)
        var snapshot = TargetSnapshot(
            commit: commit, sources: sources, compilation: compilation, templates: compiler.templates(tree))
        guard !compilation.hasErrors else { return snapshot }
        let committed = try await repository.blobIDs(under: "generated", at: commit)
        let ids = compilation.files.parallelMap { RequestRepository.blobID($0.contents) }
        var produced: Set<String> = []
        for (file, id) in zip(compilation.files, ids) {
            let path = FileChanges.outputFolder + file.path
            produced.insert(path)
            if committed[path] != id { snapshot.stale.insert(path) }
        }
        let leftOver = committed.keys.filter { !produced.contains($0) }
        snapshot.stale.formUnion(try await generatedByPedregal(leftOver.sorted(), at: commit, in: repository))
        return snapshot
    }

    /// This snapshot moved to `commit` (a descendant made by someone else):
    /// reads the inputs that changed, compiles, and checks the generated/
    /// files that either side changed.
    func moved(to commit: String, in repository: RequestRepository, compiler: CompileService) async throws -> TargetSnapshot {
        var sources = self.sources
        for (path, bytes) in try await repository.sourceChanges(from: self.commit, to: commit) { sources[path] = bytes }
        let tree = MemorySourceTree(bytes: sources)
        let compilation = await compiler.compile(tree)
        var snapshot = TargetSnapshot(
            commit: commit, sources: sources, compilation: compilation, templates: compiler.templates(tree))
        guard !compilation.hasErrors else { return snapshot }
        var candidates = stale
        for change in try await repository.changedPaths(from: self.commit, to: commit, under: ["generated"]) {
            candidates.insert(change.path)
        }
        let compiledChanges = FileChanges.between(self.compilation.files, compilation.files)
        candidates.formUnion(compiledChanges.written.keys)
        candidates.formUnion(compiledChanges.removed)
        guard !candidates.isEmpty else { return snapshot }
        let paths = candidates.sorted()
        let committed = try await repository.objectIDs(of: paths, at: commit)
        var compiled: [String: [UInt8]] = [:]
        for file in compilation.files where candidates.contains(FileChanges.outputFolder + file.path) {
            compiled[FileChanges.outputFolder + file.path] = file.contents
        }
        var leftOver: [String] = []
        for path in paths {
            if let bytes = compiled[path] {
                if committed[path] != RequestRepository.blobID(bytes) { snapshot.stale.insert(path) }
            } else if committed[path] != nil {
                leftOver.append(path)
            }
        }
        snapshot.stale.formUnion(try await Self.generatedByPedregal(leftOver, at: commit, in: repository))
        return snapshot
    }

    /// Those of `paths` (committed, not produced) that pedregal wrote and
    /// `generate` would remove; a README or a hand-written file stays.
    static func generatedByPedregal(_ paths: [String], at commit: String, in repository: RequestRepository) async throws -> Set<String> {
        let candidates = paths.filter { !OutputLayout.isAllowedExtra(String($0.dropFirst(FileChanges.outputFolder.count))) }
        guard !candidates.isEmpty else { return [] }
        let header = Array(OutputLayout.headerPrefix.utf8)
        let contents = try await repository.objects(candidates.map { "\(commit):\($0)" }, allowMissing: true)
        return Set(zip(candidates, contents).compactMap { path, bytes in bytes?.starts(with: header) == true ? path : nil })
    }
}

extension RequestRepository {
    /// Blob ids of `paths` at `commit` (missing ones left out).
    func objectIDs(of paths: [String], at commit: String) async throws -> [String: String] {
        guard !paths.isEmpty else { return [:] }
        let input = paths.map { "\(commit):\($0)\n" }.joined()
        let output = try await git.run(["cat-file", "--batch-check"], input: Array(input.utf8))
        var ids: [String: String] = [:]
        for (path, line) in zip(paths, output.text.split(separator: "\n", omittingEmptySubsequences: false)) {
            let fields = line.split(separator: " ")
            if fields.count == 3 { ids[path] = String(fields[0]) }
        }
        return ids
    }
}
