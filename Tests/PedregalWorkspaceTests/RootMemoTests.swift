import Foundation
import PedregalBasics
import PedregalCompiler
import PedregalEmitter
import PedregalTestSupport
import PedregalWorkspace
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// When nothing a compile read has changed, `validate`, `check` and `generate` reuse its result
/// (and the output folder's verified index) instead of compiling; any change to what it read,
/// or to the output folder, is still noticed, and the answer is always the one a cold run gives.
@Suite struct RootMemoTests {
    typealias DiskRoot = WorkspaceTests.DiskRoot

    /// A root generated once through the cache.
    static func generatedRoot() throws -> DiskRoot {
        let root = try DiskRoot()
        try root.write(WorkspaceTests.start())
        let first = try root.workspace(cached: true).generate()
        #expect(!first.compilation.isReused)
        #expect(first.plan?.added.isEmpty == false)
        return root
    }

    @Test func nothingChangedReusesTheLastCompile() throws {
        let root = try Self.generatedRoot()
        let cold = root.workspace(cached: false).check()
        #expect(cold.difference?.isEmpty == true)

        let check = root.workspace(cached: true).check()
        #expect(check.compilation.isReused)
        #expect(check.difference?.isEmpty == true)
        #expect(check.compilation.diagnostics == cold.compilation.diagnostics)
        #expect(check.compilation.inputs == cold.compilation.inputs)
        #expect(check.compilation.fileCount == cold.compilation.records.count)

        let validate = root.workspace(cached: true).validate()
        #expect(validate.isReused)
        #expect(validate.diagnostics == cold.compilation.diagnostics)
        #expect(validate.fileCount == cold.compilation.records.count)

        let before = root.contents(of: "generated")
        let generation = try root.workspace(cached: true).generate()
        #expect(generation.compilation.isReused)
        #expect(generation.plan?.isEmpty == true)
        #expect(root.contents(of: "generated") == before)
    }

    /// Each change is one a memo keyed by anything less than every read would miss: the same
    /// size and modification time, a file that is not YAML, a template.
    @Test(arguments: ["same size and time", "new team", "removed team", "template", "other file in teams/"])
    func anyChangeToWhatTheCompileReadIsNoticed(change: String) throws {
        let root = try Self.generatedRoot()
        #expect(root.workspace(cached: true).check().compilation.isReused)
        var files = root.files
        switch change {
        case "same size and time":
            let path = root.path + "/teams/team-2.yaml"
            var before = stat()
            #expect(stat(path, &before) == 0)
            let text = try #require(files["teams/team-2.yaml"])
            let edited = text.replacingOccurrences(of: "team-2", with: "team-9")
            #expect(edited.utf8.count == text.utf8.count && edited != text)
            files["teams/team-2.yaml"] = edited
            try root.write(files)
            var times = [before.st_atim, before.st_mtim]
            #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
        case "new team": files["teams/team-40.yaml"] = EditSequence.team("team-40", variant: 3)
        case "removed team": files["teams/team-3.yaml"] = nil
        case "template":
            let template = try #require(files.keys.filter { $0.hasPrefix("templates/") }.sorted().first)
            files[template] = try #require(files[template]) + "\n# edited\n"
        default: files["teams/NOTES.txt"] = "not a team\n"
        }
        if change != "same size and time" { try root.write(files) }

        let warm = root.workspace(cached: true).check()
        let cold = root.workspace(cached: false).check()
        #expect(!warm.compilation.isReused)
        #expect(warm.compilation.diagnostics == cold.compilation.diagnostics)
        #expect(warm.difference == cold.difference)
        if !cold.compilation.hasErrors, cold.difference?.isEmpty == false {
            _ = try root.workspace(cached: true).generate()
            #expect(root.workspace(cached: false).check().difference?.isEmpty == true)
        }
        // Once compiled again, the new state is remembered.
        #expect(root.workspace(cached: true).check().compilation.isReused)
    }

    /// A change to a comment changes what was read but no generated file.
    @Test func aChangeThatChangesNoFileWritesNothing() throws {
        let root = try Self.generatedRoot()
        let before = root.contents(of: "generated")
        var files = root.files
        files["teams/team-4.yaml"] = try #require(files["teams/team-4.yaml"]) + "# a comment\n"
        try root.write(files)
        let generation = try root.workspace(cached: true).generate()
        #expect(!generation.compilation.isReused)
        #expect(generation.plan?.isEmpty == true)
        #expect(root.contents(of: "generated") == before)
        let check = root.workspace(cached: true).check()
        #expect(check.compilation.isReused)
        #expect(check.difference?.isEmpty == true)
    }

    @Test func theOutputFolderIsStillComparedWhenNothingElseChanged() throws {
        let root = try Self.generatedRoot()
        let generated = root.path + "/generated/"
        let files = root.contents(of: "generated").keys.sorted()

        // Touched, not changed: read once, found the same, and not read again (the index keeps
        // its new stamp: written once, then left alone).
        let indexes = root.path + "/.pedregal/cache/outputs-v1"
        func index() -> [UInt8]? {
            FolderListing.regularFiles(below: indexes).first.flatMap { POSIXFile.read(indexes + "/" + $0) }
        }
        let indexBefore = try #require(index())
        #expect(utimensat(AT_FDCWD, generated + files[1], nil, 0) == 0)  // both times: now
        let touched = root.workspace(cached: true).check()
        #expect(touched.compilation.isReused)
        #expect(touched.difference?.isEmpty == true)
        let indexAfter = try #require(index())
        #expect(indexAfter != indexBefore)
        #expect(root.workspace(cached: true).check().compilation.isReused)
        #expect(index() == indexAfter)

        // A README is allowed: the folder still holds exactly the result.
        #expect(POSIXFile.write(Array("# Generated manifests\n".utf8), to: generated + "README.md") == nil)
        let withReadme = root.workspace(cached: true).check()
        #expect(withReadme.compilation.isReused)
        #expect(withReadme.difference?.isEmpty == true)
        #expect(root.workspace(cached: false).check().difference?.isEmpty == true)

        // Any other file that is not YAML is not, even alone.
        let notes = (files[0] as NSString).deletingLastPathComponent + "/notes.txt"
        #expect(POSIXFile.write(Array("not a manifest\n".utf8), to: generated + notes) == nil)
        let withNotes = root.workspace(cached: true).check()
        #expect(withNotes.difference?.unexpected == [notes])
        #expect(root.workspace(cached: false).check().difference?.unexpected == [notes])
        #expect(unlink(generated + notes) == 0)

        // A file that generate does not write.
        let extra = (files[0] as NSString).deletingLastPathComponent + "/extra.yaml"
        #expect(POSIXFile.write(Array("kind: ConfigMap\n".utf8), to: generated + extra) == nil)
        let unexpected = root.workspace(cached: true).check()
        #expect(unexpected.difference?.unexpected == [extra])
        #expect(unlink(generated + extra) == 0)

        // An edited and a removed file: check sees them, generate restores them.
        var bytes = try #require(POSIXFile.read(generated + files[2]))
        bytes.append(contentsOf: Array("# edited\n".utf8))
        #expect(POSIXFile.write(bytes, to: generated + files[2]) == nil)
        #expect(unlink(generated + files[3]) == 0)
        let stale = root.workspace(cached: true).check()
        #expect(stale.difference?.changed == [files[2]])
        #expect(stale.difference?.added == [files[3]])
        let generation = try root.workspace(cached: true).generate()
        #expect(!generation.compilation.isReused)
        #expect(generation.plan?.changed.map(\.path) == [files[2]])
        #expect(generation.plan?.added.map(\.path) == [files[3]])
        #expect(root.workspace(cached: false).check().difference?.isEmpty == true)
        #expect(root.workspace(cached: true).check().compilation.isReused)
    }

    @Test func anotherOutputFolderOrCompilerIsNotVouchedFor() throws {
        let root = try Self.generatedRoot()
        // The same inputs into another folder: compiled results are reused, the folder is not.
        let elsewhere = try root.workspace(cached: true, output: "elsewhere").generate()
        #expect(elsewhere.plan?.added.isEmpty == false)
        #expect(root.workspace(cached: false, output: "elsewhere").check().difference?.isEmpty == true)
        #expect(root.contents(of: "elsewhere") == root.contents(of: "generated"))

        // A compiler with other settings does not take this one's result.
        var unchecked = root.workspace(cached: true)
        unchecked.compiler = Compiler(checksManifests: false)
        #expect(!unchecked.check().compilation.isReused)

        // Nor does another build of pedregal, with nothing else changed.
        _ = root.workspace(cached: true).check()
        #expect(root.workspace(cached: true).check().compilation.isReused)
        let otherBuild = Workspace(
            root: root.url, output: root.url.appendingPathComponent("generated"),
            cache: CacheFolder(root: root.url, fingerprint: "another build"))
        #expect(!otherBuild.check().compilation.isReused)
    }

    @Test func aRootWithErrorsIsRememberedWithItsErrors() throws {
        let root = try Self.generatedRoot()
        let expected = root.contents(of: "generated")
        try root.write(root.files.merging(["teams/team-2.yaml": "team: [broken\n"]) { _, new in new })
        let first = root.workspace(cached: true).check()
        #expect(first.compilation.hasErrors && !first.compilation.isReused)
        let again = root.workspace(cached: true).check()
        #expect(again.compilation.isReused)
        #expect(again.compilation.diagnostics == first.compilation.diagnostics)
        #expect(again.difference == nil)
        let generation = try root.workspace(cached: true).generate()
        #expect(generation.compilation.isReused && generation.plan == nil)
        #expect(root.contents(of: "generated") == expected)
    }
}
