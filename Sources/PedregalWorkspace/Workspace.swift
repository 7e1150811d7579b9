import Foundation
import PedregalCompiler
import PedregalDiagnostics
import PedregalEmitter
import PedregalLoader

/// A root folder on disk as `validate`, `generate` and `check` work on it:
/// compiled through the cache in `.pedregal/cache` (only teams whose file
/// changed are compiled again) and compared with the output folder through
/// its index (only files whose `stat` changed are read again).
///
/// Results are the same as a compile without the cache, byte for byte;
/// a missing, damaged or foreign cache only costs time.
public struct Workspace: Sendable {
    /// The root (holding teams/ and templates/).
    public let root: URL
    /// The output folder (`generated/`).
    public let output: URL
    /// The cache; nil to compile everything and read every file.
    public let cache: CacheFolder?
    public var compiler: Compiler

    public init(root: URL, output: URL, cache: CacheFolder?, compiler: Compiler = Compiler()) {
        self.root = root
        self.output = output
        self.cache = cache
        self.compiler = compiler
    }

    /// The cache of `root`, unless `PEDREGAL_CACHE` is `off`.
    public static func defaultCache(root: URL, environment: [String: String] = ProcessInfo.processInfo.environment) -> CacheFolder? {
        environment["PEDREGAL_CACHE"] == "off" ? nil : CacheFolder(root: root)
    }

    private var tree: DiskSourceTree { DiskSourceTree(root: root) }
    private var outputPath: String { output.standardizedFileURL.path }

    /// The memo of the last compile, when nothing it read has changed (and it was made by this
    /// executable with this compiler's settings).
    private func unchangedMemo() -> RootMemo? {
        guard let memo = cache?.memo(), memo.signature == compiler.signature, memo.holds(in: tree) else { return nil }
        return memo
    }

    /// Compiles through a tree that records every read, for the memo.
    private func compileRecording(
        _ recorder: RecordingSourceTree, units: CompilationCache, materializing: Set<String> = []
    ) -> OutputCompilation {
        compiler.compileOutputs(recorder, cache: units, materializing: materializing)
    }

    /// Keeps the memo of `compilation`, what `recorder` saw, and the output folder it was found
    /// to match, if any.
    private func remember(_ compilation: OutputCompilation, _ recorder: RecordingSourceTree, verifiedWith checksum: ContentDigest?) {
        let verified = checksum.map { RootMemo.Verified(folder: outputPath, indexChecksum: $0) }
        cache?.save(RootMemo(signature: compiler.signature, tree: recorder, compilation: compilation, verified: verified))
    }

    /// The output folder as the memo knows it: its state, found with the index the memo was
    /// verified with (when it still is the kept one), and whether that shows the folder holding
    /// exactly the memo's result.
    private func folderAgainst(_ memo: RootMemo?, stored: CacheFolder.StoredIndex?) -> FolderState? {
        guard let memo, !memo.compilation.hasErrors, let stored, memo.indexChecksum(verifying: outputPath) == stored.checksum else {
            return nil
        }
        return OutputDirectory(url: output).state(index: stored.index)
    }

    /// After the folder was found holding the memo's result: when files had to be read to know
    /// it (their `stat` changed, not their bytes), the index keeps their new `stat` and the memo
    /// the new index, so the next run reads none of them.
    private func refresh(_ memo: RootMemo, found state: FolderState) {
        guard state.filesRead > 0, let cache else { return }
        var memo = memo
        memo.verified = cache.save(state.index, for: outputPath).map { RootMemo.Verified(folder: outputPath, indexChecksum: $0) }
        cache.save(memo)
    }

    /// What the memo of the last compile answers before anything is compiled.
    private enum Memoized {
        /// Nothing changed, and the root has errors.
        case errors(OutputCompilation)
        /// Nothing changed, and the output folder holds exactly the result.
        case upToDate(OutputCompilation)
        /// Compile: the output folder's index as kept, and its state when it was already found.
        case compile(stored: CacheFolder.StoredIndex?, state: FolderState?)
    }

    private func memoized() -> Memoized {
        let memo = unchangedMemo()
        if let memo, memo.compilation.hasErrors { return .errors(memo.compilation) }
        let stored = cache?.storedIndex(for: outputPath)
        let known = folderAgainst(memo, stored: stored)
        if let memo, let known, known.holdsExactlyTheGivenIndex {
            refresh(memo, found: known)
            return .upToDate(memo.compilation)
        }
        return .compile(stored: stored, state: known)
    }

    /// Compiles the root: every diagnostic, and every output file by digest.
    public func validate() -> OutputCompilation {
        if let memo = unchangedMemo() { return memo.compilation }
        let recorder = RecordingSourceTree(tree)
        let units = cache?.load() ?? CompilationCache()
        let result = compileRecording(recorder, units: units)
        cache?.save(result.units)
        remember(result, recorder, verifiedWith: nil)
        return result
    }

    /// What `generate` did.
    public struct Generation: Sendable {
        public var compilation: OutputCompilation
        /// Nil when the root has errors (nothing was written).
        public var plan: WritePlan?
    }

    /// Compiles the root and, when it has no errors, makes the output folder
    /// hold exactly its files (all or nothing; foreign files are refused,
    /// other files left alone).
    public func generate() throws -> Generation {
        let stored: CacheFolder.StoredIndex?
        switch memoized() {
        case .errors(let compilation): return Generation(compilation: compilation, plan: nil)
        case .upToDate(let compilation): return Generation(compilation: compilation, plan: WritePlan())
        // The folder is looked at again after compiling, so what is written is planned against
        // the folder as it is then (a file made meanwhile at a generated path is refused).
        case .compile(let index, _): stored = index
        }

        let recorder = RecordingSourceTree(tree)
        let units = cache?.load() ?? CompilationCache()
        var compilation = compileRecording(recorder, units: units)
        guard !compilation.hasErrors else {
            cache?.save(compilation.units)
            remember(compilation, recorder, verifiedWith: nil)
            return Generation(compilation: compilation, plan: nil)
        }
        let directory = OutputDirectory(url: output)
        let state = directory.state(index: stored?.index)
        var (plan, missing) = directory.plan(compilation.records, contents: compilation.contents, state: state)
        if !missing.isEmpty {
            // Files of unchanged teams that the folder lacks or holds edited:
            // their teams are compiled again to have their bytes.
            let teams = compilation.teamFiles(making: missing)
            compilation = compileRecording(recorder, units: units, materializing: teams)
            (plan, missing) = directory.plan(compilation.records, contents: compilation.contents, state: state)
            guard missing.isEmpty else {
                throw OutputDirectory.WriteError(description: "pedregal could not make \(missing[0]); this is a bug, please report it")
            }
        }
        let index = try directory.apply(plan, updating: state)
        cache?.save(compilation.units)
        // The folder now holds exactly the compilation's files, as the index says; when nothing was
        // written or read, that is the kept index (a change to a comment changes no file).
        let unchanged = plan.changesNothing && state.filesRead == 0 && state.holdsExactlyTheGivenIndex
        let checksum = unchanged ? stored?.checksum : cache?.save(index, for: outputPath)
        remember(compilation, recorder, verifiedWith: checksum)
        return Generation(compilation: compilation, plan: plan)
    }

    /// What `check` found.
    public struct Check: Sendable {
        public var compilation: OutputCompilation
        /// Nil when the root has errors.
        public var difference: FolderDifference?
    }

    /// Compiles the root and compares the output folder with its files,
    /// writing nothing there.
    public func check() -> Check {
        let (stored, known): (CacheFolder.StoredIndex?, FolderState?)
        switch memoized() {
        case .errors(let compilation): return Check(compilation: compilation, difference: nil)
        case .upToDate(let compilation): return Check(compilation: compilation, difference: FolderDifference())
        case .compile(let index, let state): (stored, known) = (index, state)
        }

        let recorder = RecordingSourceTree(tree)
        let units = cache?.load() ?? CompilationCache()
        let compilation = compileRecording(recorder, units: units)
        cache?.save(compilation.units)
        guard !compilation.hasErrors else {
            remember(compilation, recorder, verifiedWith: nil)
            return Check(compilation: compilation, difference: nil)
        }
        let directory = OutputDirectory(url: output)
        let state = known ?? directory.state(index: stored?.index)
        // What was read is remembered, so the next check reads nothing that did not change.
        let checksum = state.indexDiffers(from: stored?.index) ? cache?.save(state.index, for: outputPath) : stored?.checksum
        let difference = directory.difference(compilation.records, state: state)
        remember(compilation, recorder, verifiedWith: difference.isEmpty ? checksum : nil)
        return Check(compilation: compilation, difference: difference)
    }
}
