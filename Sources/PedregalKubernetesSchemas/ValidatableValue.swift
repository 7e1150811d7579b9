import PedregalYAML

/// A document tree the validator can walk: the objects renderers build
/// (`YAMLValue`) and documents parsed from files (`YAMLNode`, which keep
/// positions and how each scalar was written).
protocol ValidatableValue: Sendable {
    /// A key and its value.
    associatedtype Pair: ValidatablePair where Pair.Value == Self
    /// The value if it is a scalar, nil for lists and mappings.
    var scalarValue: ScalarValue? { get }
    /// The items if this is a list.
    var listItems: [Self]? { get }
    /// The pairs if this is a mapping, in order.
    var mapPairs: [Pair]? { get }
    /// The value as a plain tree, for comparing list items.
    var plainValue: YAMLValue { get }
}

/// A mapping entry the validator can read.
protocol ValidatablePair {
    associatedtype Value
    var key: String { get }
    var value: Value { get }
}

/// A scalar as JSON sees it.
enum ScalarValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    /// A number that is not an integer of 64 bits, as written.
    case number(String)
    case string(String)

    var type: JSONTypes {
        switch self {
        case .null: return .null
        case .bool: return .boolean
        case .int: return .integer
        case .number: return .number
        case .string: return .string
        }
    }

    /// The value as shown in messages: strings quoted.
    var display: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return String(b)
        case .int(let i): return String(i)
        case .number(let n): return n
        case .string(let s): return "\"\(s.count > 80 ? String(s.prefix(77)) + "..." : s)\""
        }
    }

    /// The number, for range checks.
    var double: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .number(let n): return Double(n)
        default: return nil
        }
    }
}

extension YAMLMap.Entry: ValidatablePair {}

extension YAMLValue: ValidatableValue {
    var scalarValue: ScalarValue? {
        switch self {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .string(let s): return .string(s)
        case .list, .map: return nil
        }
    }

    var listItems: [YAMLValue]? { listValue }
    var mapPairs: [YAMLMap.Entry]? { mapValue?.entries }
    var plainValue: YAMLValue { self }
}

extension YAMLPair: ValidatablePair {}

extension YAMLNode: ValidatableValue {
    /// Scalars are typed as Kubernetes reads YAML (go-yaml, YAML 1.1): a
    /// plain `yes`, `no`, `on` or `off` is a boolean there, so it is one here.
    var scalarValue: ScalarValue? {
        guard let scalar else { return nil }
        switch scalar.resolved {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i?): return .int(i)
        case .int(nil), .float: return .number(scalar.text)
        case .string:
            if scalar.style == .plain, let b = YAML11.boolean(scalar.text) { return .bool(b) }
            return .string(scalar.text)
        }
    }

    var listItems: [YAMLNode]? { sequence }
    var mapPairs: [YAMLPair]? { mapping }
    var plainValue: YAMLValue { value }
}

/// YAML 1.1 rules that Kubernetes' YAML reader follows and YAML 1.2 dropped.
enum YAML11 {
    /// The value of a plain YAML 1.1 boolean word (`on` → true), or nil.
    static func boolean(_ text: String) -> Bool? {
        switch text {
        case "y", "Y", "yes", "Yes", "YES", "on", "On", "ON": return true
        case "n", "N", "no", "No", "NO", "off", "Off", "OFF": return false
        default: return nil
        }
    }
}
