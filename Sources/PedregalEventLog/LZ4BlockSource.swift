import CLZ4

/// lz4-java's block stream (Spark's `lz4` codec, `LZ4BlockOutputStream`):
/// blocks of a 21-byte header (`LZ4Block`, a method byte, compressed and
/// original lengths and a checksum, little-endian) and a body that is raw
/// (method 0x10) or one LZ4 block (0x20), decompressed with liblz4. An empty
/// block ends a stream; another stream may follow it.
public final class LZ4BlockSource: ByteSource {
    static let magic: [UInt8] = Array("LZ4Block".utf8)
    /// No sane block is larger (lz4-java allows 32 MiB).
    static let largestBlock = 64 << 20
    private var input: FramedInput
    private let name: String
    private var blocks = 0
    /// True when the stream ended inside a block or without its end mark
    /// (an in-progress or cut-off log).
    public private(set) var truncated = false

    /// Decompresses `input`; `name` is used in errors.
    public init(_ input: any ByteSource, name: String) {
        self.input = FramedInput(input)
        self.name = name
    }

    public func next() throws -> ArraySlice<UInt8> {
        while true {
            let header = try input.read(21)
            if header.isEmpty { return [] }
            guard header.count == 21 else {
                truncated = true
                return []
            }
            guard Array(header[0..<8]) == Self.magic else {
                throw EventLogError(name, "is not an lz4 event log (block \(blocks) does not start with 'LZ4Block')")
            }
            blocks += 1
            let method = header[8] & 0xF0
            let compressed = Self.int32(header, at: 9)
            let original = Self.int32(header, at: 13)
            guard compressed >= 0, original >= 0, compressed <= Self.largestBlock, original <= Self.largestBlock,
                method == 0x10 || method == 0x20, method != 0x10 || compressed == original
            else {
                throw EventLogError(name, "has a corrupt lz4 block header (block \(blocks))")
            }
            if original == 0 { continue }
            let body = try input.read(compressed)
            guard body.count == compressed else {
                truncated = true
                return []
            }
            if method == 0x10 { return body[...] }
            var produced: Int32 = -1
            let output = [UInt8](unsafeUninitializedCapacity: original) { buffer, initialized in
                body.withUnsafeBytes { source in
                    produced = LZ4_decompress_safe(
                        source.baseAddress!.assumingMemoryBound(to: CChar.self),
                        UnsafeMutableRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self),
                        Int32(compressed), Int32(original))
                }
                initialized = max(0, Int(produced))
            }
            guard Int(produced) == original else {
                throw EventLogError(name, "has a corrupt lz4 block (block \(blocks) does not decompress to its stated length)")
            }
            return output[...]
        }
    }

    static func int32(_ bytes: [UInt8], at offset: Int) -> Int {
        Int(
            Int32(
                bitPattern: UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
                    | UInt32(bytes[offset + 3]) << 24))
    }
}
