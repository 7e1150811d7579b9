import PedregalAuth
import PedregalBasics
import PedregalCompiler
import PedregalDiagnostics
import PedregalResolver
import PedregalSpec

/// `POST /api/v1/spark-connect-clusters`, checked for shape: known fields,
/// their types and syntax. Whether the names exist is checked against the
/// repository later.
public struct CreateClusterRequest: Sendable, Equatable {
    public var team: String
    public var environment: String
    public var region: String
    /// A size from templates/sizes.yaml; nil: the environment's.
    public var size: String?
    /// Catalogs; nil: the team's.
    public var catalogs: [String]?
    /// nil: the environment's default.
    public var ttl: TimeToLive?
    /// The cluster's name; nil: `<environment>-<region alias>`.
    public var name: String?
    /// An engine version; nil: the default.
    public var engine: String?

    static let fields = ["team", "environment", "region", "size", "catalogs", "ttl", "name", "engine"]

    /// Checks a body; throws a 400 or 422 `Problem` naming every field at fault.
    public init(json bytes: [UInt8]) throws(Problem) {
        let body = try BodyReader(bytes, fields: Self.fields)
        team = body.string("team", required: true) ?? ""
        environment = body.string("environment", required: true) ?? ""
        region = body.string("region", required: true) ?? ""
        size = body.string("size")
        catalogs = body.strings("catalogs")
        ttl = body.ttl("ttl")
        name = body.string("name")
        engine = body.string("engine")
        if let name, let problem = NameRules.dns1035LabelProblem(name, maxLength: 40) {
            body.fail("/name", "'\(name)' is not a valid cluster name: \(problem)")
        }
        try body.finish()
    }
}

/// `PATCH /api/v1/spark-connect-clusters/{id}`: a new time to live.
public struct UpdateClusterRequest: Sendable, Equatable {
    public var ttl: TimeToLive

    /// Checks a body; throws a 400 or 422 `Problem`.
    public init(json bytes: [UInt8]) throws(Problem) {
        let body = try BodyReader(bytes, fields: ["ttl"])
        let ttl = body.ttl("ttl", required: true)
        try body.finish()
        self.ttl = ttl ?? .persistent
    }
}

/// Reads fields of a JSON object body, collecting every problem.
final class BodyReader {
    private let members: [String: JSONValue]
    private(set) var errors: [Problem.FieldError] = []

    static let maxString = 253
    static let maxItems = 32

    init(_ bytes: [UInt8], fields: [String]) throws(Problem) {
        guard let value = JSONValue.parse(bytes) else {
            throw .malformed("the body must be a JSON object, e.g. {\"team\": \"…\", \"environment\": \"…\", \"region\": \"…\"}")
        }
        guard case .object(let members) = value else {
            throw .invalid("the body must be a JSON object", [.init("", "expected an object")])
        }
        self.members = members
        for key in members.keys.sorted() where !fields.contains(key) {
            fail(
                "/\(Self.escape(key))",
                "unknown field '\(key)'" + Suggestion.hint(for: key, in: fields, then: "the fields are: \(fields.joined(separator: ", "))"))
        }
    }

    func fail(_ pointer: String, _ detail: String) { errors.append(.init(pointer, detail)) }

    func string(_ key: String, required: Bool = false) -> String? {
        guard let value = members[key], value != .null else {
            if required { fail("/\(key)", "'\(key)' is required") }
            return nil
        }
        guard case .string(let text) = value else {
            fail("/\(key)", "'\(key)' must be a string")
            return nil
        }
        guard !text.isEmpty, text.utf8.count <= Self.maxString else {
            fail("/\(key)", "'\(key)' must be between 1 and \(Self.maxString) characters")
            return nil
        }
        return text
    }

    func strings(_ key: String) -> [String]? {
        guard let value = members[key], value != .null else { return nil }
        guard case .array(let items) = value, !items.isEmpty, items.count <= Self.maxItems else {
            fail("/\(key)", "'\(key)' must be a list of 1 to \(Self.maxItems) strings")
            return nil
        }
        var result: [String] = []
        for (index, item) in items.enumerated() {
            if case .string(let text) = item, !text.isEmpty, text.utf8.count <= Self.maxString {
                if result.contains(text) { fail("/\(key)/\(index)", "'\(text)' is listed twice") }
                result.append(text)
            } else {
                fail("/\(key)/\(index)", "each item of '\(key)' must be a non-empty string")
            }
        }
        return result
    }

    func ttl(_ key: String, required: Bool = false) -> TimeToLive? {
        guard let text = string(key, required: required) else { return nil }
        guard let ttl = TimeToLive(parsing: text) else {
            fail("/\(key)", "'\(text)' is not a time to live; write \(TimeToLive.syntax), or persistent")
            return nil
        }
        return ttl
    }

    func finish() throws(Problem) {
        guard errors.isEmpty else {
            throw .invalid(errors.map(\.detail).joined(separator: "; "), errors)
        }
    }

    private static func escape(_ key: String) -> String {
        key.replacingAll("~", with: "~0").replacingAll("/", with: "~1")
    }
}
