#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a `ByteSource` into lines (Spark writes one JSON event per line).
///
/// Memory stays bounded by one chunk plus the longest line kept; a line
/// longer than `longestLine` (a query plan of tens of MiB, say) is dropped
/// and counted, never held. A last line without its newline (a log still
/// being written) is returned and flagged in `lastLineUnterminated`.
public struct LineReader {
    private var source: any ByteSource
    private var chunk: ArraySlice<UInt8> = []
    private var carry: [UInt8] = []
    private var dropping = false
    private var ended = false
    /// The longest line kept, in bytes.
    public let longestLine: Int
    /// Lines dropped for being longer than `longestLine`.
    public private(set) var droppedLines = 0
    /// Whether the last line returned had no newline after it.
    public private(set) var lastLineUnterminated = false

    /// Lines of `source`, dropping any longer than `longestLine` bytes.
    public init(_ source: any ByteSource, longestLine: Int = 64 << 20) {
        self.source = source
        self.longestLine = longestLine
    }

    /// The next line without its newline (and without a trailing `\r`); nil at the end.
    public mutating func next() throws -> ArraySlice<UInt8>? {
        while true {
            if let newline = Self.newline(in: chunk) {
                let head = chunk[chunk.startIndex..<newline]
                chunk = chunk[(newline + 1)...]
                if dropping {
                    dropping = false
                    continue
                }
                // A decompressed chunk (an lz4 or snappy block) can be longer than the bound, so a
                // line held whole in one chunk is measured too (found by the event-logs fuzz target).
                if carry.count + head.count > longestLine {
                    carry = []
                    droppedLines += 1
                    continue
                }
                if carry.isEmpty { return Self.trimmed(head) }
                carry.append(contentsOf: head)
                defer { carry = [] }
                return Self.trimmed(carry[...])
            }
            if !dropping {
                if carry.count + chunk.count > longestLine {
                    carry = []
                    dropping = true
                    droppedLines += 1
                } else {
                    carry.append(contentsOf: chunk)
                }
            }
            chunk = []
            if ended {
                if dropping || carry.isEmpty { return nil }
                lastLineUnterminated = true
                defer { carry = [] }
                return Self.trimmed(carry[...])
            }
            chunk = try source.next()
            if chunk.isEmpty { ended = true }
        }
    }

    private static func trimmed(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        line.last == 13 ? line.dropLast() : line
    }

    /// The index of the first `\n`, found with memchr.
    private static func newline(in bytes: ArraySlice<UInt8>) -> Int? {
        bytes.withUnsafeBytes { raw -> Int? in
            guard let base = raw.baseAddress, raw.count > 0, let found = memchr(base, 10, raw.count) else { return nil }
            return bytes.startIndex + (UnsafeRawPointer(found) - base)
        }
    }
}
