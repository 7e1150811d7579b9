import Foundation
import PedregalCompiler
import PedregalLoader
import PedregalResolver
import PedregalSpec

/// Every compile the service makes goes through here, off Swift's
/// cooperative threads (a compile of thousands of teams must not hold the
/// threads that answer reads), with one long-lived compiler and one
/// in-memory cache: compiling the root with one team file changed compiles
/// that team again, and reuses every other.
public final class CompileService: Sendable {
    private let compiler = Compiler()
    // Two units per team file: the target's and a review branch's version
    // of the same team are compiled in turn.
    private let cache = CompilationCache(unitsPerFile: 2)
    private let queue = DispatchQueue(label: "pedregal.compile", attributes: .concurrent)

    /// Creates the service.
    public init() {}

    /// The whole pipeline over the root `tree`, through the cache.
    public func compile(_ tree: any SourceTree) async -> Compilation {
        let (compiler, cache) = (self.compiler, self.cache)
        return await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: compiler.compile(tree, cache: cache)) }
        }
    }

    /// The whole pipeline over a part of a root (one team and templates/),
    /// without the cache: the cache keeps the units of the last root it saw.
    public func compileAlone(_ tree: any SourceTree) async -> Compilation {
        let compiler = self.compiler
        return await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: compiler.compile(tree)) }
        }
    }

    /// Load and resolve only: what a cluster's state needs (no manifests).
    public func resolve(_ tree: any SourceTree) async -> ResolvedPlatform? {
        let compiler = self.compiler
        return await withCheckedContinuation { continuation in
            queue.async {
                let loaded = compiler.loader.load(from: tree)
                let resolved = compiler.resolver.resolve(
                    templates: loaded.templates, teams: loaded.teams, brokenFiles: loaded.unusableFiles)
                continuation.resume(returning: resolved.platform)
            }
        }
    }

    /// templates/ of `tree` as written (size and catalog names for request checks).
    public func templates(_ tree: any SourceTree) -> Templates {
        compiler.loader.load(from: TemplatesOnly(base: tree)).templates
    }
}

/// Only templates/ of another tree, to read the templates alone.
struct TemplatesOnly: SourceTree {
    let base: any SourceTree

    func fileNames(in directory: String) throws -> [String]? {
        directory == "templates" ? try base.fileNames(in: directory) : nil
    }

    func contents(of path: String) throws -> [UInt8]? {
        path.hasPrefix("templates/") ? try base.contents(of: path) : nil
    }
}
