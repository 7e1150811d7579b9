import Foundation
import PedregalConsole
import PedregalYAML

/// Reading local files (manifests, kubeconfigs, certificates, tokens): every
/// failure becomes a `RunnerError` with exit status 74 that names the file.
public enum LocalFiles {
    /// The bytes of `path`.
    public static func bytes(_ path: String, what: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist"
            throw RunnerError.io("\(what) '\(path)' \(reason)")
        }
        return [UInt8](data)
    }

    /// The documents of the YAML file `path`, as plain values.
    public static func yamlDocuments(_ path: String, what: String) throws -> [YAMLValue] {
        try parseYAML(try bytes(path, what: what), file: path, what: what)
    }

    /// The documents of `bytes`, read from `file`.
    public static func parseYAML(_ bytes: [UInt8], file: String, what: String) throws -> [YAMLValue] {
        let result = YAMLParser().parse(bytes, file: file)
        if let problem = result.diagnostics.first {
            throw RunnerError.io("\(what) is not valid YAML: \(problem)")
        }
        return result.documents.map(\.value)
    }

    /// `path` made absolute against `folder` unless it already is.
    public static func resolve(_ path: String, against folder: String) -> String {
        if path.hasPrefix("/") || folder.isEmpty { return path }
        return URL(fileURLWithPath: folder, isDirectory: true).appendingPathComponent(path).standardizedFileURL.path
    }
}
