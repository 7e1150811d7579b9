/// Encodes `Encodable` values into a `YAMLValue` tree, keeping keys in the
/// order the type encodes them (for synthesized conformances: the order the
/// properties are declared), so that what a renderer writes is as stable as a
/// hand-built mapping. A nil optional encoded with `encodeIfPresent` (what
/// synthesized conformances do) leaves its key out; an explicit `encodeNil`
/// writes `null`.
public struct YAMLValueEncoder: Sendable {
    /// Creates an encoder.
    public init() {}

    /// `value` as a tree. Throws only for what YAML cannot hold as pedregal
    /// writes it: a number that is not finite.
    public func encode(_ value: some Encodable) throws -> YAMLValue {
        let node = Node()
        try value.encode(to: ValueEncoder(node: node, codingPath: []))
        return node.value
    }
}

/// One value being built. A class, because containers handed out by the
/// encoder keep writing into it after they are returned.
private final class Node {
    enum Content {
        case empty
        case scalar(YAMLValue)
        case map([(String, Node)])
        case list([Node])
    }

    var content = Content.empty

    var value: YAMLValue {
        switch content {
        case .empty: return .null
        case .scalar(let value): return value
        case .map(let entries):
            // Not YAMLMap.init, which drops nulls: an explicit encodeNil stays.
            var map = YAMLMap()
            map.entries = entries.map { YAMLMap.Entry(key: $0.0, value: $0.1.value) }
            return .map(map)
        case .list(let items): return .list(items.map(\.value))
        }
    }

    /// The child at `key`, replacing an earlier value under the same key in place.
    func child(_ key: String) -> Node {
        var entries: [(String, Node)] = []
        if case .map(let existing) = content { entries = existing }
        if let index = entries.firstIndex(where: { $0.0 == key }) { return entries[index].1 }
        let node = Node()
        entries.append((key, node))
        content = .map(entries)
        return node
    }

    func append() -> Node {
        var items: [Node] = []
        if case .list(let existing) = content { items = existing }
        let node = Node()
        items.append(node)
        content = .list(items)
        return node
    }

    func makeMap() { if case .map = content {} else { content = .map([]) } }
    func makeList() { if case .list = content {} else { content = .list([]) } }
    var count: Int {
        if case .list(let items) = content { return items.count }
        return 0
    }
}

private struct ValueEncoder: Encoder {
    let node: Node
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.makeMap()
        return KeyedEncodingContainer(KeyedContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.makeList()
        return ListContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { ScalarContainer(node: node, codingPath: codingPath) }
}

/// Writes a value into a node: scalars directly, anything else through its own `encode(to:)`.
private func write(_ value: some Encodable, into node: Node, path: [any CodingKey]) throws {
    switch value {
    case let text as String: node.content = .scalar(.string(text))
    case let flag as Bool: node.content = .scalar(.bool(flag))
    case let number as Int: node.content = .scalar(.int(number))
    case let number as Float: try write(Double(number), into: node, path: path)
    case let number as Double:
        guard number.isFinite else {
            throw EncodingError.invalidValue(number, .init(codingPath: path, debugDescription: "\(number) is not a finite number"))
        }
        node.content = .scalar(number == number.rounded() && abs(number) < 1e15 ? .int(Int(number)) : .string("\(number)"))
    case let number as any FixedWidthInteger:
        guard let integer = Int(exactly: number) else {
            throw EncodingError.invalidValue(number, .init(codingPath: path, debugDescription: "\(number) does not fit in 64 bits"))
        }
        node.content = .scalar(.int(integer))
    default:
        try value.encode(to: ValueEncoder(node: node, codingPath: path))
    }
}

private struct Index: CodingKey {
    var intValue: Int?
    var stringValue: String { "\(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: Node
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws { node.child(key.stringValue).content = .scalar(.null) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try write(value, into: node.child(key.stringValue), path: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        ValueEncoder(node: node.child(key.stringValue), codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        ValueEncoder(node: node.child(key.stringValue), codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { ValueEncoder(node: node.child("super"), codingPath: codingPath) }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        ValueEncoder(node: node.child(key.stringValue), codingPath: codingPath + [key])
    }
}

private struct ListContainer: UnkeyedEncodingContainer {
    let node: Node
    let codingPath: [any CodingKey]
    var count: Int { node.count }

    mutating func encodeNil() throws { node.append().content = .scalar(.null) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let path = codingPath + [Index(count)]
        try write(value, into: node.append(), path: path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let path = codingPath + [Index(count)]
        return ValueEncoder(node: node.append(), codingPath: path).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = codingPath + [Index(count)]
        return ValueEncoder(node: node.append(), codingPath: path).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let path = codingPath + [Index(count)]
        return ValueEncoder(node: node.append(), codingPath: path)
    }
}

private struct ScalarContainer: SingleValueEncodingContainer {
    let node: Node
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { node.content = .scalar(.null) }

    mutating func encode<T: Encodable>(_ value: T) throws { try write(value, into: node, path: codingPath) }
}
