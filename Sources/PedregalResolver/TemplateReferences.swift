import PedregalDiagnostics
import PedregalSpec

/// Looking up the templates a team names, reporting each name that does not
/// exist once, with the names that do.
extension TeamResolution {
    /// Reports a name that is not among `known`, unless `file` itself could
    /// not be read (that is reported once, at the file).
    func unknown(_ what: String, _ name: Located<String>, known: [String], file: String, extra: String = "") {
        if index.brokenTemplates.contains(file) { return }
        error(.unknownReference, TemplateNames.unknown(what, name.value, known: known, file: file, extra: extra), at: name.location)
    }

    /// The catalogs of a `catalogs` list that exist, each once; nil when
    /// there is no list.
    func catalogList(_ list: Located<[Located<String>]>?) -> [String]? {
        guard let list else { return nil }
        var seen: Set<String> = []
        var result: [String] = []
        for name in list.value {
            guard index.catalogs[name.value] != nil else {
                unknown("catalog", name, known: index.catalogNames, file: "templates/catalogs.yaml")
                continue
            }
            if !seen.insert(name.value).inserted {
                error(.duplicateName, "catalog '\(name.value)' is listed twice", at: name.location)
                continue
            }
            result.append(name.value)
        }
        return result
    }

    /// The named engine, or the default; `user` is where the definition
    /// that needs an engine is written. Nil when it is unknown (reported).
    func bindEngine(_ name: Located<String>?, for user: String, at location: SourceLocation) -> ResolvedEngine? {
        if let name {
            guard let engine = index.engines[name.value] else {
                unknown("engine", name, known: index.engineNames, file: "templates/engines.yaml")
                return nil
            }
            return engine
        }
        // A default that names a missing version was reported at its line.
        if index.defaultEngine == nil && index.defaultEngineLocation == nil && !index.engineNames.isEmpty {
            error(
                .missingSetting,
                "\(user) names no engine and templates/engines.yaml has no 'default'; set 'engine' to one of \(index.engineNames.joined(separator: ", "))",
                at: location)
        }
        return index.defaultEngine
    }

    /// The named size; nil when it is unknown (reported).
    func bindSize(_ name: Located<String>) -> SizeTemplate? {
        guard let size = index.sizes[name.value] else {
            unknown("size", name, known: index.sizeNames, file: "templates/sizes.yaml")
            return nil
        }
        return size
    }

    /// The catalogs as `environment` sees them.
    func resolveCatalogs(_ names: [String], environment: EnvironmentTemplate) -> [ResolvedCatalog] {
        names.compactMap { name in
            guard let template = index.catalogs[name], let type = template.type?.value else { return nil }
            var warehouse = template.warehouse?.value
            if template.perEnvironment?.value == true, let suffix = environment.catalogSuffix?.value {
                warehouse = "\(name)-\(suffix)"
            }
            return ResolvedCatalog(
                name: name, type: type, uri: template.uri?.value, warehouse: warehouse,
                credentialSecret: template.credential?.value)
        }
    }
}

/// Whether a definition with an `environments` list (nil: all) runs in `environment`.
func runs(_ environments: Located<[Located<String>]>?, in environment: String) -> Bool {
    environments.map { $0.value.contains { $0.value == environment } } ?? true
}
