import Foundation
import PedregalBasics
import PedregalDiagnostics
import PedregalKubernetes
import PedregalManifests
import PedregalRunner
import PedregalYAML

/// Keys, bodies, discovery documents and `Status` replies of the fake API server.
extension FakeKubernetes {
    func key(_ resource: FakeResource, _ namespace: String?, _ name: String) -> Key {
        Key(group: resource.group, plural: resource.plural, namespace: resource.namespaced ? namespace ?? "" : "", name: name)
    }

    func parseBody(_ request: Request, resource: FakeResource) -> Result<YAMLValue, ReplyError> {
        let value: YAMLValue
        if let json = try? JSONReader.parse(request.body) {
            value = json
        } else {
            let parsed = YAMLParser().parse(request.body, file: "body")
            guard parsed.diagnostics.isEmpty, let document = parsed.documents.first else {
                return .failure(ReplyError(statusReply(400, "BadRequest", "the request body is neither JSON nor YAML")))
            }
            value = document.value
        }
        guard value["apiVersion"]?.string == resource.apiVersion, value["kind"]?.string == resource.kind else {
            return .failure(
                ReplyError(
                    statusReply(
                        400, "BadRequest",
                        "the API version in the data (\(value["apiVersion"]?.string ?? "")) and kind (\(value["kind"]?.string ?? "")) "
                            + "do not match the request (\(resource.apiVersion) \(resource.kind))")))
        }
        return .success(value)
    }

    struct ReplyError: Error {
        var reply: Reply
        init(_ reply: Reply) { self.reply = reply }
    }

    func namespaceProblem(_ resource: FakeResource, _ namespace: String?) -> Reply? {
        guard resource.namespaced, let namespace else { return nil }
        let namespaces = served.first { $0.kind == "Namespace" }!
        if objects[key(namespaces, nil, namespace)] == nil {
            return statusReply(
                404, "NotFound", "namespaces \"\(namespace)\" not found",
                details: .object(["name": .string(namespace), "kind": "namespaces"]))
        }
        return nil
    }

    /// Fields an applier owns: everything but identity and status.
    func ownedPaths(_ object: YAMLValue) -> Set<[String]> {
        Set(FieldPaths.leaves(strip(object)).map(\.0))
    }

    func strip(_ object: YAMLValue) -> YAMLValue {
        var value = object
        for path in [["apiVersion"], ["kind"], ["metadata", "name"], ["metadata", "namespace"], ["status"]] {
            value = FieldPaths.removing(value, path)
        }
        // Identity is not a field anyone owns: metadata with nothing else in it is no field either.
        if value["metadata"]?.mapValue?.isEmpty == true { value = FieldPaths.removing(value, ["metadata"]) }
        return value
    }

    /// A new object as the server stores it: status dropped, server metadata
    /// set, what the registry allocates, then canonical quantities and defaults.
    func prepareNew(_ object: YAMLValue, resource: FakeResource) -> YAMLValue {
        revision += 1
        var value = FieldPaths.removing(object, ["status"])
        for key in ["uid", "resourceVersion", "creationTimestamp", "generation", "managedFields"] {
            value = FieldPaths.removing(value, ["metadata", key])
        }
        value = FieldPaths.setting(value, ["metadata", "uid"], to: .string(UUID().uuidString.lowercased()))
        value = FieldPaths.setting(value, ["metadata", "resourceVersion"], to: .string(String(revision)))
        value = FieldPaths.setting(
            value, ["metadata", "creationTimestamp"], to: .string(RFC3339.format(Date().timeIntervalSince1970.rounded(.down))))
        if Self.tracksGeneration(resource) { value = FieldPaths.setting(value, ["metadata", "generation"], to: .int(1)) }
        switch resource.kind {
        case "Namespace":
            value = FieldPaths.setting(value, ["status", "phase"], to: "Active")
        case "Service":
            let type = value["spec"]?["type"]?.string ?? "ClusterIP"
            if type != "ExternalName" && value["spec"]?["clusterIP"] == nil {
                value = FieldPaths.setting(value, ["spec", "clusterIP"], to: .string("10.96.\(revision / 250 % 250).\(revision % 250)"))
            }
            value = FieldPaths.setting(value, ["status", "loadBalancer"], to: .map(YAMLMap()))
        case "PersistentVolumeClaim":
            value = FieldPaths.setting(value, ["status", "phase"], to: "Pending")
        default: break
        }
        return FakeDefaults.apply(value, resource)
    }

    /// Kinds whose `metadata.generation` counts changes to what they ask for:
    /// custom resources and the built-in kinds whose strategy keeps it.
    static func tracksGeneration(_ resource: FakeResource) -> Bool {
        !resource.builtIn || ["CronJob", "Job", "NetworkPolicy", "Deployment", "PodDisruptionBudget"].contains(resource.kind)
    }

    /// `after` as the server stores an update of `before`: defaults and
    /// canonical quantities, and the generation moved when more than metadata
    /// and status changed.
    func prepareUpdate(_ after: YAMLValue, before: YAMLValue, resource: FakeResource) -> YAMLValue {
        var value = FakeDefaults.apply(after, resource)
        let request = { (object: YAMLValue) in
            FieldPaths.removing(FieldPaths.removing(object, ["metadata"]), ["status"])
        }
        if Self.tracksGeneration(resource), request(value) != request(before) {
            let generation = before["metadata"]?["generation"].flatMap { if case .int(let n) = $0 { n } else { nil } } ?? 0
            value = FieldPaths.setting(value, ["metadata", "generation"], to: .int(generation + 1))
        }
        return value
    }

    func bump(_ stored: Stored) -> Stored {
        revision += 1
        var updated = stored
        updated.object = FieldPaths.setting(stored.object, ["metadata", "resourceVersion"], to: .string(String(revision)))
        return updated
    }

    func render(_ stored: Stored) -> YAMLValue {
        let managed = stored.managers.sorted { $0.key < $1.key }.map { name, entry -> YAMLValue in
            .object([
                "manager": .string(name), "operation": .string(entry.operation), "apiVersion": .string(entry.apiVersion),
                "fieldsType": "FieldsV1", "fieldsV1": FieldPaths.fieldsV1(entry.paths),
            ])
        }
        return FieldPaths.setting(stored.object, ["metadata", "managedFields"], to: .list(managed))
    }

    func labels(_ object: YAMLValue) -> [String: String] {
        var labels: [String: String] = [:]
        for entry in object["metadata"]?["labels"]?.mapValue?.entries ?? [] { labels[entry.key] = entry.value.string ?? "" }
        return labels
    }

    func managerName(_ request: Request) -> String {
        String((request.headers["user-agent"] ?? "unknown").split(separator: "/").first ?? "unknown")
    }

    func resourceName(_ resource: FakeResource) -> String {
        resource.group.isEmpty ? resource.plural : "\(resource.plural).\(resource.group)"
    }

    func details(_ resource: FakeResource, _ name: String) -> YAMLValue {
        .object(["name": .string(name), "group": .string(resource.group), "kind": .string(resource.plural)])
    }

    func groupList() -> YAMLValue {
        var groups: [String] = []
        for resource in served where !resource.group.isEmpty && !groups.contains(resource.group) { groups.append(resource.group) }
        return .object([
            "kind": "APIGroupList", "apiVersion": "v1",
            "groups": .list(
                groups.map { group in
                    let versions = Array(Set(served.filter { $0.group == group }.map(\.version))).sorted()
                    let entries = versions.map {
                        YAMLValue.object(["groupVersion": .string("\(group)/\($0)"), "version": .string($0)])
                    }
                    return .object(["name": .string(group), "versions": .list(entries), "preferredVersion": entries[0]])
                }),
        ])
    }

    func resourceList(group: String, version: String, _ resources: [FakeResource]) -> YAMLValue {
        var entries: [YAMLValue] = []
        for resource in resources {
            entries.append(
                .object([
                    "name": .string(resource.plural), "singularName": .string(resource.kind.lowercased()),
                    "namespaced": .bool(resource.namespaced), "kind": .string(resource.kind),
                    "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"],
                ]))
            entries.append(
                .object([
                    "name": .string("\(resource.plural)/status"), "singularName": "", "namespaced": .bool(resource.namespaced),
                    "kind": .string(resource.kind), "verbs": ["get", "patch", "update"],
                ]))
            if resource.kind == "Pod" && resource.group.isEmpty {
                entries.append(
                    .object(["name": "pods/log", "singularName": "", "namespaced": true, "kind": "Pod", "verbs": ["get"]]))
            }
        }
        return .object([
            "kind": "APIResourceList", "apiVersion": "v1",
            "groupVersion": .string(group.isEmpty ? version : "\(group)/\(version)"), "resources": .list(entries),
        ])
    }

    func ok(_ value: YAMLValue, status: Int = 200) -> Reply {
        .response(status: status, headers: [("Content-Type", "application/json")], body: JSONWriter.string(value))
    }

    func notFound() -> Reply {
        statusReply(404, "NotFound", "the server could not find the requested resource")
    }

    func missing(_ resource: FakeResource, _ name: String) -> Reply {
        statusReply(404, "NotFound", "\(resourceName(resource)) \"\(name)\" not found", details: details(resource, name))
    }

    func statusReply(
        _ code: Int, _ reason: String, _ message: String, details: YAMLValue = .map(YAMLMap()), headers: [(String, String)] = []
    ) -> Reply {
        let body = YAMLValue.object([
            "kind": "Status", "apiVersion": "v1", "metadata": .map(YAMLMap()), "status": "Failure", "message": .string(message),
            "reason": .string(reason), "details": details, "code": .int(code),
        ])
        return .response(status: code, headers: [("Content-Type", "application/json")] + headers, body: JSONWriter.string(body))
    }
}
