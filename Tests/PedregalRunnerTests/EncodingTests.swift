import PedregalBasics
import PedregalDiagnostics
import PedregalKubernetes
import PedregalManifests
import PedregalRunner
import PedregalYAML
import Testing

/// The small codecs the runner carries itself: JSON reading, SHA-256, RFC 3339.
@Suite struct EncodingTests {
    @Test func jsonKeepsOrderTypesAndNulls() throws {
        let value = try JSONReader.parse(#"{"b":1,"a":[true,false,null],"c":{"x":"y"},"d":-12,"e":1.5,"f":2e3,"n":null}"#)
        #expect(value.mapValue?.keys == ["b", "a", "c", "d", "e", "f", "n"])
        #expect(value["b"] == .int(1))
        #expect(value["a"] == .list([.bool(true), .bool(false), .null]))
        #expect(value["c"]?["x"] == "y")
        #expect(value["d"] == .int(-12))
        #expect(value["e"] == "1.5")
        #expect(value["f"] == "2e3")
        #expect(value["n"] == .null)
    }

    @Test func jsonDecodesEscapesAndSurrogatePairs() throws {
        let value = try JSONReader.parse(#""a\"b\\c\/d\n\t\u00e9\u003c\ud83d\ude00""#)
        #expect(value == .string("a\"b\\c/d\n\té<😀"))
    }

    @Test func jsonRoundTripsWhatJSONWriterWrites() throws {
        let tree: YAMLValue = [
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": ["name": "x", "labels": ["app.kubernetes.io/managed-by": "pedregal"]],
            "data": ["quote": "say \"hi\"\n", "emoji": "🚀", "control": "\u{01}"], "list": [1, "two", [], ["k": false]],
        ]
        #expect(try JSONReader.parse(JSONWriter.string(tree)) == tree)
        #expect(try JSONReader.parse(JSONWriter.pretty(tree)) == tree)
    }

    @Test(arguments: ["", "{", "[1,]", #"{"a" 1}"#, "tru", "01x", #""\x""#, "{} {}", #""\ud800""#, "1.", "-"])
    func jsonRejectsMalformedInput(_ text: String) {
        #expect(throws: JSONReader.Failure.self) { try JSONReader.parse(text) }
    }

    @Test func runTokensHashAsTheyAlwaysHave() {
        // Run names derive from this hash: it must never change, or racing
        // runners of two versions would name one run twice.
        #expect(RunToken.hash("") == "e3b0c44298")
        #expect(RunToken.hash("abc") == "ba7816bf8f")
    }

    @Test func rfc3339ParsesZonesAndFractionsAndFormatsUTC() {
        #expect(RFC3339.seconds("1970-01-01T00:00:00Z") == 0)
        #expect(RFC3339.seconds("2026-12-31T00:00:00Z") == 1_798_675_200)
        #expect(RFC3339.seconds("2026-12-31T02:00:00+02:00") == 1_798_675_200)
        #expect(RFC3339.seconds("2026-12-30T19:00:00-05:00") == 1_798_675_200)
        #expect(RFC3339.seconds("2000-02-29T12:00:00.5Z") == 951_825_600.5)
        #expect(RFC3339.format(1_798_675_200) == "2026-12-31T00:00:00Z")
        #expect(RFC3339.format(951_825_600.5) == "2000-02-29T12:00:00Z")
        for invalid in ["2026-12-31", "2026-12-31T00:00:00", "2026-13-01T00:00:00Z", "tomorrow", "2026-12-31T00:00:00Zjunk"] {
            #expect(RFC3339.seconds(invalid) == nil, "\(invalid)")
        }
    }
}
