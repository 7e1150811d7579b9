import Foundation
import Logging
import Testing

@testable import PedregalServerSupport

@Suite struct LoggingTests {
    /// Durations have three decimals, made without Foundation's formatter.
    @Test func printsThreeDecimals() {
        let expected: [(Double, String)] = [
            (0, "0.000"), (0.0004, "0.000"), (0.0006, "0.001"), (12.3456, "12.346"), (999.9996, "1000.000"),
            (1_234_567.891, "1234567.891"), (-0.25, "-0.250"), (-0.0001, "0.000"), (7, "7.000"),
        ]
        for (number, text) in expected {
            #expect(JSONLogHandler.threeDecimals(number) == text, "\(number)")
        }
        for number in stride(from: 0.0, to: 50, by: 0.0137) {
            let text = JSONLogHandler.threeDecimals(number)
            #expect(abs(Double(text)! - number) <= 0.0005 + 1e-12, "\(number) → \(text)")
            #expect(text.split(separator: ".").last?.count == 3)
        }
        #expect(JSONLogHandler.threeDecimals(.nan) == "null")
        #expect(JSONLogHandler.threeDecimals(.infinity) == "null")
    }

    /// One JSON object per line: time and level first, then the leading keys, the message, the rest sorted;
    /// numbers, booleans, lists and objects in their JSON forms.
    @Test func writesOneJSONObjectPerLine() throws {
        let handler = JSONLogHandler(sink: LogSink(.discard), messageKey: "event", leadingKeys: ["kind"])
        let line = handler.line(
            level: .warning, message: "server-down",
            fields: [
                "server": "10.0.0.1:15002", "kind": "event", "count": .stringConvertible(3), "ms": .stringConvertible(1.5),
                "ok": .stringConvertible(true), "quote": "a\"b\n",
                "sessions": .array([.dictionary(["session": "s-1", "route": "r"])]),
            ], time: "2026-12-07T00:00:00.000Z")
        let text = String(decoding: line, as: UTF8.self)
        #expect(
            text
                == #"{"time":"2026-12-07T00:00:00.000Z","level":"warning","kind":"event","event":"server-down","count":3,"ms":1.500,"ok":true,"quote":"a\"b\n","server":"10.0.0.1:15002","sessions":[{"route":"r","session":"s-1"}]}"#
                + "\n")
        let object = try #require(JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
        #expect(object["count"] as? Int == 3)
        #expect(JSONLogHandler.now().count == 24 && JSONLogHandler.now().hasSuffix("Z"))
    }

    /// Lines are written by the sink's own queue: `write` returns before the line is out, `flush` waits for it.
    @Test func theSinkWritesOffTheCallersThread() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pedregal-sink-\(UUID().uuidString)").path
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let handle = try #require(FileHandle(forWritingAtPath: path))
        let sink = LogSink(.fileHandle(handle))
        let logger = Logger(label: "test") { _ in JSONLogHandler(sink: sink) }
        for index in 0..<1000 { logger.info("line", metadata: ["index": .stringConvertible(index)]) }
        await sink.flush()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1000)
        #expect(lines.last?.contains("\"index\":999") == true)
        #expect(sink.droppedLines == 0)
        try handle.close()
    }

    /// A burst of lines is written out in one batch soon after, without a flush: the queue is
    /// woken once per batch, not once per line.
    @Test func aBurstOfLinesIsOneBatch() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pedregal-sink-\(UUID().uuidString)").path
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let handle = try #require(FileHandle(forWritingAtPath: path))
        defer { try? handle.close() }
        let sink = LogSink(.fileHandle(handle), batchDelay: .milliseconds(200))
        let line = Array("{\"event\":\"call\"}\n".utf8)
        for _ in 0..<1000 { sink.write(line) }
        #expect(sink.writtenBytes == 0)
        let deadline = ContinuousClock.now + .seconds(10)
        while sink.writtenBytes < 1000 * line.count && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(sink.writtenBytes == 1000 * line.count)
        #expect(sink.batchesWritten == 1)
        #expect(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count == 1000)
    }

    /// A destination that does not keep up costs lines, never memory without end.
    @Test func aFullSinkDropsAndCounts() async {
        let sink = LogSink(.standardError, capacity: 0)
        sink.write(Array("{}\n".utf8))
        #expect(sink.droppedLines == 1)
        await sink.flush()
        #expect(sink.writtenBytes == 0)
    }
}
