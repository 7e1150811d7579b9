import Foundation
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
}
