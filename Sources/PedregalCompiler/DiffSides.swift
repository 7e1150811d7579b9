import Foundation
import PedregalDiagnostics
import PedregalDiff
import PedregalLoader

/// Compiles the two sides of a diff.
public struct DiffSides: Sendable {
    /// Where the base comes from.
    public enum Base: Sendable {
        /// A git revision of the repository holding the root.
        case gitRevision(String)
        /// Another root folder.
        case folder(URL)
    }

    /// What comparing the sides gave.
    public enum Outcome: Sendable {
        /// A side does not compile; its diagnostics, and which side it is.
        case invalid(side: String, diagnostics: [Diagnostic])
        case report(DiffReport)
    }

    public var root: URL
    public var base: Base
    public var compiler: Compiler

    public init(root: URL, base: Base, compiler: Compiler = Compiler()) {
        self.root = root
        self.base = base
        self.compiler = compiler
    }

    /// A label for the base in reports.
    public var baseLabel: String {
        switch base {
        case .gitRevision(let revision): return revision
        case .folder(let url): return url.path
        }
    }

    /// Compiles both sides and compares them. Throws when the base cannot be
    /// read (an unknown revision, a missing folder).
    public func compare() throws -> Outcome {
        // Teams whose file is the same on both sides (nearly all of them) are
        // compiled once: the base reuses the head's units.
        let cache = CompilationCache()
        let head = compiler.compile(DiskSourceTree(root: root), cache: cache)
        if head.hasErrors { return .invalid(side: "head", diagnostics: head.diagnostics) }
        let baseTree: any SourceTree
        switch base {
        case .gitRevision(let revision): baseTree = try GitSourceTree(root: root, revision: revision)
        case .folder(let url): baseTree = DiskSourceTree(root: url)
        }
        let old = compiler.compile(baseTree, cache: cache)
        if old.hasErrors { return .invalid(side: "base", diagnostics: old.diagnostics) }
        return .report(Differ.diff(base: old.manifests, head: head.manifests))
    }
}
