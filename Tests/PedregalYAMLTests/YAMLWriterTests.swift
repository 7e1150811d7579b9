import PedregalDiagnostics
import Testing

@testable import PedregalYAML

@Suite struct YAMLWriterTests {
    /// Writes `value`, parses it back with libyaml, and returns what came back.
    func roundTrip(_ value: YAMLValue) -> YAMLValue? {
        let text = YAMLWriter.document(value)
        let result = YAMLParser().parse(Array(text.utf8), file: "x.yaml")
        guard result.diagnostics.isEmpty, let document = result.documents.first else { return nil }
        return document.value
    }

    @Test func layoutIsKubectlStyle() {
        let value: YAMLValue = [
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": ["name": "x", "labels": ["a": "b"]],
            "data": ["empty": [:], "list": ["one", ["k": "v", "m": 2]], "none": []],
        ]
        #expect(
            YAMLWriter.document(value, header: ["Generated"]) == """
                # Generated
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: x
                  labels:
                    a: b
                data:
                  empty: {}
                  list:
                  - one
                  - k: v
                    m: 2
                  none: []

                """)
    }

    @Test(arguments: [
        "yes", "No", "on", "OFF", "y", "n", "true", "null", "~", "", " lead", "trail ", "0755", "1:20", "12", "3.5",
        "1e3", "0x1F", "2026-12-31", "- item", "a: b", "a #b", "#x", "*alias", "&anchor", "!tag", "%x", "@x", "`x",
        "{x}", "[x]", "'q'", "\"q\"", "line\nbreak", "tab\there", "\u{0}", "é", "✓ ok", ".inf", "-", "?", ":", "<<",
        "=", "a:", "a:b", "x,y", "Etc/UTC", "$(TOKEN)", "--flag", "metadata.labels['x']", "\r\n", "two  spaces",
    ])
    func stringsReadBackUnchanged(_ s: String) {
        #expect(roundTrip(["k": .string(s)]) == ["k": .string(s)])
        #expect(roundTrip(["k": [.string(s)]]) == ["k": [.string(s)]])
        #expect(roundTrip([.init(stringLiteral: s): "v"]) == [.init(stringLiteral: s): "v"])
    }

    @Test func yaml11WordsAreQuoted() {
        for word in ["yes", "no", "on", "off", "y", "n", "Yes", "NO", "0755", "1:20", "1_000"] {
            #expect(YAMLWriter.scalarText(word).hasPrefix("\""), "\(word) must be quoted")
        }
        for word in ["sjns-feature-eng-prod", "spark.sql.catalog.x", "s3://bucket/path", "okta:group"] {
            #expect(YAMLWriter.scalarText(word) == word)
        }
    }

    @Test func multiLineStringsUseLiteralBlocks() {
        let value: YAMLValue = ["conf": "a 1\nb 2\n", "noEnd": "a\nb", "list": ["x\ny\n"]]
        let text = YAMLWriter.document(value)
        #expect(text.contains("conf: |\n  a 1\n  b 2\n"))
        #expect(text.contains("noEnd: |-\n"))
        #expect(roundTrip(value) == value)
    }

    @Test func randomStringsRoundTrip() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ab01 :#-'\"\\\n\t{}[],&*!|>%@`?é✓.\u{7F}\u{85}\u{2028}/=")
        for _ in 0..<3000 {
            let length = Int.random(in: 0...12, using: &generator)
            let s = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
            let value: YAMLValue = ["k": .string(s), .init(stringLiteral: s): [.string(s)]]
            #expect(roundTrip(value) == value, "\(s.debugDescription)")
        }
    }

    @Test func numbersAndBooleansStayTyped() {
        let value: YAMLValue = ["i": 42, "neg": -3, "b": true, "s": "42"]
        #expect(roundTrip(value) == value)
    }

    @Test func jsonIsCompactAndOrdered() {
        #expect(JSONWriter.string(["b": 1, "a": ["x\"y", true], "n": [:]]) == #"{"b":1,"a":["x\"y",true],"n":{}}"#)
    }
}
