import CSnappy

/// snappy-java's stream (Spark's `snappy` codec, `SnappyOutputStream`): a
/// 16-byte header (`\u{82}SNAPPY\0`, version and compatible version), then
/// chunks of a big-endian length and that many bytes of raw snappy data,
/// each decompressed with libsnappy. A header may appear again (streams
/// written one after another).
public final class SnappySource: ByteSource {
    static let magic: [UInt8] = [0x82] + Array("SNAPPY".utf8) + [0]
    /// snappy-java writes 32 KiB blocks by default; nothing sane is this large.
    static let largestBlock = 64 << 20
    private var input: FramedInput
    private let name: String
    private var started = false
    /// True when the stream ended inside a chunk (an in-progress or cut-off log).
    public private(set) var truncated = false

    /// Decompresses `input`; `name` is used in errors.
    public init(_ input: any ByteSource, name: String) {
        self.input = FramedInput(input)
        self.name = name
    }

    public func next() throws -> ArraySlice<UInt8> {
        while true {
            let head = try input.read(4)
            if head.isEmpty {
                if !started { throw EventLogError(name, "is empty, not a snappy stream") }
                return []
            }
            guard head.count == 4 else {
                truncated = true
                return []
            }
            if head == Array(Self.magic[0..<4]) {
                let rest = try input.read(12)
                guard rest.count == 12, Array(rest[0..<4]) == Array(Self.magic[4..<8]) else {
                    throw EventLogError(name, "has a corrupt snappy stream header")
                }
                started = true
                continue
            }
            guard started else { throw EventLogError(name, "is not a snappy event log (no snappy-java header)") }
            let length = Int(UInt32(head[0]) << 24 | UInt32(head[1]) << 16 | UInt32(head[2]) << 8 | UInt32(head[3]))
            guard length <= Self.largestBlock else { throw EventLogError(name, "has a corrupt snappy chunk length \(length)") }
            let body = try input.read(length)
            guard body.count == length else {
                truncated = true
                return []
            }
            if length == 0 { continue }
            var originalLength = 0
            let known = body.withUnsafeBytes { source in
                snappy_uncompressed_length(source.baseAddress!.assumingMemoryBound(to: CChar.self), length, &originalLength)
            }
            guard known == SNAPPY_OK, originalLength <= Self.largestBlock else {
                throw EventLogError(name, "has a corrupt snappy chunk")
            }
            var status = SNAPPY_OK
            let output = [UInt8](unsafeUninitializedCapacity: max(originalLength, 1)) { buffer, initialized in
                var produced = buffer.count
                status = body.withUnsafeBytes { source in
                    snappy_uncompress(
                        source.baseAddress!.assumingMemoryBound(to: CChar.self), length,
                        UnsafeMutableRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self), &produced)
                }
                initialized = status == SNAPPY_OK ? produced : 0
            }
            guard status == SNAPPY_OK else { throw EventLogError(name, "has a corrupt snappy chunk") }
            if !output.isEmpty { return output[...] }
        }
    }
}
