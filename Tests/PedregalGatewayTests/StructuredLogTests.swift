import Foundation
import PedregalBasics
import Testing

@testable import PedregalGateway

@Suite struct StructuredLogTests {
    /// Durations have three decimals, made without Foundation's formatter.
    @Test func printsThreeDecimals() {
        let expected: [(Double, String)] = [
            (0, "0.000"), (0.0004, "0.000"), (0.0006, "0.001"), (12.3456, "12.346"), (999.9996, "1000.000"),
            (1_234_567.891, "1234567.891"), (-0.25, "-0.250"), (-0.0001, "0.000"), (7, "7.000"),
        ]
        for (number, text) in expected {
            #expect(StructuredLog.threeDecimals(number) == text, "\(number)")
        }
        for number in stride(from: 0.0, to: 50, by: 0.0137) {
            let text = StructuredLog.threeDecimals(number)
            #expect(abs(Double(text)! - number) <= 0.0005 + 1e-12, "\(number) → \(text)")
            #expect(text.split(separator: ".").last?.count == 3)
        }
        #expect(StructuredLog.threeDecimals(.nan) == "null")
        #expect(StructuredLog.threeDecimals(.infinity) == "null")
    }

    /// Each line is one JSON object whose `time` is canonical UTC with milliseconds.
    @Test func writesOneJSONObjectPerLineWithAnRFC3339Time() throws {
        #expect(RFC3339.format(wholeSeconds: 1_798_675_200, milliseconds: 7) == "2026-12-31T00:00:00.007Z")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pedregal-log-\(UUID().uuidString)").path
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let handle = try #require(FileHandle(forWritingAtPath: path))
        let before = Date().timeIntervalSince1970
        StructuredLog(.fileHandle(handle)).write("access", ["subject": "a\"b", "duration_ms": .double(1.5), "status": 0])
        try handle.close()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasSuffix("}\n") && text.filter { $0 == "\n" }.count == 1)
        let line = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(line["kind"] as? String == "access")
        #expect(line["subject"] as? String == "a\"b")
        #expect(text.contains("\"duration_ms\":1.500"))
        let time = try #require(line["time"] as? String)
        #expect(time.count == 24 && time.hasSuffix("Z"))
        let seconds = try #require(RFC3339.seconds(time))
        #expect(abs(seconds - before) < 5)
    }
}
