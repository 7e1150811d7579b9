import Foundation
import Testing

@testable import PedregalEventLog

/// Real event logs of real local-cluster runs (Tests/e2e/advise/spark_jobs.py, pyspark 4.0.1):
/// Spark 4's rolling zstd folders, single lz4 and snappy files, a plain log still being written.
@Suite struct EventLogTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

    static func fixture(_ name: String) throws -> ApplicationSummary {
        let locations = try EventLogLocation.all(in: "\(fixtures)/\(name)")
        #expect(locations.count == 1)
        return try EventLog(location: locations[0]).summary()
    }

    @Test func readsASpark4RollingZstdFolder() throws {
        let run = try Self.fixture("rolling-zstd-overprovisioned")
        #expect(run.appID == "app-20261207010329-0000")
        #expect(run.name == "nightly-report")
        #expect(run.sparkVersion == "4.0.1")
        #expect(!run.inProgress && run.end != nil && run.succeeded)
        #expect(run.executors.count == 6)
        #expect(run.executors.allSatisfy { $0.cores == 1 && $0.peaks.jvmHeap > 0 && $0.peaks.processTreeJVMRSS > 0 })
        // Stages of 2, 3, 2, 4 and 2 tasks.
        #expect(run.stages.map(\.tasksEnded) == [2, 3, 2, 4, 2])
        #expect(run.tasks.count == 13 && run.tasks.allSatisfy(\.succeeded))
        #expect(run.jobs.count == 5 && run.jobs.allSatisfy { $0.succeeded == true })
        #expect(run.sparkProperties["spark.executor.memory"] == "512m")
        #expect(run.resourceProfile?.executorMemoryMiB == 512)
        #expect(run.statistics.codecs == [.zstd])
        #expect(run.statistics.malformedLines == 0 && run.statistics.events == run.statistics.lines)
        #expect(run.statistics.decompressedBytes > run.statistics.compressedBytes)
    }

    @Test func readsSingleFileCodecs() throws {
        for (name, codec) in [("single-lz4", EventLogCodec.lz4), ("single-snappy", .snappy)] {
            let run = try Self.fixture(name)
            #expect(run.statistics.codecs == [codec], "\(name)")
            #expect(run.name == "scaling")
            #expect(run.stages.map(\.tasksEnded) == [16, 24, 12], "\(name)")
            #expect(run.jobs.count == 3 && run.succeeded)
        }
    }

    @Test func stageExecutorMetricsGiveTheDriversPeak() throws {
        let run = try Self.fixture("rolling-zstd-stage-metrics")
        #expect(run.sparkProperties["spark.eventLog.logStageExecutorMetrics"] == "true")
        #expect(run.driverPeaks.jvmHeap > 0)
        #expect(run.stages.contains { $0.shuffleReadBytes > 0 && $0.shuffleWriteBytes == 0 })
    }

    @Test func skewShowsInTheStageDistribution() throws {
        let run = try Self.fixture("rolling-zstd-skewed")
        let skewed = run.stages.filter { $0.tasksEnded >= 4 && $0.maxTaskTime >= 3 * $0.medianTaskTime }
        #expect(!skewed.isEmpty)
    }

    @Test func aLogStillBeingWrittenIsReadAsFarAsItGoes() throws {
        let run = try Self.fixture("inprogress-plain")
        #expect(run.inProgress)
        #expect(run.end == nil && !run.succeeded)
        #expect(run.statistics.codecs == [.none])
        #expect(run.name == "scaling")
    }

    /// A zstd file cut in the middle of a frame (Spark still writing, or a copy cut short).
    @Test func aTruncatedZstdFileEndsWithoutAnError() throws {
        let source = try EventLogLocation.all(in: "\(Self.fixtures)/rolling-zstd-skewed")[0]
        let bytes = try Data(contentsOf: URL(fileURLWithPath: source.files[0]))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eventlog-test-\(UUID().uuidString)")
            .appendingPathComponent("eventlog_v2_app-cut")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        try bytes.prefix(bytes.count * 6 / 10).write(to: folder.appendingPathComponent("events_1_app-cut.zstd"))
        _ = FileManager.default.createFile(atPath: folder.appendingPathComponent("appstatus_app-cut.inprogress").path, contents: Data())
        let whole = try EventLog(location: source).summary()
        let cut = try EventLog.open(folder.path).summary()
        #expect(cut.inProgress)
        #expect(cut.statistics.truncatedFiles == 1)
        #expect(cut.tasks.count < whole.tasks.count)
        #expect(cut.statistics.malformedLines == 0)
    }

    /// Crashed the event-logs fuzz target: a task whose times are at the ends of the range made
    /// `Finish Time - Launch Time` overflow and trap; sums of huge metrics did too.
    @Test func extremeNumbersAreHeldAtTheBoundsNotCrashes() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eventlog-extreme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let task =
            #"{"Event":"SparkListenerTaskEnd","Stage ID":0,"Stage Attempt ID":0,"Task End Reason":{"Reason":"Success"},"#
            + #""Task Info":{"Task ID":N,"Index":N,"Executor ID":"1","Launch Time":-9000000000000000000,"#
            + #""Finish Time":9000000000000000000},"Task Metrics":{"Executor Run Time":9000000000000000000,"#
            + #""Shuffle Read Metrics":{"Remote Bytes Read":9000000000000000000,"Local Bytes Read":9000000000000000000}}}"#
        let lines = (1...2).map { task.replacingOccurrences(of: "N", with: "\($0)") }
        let path = folder.appendingPathComponent("app-extreme").path
        _ = FileManager.default.createFile(atPath: path, contents: Data((lines.joined(separator: "\n") + "\n").utf8))
        let run = try EventLog.open(path).summary()
        #expect(run.tasks.count == 2)
        #expect(run.tasks.allSatisfy { $0.duration == Int.max })
        #expect(run.stages.first?.taskTime == Int.max)
        #expect(run.stages.first?.runTime == Int.max)
        #expect(run.stages.first?.shuffleReadBytes == Int.max)
    }

    @Test func corruptOrForeignFilesAreErrorsNotCrashes() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eventlog-bad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cases: [(String, [UInt8])] = [
            ("app-zstd.zstd", [0x28, 0xB5, 0x2F, 0xFD] + Array(repeating: 0xAB, count: 300)),
            ("app-lz4.lz4", Array("LZ4Block".utf8) + [0x20] + Array(repeating: 0xFF, count: 40)),
            ("app-snappy.snappy", SnappySource.magic + [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 9] + Array(repeating: 0xFF, count: 9)),
            ("app-text", Array("hello\nthis is not JSON\n".utf8)),
        ]
        for (name, bytes) in cases {
            let path = folder.appendingPathComponent(name).path
            _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
            #expect(throws: EventLogError.self, "\(name)") { try EventLog.open(path).summary() }
        }
    }

    @Test func scannerDecodesEscapesAndRefusesMalformedJSON() throws {
        var s = JSONScanner(Array(#"{"a":"x\"y\\z\u00e9\ud83d\ude00","b":[1,2.5,-3e2,true,null,{"c":{}}],"d":12}"#.utf8)[...])
        try s.beginObject()
        #expect(try s.nextKey() == "a")
        #expect(try s.string() == "x\"y\\zé😀")
        #expect(try s.nextKey() == "b")
        try s.skip()
        #expect(try s.nextKey() == "d")
        #expect(try s.int() == 12)
        #expect(try s.nextKey() == nil)
        for bad in [
            #"{"Event":"SparkListenerTaskEnd","Stage ID":"#, #"{"Event":1}"#, "[]", #"{"Event":"SparkListenerJobStart","Job ID":tru}"#,
        ] {
            #expect(throws: JSONScanner.Malformed.self, "\(bad)") { _ = try EventDecoder.decode(Array(bad.utf8)[...]) }
        }
    }

    @Test func linesLongerThanTheBoundAreDroppedAndAnUnterminatedLastLineIsKept() throws {
        let text = "short\n" + String(repeating: "x", count: 5000) + "\nlast"
        var lines = LineReader(MemoryByteSource(Array(text.utf8), chunkSize: 7), longestLine: 100)
        var seen: [String] = []
        while let line = try lines.next() { seen.append(String(decoding: line, as: UTF8.self)) }
        #expect(seen == ["short", "last"])
        #expect(lines.droppedLines == 1)
        #expect(lines.lastLineUnterminated)
    }

    /// Found by the event-logs fuzz target: a line longer than the bound that arrived whole in one
    /// chunk (a large lz4 or snappy block) was returned instead of dropped.
    @Test func aLongLineWithinOneChunkIsDroppedToo() throws {
        let text = "short\n" + String(repeating: "x", count: 5000) + "\nlast\n"
        var lines = LineReader(MemoryByteSource(Array(text.utf8), chunkSize: 1 << 16), longestLine: 100)
        var seen: [String] = []
        while let line = try lines.next() { seen.append(String(decoding: line, as: UTF8.self)) }
        #expect(seen == ["short", "last"])
        #expect(lines.droppedLines == 1)
    }

    /// Found by the event-logs fuzz target (a 511-byte input took over a second): each call of
    /// the zstd reader allocated a fresh 1 MiB output, however small its input chunk. It now
    /// decompresses into one buffer and returns copies; every chunk it returned must stay as it
    /// was when later calls reuse that buffer, whatever the input's chunking.
    @Test func zstdChunksStayIntactWhateverTheInputChunking() throws {
        let folder = "\(Self.fixtures)/rolling-zstd-overprovisioned"
        let logs = try FileManager.default.subpathsOfDirectory(atPath: folder).filter { $0.hasSuffix(".zstd") }.sorted()
        let log = try #require(logs.first)
        let compressed = try #require(FileManager.default.contents(atPath: "\(folder)/\(log)"))
        func decompressed(chunkSize: Int) throws -> [UInt8] {
            let source = try ZstdSource(MemoryByteSource(Array(compressed), chunkSize: chunkSize), name: "fixture")
            var chunks: [ArraySlice<UInt8>] = []
            while case let chunk = try source.next(), !chunk.isEmpty { chunks.append(chunk) }
            #expect(!source.truncated)
            return chunks.flatMap { $0 }
        }
        let whole = try decompressed(chunkSize: 1 << 20)
        #expect(whole.count > compressed.count)
        #expect(String(decoding: whole.prefix(30), as: UTF8.self).hasPrefix(#"{"Event":"SparkListener"#))
        #expect(try decompressed(chunkSize: 3) == whole)
        #expect(try decompressed(chunkSize: 4093) == whole)
    }
}
