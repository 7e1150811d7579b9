import Foundation
import PedregalEmitter
import PedregalManifests
import PedregalYAML

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

/// The runner's half of the CI gate: a cluster folder may hold only what
/// `pedregal generate` writes there, because Argo CD syncs, and `apply`
/// applies, every file in it.
///
/// Each file must start with the generated header (`OutputLayout.header`),
/// hold exactly one object, sit at the path `OutputLayout.path(for:)` gives
/// that object, and carry `app.kubernetes.io/managed-by: pedregal` and the
/// `pedregal.io/cluster` label the folder's other files carry. Only
/// `README.md` or `README` at the top of the folder is allowed besides.
struct FolderGate {
    /// Files allowed besides the generated ones, relative to the folder.
    static let allowed = OutputLayout.readmeNames

    /// One refused file and why.
    struct Problem: Equatable {
        var file: String
        var reason: String
    }

    /// A file that passed the checks that need no other file.
    struct Accepted {
        var file: String
        var object: YAMLValue
        var cluster: String
    }

    private(set) var problems: [Problem] = []
    private(set) var accepted: [Accepted] = []

    mutating func check(_ file: String, _ bytes: [UInt8]) {
        guard file.hasSuffix(".yaml") else {
            return refuse(file, "generate writes only <namespace>/<kind>-<name>.yaml files (and allows a top-level README.md)")
        }
        if let problem = Self.headerProblem(bytes) { return refuse(file, problem) }
        let parsed = YAMLParser().parse(bytes, file: file)
        if let problem = parsed.diagnostics.first { return refuse(file, "is not valid YAML: \(problem)") }
        let objects = parsed.documents.map(\.value).filter { $0 != .null }
        guard objects.count == 1, let object = objects.first else {
            return refuse(file, "holds \(objects.count) objects; generate writes exactly one object per file")
        }
        let id = Manifest(cluster: "", object: object, source: file).id
        guard !id.apiVersion.isEmpty, !id.kind.isEmpty, !id.name.isEmpty else {
            return refuse(file, "holds a document without apiVersion, kind or metadata.name")
        }
        let labels = object["metadata"]?["labels"]
        guard labels?[Vocabulary.managedBy]?.string == Vocabulary.managedByValue else {
            return refuse(file, "\(id) is not labelled \(Vocabulary.managedBy): \(Vocabulary.managedByValue)")
        }
        guard let cluster = labels?[Vocabulary.cluster]?.string, !cluster.isEmpty else {
            return refuse(file, "\(id) has no \(Vocabulary.cluster) label")
        }
        accepted.append(Accepted(file: file, object: object, cluster: cluster))
    }

    /// The cluster every accepted file is labelled for; when they disagree,
    /// the most common one (ties: the first by name), and every file labelled
    /// otherwise is refused. Nil when no file was accepted.
    mutating func agreedCluster() -> String? {
        var counts: [String: Int] = [:]
        for file in accepted { counts[file.cluster, default: 0] += 1 }
        guard let cluster = counts.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }).first?.key else { return nil }
        let others = accepted.filter { $0.cluster != cluster }
        if !others.isEmpty {
            let listing = counts.keys.sorted().map { "'\($0)' (\(Output.counted(counts[$0]!, "file")))" }
            for file in others {
                refuse(
                    file.file,
                    "is labelled \(Vocabulary.cluster): \(file.cluster), but most of the folder is for '\(cluster)'; "
                        + "a folder is for one cluster (labels found: \(listing.joined(separator: ", ")))")
            }
            accepted.removeAll { $0.cluster != cluster }
        }
        return cluster
    }

    /// Refuses accepted files that are not at the path the emitter gives
    /// their object, and objects defined twice.
    mutating func checkPaths(cluster: String) {
        var seen: [ResourceID: String] = [:]
        for file in accepted {
            let manifest = Manifest(cluster: cluster, object: file.object, source: file.file)
            let expected = String(OutputLayout.path(for: manifest).dropFirst(cluster.count + 1))
            if expected != file.file {
                refuse(file.file, "\(manifest.id) belongs at '\(expected)', the path generate gives it")
            } else if let other = seen[manifest.id] {
                refuse(file.file, "\(manifest.id) is also defined in '\(other)'")
            }
            seen[manifest.id] = file.file
        }
        let refused = Set(problems.map(\.file))
        accepted.removeAll { refused.contains($0.file) }
    }

    private mutating func refuse(_ file: String, _ reason: String) {
        problems.append(Problem(file: file, reason: reason))
    }

    /// The first header line around its source: `# Generated by pedregal from ` and `. DO NOT EDIT.`.
    private static let firstLine: (prefix: String, suffix: String) = {
        let marker = "\u{0}"
        let line = "# " + OutputLayout.header(source: marker)[0]
        let range = line.range(of: marker)!
        return (String(line[..<range.lowerBound]), String(line[range.upperBound...]))
    }()

    /// Why `bytes` does not start with the header `generate` writes, if it does not.
    static func headerProblem(_ bytes: [UInt8]) -> String? {
        let text = String(decoding: bytes.prefix(4096), as: UTF8.self)
        let first = text.prefix { $0 != "\n" }
        guard first.hasPrefix(firstLine.prefix), first.hasSuffix(firstLine.suffix) else {
            return "has no pedregal header: its first line is not '\(firstLine.prefix)…\(firstLine.suffix)'"
        }
        // The whole header must be what the emitter writes for the source the first line names.
        let source = String(first.dropFirst(firstLine.prefix.count).dropLast(firstLine.suffix.count))
        let lines = OutputLayout.header(source: source)
        guard text.hasPrefix(lines.map { $0.isEmpty ? "#\n" : "# \($0)\n" }.joined()) else {
            return "does not start with the \(lines.count)-line header generate writes for '\(source)'"
        }
        return nil
    }

    /// The message that refuses `folder`.
    static func refusal(folder: String, _ problems: [Problem]) -> String {
        let files = Set(problems.map(\.file)).count
        var text = "refusing '\(folder)': \(Output.counted(files, "file")) "
        text += files == 1 ? "is not what `pedregal generate` writes" : "are not what `pedregal generate` writes"
        text += " (Argo CD and `apply` would apply \(files == 1 ? "it" : "them")); nothing was sent:"
        for problem in problems.sorted(by: { ($0.file, $0.reason) < ($1.file, $1.reason) }) {
            text += "\n  \(problem.file): \(problem.reason)"
        }
        text += "\nRegenerate the folder with `pedregal generate` and remove the files it does not write;"
        text += " only README.md (or README) at the top of the folder is allowed besides."
        return text
    }
}
