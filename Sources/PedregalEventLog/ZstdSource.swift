import CZstd

/// Zstandard-compressed bytes (Spark's `zstd` codec, zstd-jni's frames),
/// decompressed with libzstd's streaming API, one output chunk at a time.
///
/// A log still being written (or cut off) ends inside a frame: what was
/// flushed is returned, and `truncated` says the last frame did not end.
public final class ZstdSource: ByteSource {
    private var input: any ByteSource
    private let name: String
    private let stream: OpaquePointer
    private var chunk: ArraySlice<UInt8> = []
    private var inputEnded = false
    private var outputWasFull = false
    private var frameOpen = false
    private let outputSize: Int
    /// Where each call decompresses to, allocated once: a fresh 1 MiB array
    /// per call cost a megabyte of allocation per input chunk however little
    /// came out (a stream of 3-byte chunks took a second for 500 bytes).
    private var scratch: [UInt8]
    /// True when the stream ended inside a frame (an in-progress or cut-off log).
    public private(set) var truncated = false

    /// Decompresses `input`; `name` is used in errors.
    public init(_ input: any ByteSource, name: String) throws {
        guard let stream = ZSTD_createDStream() else { throw EventLogError(name, "libzstd could not allocate a stream") }
        self.input = input
        self.name = name
        self.stream = stream
        self.outputSize = max(Int(ZSTD_DStreamOutSize()), 1 << 20)
        self.scratch = [UInt8](repeating: 0, count: outputSize)
        let initialized = ZSTD_initDStream(stream)
        if ZSTD_isError(initialized) != 0 {
            ZSTD_freeDStream(stream)
            throw EventLogError(name, "libzstd: \(String(cString: ZSTD_getErrorName(initialized)))")
        }
    }

    deinit { ZSTD_freeDStream(stream) }

    public func next() throws -> ArraySlice<UInt8> {
        while true {
            if chunk.isEmpty && !outputWasFull {
                if inputEnded {
                    truncated = frameOpen
                    return []
                }
                chunk = try input.next()
                if chunk.isEmpty {
                    inputEnded = true
                    continue
                }
            }
            var hint = 0
            var consumed = 0
            var failure: String?
            var produced = 0
            let stream = self.stream
            scratch.withUnsafeMutableBytes { buffer in
                chunk.withUnsafeBytes { source in
                    var inBuffer = ZSTD_inBuffer(src: source.baseAddress, size: source.count, pos: 0)
                    var outBuffer = ZSTD_outBuffer(dst: buffer.baseAddress, size: buffer.count, pos: 0)
                    let result = ZSTD_decompressStream(stream, &outBuffer, &inBuffer)
                    if ZSTD_isError(result) != 0 {
                        failure = String(cString: ZSTD_getErrorName(result))
                    } else {
                        hint = result
                    }
                    consumed = inBuffer.pos
                    produced = outBuffer.pos
                }
            }
            let output = scratch[..<produced]
            if let failure {
                throw EventLogError(name, "is not valid zstd data (\(failure)); is the file complete and really zstd-compressed?")
            }
            chunk = chunk.dropFirst(consumed)
            outputWasFull = output.count == outputSize
            // 0: a frame ended and everything is flushed; otherwise more input is expected.
            frameOpen = hint != 0
            // A copy of what came out: the scratch buffer is written again on the next call.
            if !output.isEmpty { return ArraySlice(Array(output)) }
        }
    }
}
