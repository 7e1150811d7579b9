import Foundation
import PedregalConsole
import PedregalKubernetes
import PedregalManifests

/// One cluster's folder of generated/: every object in it, in apply order.
public struct ManifestFolder: Sendable {
    /// The folder as given, for messages.
    public var path: String
    /// The cluster the folder is for: the `pedregal.io/cluster` label its
    /// manifests agree on (the folder's own name only when it holds none).
    public var cluster: String
    /// The objects, sorted by `KindOrder`, then kind, namespace and name;
    /// `source` is the file's path below the folder.
    public var manifests: [Manifest]

    /// Creates a folder from manifests already read (they are sorted here).
    public init(path: String, cluster: String, manifests: [Manifest]) {
        self.path = path
        self.cluster = cluster
        self.manifests = manifests.sorted { $0.id < $1.id }
    }

    /// Namespaces the folder itself creates.
    public var namespaces: Set<String> {
        Set(manifests.filter { $0.id.kind == "Namespace" && $0.id.group.isEmpty }.map(\.id.name))
    }

    /// Reads every file below `path` and refuses the folder (exit 65), naming
    /// every offending file, unless each is one `pedregal generate` writes
    /// (see `FolderGate`); exit 74 when the folder or a file is unreadable.
    public static func load(_ path: String) throws -> ManifestFolder {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RunnerError.io("'\(path)' is not a folder; give a cluster folder such as generated/sk8-us-west-2")
        }
        let root = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
        var gate = FolderGate()
        for relative in try files(below: root, shownAs: path) {
            if FolderGate.allowed.contains(relative) { continue }
            let bytes = try LocalFiles.bytes(root.appendingPathComponent(relative).path, what: "manifest '\(relative)'")
            gate.check(relative, bytes)
        }
        let cluster = gate.agreedCluster() ?? root.lastPathComponent
        gate.checkPaths(cluster: cluster)
        guard gate.problems.isEmpty else {
            throw RunnerError(.rejected, FolderGate.refusal(folder: path, gate.problems))
        }
        let manifests = gate.accepted.map { Manifest(cluster: cluster, object: $0.object, source: $0.file) }
        return ManifestFolder(path: path, cluster: cluster, manifests: manifests)
    }

    /// Every file below `root` that is not a folder, hidden ones included
    /// (Argo CD would sync them too), as sorted relative paths.
    private static func files(below root: URL, shownAs path: String) throws -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: root.path) else {
            throw RunnerError.io("cannot read the folder '\(path)'")
        }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: root.appendingPathComponent(relative).path, isDirectory: &isDirectory)
            if !isDirectory.boolValue { files.append(relative) }
        }
        return files.sorted()
    }
}
