import PedregalDiagnostics

/// Where in an object a problem is: `spec.containers[0].name`,
/// `metadata.labels[app.kubernetes.io/name]` (Kubernetes' own notation:
/// fields after dots, map keys and list positions in brackets).
public struct FieldPath: Hashable, Sendable, CustomStringConvertible {
    /// One step into a value.
    public enum Component: Hashable, Sendable {
        /// A field of an object (a key the schema names).
        case field(String)
        /// A key of a map (a key the schema does not name: labels, data, sparkConf).
        case key(String)
        /// A position in a list.
        case index(Int)
    }

    /// The steps from the object's root.
    public var components: [Component]

    /// A path from its steps.
    public init(_ components: [Component] = []) {
        self.components = components
    }

    /// The path one step further.
    public func appending(_ component: Component) -> FieldPath {
        FieldPath(components + [component])
    }

    public var description: String {
        var out = ""
        for component in components {
            switch component {
            case .field(let name): out += out.isEmpty ? name : "." + name
            case .key(let key): out += "[\(key)]"
            case .index(let i): out += "[\(i)]"
            }
        }
        return out.isEmpty ? "(the object)" : out
    }
}

/// One way an object breaks its schema (or a rule the API server adds to it).
public struct SchemaViolation: Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem it is; decides the diagnostic code.
    public enum Problem: String, Hashable, Sendable {
        /// A field the schema does not have (kubeconform `-strict`; the API server's strict field validation).
        case unknownField
        /// A value of the wrong JSON type.
        case wrongType
        /// A required field that is absent.
        case missingField
        /// A value outside an enumeration, a range, a length, a pattern or a format.
        case invalidValue
        /// A `metadata.name`, namespace, label or key that Kubernetes would refuse.
        case invalidName
        /// A string that is not a Kubernetes quantity.
        case invalidQuantity
        /// An apiVersion and kind with no schema (not this Kubernetes version's, no vendored CRD).
        case unknownKind
        /// The same object twice in one cluster.
        case duplicateObject
        /// A document that does not parse or is not an object.
        case unreadable
    }

    /// Where the problem is.
    public var path: FieldPath
    public var problem: Problem
    /// What is wrong and how to fix it, without the path.
    public var message: String
    /// Whether the key at `path` is what is wrong (a bad label key), rather than its value.
    public var concernsKey: Bool

    /// Creates a violation.
    public init(_ problem: Problem, at path: FieldPath, _ message: String, concernsKey: Bool = false) {
        self.problem = problem
        self.path = path
        self.message = message
        self.concernsKey = concernsKey || problem == .unknownField
    }

    /// `spec.driver.cores: must be an integer, not a string ("2")`.
    public var description: String { "\(path): \(message)" }

    /// The diagnostic code of this kind of problem.
    public var code: DiagnosticCode {
        switch problem {
        case .unknownField: return .unknownKey
        case .wrongType: return .wrongType
        case .missingField: return .missingKey
        case .invalidValue: return .invalidValue
        case .invalidName: return .invalidName
        case .invalidQuantity: return .invalidQuantity
        case .unknownKind: return .unknownKind
        case .duplicateObject: return .duplicateName
        case .unreadable: return .yamlSyntax
        }
    }
}

extension DiagnosticCode {
    /// A manifest whose apiVersion and kind have no schema.
    public static let unknownKind: DiagnosticCode = "unknown-kind"
}
