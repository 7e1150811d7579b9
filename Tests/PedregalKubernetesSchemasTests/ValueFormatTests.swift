import Testing

@testable import PedregalKubernetesSchemas

/// The string syntaxes checked by hand rather than by regular expression.
@Suite struct ValueFormatTests {
    @Test func quantities() {
        for valid in ["1", "0", "500m", "1.5", ".5", "1.", "+1", "-1", "4Gi", "2Ei", "1E", "100k", "2n", "3u", "1e3", "1E-3", "1e+3.5"] {
            #expect(ValueFormats.isQuantity(valid), "\(valid)")
        }
        for invalid in ["", ".", "Gi", "1GB", "1gi", "1e", "1 Gi", "1Gi ", "1.5.5", "1Ki2", "--1", "1Mii", "1k8"] {
            #expect(!ValueFormats.isQuantity(invalid), "\(invalid)")
        }
        // The grammar matches the pattern controller-gen writes into CRDs.
        let pattern = CompiledExpression(ValueFormats.quantityPattern)!
        for text in ["1", "500m", "2Ei", "1E", "1e3", "1GB", "Gi", "1e", ".", "1.5.5"] {
            #expect(ValueFormats.isQuantity(text) == pattern.matches(text), "\(text)")
        }
    }

    @Test func names() {
        #expect(ValueFormats.isDNS1123Label("sjns-ds-dev"))
        #expect(!ValueFormats.isDNS1123Label("Team_A"))
        #expect(!ValueFormats.isDNS1123Label(String(repeating: "a", count: 64)))
        #expect(ValueFormats.isDNS1035Label("sc-default"))
        #expect(!ValueFormats.isDNS1035Label("9-lives"))
        #expect(ValueFormats.isDNS1123Subdomain("route.sjns-ds-dev.default"))
        #expect(!ValueFormats.isDNS1123Subdomain("a..b"))
        #expect(ValueFormats.isQualifiedName("app.kubernetes.io/managed-by"))
        #expect(ValueFormats.isQualifiedName("spark-role"))
        #expect(!ValueFormats.isQualifiedName("a/b/c"))
        #expect(!ValueFormats.isQualifiedName("Example.com/x"))
        #expect(ValueFormats.isLabelValue(""))
        #expect(ValueFormats.isLabelValue("okta_group.x-1"))
        #expect(!ValueFormats.isLabelValue("#oncall"))
        #expect(ValueFormats.isConfigMapKey("spark-defaults.conf"))
        #expect(!ValueFormats.isConfigMapKey(".."))
        #expect(ValueFormats.isPathSegmentName("okta:admins"))
        #expect(!ValueFormats.isPathSegmentName("a/b"))
    }

    @Test func base64() {
        #expect(ValueFormats.isBase64(""))
        #expect(ValueFormats.isBase64("a2V5dGFi"))
        #expect(ValueFormats.isBase64("YQ=="))
        #expect(!ValueFormats.isBase64("YQ="))
        #expect(!ValueFormats.isBase64("Y=Q="))
        #expect(!ValueFormats.isBase64("not base64!"))
    }
}
