import PedregalDiagnostics
import PedregalTestSupport
import Testing

@testable import PedregalYAML

@Suite struct YAMLParserTests {
    func parse(_ text: String, limits: YAMLParser.Limits = .standard) -> YAMLParser.Result {
        YAMLParser(limits: limits).parse(Array(text.utf8), file: "teams/t.yaml")
    }

    @Test func keepsLineAndColumnOfKeysAndValues() throws {
        let marked = MarkedText("team: 1️⃣alpha\nowners:\n  2️⃣admins: [3️⃣a, b]\n")
        let result = parse(marked.text)
        #expect(result.diagnostics.isEmpty)
        let root = try #require(result.documents.first?.mapping)
        #expect(root[0].value.location == marked.location("1️⃣", file: "teams/t.yaml"))
        let owners = try #require(root[1].value.mapping)
        #expect(owners[0].keyLocation == marked.location("2️⃣", file: "teams/t.yaml"))
        #expect(owners[0].value.sequence?[0].location == marked.location("3️⃣", file: "teams/t.yaml"))
    }

    @Test func resolvesScalarsByTheCoreSchema() throws {
        let result = parse("a: 12\nb: \"12\"\nc: 3.5\nd: true\ne: yes\nf: ~\ng: 0x1F\nh: 2026-12-31T00:00:00Z\n")
        let pairs = try #require(result.documents.first?.mapping)
        let resolved = pairs.map { $0.value.scalar!.resolved }
        #expect(resolved == [.int(12), .string, .float(3.5), .bool(true), .string, .null, .int(31), .string])
    }

    @Test func reportsEveryDuplicateKeyWithTheFirstDefinition() {
        let marked = MarkedText("team: a\nsize: s\n1️⃣team: b\n2️⃣size: m\n")
        let result = parse(marked.text)
        #expect(result.diagnostics.map(\.code) == [.duplicateKey, .duplicateKey])
        #expect(result.diagnostics[0].location == marked.location("1️⃣", file: "teams/t.yaml"))
        #expect(result.diagnostics[0].message == "duplicate key 'team' (first defined at line 1); remove one of them")
        #expect(result.diagnostics[1].location == marked.location("2️⃣", file: "teams/t.yaml"))
    }

    @Test func syntaxErrorsPointAtTheProblem() {
        let result = parse("team: a\nowners:\n  admins: [x\n")
        #expect(result.documents.isEmpty)
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics[0].code == .yamlSyntax)
        #expect(result.diagnostics[0].location.line == 4)
    }

    @Test func tabsGetAHint() {
        let result = parse("team: a\nowners:\n\tadmins: [x]\n")
        #expect(result.diagnostics.first?.location.line == 3)
        #expect(result.diagnostics.first?.message.contains("indent with spaces") == true)
    }

    @Test func invalidUTF8IsLocated() {
        var bytes = Array("team: a\ncontact: caf".utf8)
        bytes.append(0xC3)  // a lead byte with no continuation
        bytes += Array("\n".utf8)
        let result = YAMLParser().parse(bytes, file: "teams/t.yaml")
        #expect(result.diagnostics.map(\.code) == [.invalidUTF8])
        #expect(result.diagnostics[0].location == Location(file: "teams/t.yaml", line: 2, column: 13))
    }

    @Test func aliasBombIsRefusedQuicklyInSmallMemory() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1..<12 {
            let previous = "*a\(level - 1)"
            text += "a\(level): &a\(level) [\(Array(repeating: previous, count: 10).joined(separator: ", "))]\n"
        }
        let clock = ContinuousClock()
        let start = clock.now
        let result = parse(text)
        let elapsed = clock.now - start
        #expect(result.documents.isEmpty)
        #expect(result.diagnostics.map(\.code) == [.aliasBomb])
        #expect(result.diagnostics[0].message.contains("alias bomb"))
        // Not a speed assertion: a parser that expanded the aliases would
        // take hours and gigabytes, this bound only catches that.
        #expect(elapsed < .seconds(5))
    }

    @Test func smallAliasesAreAllowed() throws {
        let result = parse("base: &b {cores: 1}\nother: *b\n")
        #expect(result.diagnostics.isEmpty)
        let pairs = try #require(result.documents.first?.mapping)
        #expect(pairs[1].value.mapping?.first?.key == "cores")
    }

    @Test func deepNestingIsRefused() {
        let text = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        let result = parse(text)
        #expect(result.diagnostics.map(\.code) == [.tooDeep])
    }

    @Test func customTagsAreRejected() {
        let result = parse("team: !secret abc\n")
        #expect(result.diagnostics.map(\.code) == [.unsupportedYAML])
    }

    @Test func everyDocumentIsReturned() {
        let result = parse("a: 1\n---\nb: 2\n")
        #expect(result.documents.count == 2)
    }
}
