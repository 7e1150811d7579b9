import Foundation
import PedregalManifests

/// One cluster's folder of generated/: every object in it, in apply order.
public struct ManifestFolder: Sendable {
    /// The folder as given, for messages.
    public var path: String
    /// The cluster the folder is for: its last path component.
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

    /// Reads every `*.yaml` and `*.yml` file below `path`; exit 74 when the
    /// folder or a file is unreadable, not YAML, or not a Kubernetes object.
    public static func load(_ path: String) throws -> ManifestFolder {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RunnerError.io("'\(path)' is not a folder; give a cluster folder such as generated/sk8-us-west-2")
        }
        let root = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
        let cluster = root.lastPathComponent
        guard let enumerator = FileManager.default.enumerator(atPath: root.path) else {
            throw RunnerError.io("cannot read the folder '\(path)'")
        }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix(".") {
                enumerator.skipDescendants()
                continue
            }
            if name.hasSuffix(".yaml") || name.hasSuffix(".yml") { files.append(relative) }
        }
        var manifests: [Manifest] = []
        var seen: [ResourceID: String] = [:]
        for relative in files.sorted() {
            let file = root.appendingPathComponent(relative).path
            for object in try LocalFiles.yamlDocuments(file, what: "manifest '\(relative)'") where object != .null {
                let manifest = Manifest(cluster: cluster, object: object, source: relative)
                guard !manifest.id.apiVersion.isEmpty, !manifest.id.kind.isEmpty, !manifest.id.name.isEmpty else {
                    throw RunnerError.io("'\(relative)' in '\(path)' holds a document without apiVersion, kind or metadata.name")
                }
                if let other = seen[manifest.id] {
                    throw RunnerError.io("\(manifest.id) is defined twice in '\(path)': '\(other)' and '\(relative)'")
                }
                seen[manifest.id] = relative
                manifests.append(manifest)
            }
        }
        return ManifestFolder(path: path, cluster: cluster, manifests: manifests)
    }
}
