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

    /// Compiles the root: every diagnostic, and every output file by digest.
    public func validate() -> OutputCompilation {
        let units = cache?.load() ?? CompilationCache()
        let result = compiler.compileOutputs(tree, cache: units)
        cache?.save(result.units)
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
        let units = cache?.load() ?? CompilationCache()
        var compilation = compiler.compileOutputs(tree, cache: units)
        guard !compilation.hasErrors else {
            cache?.save(compilation.units)
            return Generation(compilation: compilation, plan: nil)
        }
        let directory = OutputDirectory(url: output)
        let state = directory.state(index: cache?.index(for: outputPath))
        var (plan, missing) = directory.plan(compilation.records, contents: compilation.contents, state: state)
        if !missing.isEmpty {
            // Files of unchanged teams that the folder lacks or holds edited:
            // their teams are compiled again to have their bytes.
            let teams = compilation.teamFiles(making: missing)
            compilation = compiler.compileOutputs(tree, cache: units, materializing: teams)
            (plan, missing) = directory.plan(compilation.records, contents: compilation.contents, state: state)
            guard missing.isEmpty else {
                throw OutputDirectory.WriteError(description: "pedregal could not make \(missing[0]); this is a bug, please report it")
            }
        }
        let index = try directory.apply(plan, updating: state)
        cache?.save(compilation.units)
        cache?.save(index, for: outputPath)
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
        let units = cache?.load() ?? CompilationCache()
        let compilation = compiler.compileOutputs(tree, cache: units)
        cache?.save(compilation.units)
        guard !compilation.hasErrors else { return Check(compilation: compilation, difference: nil) }
        let directory = OutputDirectory(url: output)
        let previous = cache?.index(for: outputPath)
        let state = directory.state(index: previous)
        // What was read is remembered, so the next check reads nothing that did not change.
        if state.indexDiffers(from: previous) { cache?.save(state.index, for: outputPath) }
        return Check(compilation: compilation, difference: directory.difference(compilation.records, state: state))
    }
}
