/// Decodes `Decodable` values from a `YAMLValue` tree, so that a format
/// written by one module and read by another is one `Codable` type.
///
/// Strict about types (a string is not an integer, an integer is not a
/// string), lenient about keys a type does not declare (they are ignored:
/// an older reader keeps working when a newer writer adds a key). Errors are
/// `DecodingError`s whose coding path names the key; `describe(_:)` turns
/// them into one line for a user.
public struct YAMLValueDecoder: Sendable {
    /// Creates a decoder.
    public init() {}

    /// Decodes `type` from `value`.
    public func decode<T: Decodable>(_ type: T.Type, from value: YAMLValue) throws -> T {
        try T(from: ValueDecoder(value: value, codingPath: []))
    }

    /// One line saying what was wrong and where: `'port': expected an integer, found a string`.
    public static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
                .replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context.codingPath)
            return parent.isEmpty ? "lacks '\(key.stringValue)'" : "'\(parent)' lacks '\(key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let place = path(context.codingPath)
            return place.isEmpty ? context.debugDescription : "'\(place)': \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}

/// What a value is, for messages.
func kindName(_ value: YAMLValue) -> String {
    switch value {
    case .null: return "null"
    case .bool: return "a boolean"
    case .int: return "an integer"
    case .string: return "a string"
    case .list: return "a list"
    case .map: return "a mapping"
    }
}

private struct ValueDecoder: Decoder {
    let value: YAMLValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .map(let map) = value else {
            throw DecodingError.typeMismatch(
                [String: YAMLValue].self,
                .init(codingPath: codingPath, debugDescription: "expected a mapping, found \(kindName(value))"))
        }
        return KeyedDecodingContainer(KeyedContainer<Key>(map: map, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .list(let items) = value else {
            throw DecodingError.typeMismatch(
                [YAMLValue].self, .init(codingPath: codingPath, debugDescription: "expected a list, found \(kindName(value))"))
        }
        return ListContainer(items: items, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { ScalarContainer(value: value, codingPath: codingPath) }
}

/// Turns a scalar into a Swift value, or says why not.
private enum Scalar {
    static func decode<T: Decodable>(_ type: T.Type, _ value: YAMLValue, path: [any CodingKey]) throws -> T {
        func mismatch(_ expected: String) -> DecodingError {
            DecodingError.typeMismatch(type, .init(codingPath: path, debugDescription: "expected \(expected), found \(kindName(value))"))
        }
        func typed(_ result: Any) throws -> T {
            guard let result = result as? T else { throw mismatch("\(T.self)") }
            return result
        }
        switch (type, value) {
        case (is String.Type, .string(let text)): return try typed(text)
        case (is String.Type, _): throw mismatch("a string")
        case (is Bool.Type, .bool(let flag)): return try typed(flag)
        case (is Bool.Type, _): throw mismatch("a boolean")
        case (is Double.Type, _), (is Float.Type, _):
            let number: Double
            switch value {
            case .int(let integer): number = Double(integer)
            case .string(let text):
                guard let parsed = Double(text) else { throw mismatch("a number") }
                number = parsed
            default: throw mismatch("a number")
            }
            return try typed(type is Float.Type ? Float(number) as Any : number as Any)
        default:
            if let integer = type as? any FixedWidthInteger.Type {
                guard case .int(let number) = value else { throw mismatch("an integer") }
                guard let converted = integer.init(exactly: number) else {
                    throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "\(number) is out of range"))
                }
                return try typed(converted)
            }
            return try T(from: ValueDecoder(value: value, codingPath: path))
        }
    }
}

private struct Index: CodingKey {
    var intValue: Int?
    var stringValue: String { "\(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let map: YAMLMap
    let codingPath: [any CodingKey]

    var allKeys: [Key] { map.keys.compactMap(Key.init(stringValue:)) }

    func contains(_ key: Key) -> Bool { map[key.stringValue] != nil }

    private func value(_ key: Key) throws -> YAMLValue {
        guard let value = map[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no key '\(key.stringValue)'"))
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool { (map[key.stringValue] ?? .null) == .null }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try Scalar.decode(type, try value(key), path: codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try ValueDecoder(value: try value(key), codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try ValueDecoder(value: try value(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { ValueDecoder(value: .map(map), codingPath: codingPath) }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        ValueDecoder(value: map[key.stringValue] ?? .null, codingPath: codingPath + [key])
    }
}

private struct ListContainer: UnkeyedDecodingContainer {
    let items: [YAMLValue]
    let codingPath: [any CodingKey]
    var currentIndex = 0

    init(items: [YAMLValue], codingPath: [any CodingKey]) {
        self.items = items
        self.codingPath = codingPath
    }

    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    private mutating func next() throws -> (YAMLValue, [any CodingKey]) {
        let path = codingPath + [Index(currentIndex)]
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(YAMLValue.self, .init(codingPath: path, debugDescription: "the list has no more items"))
        }
        defer { currentIndex += 1 }
        return (items[currentIndex], path)
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, items[currentIndex] == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (value, path) = try next()
        return try Scalar.decode(type, value, path: path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let (value, path) = try next()
        return try ValueDecoder(value: value, codingPath: path).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (value, path) = try next()
        return try ValueDecoder(value: value, codingPath: path).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let (value, path) = try next()
        return ValueDecoder(value: value, codingPath: path)
    }
}

private struct ScalarContainer: SingleValueDecodingContainer {
    let value: YAMLValue
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool { value == .null }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try Scalar.decode(type, value, path: codingPath) }
}
