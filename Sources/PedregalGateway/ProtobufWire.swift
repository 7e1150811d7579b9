/// The few pieces of the protobuf wire format the gateway needs to read and
/// rewrite the top level of a Spark Connect request without a protobuf
/// library: varints, tags and length-delimited fields.
enum ProtobufWire {
    /// Wire types (the low three bits of a tag).
    enum WireType: UInt8 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case startGroup = 3
        case endGroup = 4
        case fixed32 = 5
    }

    /// One top-level field: its number, wire type and where its bytes are.
    struct Field {
        var number: UInt64
        var wireType: WireType
        /// The whole field, tag included.
        var range: Range<Int>
        /// For length-delimited fields, the payload (after the length).
        var payload: Range<Int>
    }

    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    /// Reads a varint at `index`, advancing it.
    static func varint(_ bytes: UnsafeRawBufferPointer, _ index: inout Int) throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if shift == 63 && byte > 1 { throw Malformed(description: "varint overflows 64 bits") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw Malformed(description: "varint longer than 10 bytes") }
        }
        throw Malformed(description: "message ends inside a varint")
    }

    /// Splits a message into its top-level fields without looking inside them.
    /// Groups (deprecated, unused by Spark Connect) are refused.
    static func fields(_ bytes: UnsafeRawBufferPointer) throws -> [Field] {
        var fields: [Field] = []
        var index = 0
        while index < bytes.count {
            let start = index
            let tag = try varint(bytes, &index)
            let number = tag >> 3
            guard number > 0, let wireType = WireType(rawValue: UInt8(tag & 7)) else {
                throw Malformed(description: "invalid field tag \(tag)")
            }
            var payload = index..<index
            switch wireType {
            case .varint: _ = try varint(bytes, &index)
            case .fixed64: index += 8
            case .fixed32: index += 4
            case .lengthDelimited:
                let length = try varint(bytes, &index)
                guard length <= UInt64(bytes.count - index) else {
                    throw Malformed(description: "field \(number) is longer than the message")
                }
                payload = index..<index + Int(length)
                index += Int(length)
            case .startGroup, .endGroup:
                throw Malformed(description: "field \(number) uses the group wire type")
            }
            guard index <= bytes.count else { throw Malformed(description: "message ends inside field \(number)") }
            fields.append(Field(number: number, wireType: wireType, range: start..<index, payload: payload))
        }
        return fields
    }

    /// Appends `value` as a varint.
    static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }

    /// Appends a length-delimited field.
    static func appendBytesField<C: Collection<UInt8>>(_ number: UInt64, _ payload: C, to out: inout [UInt8]) {
        appendVarint(number << 3 | 2, to: &out)
        appendVarint(UInt64(payload.count), to: &out)
        out.append(contentsOf: payload)
    }
}
