import Foundation
import PedregalBasics
import PedregalConsole
import PedregalDiagnostics
import PedregalEmitter
import PedregalKubernetes
import PedregalManifests
import PedregalYAML

/// A run: `namespace/name` of the SparkApplication `submit` created.
public struct RunID: Sendable, Hashable, CustomStringConvertible {
    /// The namespace.
    public var namespace: String
    /// The SparkApplication's name.
    public var name: String

    /// Creates a run ID.
    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    /// Parses `namespace/name` (exit 64 otherwise).
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw RunnerError.usage("a run is NAMESPACE/NAME, as `pedregal submit` prints it; got '\(text)'")
        }
        self.init(namespace: String(parts[0]), name: String(parts[1]))
    }

    public var description: String { "\(namespace)/\(name)" }
}

/// How a token names a run: the same token always gives the same run, so a
/// second submit finds the first instead of starting another.
///
/// The run is `<job>-<h>` where `<h>` is the first 10 hex digits of the
/// token's SHA-256 (40 bits: a clash needs about a million runs of one job);
/// the same `<h>` is the `pedregal.io/run-token` label, and the raw token is
/// the annotation of that name, which `submit` checks so a clash is reported,
/// never mistaken for the same run.
public enum RunToken {
    /// Hex digits of the hash kept.
    public static let hashLength = 10

    /// The token's short hash.
    public static func hash(_ token: String) -> String {
        String(ContentDigest(of: token.utf8).description.prefix(hashLength))
    }

    /// The run name for a job's template name and a token; a retry's
    /// attempt `n` (from 2) adds `-<n>`, so every runner names it alike.
    public static func runName(job: String, token: String, attempt: Int = 1) -> String {
        attempt > 1 ? "\(job)-\(hash(token))-\(attempt)" : "\(job)-\(hash(token))"
    }

    /// A fresh random token (128 bits, hex) for a submit without `--token`.
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let hex = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// The run object: the template renamed, labelled and annotated with the
    /// token (and labelled `pedregal.io/job` with the job's name, if the
    /// template is not already), its Argo CD annotations removed, `args` (if
    /// given) replacing the application arguments (`spec.driverArgs` for
    /// Apache, `spec.arguments` for Kubeflow), and with `logical` (seconds
    /// since 1970) the macros in them expanded. `attempt` names a retry.
    public static func run(from template: YAMLValue, token: String, args: [String]?, logical: Double? = nil, attempt: Int = 1)
        throws -> YAMLValue
    {
        guard case .map(var object) = template, case .map(var metadata)? = object["metadata"],
            let job = metadata["name"]?.string
        else {
            throw RunnerError.io("the template has no metadata.name")
        }
        let name = runName(job: job, token: token, attempt: attempt)
        metadata["name"] = .string(name)
        for field in Drift.serverMetadata { metadata[field] = nil }
        var labels = metadata["labels"]?.mapValue ?? YAMLMap()
        labels[Vocabulary.runToken] = .string(hash(token))
        labels[Vocabulary.run] = .string(name)
        if labels[Vocabulary.job] == nil { labels[Vocabulary.job] = .string(job) }
        metadata["labels"] = .map(labels)
        var annotations = metadata["annotations"]?.mapValue ?? YAMLMap()
        annotations.entries.removeAll { $0.key.hasPrefix("argocd.argoproj.io/") }
        annotations[Vocabulary.runToken] = .string(token)
        metadata["annotations"] = .map(annotations)
        object["metadata"] = .map(metadata)
        object["status"] = nil
        let group = Discovery.split(object["apiVersion"]?.string ?? "").group
        let argsKey = group == JobState.kubeflowGroup ? "arguments" : "driverArgs"
        var spec = object["spec"]?.mapValue ?? YAMLMap()
        if let args { spec[argsKey] = .list(args.map(YAMLValue.string)) }
        // Log shipping and metrics pick labels off the pods: name the run there too.
        let podPaths =
            group == JobState.kubeflowGroup
            ? [["driver", "labels"], ["executor", "labels"]]
            : [["driverSpec", "podTemplateSpec", "metadata", "labels"], ["executorSpec", "podTemplateSpec", "metadata", "labels"]]
        for path in podPaths { spec = Self.setting(Vocabulary.run, to: name, at: path[...], in: spec) }
        if let logical, let current = spec[argsKey]?.listValue {
            // Every attempt of a retry chain is the same run to the job: it sees the first attempt's name.
            let name = runName(job: job, token: token)
            spec[argsKey] = .list(current.map { $0.string.map { .string(RunMacros.expand($0, logical: logical, run: name)) } ?? $0 })
        }
        if !spec.isEmpty { object["spec"] = .map(spec) }
        return .map(object)
    }

    /// `map` with `key: value` added to the labels at `path`, creating the
    /// maps on the way.
    private static func setting(_ key: String, to value: String, at path: ArraySlice<String>, in map: YAMLMap) -> YAMLMap {
        var map = map
        guard let first = path.first else {
            map[key] = .string(value)
            return map
        }
        map[first] = .map(setting(key, to: value, at: path.dropFirst(), in: map[first]?.mapValue ?? YAMLMap()))
        return map
    }

    /// The job a template is for: its `pedregal.io/job` label, else its name.
    public static func job(of template: YAMLValue) -> String {
        let metadata = template["metadata"]
        return metadata?["labels"]?[Vocabulary.job]?.string ?? metadata?["name"]?.string ?? ""
    }
}

/// The run-time values jobs may use in their arguments, as Airflow-style
/// macros (teams write `args: ["--date", "{{ ds }}"]`):
/// `{{ ds }}` (YYYY-MM-DD), `{{ ds_nodash }}` (YYYYMMDD), `{{ ts }}` (RFC 3339
/// UTC) of the run's logical time, and `{{ run_id }}` (the run's name).
///
/// The logical time is always given (see `RunTiming`): a scheduled run's
/// is its scheduled time, read from its Job, so a retry days later sees the
/// same date; `--logical-date` sets it (backfills); an on-demand run's is
/// when it is submitted. Dates are UTC.
public enum RunMacros {
    /// `text` with every macro replaced.
    public static func expand(_ text: String, logical: Double, run: String) -> String {
        guard text.contains("{{") else { return text }
        let timestamp = RFC3339.format(logical)
        let date = String(timestamp.prefix(10))
        let values = ["ds": date, "ds_nodash": date.replacingOccurrences(of: "-", with: ""), "ts": timestamp, "run_id": run]
        var result = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            result += rest[..<open.lowerBound]
            result += values[name] ?? String(rest[open.lowerBound..<close.upperBound])
            rest = rest[close.upperBound...]
        }
        return result + rest
    }
}
