import Foundation
import Logging
import Testing

@testable import PedregalGateway
@testable import PedregalServerSupport

@Suite struct GatewayLogTests {
    /// The access line is written straight into its bytes, not through swift-log: for every mix of
    /// the fields a call may lack, and with text that needs escaping, it is the line the JSON handler
    /// writes for the same fields under `kind` `access` and event `call`.
    @Test func theAccessLineIsWhatTheHandlerWrites() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pedregal-access-\(UUID().uuidString)").path
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let handle = try #require(FileHandle(forWritingAtPath: path))
        let sink = LogSink(.fileHandle(handle))
        let log = GatewayLog(sink: sink)
        let time = "2026-12-07T10:11:12.345Z"
        let handler = JSONLogHandler(sink: LogSink(.discard), messageKey: "event", leadingKeys: ["kind"])
        var expected: [String] = []
        for mask in 0..<64 {
            func optional(_ bit: Int, _ text: String) -> String? { mask & (1 << bit) != 0 ? text : nil }
            let call = GatewayLog.Access(
                route: "team-a/\"etl\"", peer: "10.0.0.7:51234", host: "team-a.spark.example.com", status: "UNAVAILABLE",
                durationMilliseconds: Double(mask) * 1.0625, team: optional(0, "team-a"), subject: optional(1, "ana@example.com"),
                method: optional(2, "ExecutePlan"), session: optional(3, "5f0c…-\u{7}"), server: optional(4, "10.1.2.3:15002"),
                message: optional(5, "cannot reach\nthe server"))
            log.access(call, time: time)
            var fields: Logger.Metadata = [
                "kind": "access", "route": .string(call.route), "peer": .string(call.peer), "host": .string(call.host),
                "status": .string(call.status), "duration_ms": .stringConvertible(call.durationMilliseconds),
            ]
            for (key, value) in [
                ("team", call.team), ("subject", call.subject), ("method", call.method), ("session", call.session),
                ("server", call.server), ("message", call.message),
            ] {
                if let value { fields[key] = .string(value) }
            }
            expected.append(String(decoding: handler.line(level: .info, message: "call", fields: fields, time: time), as: UTF8.self))
        }
        await sink.flush()
        let written = try String(contentsOfFile: path, encoding: .utf8)
        #expect(written == expected.joined())
        #expect(written.split(separator: "\n").count == 64)
        for line in written.split(separator: "\n") {
            #expect(try JSONSerialization.jsonObject(with: Data(line.utf8)) is [String: Any])
        }
    }
}
