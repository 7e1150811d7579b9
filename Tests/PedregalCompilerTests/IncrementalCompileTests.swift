import Foundation
import PedregalBasics
import PedregalCompiler
import PedregalEmitter
import PedregalLoader
import PedregalTestSupport
import Testing

/// A compile that reuses the cached units of unchanged teams gives exactly
/// what a compile from nothing gives: after every edit of a random sequence
/// (teams added, changed, broken, renamed, deleted, made to collide;
/// templates changed), warm and cold results are compared whole.
@Suite struct IncrementalCompileTests {
    static func expectSame(_ warm: Compilation, _ cold: Compilation, after step: String) {
        #expect(warm.diagnostics == cold.diagnostics, "diagnostics differ after \(step)")
        #expect(warm.files == cold.files, "files differ after \(step)")
        #expect(warm.outputs == cold.outputs, "outputs differ after \(step)")
        #expect(warm.manifests.map(\.address) == cold.manifests.map(\.address), "manifests differ after \(step)")
        #expect(warm.inputs == cold.inputs, "inputs differ after \(step)")
        #expect(warm.platform?.teams.map(\.name) == cold.platform?.teams.map(\.name), "teams differ after \(step)")
    }

    @Test(arguments: [1, 2, 3])
    func warmCompilesEqualColdOnesAfterEveryEdit(seed: UInt64) {
        var generator = SeededGenerator(seed: 0x9E37_79B9_7F4A_7C15 &* seed)
        var root = EditSequence(teams: 8)
        let cache = CompilationCache(unitsPerFile: 2)
        var valid = 0
        let steps = 30
        for step in 0..<steps {
            let edit = EditSequence.Edit.allCases.randomElement(using: &generator)!
            root.apply(edit, using: &generator)
            let tree = MemorySourceTree(root.files)
            let cold = Compiler().compile(tree)
            let warm = Compiler().compile(tree, cache: cache)
            Self.expectSame(warm, cold, after: "step \(step) (\(edit))")
            // Compiling again from a full cache is the same again.
            Self.expectSame(Compiler().compile(tree, cache: cache), cold, after: "step \(step) (\(edit)), twice")
            // The outputs-only compile agrees, and has the bytes of every file it made.
            let outputs = Compiler().compileOutputs(tree, cache: cache)
            #expect(outputs.diagnostics == cold.diagnostics)
            // In the units' order there, sorted by path here: the same files all the same.
            #expect(outputs.records.sorted { ByteOrder.precedes($0.path, $1.path) } == cold.outputs)
            if !cold.hasErrors {
                valid += 1
                #expect(outputs.contents.count == cold.files.count)
            }
        }
        // Both sides of the comparison must often have output to compare.
        #expect(valid >= steps / 4, "only \(valid) of \(steps) roots compiled without errors")
    }

    @Test func unchangedTeamsAreNotCompiledAgain() {
        var files = Fixtures.templates
        for index in 0..<5 { files["teams/team-\(index).yaml"] = EditSequence.team("team-\(index)", variant: index) }
        let cache = CompilationCache()
        _ = Compiler().compile(MemorySourceTree(files), cache: cache)
        let before = cache.newestUnits
        files["teams/team-2.yaml"] = EditSequence.team("team-2", variant: 7)
        _ = Compiler().compile(MemorySourceTree(files), cache: cache)
        let after = cache.newestUnits
        #expect(before.count == 5 && after.count == 5)
        for (old, new) in zip(before, after) {
            // A reused unit is the very same value; only team-2's key moved.
            #expect((old.key == new.key) == (new.file != "teams/team-2.yaml"))
        }
    }

    @Test func aTemplateChangeRecompilesEveryTeam() {
        var files = Fixtures.templates
        for index in 0..<3 { files["teams/team-\(index).yaml"] = EditSequence.team("team-\(index)", variant: index) }
        let cache = CompilationCache()
        _ = Compiler().compile(MemorySourceTree(files), cache: cache)
        let before = Set(cache.newestUnits.map(\.key))
        files["templates/platform.yaml"] = Fixtures.platform + "# a comment changes the bytes, so every key\n"
        let warm = Compiler().compile(MemorySourceTree(files), cache: cache)
        #expect(Set(cache.newestUnits.map(\.key)).isDisjoint(with: before))
        Self.expectSame(warm, Compiler().compile(MemorySourceTree(files)), after: "a template change")
    }

    @Test func unitsOfAnotherBuildAreNeverUsed() {
        var files = Fixtures.templates
        files["teams/team-0.yaml"] = EditSequence.team("team-0", variant: 1)
        let old = CompilationCache(fingerprint: "build A")
        _ = Compiler().compile(MemorySourceTree(files), cache: old)
        let new = CompilationCache(fingerprint: "build B", unitsPerFile: 2)
        for unit in old.newestUnits { new.store(unit) }
        _ = Compiler().compile(MemorySourceTree(files), cache: new)
        #expect(new.count == 2)
        #expect(Set(new.newestUnits.map(\.key)).isDisjoint(with: Set(old.newestUnits.map(\.key))))
    }
}
