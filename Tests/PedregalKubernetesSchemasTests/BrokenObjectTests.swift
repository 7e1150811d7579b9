import Foundation
import PedregalKubernetesSchemas
import PedregalTestSupport
import PedregalYAML
import Testing

/// The table of deliberately broken objects: `Fixtures/broken/<case>.yaml`,
/// each one object with one mistake and a header line that says what must be
/// reported, with the field path and where in the file:
///
///     # expect: <code> <field path> at <line>:<column>
///
/// `.ci/run` also runs these files through the shared Python validator and
/// shows that it rejects the same objects (except those marked `# only: pedregal`).
@Suite struct BrokenObjectTests {
    static let folder = Paths.packageRoot.appendingPathComponent("Tests/PedregalKubernetesSchemasTests/Fixtures/broken")

    static let cases: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }()

    /// One case's header.
    struct Expectation {
        var code: String
        var path: String
        var line: Int
        var column: Int

        init?(_ text: String) {
            guard let header = text.split(separator: "\n").first(where: { $0.hasPrefix("# expect: ") }) else { return nil }
            let words = header.dropFirst("# expect: ".count).split(separator: " ")
            guard words.count == 4, words[2] == "at" else { return nil }
            let position = words[3].split(separator: ":").compactMap { Int($0) }
            guard position.count == 2 else { return nil }
            (code, path, line, column) = (String(words[0]), String(words[1]), position[0], position[1])
        }
    }

    static func load(_ name: String) throws -> (bytes: [UInt8], expectation: Expectation) {
        let bytes = Array(try Data(contentsOf: folder.appendingPathComponent(name)))
        let expectation = try #require(Expectation(String(decoding: bytes, as: UTF8.self)), "\(name) has no '# expect:' header")
        return (bytes, expectation)
    }

    @Test(arguments: cases)
    func eachBrokenObjectIsRejectedOnceWithItsFieldPathAndPosition(_ name: String) throws {
        let (bytes, expected) = try Self.load(name)
        let report = ManifestFileCheck(validator: try #require(ManifestValidator())).check([.init(path: name, bytes: bytes)])
        #expect(report.objects == 1)
        #expect(report.diagnostics.count == 1, "\(report.diagnostics)")
        let diagnostic = try #require(report.diagnostics.first)
        #expect(diagnostic.severity == .error)
        #expect(diagnostic.code.rawValue == expected.code, "\(diagnostic)")
        #expect(diagnostic.message.contains(": \(expected.path): "), "\(diagnostic)")
        #expect(diagnostic.location == Location(file: name, line: expected.line, column: expected.column), "\(diagnostic)")
    }

    /// The same objects as renderers hold them (plain values, no positions)
    /// break the same rule at the same path.
    @Test(arguments: cases.filter { !$0.contains("yaml11") })
    func theSameObjectInMemoryBreaksTheSameRule(_ name: String) throws {
        let (bytes, expected) = try Self.load(name)
        let document = try #require(YAMLParser().parse(bytes, file: name).documents.first)
        let violations = try #require(ManifestValidator()).violations(of: document.value)
        #expect(violations.map(\.path.description) == [expected.path], "\(violations)")
        #expect(violations.first?.code.rawValue == expected.code, "\(violations)")
    }

    @Test func theTableCoversEveryKindOfMistakeAndEveryKindEmitted() throws {
        var codes: Set<String> = []
        var kinds: Set<String> = []
        for name in Self.cases {
            let (bytes, expected) = try Self.load(name)
            codes.insert(expected.code)
            let document = try #require(YAMLParser().parse(bytes, file: name).documents.first)
            kinds.insert(document.value["kind"]?.string ?? "")
        }
        #expect(
            codes.isSuperset(of: [
                "wrong-type", "unknown-key", "missing-key", "invalid-value", "invalid-quantity", "invalid-name", "unknown-kind",
            ]))
        #expect(
            kinds.isSuperset(of: [
                "Namespace", "ResourceQuota", "ConfigMap", "Service", "CronJob", "Deployment", "Role", "NetworkPolicy",
                "SparkApplication", "ScheduledSparkApplication", "DNSEndpoint", "Application", "AppProject",
            ]))
    }
}
