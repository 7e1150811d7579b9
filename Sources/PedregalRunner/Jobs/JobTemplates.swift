import Foundation
import PedregalConsole
import PedregalKubernetes
import PedregalManifests
import PedregalYAML

/// A batch job's SparkApplication template and the cluster folder it came from.
public struct JobTemplate: Sendable {
    /// The SparkApplication manifest.
    public var object: YAMLValue
    /// The cluster the template belongs to (its `pedregal.io/cluster` label,
    /// else its generated/ folder's name), or nil for a raw template file.
    public var cluster: String?
    /// That cluster's folder, for messages.
    public var clusterFolder: String?
    /// The file read.
    public var file: String
}

/// Finds job templates: the `configmap-job-<job>.yaml` ConfigMaps of
/// generated/, or a raw SparkApplication file (what CronJobs mount).
public enum JobTemplates {
    /// The template of `team`/`job` in `environment` (and `region`), searched
    /// in `generated/*/*/configmap-job-<job>.yaml` by their pedregal labels.
    public static func find(generated: String, team: String, job: String, environment: String, region: String?) throws
        -> JobTemplate
    {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: generated, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RunnerError.io("'\(generated)' is not a folder; run in the repository or pass --generated DIR")
        }
        let fm = FileManager.default
        let root = URL(fileURLWithPath: generated, isDirectory: true)
        var matches: [(template: JobTemplate, region: String)] = []
        var elsewhere: [String] = []
        for cluster in (try? fm.contentsOfDirectory(atPath: root.path))?.sorted() ?? [] where !cluster.hasPrefix(".") {
            let clusterURL = root.appendingPathComponent(cluster, isDirectory: true)
            for namespace in (try? fm.contentsOfDirectory(atPath: clusterURL.path))?.sorted() ?? []
            where !namespace.hasPrefix(".") {
                let file = clusterURL.appendingPathComponent(namespace).appendingPathComponent("configmap-job-\(job).yaml").path
                guard fm.fileExists(atPath: file) else { continue }
                let relative = "\(cluster)/\(namespace)/configmap-job-\(job).yaml"
                guard let configMap = try LocalFiles.yamlDocuments(file, what: "job template '\(relative)'").first else {
                    continue
                }
                let labels = configMap["metadata"]?["labels"]
                guard labels?[Vocabulary.team]?.string == team, labels?[Vocabulary.job]?.string ?? job == job else { continue }
                let foundEnvironment = labels?[Vocabulary.environment]?.string ?? ""
                let foundRegion = labels?[Vocabulary.region]?.string ?? ""
                guard foundEnvironment == environment, region == nil || region == foundRegion else {
                    elsewhere.append("environment \(foundEnvironment) region \(foundRegion)")
                    continue
                }
                let object = try template(in: configMap, file: relative)
                // The cluster is the one the manifests are labelled for, as for `apply`.
                let labelled = labels?[Vocabulary.cluster]?.string ?? cluster
                matches.append(
                    (
                        JobTemplate(
                            object: object, cluster: labelled, clusterFolder: root.appendingPathComponent(cluster).path, file: file
                        ),
                        foundRegion
                    ))
            }
        }
        let wanted = "\(team)/\(job) in environment \(environment)" + (region.map { " region \($0)" } ?? "")
        guard let first = matches.first else {
            let known = elsewhere.isEmpty ? "" : "; it exists for: \(Set(elsewhere).sorted().joined(separator: ", "))"
            throw RunnerError.usage(
                "no job template for \(wanted) under '\(generated)' (looked for */*/configmap-job-\(job).yaml)\(known)")
        }
        guard matches.count == 1 else {
            let choices = matches.map { "\($0.region) (\($0.template.cluster ?? ""))" }.joined(separator: ", ")
            throw RunnerError.usage("\(wanted) has templates in several regions: \(choices); choose one with --region")
        }
        return first.template
    }

    /// A raw SparkApplication YAML file, as the scheduled-submit CronJob mounts it.
    public static func read(file: String) throws -> JobTemplate {
        guard let object = try LocalFiles.yamlDocuments(file, what: "template").first,
            object["kind"]?.string == "SparkApplication"
        else {
            throw RunnerError.io("template '\(file)' is not a SparkApplication manifest")
        }
        return JobTemplate(object: object, cluster: nil, clusterFolder: nil, file: file)
    }

    private static func template(in configMap: YAMLValue, file: String) throws -> YAMLValue {
        guard let text = configMap["data"]?[Vocabulary.templateKey]?.string else {
            throw RunnerError.io("'\(file)' has no data key '\(Vocabulary.templateKey)'")
        }
        let documents = try LocalFiles.parseYAML(Array(text.utf8), file: file, what: "the template in '\(file)'")
        guard let object = documents.first, object["kind"]?.string == "SparkApplication" else {
            throw RunnerError.io("the template in '\(file)' is not a SparkApplication manifest")
        }
        return object
    }
}
