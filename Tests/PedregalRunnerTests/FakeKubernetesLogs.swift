import Foundation
import PedregalRunner
import PedregalYAML

/// A container's log in the fake API server.
struct PodLogKey: Hashable {
    var namespace: String
    var pod: String
    var container: String
    var previous: Bool
}

/// `GET /api/v1/namespaces/{ns}/pods/{name}/log`, as the API server answers
/// it: plain text; `container` required when the pod has several;
/// `previous` only for a container that restarted; `tailLines` and
/// `limitBytes` validated and applied; `Status` errors otherwise.
extension FakeKubernetes {
    func podLog(namespace: String, pod name: String, query: [String: String]) -> Reply {
        let pods = served.first { $0.kind == "Pod" }!
        guard let stored = objects[key(pods, namespace, name)] else { return missing(pods, name) }
        let known: Set<String> = [
            "container", "follow", "previous", "sinceSeconds", "sinceTime", "timestamps", "tailLines", "limitBytes",
            "insecureSkipTLSVerifyBackend", "stream", "pretty",
        ]
        if let unknown = query.keys.sorted().first(where: { !known.contains($0) }) {
            // The real server ignores unknown parameters; a runner that sends one has a typo.
            return statusReply(400, "BadRequest", "unknown log option \"\(unknown)\"")
        }
        var problems: [String] = []
        var tail: Int?
        if let text = query["tailLines"] {
            guard let value = Int(text) else { return statusReply(400, "BadRequest", "tailLines: invalid value \"\(text)\"") }
            if value < 0 { problems.append("tailLines: Invalid value: \(value): must be greater than or equal to 0") }
            tail = value
        }
        var limit: Int?
        if let text = query["limitBytes"] {
            guard let value = Int(text) else { return statusReply(400, "BadRequest", "limitBytes: invalid value \"\(text)\"") }
            if value < 1 { problems.append("limitBytes: Invalid value: \(value): must be greater than 0") }
            limit = value
        }
        if !problems.isEmpty {
            return statusReply(422, "Invalid", "PodLogOptions \"\(name)\" is invalid: " + problems.joined(separator: ", "))
        }
        let previous: Bool
        switch query["previous"] {
        case nil, "false"?: previous = false
        case "true"?: previous = true
        case let other?: return statusReply(400, "BadRequest", "previous: invalid value \"\(other)\"")
        }
        let containers = (stored.object["spec"]?["containers"]?.listValue ?? []).compactMap { $0["name"]?.string }
        let container: String
        if let asked = query["container"] {
            guard containers.contains(asked) else {
                return statusReply(400, "BadRequest", "container \(asked) is not valid for pod \(name)")
            }
            container = asked
        } else if containers.count == 1 {
            container = containers[0]
        } else {
            return statusReply(
                400, "BadRequest",
                "a container name must be specified for pod \(name), choose one of: [\(containers.joined(separator: " "))]")
        }
        let status = (stored.object["status"]?["containerStatuses"]?.listValue ?? []).first { $0["name"]?.string == container }
        if previous {
            guard status?["lastState"]?["terminated"] != nil else {
                return statusReply(400, "BadRequest", "previous terminated container \"\(container)\" in pod \"\(name)\" not found")
            }
        } else if let waiting = status?["state"]?["waiting"], status?["lastState"]?["terminated"] == nil {
            let reason = waiting["reason"]?.string ?? "ContainerCreating"
            let because = reason.contains("Image") ? "trying and failing to pull image" : reason
            return statusReply(400, "BadRequest", "container \"\(container)\" in pod \"\(name)\" is waiting to start: \(because)")
        } else if status == nil {
            return statusReply(400, "BadRequest", "container \"\(container)\" in pod \"\(name)\" is waiting to start: ContainerCreating")
        }
        var text = containerLogs[PodLogKey(namespace: namespace, pod: name, container: container, previous: previous)] ?? ""
        if let tail {
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let endsWithNewline = lines.last == ""
            if endsWithNewline { lines.removeLast() }
            text = lines.suffix(tail).joined(separator: "\n") + (endsWithNewline && tail > 0 && !lines.isEmpty ? "\n" : "")
        }
        if let limit, text.utf8.count > limit { text = String(decoding: Array(text.utf8.prefix(limit)), as: UTF8.self) }
        return .response(status: 200, headers: [("Content-Type", "text/plain")], body: text)
    }
}

/// A field selector as the API server parses it: `field=value`,
/// `field==value`, `field!=value`, comma-separated, and only the fields the
/// kind supports (every kind `metadata.name` and `metadata.namespace`).
struct FakeFieldSelector {
    var terms: [(field: String, value: String, equal: Bool)]

    static let fields: [String: Set<String>] = [
        "Event": [
            "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion",
            "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type",
        ],
        "Pod": ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "status.phase", "status.podIP"],
    ]

    static func parse(_ text: String, kind: String) -> Result<FakeFieldSelector, FieldSelectorError> {
        var terms: [(String, String, Bool)] = []
        for raw in text.split(separator: ",", omittingEmptySubsequences: false) {
            let term = String(raw)
            let (separator, equal) = term.contains("!=") ? ("!=", false) : term.contains("==") ? ("==", true) : ("=", true)
            guard let range = term.range(of: separator) else {
                return .failure(FieldSelectorError(message: "invalid selector: '\(text)'; can't understand '\(term)'"))
            }
            let field = String(term[..<range.lowerBound])
            let supported = ["metadata.name", "metadata.namespace"] + (fields[kind] ?? [])
            guard supported.contains(field) else {
                return .failure(FieldSelectorError(message: "field label not supported: \(field)"))
            }
            terms.append((field, String(term[range.upperBound...]), equal))
        }
        return .success(FakeFieldSelector(terms: terms))
    }

    func matches(_ object: YAMLValue) -> Bool {
        terms.allSatisfy { term in
            let value = term.field.split(separator: ".").reduce(Optional(object)) { $0?[String($1)] }?.string ?? ""
            return (value == term.value) == term.equal
        }
    }
}

/// Why a field selector was refused.
struct FieldSelectorError: Error {
    var message: String
}
