import PedregalDiagnostics
import PedregalSpec

/// The names templates/ defines that a team file may refer to, and what is
/// said of a name that is not one of them. The compiler's diagnostics and the
/// request API's 422s both come from here, so "a valid size" has one definition.
public struct TemplateNames: Sendable {
    /// A kind of template a team file refers to by name.
    public enum Kind: String, Sendable {
        case size, catalog, engine

        /// The file that defines them.
        public var file: String {
            switch self {
            case .size: return "templates/sizes.yaml"
            case .catalog: return "templates/catalogs.yaml"
            case .engine: return "templates/engines.yaml"
            }
        }
    }

    private let sizes: [String]
    private let catalogs: [String]
    private let engines: [String]

    /// The names `templates` defines, in their files' order.
    public init(_ templates: Templates) {
        sizes = templates.sizes.map(\.name.value)
        catalogs = templates.catalogs.map(\.name.value)
        engines = templates.engines.versions.map(\.version.value)
    }

    /// The names of `kind`.
    public func names(_ kind: Kind) -> [String] {
        switch kind {
        case .size: return sizes
        case .catalog: return catalogs
        case .engine: return engines
        }
    }

    /// Why `name` is not a `kind`, or nil when it is one.
    public func problem(_ kind: Kind, _ name: String) -> String? {
        let known = names(kind)
        return known.contains(name) ? nil : Self.unknown(kind.rawValue, name, known: known, file: kind.file)
    }

    /// "unknown size 'xl'; did you mean 'l'? templates/sizes.yaml defines: s, m, l".
    static func unknown(_ what: String, _ name: String, known: [String], file: String, extra: String = "") -> String {
        let defined = known.isEmpty ? "\(file) defines none" : "\(file) defines: \(known.joined(separator: ", "))"
        return "unknown \(what) '\(name)'\(extra)" + Suggestion.hint(for: name, in: known, then: defined)
    }
}
