#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A stream of bytes read in chunks: a file, or the output of a decompressor
/// over another stream. `next()` returns the next chunk, empty at the end;
/// nothing holds more than one chunk (plus a decompressor's window).
public protocol ByteSource {
    /// The next bytes; empty when the stream has ended.
    mutating func next() throws -> ArraySlice<UInt8>
}

/// A file read with POSIX `read` in fixed-size chunks.
public final class FileByteSource: ByteSource {
    private let fd: Int32
    private let path: String
    private let chunkSize: Int
    /// Bytes read so far.
    public private(set) var offset = 0

    /// Opens `path`; throws when it cannot be read.
    public init(path: String, chunkSize: Int = 1 << 20) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw EventLogError(path, "cannot be read: \(String(cString: strerror(errno)))") }
        self.fd = fd
        self.chunkSize = chunkSize
    }

    deinit { close(fd) }

    public func next() throws -> ArraySlice<UInt8> {
        // A fresh array per chunk: a consumer may keep the previous one.
        var failure: Int32 = 0
        let chunk = [UInt8](unsafeUninitializedCapacity: chunkSize) { buffer, initialized in
            while true {
                let count = read(fd, buffer.baseAddress, buffer.count)
                if count < 0 && errno == EINTR { continue }
                if count < 0 { failure = errno }
                initialized = max(0, count)
                return
            }
        }
        if failure != 0 { throw EventLogError(path, "read failed: \(String(cString: strerror(failure)))") }
        offset += chunk.count
        return chunk[...]
    }
}

/// Bytes already in memory, handed out in chunks (tests, small logs).
public struct MemoryByteSource: ByteSource {
    private var bytes: [UInt8]
    private var position = 0
    private let chunkSize: Int

    /// A stream of `bytes`, `chunkSize` at a time.
    public init(_ bytes: [UInt8], chunkSize: Int = 1 << 16) {
        self.bytes = bytes
        self.chunkSize = max(1, chunkSize)
    }

    public mutating func next() throws -> ArraySlice<UInt8> {
        let end = min(bytes.count, position + chunkSize)
        defer { position = end }
        return bytes[position..<end]
    }
}

/// Reads exact byte counts from a `ByteSource`: the framed codecs (lz4-java's
/// and snappy-java's streams) need a block's header, then its body.
struct FramedInput {
    private var source: any ByteSource
    private var pending: ArraySlice<UInt8> = []
    private var ended = false

    init(_ source: any ByteSource) { self.source = source }

    /// Exactly `count` bytes; fewer only at the end of the stream (then
    /// whatever was left, possibly none).
    mutating func read(_ count: Int) throws -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(count)
        while result.count < count {
            if pending.isEmpty {
                if ended { break }
                pending = try source.next()
                if pending.isEmpty {
                    ended = true
                    break
                }
            }
            let take = min(count - result.count, pending.count)
            result.append(contentsOf: pending.prefix(take))
            pending = pending.dropFirst(take)
        }
        return result
    }
}
