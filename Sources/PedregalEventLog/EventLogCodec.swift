/// How an event log file is compressed (`spark.eventLog.compression.codec`).
/// Read from the file's first bytes, not its name: a compacted rolling
/// file or a renamed copy is still read right.
public enum EventLogCodec: String, Sendable, CaseIterable {
    /// Plain JSON lines (`spark.eventLog.compress=false`, Spark 3.5's default).
    case none
    /// zstd frames (Spark 4's default).
    case zstd
    /// lz4-java's `LZ4BlockOutputStream`.
    case lz4
    /// snappy-java's `SnappyOutputStream`.
    case snappy
    /// compress-lzf's stream; recognised, not read.
    case lzf

    /// The codec the file extension names (`events_1_app.zstd`, `app.lz4.inprogress`), if any.
    public static func named(in fileName: String) -> EventLogCodec? {
        var name = Substring(fileName)
        if name.hasSuffix(".inprogress") { name = name.dropLast(".inprogress".count) }
        if name.hasSuffix(".compact") { name = name.dropLast(".compact".count) }
        guard let dot = name.lastIndex(of: ".") else { return nil }
        return EventLogCodec(rawValue: String(name[name.index(after: dot)...])).flatMap { $0 == .none ? nil : $0 }
    }

    /// The codec whose magic bytes start `prefix`; `none` when none does.
    public static func sniff(_ prefix: ArraySlice<UInt8>) -> EventLogCodec {
        let bytes = Array(prefix.prefix(8))
        if bytes.starts(with: [0x28, 0xB5, 0x2F, 0xFD]) { return .zstd }
        if bytes.starts(with: LZ4BlockSource.magic) { return .lz4 }
        if bytes.starts(with: SnappySource.magic) { return .snappy }
        if bytes.starts(with: [0x5A, 0x56]) && bytes.count > 2 && bytes[2] <= 1 { return .lzf }
        return .none
    }
}

/// A source that first returns bytes already read, then the rest.
struct PrefixedSource: ByteSource {
    var prefix: ArraySlice<UInt8>?
    var rest: any ByteSource

    mutating func next() throws -> ArraySlice<UInt8> {
        if let first = prefix {
            prefix = nil
            if !first.isEmpty { return first }
        }
        return try rest.next()
    }
}

/// Counts the bytes that pass through (decompressed JSON, for the benchmark's MB/s).
final class CountingSource: ByteSource {
    private var inner: any ByteSource
    private(set) var bytes = 0

    init(_ inner: any ByteSource) { self.inner = inner }

    func next() throws -> ArraySlice<UInt8> {
        let chunk = try inner.next()
        bytes += chunk.count
        return chunk
    }
}
