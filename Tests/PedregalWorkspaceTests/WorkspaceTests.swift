import Foundation
import PedregalBasics
import PedregalCompiler
import PedregalEmitter
import PedregalLoader
import PedregalTestSupport
import PedregalWorkspace
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `generate`, `check` and `validate` through the cache folder and the
/// output folder's index give what they give without them, byte for byte,
/// whatever happened to the output folder or the cache in between.
@Suite struct WorkspaceTests {
    /// A root on disk with teams/ and templates/, removed afterwards.
    final class DiskRoot {
        let path: String
        var files: [String: String] = [:]

        init() throws {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("pedregal-workspace-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: path + "/teams", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: path + "/templates", withIntermediateDirectories: true)
        }

        deinit { try? FileManager.default.removeItem(atPath: path) }

        var url: URL { URL(fileURLWithPath: path) }

        /// Makes the root hold exactly `files` (root-relative path → text).
        func write(_ files: [String: String]) throws {
            for old in self.files.keys where files[old] == nil { try FileManager.default.removeItem(atPath: path + "/" + old) }
            for (file, text) in files where self.files[file] != text {
                try Data(text.utf8).write(to: url.appendingPathComponent(file))
            }
            self.files = files
        }

        func workspace(cached: Bool, output: String = "generated") -> Workspace {
            Workspace(
                root: url, output: url.appendingPathComponent(output),
                cache: cached ? CacheFolder(root: url, fingerprint: "tests") : nil)
        }

        /// Every file below `folder` (relative path → bytes).
        func contents(of folder: String) -> [String: [UInt8]] {
            var result: [String: [UInt8]] = [:]
            for file in FolderListing.regularFiles(below: path + "/" + folder) {
                result[file] = POSIXFile.read(path + "/" + folder + "/" + file)
            }
            return result
        }
    }

    /// Six valid teams.
    static func start() -> [String: String] {
        let files = EditSequence(teams: 6).files
        precondition(!Compiler().compile(MemorySourceTree(files)).hasErrors)
        return files
    }

    @Test(arguments: [11, 12])
    func warmGeneratesEqualColdOnesAfterEveryEdit(seed: UInt64) throws {
        let root = try DiskRoot()
        var generator = SeededGenerator(seed: 0x2545_F491_4F6C_DD1D &* seed)
        var edits = EditSequence(teams: 6)
        var valid = 0
        for step in 0..<20 {
            let edit = EditSequence.Edit.allCases.randomElement(using: &generator)!
            edits.apply(edit, using: &generator)
            try root.write(edits.files)
            let warm = try root.workspace(cached: true).generate()
            let cold = try root.workspace(cached: false, output: "cold").generate()
            #expect(warm.compilation.diagnostics == cold.compilation.diagnostics, "step \(step) (\(edit))")
            #expect(warm.compilation.fileCount == cold.compilation.fileCount, "step \(step) (\(edit))")
            if !warm.compilation.isReused { #expect(warm.compilation.records == cold.compilation.records, "step \(step) (\(edit))") }
            #expect(root.contents(of: "generated") == root.contents(of: "cold"), "step \(step) (\(edit))")
            let check = root.workspace(cached: true).check()
            #expect(check.compilation.diagnostics == cold.compilation.diagnostics)
            if !cold.compilation.hasErrors {
                valid += 1
                #expect(check.difference?.isEmpty == true, "step \(step) (\(edit))")
            }
            #expect(root.workspace(cached: true).validate().diagnostics == cold.compilation.diagnostics)
        }
        #expect(valid >= 5, "only \(valid) roots compiled without errors")
    }

    @Test func editedAndDeletedGeneratedFilesAreFoundAndRestored() throws {
        let root = try DiskRoot()
        try root.write(Self.start())
        _ = try root.workspace(cached: true).generate()
        let expected = root.contents(of: "generated")
        let files = expected.keys.sorted()
        let edited = root.path + "/generated/" + files[files.count / 2]
        let deleted = root.path + "/generated/" + files[0]

        // The same size and modification time as before: only the change time tells.
        var before = stat()
        #expect(stat(edited, &before) == 0)
        var bytes = try #require(POSIXFile.read(edited))
        bytes[bytes.count - 2] = bytes[bytes.count - 2] == UInt8(ascii: "x") ? UInt8(ascii: "y") : UInt8(ascii: "x")
        #expect(POSIXFile.write(bytes, to: edited) == nil)
        var times = [before.st_atim, before.st_mtim]
        #expect(utimensat(AT_FDCWD, edited, &times, 0) == 0)
        #expect(unlink(deleted) == 0)

        let check = root.workspace(cached: true).check()
        #expect(check.difference?.changed == [files[files.count / 2]])
        #expect(check.difference?.added == [files[0]])
        let generation = try root.workspace(cached: true).generate()
        #expect(generation.plan?.changed.map(\.path) == [files[files.count / 2]])
        #expect(generation.plan?.added.map(\.path) == [files[0]])
        #expect(root.contents(of: "generated") == expected)
        #expect(root.workspace(cached: true).check().difference?.isEmpty == true)
    }

    @Test func aDamagedOrForeignCacheIsIgnored() throws {
        let root = try DiskRoot()
        try root.write(Self.start())
        _ = try root.workspace(cached: true).generate()
        let expected = root.contents(of: "generated")
        let cache = root.path + "/.pedregal/cache"
        var damaged = 0
        for (index, file) in FolderListing.regularFiles(below: cache).sorted().enumerated() {
            var bytes = try #require(POSIXFile.read(cache + "/" + file))
            switch index % 4 {
            case 0: bytes = Array(bytes.prefix(bytes.count / 2))
            case 1: bytes[bytes.count / 2] ^= 0x40
            case 2: bytes = Array("not a cache file".utf8)
            default: bytes = []
            }
            #expect(POSIXFile.write(bytes, to: cache + "/" + file) == nil)
            damaged += 1
        }
        #expect(damaged > 6)
        // A generated file changes too, so a trusted damaged index would miss it.
        let victim = root.path + "/generated/" + expected.keys.sorted()[3]
        #expect(POSIXFile.write(Array("# Generated by pedregal\nedited: true\n".utf8), to: victim) == nil)
        let generation = try root.workspace(cached: true).generate()
        #expect(generation.compilation.diagnostics == root.workspace(cached: false).validate().diagnostics)
        #expect(root.contents(of: "generated") == expected)

        // Units made by another build of pedregal are not used either.
        let other = Workspace(
            root: root.url, output: root.url.appendingPathComponent("generated"),
            cache: CacheFolder(root: root.url, fingerprint: "another build"))
        try root.write(root.files.merging(["teams/team-1.yaml": EditSequence.team("team-1", variant: 40)]) { _, new in new })
        _ = try other.generate()
        _ = try root.workspace(cached: false, output: "cold").generate()
        #expect(root.contents(of: "generated") == root.contents(of: "cold"))
    }

    @Test func aRootWithErrorsWritesNothing() throws {
        let root = try DiskRoot()
        try root.write(Self.start())
        _ = try root.workspace(cached: true).generate()
        let expected = root.contents(of: "generated")
        try root.write(root.files.merging(["teams/team-2.yaml": "team: [broken\n"]) { _, new in new })
        let generation = try root.workspace(cached: true).generate()
        #expect(generation.compilation.hasErrors)
        #expect(generation.plan == nil)
        #expect(root.contents(of: "generated") == expected)
    }
}
