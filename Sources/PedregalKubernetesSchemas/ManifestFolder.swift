import Foundation
import PedregalBasics
import PedregalDiagnostics

extension ManifestFileCheck {
    /// A folder that cannot be read.
    public struct UnreadableFolder: Error, CustomStringConvertible {
        public var description: String
    }

    /// Every `*.yaml` and `*.yml` file below `folder` (or `folder` itself when
    /// it is a file), sorted, shown as `folder/…`; hidden files and folders
    /// are skipped. A file that cannot be read is reported as a diagnostic.
    public static func read(_ folder: String) throws -> (files: [File], unreadable: [Diagnostic]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) else {
            throw UnreadableFolder(description: "'\(folder)' does not exist")
        }
        let root = URL(fileURLWithPath: folder, isDirectory: isDirectory.boolValue)
        guard isDirectory.boolValue else {
            return readAll([root.lastPathComponent], below: root.deletingLastPathComponent(), shownAs: { _ in folder })
        }
        guard let enumerator = FileManager.default.enumerator(atPath: root.path) else {
            throw UnreadableFolder(description: "cannot read the folder '\(folder)'")
        }
        var paths: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix(".") {
                enumerator.skipDescendants()
            } else if name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
                paths.append(relative)
            }
        }
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        return readAll(paths.sorted(by: ByteOrder.precedes), below: root, shownAs: { prefix + $0 })
    }

    private static func readAll(
        _ paths: [String], below root: URL, shownAs display: (String) -> String
    ) -> (files: [File], unreadable: [Diagnostic]) {
        var files: [File] = []
        var unreadable: [Diagnostic] = []
        for path in paths {
            let url = root.appendingPathComponent(path)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue { continue }
            do {
                files.append(File(path: display(path), pathInFolder: path, bytes: Array(try Data(contentsOf: url))))
            } catch {
                unreadable.append(
                    .error(.unreadableFile, "cannot read this file: \(error.localizedDescription)", at: .startOf(display(path))))
            }
        }
        return (files, unreadable)
    }
}
