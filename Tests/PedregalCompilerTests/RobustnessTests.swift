import Foundation
import PedregalCompiler
import PedregalLoader
import PedregalTestSupport
import Testing

/// Bad input never crashes: thousands of mutated team and template files
/// compile to diagnostics that all point into real files, or to output.
@Suite struct RobustnessTests {
    /// Seeded, so failures reproduce.
    typealias Generator = SeededGenerator

    static let fragments = [
        ":", ": ", "-", "- ", "[", "]", "{", "}", ",", "*a", "&a ", "!!str ", "!x ", "\t", "\n", "  ", "#", "'", "\"",
        "|", ">", "~", "null", "true", "1e999", "99999999999999999999", "0x", "é", "\u{0}", "<<: ", "---\n", "...\n",
        "prod", "dev", "us-west-2", "size", "quota", "cpu", "99Ti", "-1", "jobs:", "name: x", "Gi", "\u{FEFF}",
    ]

    static func mutate(_ text: String, using generator: inout Generator) -> [UInt8] {
        var bytes = Array(text.utf8)
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<5, using: &generator) {
            case 0:
                let end = min(bytes.count, position + Int.random(in: 1...20, using: &generator))
                bytes.removeSubrange(position..<end)
            case 1:
                bytes.insert(contentsOf: Array(fragments.randomElement(using: &generator)!.utf8), at: position)
            case 2:
                bytes.insert(UInt8.random(in: 0...255, using: &generator), at: position)
            case 3:
                let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
                guard lines.count > 2 else { continue }
                var shuffled = Array(lines)
                shuffled.swapAt(Int.random(in: 0..<lines.count, using: &generator), Int.random(in: 0..<lines.count, using: &generator))
                bytes = Array(shuffled.joined(separator: [UInt8(ascii: "\n")]))
            default:
                if position < bytes.count { bytes[position] = UInt8.random(in: 32...126, using: &generator) }
            }
        }
        return bytes
    }

    @Test func mutatedInputsNeverCrash() throws {
        let team = try String(contentsOf: Paths.packageRoot.appendingPathComponent("teams/feature-engineering.yaml"), encoding: .utf8)
        let base = Fixtures.templates.mapValues { Array($0.utf8) }
        var generator = Generator(seed: 0x5EED_1234_ABCD_0001)
        var outcomes = (valid: 0, invalid: 0)
        for iteration in 0..<1500 {
            var files = base
            files["teams/feature-engineering.yaml"] = Array(team.utf8)
            let target =
                iteration % 4 == 0
                ? files.keys.sorted().randomElement(using: &generator)!
                : "teams/feature-engineering.yaml"
            files[target] = Self.mutate(String(decoding: files[target]!, as: UTF8.self), using: &generator)
            let compilation = Compiler().compile(MemorySourceTree(bytes: files))
            if compilation.hasErrors {
                outcomes.invalid += 1
                #expect(compilation.files.isEmpty)
            } else {
                outcomes.valid += 1
            }
            for diagnostic in compilation.diagnostics {
                #expect(files[diagnostic.location.file] != nil, "\(diagnostic)")
                #expect(diagnostic.location.line >= 1 && diagnostic.location.column >= 1, "\(diagnostic)")
                #expect(!diagnostic.message.isEmpty)
            }
        }
        // Both outcomes happen, or the mutations are not exercising anything.
        #expect(outcomes.valid > 10 && outcomes.invalid > 500, "\(outcomes)")
    }

    @Test func absurdSizesFailTheQuotaInsteadOfOverflowing() {
        let c = RuleCase(
            team: """
                team: alpha
                owners: { admins: [a] }
                environments: { dev: { regions: [us-west-2], size: small, quota: { memory: 8Ei } } }
                jobs:
                  - { name: j, type: batch, mainApplicationFile: s3://b/j.py, executor: { instances: 10000, cores: 256, memory: 8000p } }

                """)
        #expect(c.errors.map(\.code).contains(.exceedsQuota))
    }
}
