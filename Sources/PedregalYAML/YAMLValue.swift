/// A plain document tree: what renderers build and writers serialise.
///
/// Mappings keep insertion order, so the order renderers choose (apiVersion,
/// kind, metadata, spec, …) is the order in every file. In a mapping literal
/// an entry whose value is `.null` is dropped, which lets renderers write
/// optional fields inline.
public enum YAMLValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case list([YAMLValue])
    case map(YAMLMap)

    /// `.string(s)` or `.null` (an absent field) when `s` is nil.
    public static func optional(_ s: String?) -> YAMLValue { s.map(YAMLValue.string) ?? .null }

    /// `.int(i)` or `.null` (an absent field) when `i` is nil.
    public static func optional(_ i: Int?) -> YAMLValue { i.map(YAMLValue.int) ?? .null }

    /// A mapping that keeps `.null` values (JSON documents whose keys are
    /// always present, `"team": null` included).
    public static func object(_ entries: KeyValuePairs<String, YAMLValue>) -> YAMLValue {
        var map = YAMLMap()
        map.entries = entries.map { YAMLMap.Entry(key: $0.key, value: $0.value) }
        return .map(map)
    }

    /// A mapping with keys sorted, for maps whose order carries no meaning
    /// (labels, sparkConf, data).
    public static func sorted(_ entries: [String: YAMLValue]) -> YAMLValue {
        .map(YAMLMap(entries.sorted { $0.key < $1.key }.map { YAMLMap.Entry(key: $0.key, value: $0.value) }))
    }

    /// A mapping of strings with keys sorted.
    public static func sortedStrings(_ entries: [String: String]) -> YAMLValue {
        sorted(entries.mapValues(YAMLValue.string))
    }

    /// The value at `key` if this is a mapping.
    public subscript(key: String) -> YAMLValue? {
        if case .map(let m) = self { return m[key] }
        return nil
    }

    /// The string, if this is one.
    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The mapping, if this is one.
    public var mapValue: YAMLMap? {
        if case .map(let m) = self { return m }
        return nil
    }

    /// The items, if this is a list.
    public var listValue: [YAMLValue]? {
        if case .list(let l) = self { return l }
        return nil
    }
}

/// An ordered mapping with string keys.
public struct YAMLMap: Hashable, Sendable {
    /// One key and its value.
    public struct Entry: Hashable, Sendable {
        public var key: String
        public var value: YAMLValue
        public init(key: String, value: YAMLValue) {
            self.key = key
            self.value = value
        }
    }

    /// The entries, in order.
    public var entries: [Entry]

    /// Creates a mapping from entries; `.null` values are dropped.
    public init(_ entries: [Entry] = []) {
        self.entries = entries.filter { $0.value != .null }
    }

    /// The value at `key`; setting `.null` or `nil` removes the key, setting a
    /// new key appends it.
    public subscript(key: String) -> YAMLValue? {
        get { entries.first { $0.key == key }?.value }
        set {
            let index = entries.firstIndex { $0.key == key }
            switch (index, newValue) {
            case (let i?, nil), (let i?, .null?): entries.remove(at: i)
            case (let i?, let value?): entries[i].value = value
            case (nil, nil), (nil, .null?): break
            case (nil, let value?): entries.append(Entry(key: key, value: value))
            }
        }
    }

    /// The keys, in order.
    public var keys: [String] { entries.map(\.key) }

    /// Whether the mapping has no entries.
    public var isEmpty: Bool { entries.isEmpty }
}

extension YAMLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByStringInterpolation
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: YAMLValue...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, YAMLValue)...) {
        self = .map(YAMLMap(elements.map { YAMLMap.Entry(key: $0.0, value: $0.1) }))
    }
}

extension YAMLMap: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, YAMLValue)...) {
        self.init(elements.map { Entry(key: $0.0, value: $0.1) })
    }
}

extension YAMLNode {
    /// The node as a plain value, typed by the YAML 1.2 core schema (floats
    /// keep their text as strings: no manifest pedregal reads needs floats).
    public var value: YAMLValue {
        switch content {
        case .scalar(let s):
            switch s.resolved {
            case .null: return .null
            case .bool(let b): return .bool(b)
            case .int(let i?): return .int(i)
            case .int(nil), .float, .string: return .string(s.text)
            }
        case .sequence(let items): return .list(items.map(\.value))
        case .mapping(let pairs):
            // Not YAMLMap.init: an explicit null must survive a round trip.
            var map = YAMLMap()
            map.entries = pairs.map { YAMLMap.Entry(key: $0.key, value: $0.value.value) }
            return .map(map)
        }
    }
}
