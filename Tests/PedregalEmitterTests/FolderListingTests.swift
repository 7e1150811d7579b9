import Foundation
import PedregalBasics
import PedregalEmitter
import Testing

/// Listing folders reads each `readdir` record in place. Copying a whole
/// `dirent` read past the end of readdir's buffer whenever a short record
/// ended it: a crash in 1 of 12 `check` runs on a 110k-file folder, and a
/// heap-buffer-overflow under AddressSanitizer on any folder of a few
/// thousand entries (`.ci/run` runs this suite with `--sanitize=address`).
@Suite struct FolderListingTests {
    /// A fresh folder, removed after `body`.
    static func withFolder(_ body: (String) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pedregal-listing-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try body(folder)
    }

    /// Names of every length from 1 to 255 bytes (the longest a Linux name
    /// may be), so records of every size end readdir's buffers.
    static func names(count: Int) -> [String] {
        (0..<count).map { index in
            let stem = "f\(index)-"
            let length = max(stem.count, 1 + (index * 37) % 255)
            return stem + String(repeating: "x", count: length - stem.count)
        }
    }

    @Test func listsThousandsOfEntriesWithNamesOfEveryLength() throws {
        try Self.withFolder { folder in
            let names = Self.names(count: 6000)
            for name in names { #expect(FileManager.default.createFile(atPath: folder + "/" + name, contents: Data([1]))) }
            try FileManager.default.createDirectory(atPath: folder + "/sub", withIntermediateDirectories: false)
            let entries = try #require(FolderListing.entries(of: folder))
            #expect(entries.count == names.count + 1)
            #expect(Set(entries.filter(\.isRegularFile).map(\.name)) == Set(names))
            #expect(entries.filter(\.isFolder).map(\.name) == ["sub"])
        }
    }

    @Test func listsRegularFilesOfNestedFoldersOnly() throws {
        try Self.withFolder { folder in
            var expected: Set<String> = []
            for cluster in 0..<3 {
                for namespace in 0..<40 {
                    let path = "c\(cluster)/\(String(repeating: "n", count: 1 + namespace * 6))"
                    try FileManager.default.createDirectory(atPath: folder + "/" + path, withIntermediateDirectories: true)
                    for file in Self.names(count: 25) {
                        #expect(FileManager.default.createFile(atPath: "\(folder)/\(path)/\(file)", contents: Data()))
                        expected.insert("\(path)/\(file)")
                    }
                }
            }
            // Neither a link nor a FIFO is a regular file to list.
            try FileManager.default.createSymbolicLink(atPath: folder + "/link", withDestinationPath: "c0")
            #expect(mkfifo(folder + "/fifo", 0o600) == 0)
            #expect(Set(FolderListing.regularFiles(below: folder)) == expected)
        }
    }

    /// The listing that carries each file's stat (what `check` compares with its index) finds the
    /// same files as the plain one, with the stat `stat(2)` gives for each path.
    @Test func listsNestedRegularFilesWithTheirStat() throws {
        try Self.withFolder { folder in
            var expected: Set<String> = []
            for cluster in 0..<2 {
                for namespace in 0..<30 {
                    let path = "c\(cluster)/n\(namespace)" + (namespace % 3 == 0 ? "/deeper" : "")
                    try FileManager.default.createDirectory(atPath: folder + "/" + path, withIntermediateDirectories: true)
                    for (index, file) in Self.names(count: 12).enumerated() {
                        #expect(FileManager.default.createFile(atPath: "\(folder)/\(path)/\(file)", contents: Data(count: index)))
                        expected.insert("\(path)/\(file)")
                    }
                }
            }
            try FileManager.default.createSymbolicLink(atPath: folder + "/c0/link", withDestinationPath: "n0")
            try FileManager.default.createSymbolicLink(
                atPath: folder + "/c0/file-link", withDestinationPath: "n1/" + Self.names(count: 1)[0])
            #expect(mkfifo(folder + "/fifo", 0o600) == 0)
            let listed = FolderListing.regularFiles(below: folder) { info in info }
            #expect(listed.count == expected.count)
            #expect(Set(listed.map(\.path)) == Set(FolderListing.regularFiles(below: folder)))
            #expect(Set(listed.map(\.path)) == expected)
            for (path, info) in listed {
                var direct = stat()
                #expect(stat(folder + "/" + path, &direct) == 0)
                #expect(info.st_ino == direct.st_ino && info.st_size == direct.st_size && info.st_mtim.tv_nsec == direct.st_mtim.tv_nsec)
            }
            // What the stamp leaves out is not listed.
            #expect(FolderListing.regularFiles(below: folder) { info in info.st_size > 5 ? Int(info.st_size) : nil }.count == 60 * 6)
            #expect(FolderListing.regularFiles(below: "/nonexistent-\(UUID().uuidString)") { $0 }.isEmpty)
        }
    }

    @Test func aMissingFolderHasNoEntries() {
        #expect(FolderListing.entries(of: "/nonexistent-\(UUID().uuidString)") == nil)
        #expect(FolderListing.regularFiles(below: "/nonexistent-\(UUID().uuidString)").isEmpty)
    }

    @Test func outputDirectoryPlansOverThousandsOfLongNamedFiles() throws {
        try Self.withFolder { folder in
            let directory = OutputDirectory(url: URL(fileURLWithPath: folder))
            let files = Self.names(count: 3000).map { name in
                OutputFile(
                    path: "cluster/ns/\(name.prefix(250)).yaml", contents: Array("# Generated by pedregal from x\nkind: A\n".utf8))
            }
            try directory.apply(try directory.plan(files))
            let again = try directory.plan(files)
            #expect(again.isEmpty)
            #expect(try directory.generatedFiles().count == files.count)
        }
    }
}
