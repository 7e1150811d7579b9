import Foundation
import PedregalManifests
import PedregalRunner
import PedregalYAML

/// The verbs of the fake API server: get, list, create, server-side apply, delete.
extension FakeKubernetes {
    func get(_ resource: FakeResource, _ namespace: String?, _ name: String) -> Reply {
        guard let stored = objects[key(resource, namespace, name)] else { return missing(resource, name) }
        return ok(render(stored))
    }

    func list(_ resource: FakeResource, _ namespace: String?, _ selectorText: String?, fieldSelector fieldText: String? = nil) -> Reply {
        var selector: FakeLabelSelector?
        if let selectorText, !selectorText.isEmpty {
            guard let parsed = FakeLabelSelector(selectorText) else {
                return statusReply(400, "BadRequest", "unable to parse requirement: invalid label selector \"\(selectorText)\"")
            }
            selector = parsed
        }
        var fields: FakeFieldSelector?
        if let fieldText, !fieldText.isEmpty {
            switch FakeFieldSelector.parse(fieldText, kind: resource.kind) {
            case .failure(let error): return statusReply(400, "BadRequest", error.message)
            case .success(let parsed): fields = parsed
            }
        }
        let items = objects.filter { entry in
            entry.key.group == resource.group && entry.key.plural == resource.plural
                && (namespace == nil || entry.key.namespace == namespace)
                && (selector?.matches(labels(entry.value.object)) ?? true)
                && (fields?.matches(entry.value.object) ?? true)
        }
        .sorted { ($0.key.namespace, $0.key.name) < ($1.key.namespace, $1.key.name) }
        .map { entry -> YAMLValue in
            var item = render(entry.value)
            if resource.builtIn, case .map(var map) = item {
                map["apiVersion"] = nil
                map["kind"] = nil
                item = .map(map)
            }
            return item
        }
        return ok(
            .object([
                "kind": .string("\(resource.kind)List"), "apiVersion": .string(resource.apiVersion),
                "metadata": .object(["resourceVersion": .string(String(revision))]), "items": .list(items),
            ]))
    }

    func create(_ resource: FakeResource, _ namespace: String?, _ request: Request) -> Reply {
        let object: YAMLValue
        switch parseBody(request, resource: resource) {
        case .failure(let error): return error.reply
        case .success(let parsed): object = parsed
        }
        let name = object["metadata"]?["name"]?.string ?? ""
        guard !name.isEmpty else {
            return statusReply(422, "Invalid", "\(resource.kind) \"\" is invalid: metadata.name: Required value")
        }
        let bodyNamespace = object["metadata"]?["namespace"]?.string
        if resource.namespaced, let bodyNamespace, bodyNamespace != namespace {
            return statusReply(
                400, "BadRequest", "the namespace of the provided object does not match the namespace sent on the request")
        }
        if let problem = namespaceProblem(resource, namespace) { return problem }
        let key = key(resource, namespace, name)
        if objects[key] != nil {
            return statusReply(
                409, "AlreadyExists", "\(resourceName(resource)) \"\(name)\" already exists",
                details: details(resource, name))
        }
        var withNamespace = object
        if resource.namespaced, let namespace {
            withNamespace = FieldPaths.setting(object, ["metadata", "namespace"], to: .string(namespace))
        }
        let manager = request.query["fieldManager"] ?? managerName(request)
        let stored = Stored(
            object: prepareNew(withNamespace, resource: resource),
            managers: [manager: Manager(operation: "Update", apiVersion: resource.apiVersion, paths: ownedPaths(object))])
        if request.query["dryRun"] != "All" {
            objects[key] = stored
            for controller in controllers { controller(self, render(stored)) }
        }
        return ok(render(stored), status: 201)
    }

    func apply(_ resource: FakeResource, _ namespace: String?, _ name: String, _ request: Request) -> Reply {
        guard request.headers["content-type"]?.hasPrefix("application/apply-patch+yaml") == true else {
            return statusReply(
                415, "UnsupportedMediaType",
                "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, "
                    + "application/merge-patch+json, application/apply-patch+yaml")
        }
        guard let manager = request.query["fieldManager"], !manager.isEmpty else {
            return statusReply(400, "BadRequest", "PATCH \(request.path): fieldManager is required for apply requests")
        }
        let patch: YAMLValue
        switch parseBody(request, resource: resource) {
        case .failure(let error): return error.reply
        case .success(let parsed): patch = parsed
        }
        guard patch["metadata"]?["name"]?.string == name else {
            return statusReply(
                400, "BadRequest",
                "the name of the object (\(patch["metadata"]?["name"]?.string ?? "")) does not match the name on the URL (\(name))"
            )
        }
        let dryRun = request.query["dryRun"] == "All"
        let force = request.query["force"] == "true"
        let key = key(resource, namespace, name)
        let applied = ownedPaths(patch)
        guard var stored = objects[key] else {
            if let problem = namespaceProblem(resource, namespace) { return problem }
            var object = patch
            if resource.namespaced, let namespace {
                object = FieldPaths.setting(object, ["metadata", "namespace"], to: .string(namespace))
            }
            let created = Stored(
                object: prepareNew(object, resource: resource),
                managers: [manager: Manager(operation: "Apply", apiVersion: resource.apiVersion, paths: applied)])
            if !dryRun {
                objects[key] = created
                for controller in controllers { controller(self, render(created)) }
            }
            return ok(render(created), status: 201)
        }

        // Fields another manager owns with a different value conflict unless forced.
        var conflicts: [(String, [String])] = []
        for (path, value) in FieldPaths.leaves(strip(patch)) where applied.contains(path) {
            for (other, entry) in stored.managers where other != manager && entry.paths.contains(path) {
                if FieldPaths.value(stored.object, at: path) != value { conflicts.append((other, path)) }
            }
        }
        if !conflicts.isEmpty && !force {
            let listing = conflicts.map { "conflict with \"\($0.0)\": .\($0.1.joined(separator: "."))" }.joined(separator: "\n- ")
            return statusReply(
                409, "Conflict", "Apply failed with \(conflicts.count) conflict\(conflicts.count == 1 ? "" : "s"): \(listing)")
        }
        let before = stored.object
        var object = stored.object
        for (path, value) in FieldPaths.leaves(strip(patch)) where applied.contains(path) {
            object = FieldPaths.setting(object, path, to: value)
        }
        for (other, _) in stored.managers where other != manager {
            stored.managers[other]?.paths.subtract(applied)
        }
        // Fields this manager applied before and no longer does go, unless someone else owns them.
        let previous = stored.managers[manager]?.paths ?? []
        for path in previous.subtracting(applied)
        where !stored.managers.contains(where: { $0.key != manager && $0.value.paths.contains(path) }) {
            object = FieldPaths.removing(object, path)
        }
        stored.managers = stored.managers.filter { !$0.value.paths.isEmpty }
        stored.managers[manager] = Manager(operation: "Apply", apiVersion: resource.apiVersion, paths: applied)
        stored.object = prepareUpdate(object, before: before, resource: resource)
        // A dry run answers with what would be stored, under the old
        // resourceVersion: nothing was written.
        guard !dryRun else { return ok(render(stored)) }
        if stored.object != before { stored = bump(stored) }
        objects[key] = stored
        return ok(render(stored))
    }

    func delete(_ resource: FakeResource, _ namespace: String?, _ name: String, dryRun: Bool) -> Reply {
        let key = key(resource, namespace, name)
        guard let stored = objects[key] else { return missing(resource, name) }
        if !dryRun {
            objects[key] = nil
            // The namespace controller empties a deleted namespace.
            if resource.kind == "Namespace" { objects = objects.filter { $0.key.namespace != name } }
        }
        return ok(
            .object([
                "kind": "Status", "apiVersion": "v1", "metadata": .map(YAMLMap()), "status": "Success",
                "details": .object([
                    "name": .string(name), "group": .string(resource.group), "kind": .string(resource.plural),
                    "uid": stored.object["metadata"]?["uid"] ?? .null,
                ]),
            ]))
    }
}
