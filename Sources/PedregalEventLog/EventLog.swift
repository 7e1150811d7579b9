/// One application's event log, read as a stream of events.
///
/// ```swift
/// let log = try EventLog.open("/logs/eventlog_v2_app-20250101-0001")
/// let summary = try log.summary()          // or: try log.forEachEvent { event in … }
/// ```
///
/// Memory is bounded by one compressed and one decompressed chunk plus the
/// longest line, whatever the log's size; the summary keeps one small
/// record per task.
public struct EventLog: Sendable {
    /// Where the log is.
    public var location: EventLogLocation

    /// The log at `path`: a single file or a rolling `eventlog_v2_*` folder.
    public static func open(_ path: String) throws -> EventLog {
        EventLog(location: try EventLogLocation.at(path))
    }

    /// A log already located.
    public init(location: EventLogLocation) {
        self.location = location
    }

    /// Calls `body` with every event of every file, in order, and returns what was read.
    ///
    /// A line that is not JSON is counted in `malformedLines` and skipped,
    /// except that a log with nothing but such lines is not an event log
    /// (an error). The last line of a log still being written may be cut
    /// short: it is counted in `truncatedLines`, not as malformed.
    @discardableResult
    public func forEachEvent(_ body: (SparkEvent) throws -> Void) throws -> ReadStatistics {
        var statistics = ReadStatistics()
        for (position, file) in location.files.enumerated() {
            let raw = try FileByteSource(path: file)
            var first = try raw.next()
            let codec = EventLogCodec.sniff(first)
            let input = PrefixedSource(prefix: first, rest: raw)
            first = []
            let decompressed: any ByteSource
            var truncated: () -> Bool = { false }
            switch codec {
            case .none: decompressed = input
            case .zstd:
                let zstd = try ZstdSource(input, name: file)
                truncated = { zstd.truncated }
                decompressed = zstd
            case .lz4:
                let lz4 = LZ4BlockSource(input, name: file)
                truncated = { lz4.truncated }
                decompressed = lz4
            case .snappy:
                let snappy = SnappySource(input, name: file)
                truncated = { snappy.truncated }
                decompressed = snappy
            case .lzf:
                throw EventLogError(
                    file, "is compressed with lzf, which pedregal does not read; set spark.eventLog.compression.codec to zstd (the default)"
                )
            }
            statistics.codecs.insert(codec)
            let counting = CountingSource(decompressed)
            var lines = LineReader(counting)
            let lastFile = position == location.files.count - 1
            var pendingMalformed = false
            while let line = try lines.next() {
                if pendingMalformed {
                    statistics.malformedLines += 1
                    pendingMalformed = false
                }
                if line.isEmpty { continue }
                statistics.lines += 1
                do {
                    let event = try EventDecoder.decode(line)
                    statistics.events += 1
                    try body(event)
                } catch is JSONScanner.Malformed {
                    // Only the very last line may be a partial write.
                    pendingMalformed = true
                }
            }
            if pendingMalformed {
                if lastFile && (lines.lastLineUnterminated || location.inProgress || truncated()) {
                    statistics.truncatedLines += 1
                } else {
                    statistics.malformedLines += 1
                }
            }
            statistics.droppedLines += lines.droppedLines
            statistics.decompressedBytes += counting.bytes
            statistics.compressedBytes += raw.offset
            if truncated() { statistics.truncatedFiles += 1 }
        }
        if statistics.events == 0 && statistics.malformedLines > 0 {
            throw EventLogError(location.path, "is not a Spark event log: no line is a JSON event")
        }
        return statistics
    }

    /// Reads the whole log into a summary of the run.
    public func summary() throws -> ApplicationSummary {
        var builder = SummaryBuilder(location: location)
        let statistics = try forEachEvent { builder.add($0) }
        return builder.finish(statistics)
    }
}

/// What reading a log found, besides its events.
public struct ReadStatistics: Sendable, Equatable {
    /// Bytes read from disk.
    public var compressedBytes = 0
    /// Bytes of JSON after decompression.
    public var decompressedBytes = 0
    /// Non-empty lines.
    public var lines = 0
    /// Lines decoded into events.
    public var events = 0
    /// Lines that were not JSON events (skipped).
    public var malformedLines = 0
    /// A last line cut short while Spark was writing it.
    public var truncatedLines = 0
    /// Lines too long to keep (skipped).
    public var droppedLines = 0
    /// Files that ended inside a compressed frame or block.
    public var truncatedFiles = 0
    /// The codecs met.
    public var codecs: Set<EventLogCodec> = []

    /// Nothing read yet.
    public init() {}
}
