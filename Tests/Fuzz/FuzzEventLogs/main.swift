import FuzzSupport

@testable import PedregalEventLog

// A Spark event log file as the advisor reads it (EventLog.forEachEvent): the codec sniffed from the
// first bytes, the zstd, lz4-java or snappy-java stream decompressed, lines split, each line decoded
// as a JSON event and folded into a run summary. The file arrives in chunks of 1...509 bytes (from
// its length), so every stream reader meets boundaries anywhere.
let location = fuzzSetup { EventLogLocation(path: "fuzz", appID: "app-fuzz", files: ["fuzz"], inProgress: false, rolling: false) }
let longestLine = 12 << 10

fuzzMain { input in
    let bytes = Array(input)
    let raw = MemoryByteSource(bytes, chunkSize: 1 + bytes.count % 509)
    let source: any ByteSource
    do {
        switch EventLogCodec.sniff(bytes[...]) {
        case .none: source = raw
        case .zstd: source = try ZstdSource(raw, name: "fuzz")
        case .lz4: source = LZ4BlockSource(raw, name: "fuzz")
        case .snappy: source = SnappySource(raw, name: "fuzz")
        case .lzf: return
        }
    } catch {
        return
    }
    var lines = LineReader(source, longestLine: longestLine)
    var builder = SummaryBuilder(location: location)
    var statistics = ReadStatistics()
    do {
        while let line = try lines.next() {
            fuzzCheck(line.count <= longestLine, "a line longer than the reader's bound")
            if line.isEmpty { continue }
            statistics.lines += 1
            guard let event = try? EventDecoder.decode(line) else {
                statistics.malformedLines += 1
                continue
            }
            statistics.events += 1
            builder.add(event)
        }
    } catch {
        // A corrupt stream ends the file with an error: what was read stays read.
    }
    let summary = builder.finish(statistics)
    fuzzCheck(summary.statistics.events == statistics.events, "the summary lost its statistics")
}
