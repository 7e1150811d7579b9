import PedregalYAML
import Testing

@testable import PedregalManifests

/// Cases follow k8s.io/apimachinery/pkg/api/resource's own tests
/// (TestQuantityString, TestQuantityParseEmit, TestQuantityParse): what the
/// API server stores for each spelling.
@Suite struct KubernetesQuantityTests {
    @Test(arguments: [
        // The spellings from the issue.
        ("2000", "2k"), ("1000", "1k"), ("1000m", "1"), ("2048Mi", "2Gi"), ("0.5", "500m"),
        // Binary.
        ("1024Mi", "1Gi"), ("307200Ki", "300Mi"), ("1025024Mi", "1001Gi"), ("1024Gi", "1Ti"),
        ("1600Gi", "1600Gi"), ("8Gi", "8Gi"), ("128Gi", "128Gi"), ("1Ki", "1Ki"),
        // Binary below 1024 or with a fraction is written in decimal.
        (".001Ki", "1024m"), (".000001Ki", "1024u"), (".000000001Ki", "1024n"), (".000000000001Ki", "2n"),
        ("0.5Gi", "512Mi"), ("1.5Ki", "1536"), ("0.5Ki", "512"),
        // Decimal SI.
        ("5000m", "5"), ("1000M", "1G"), ("0.001T", "1G"), ("1000u", "1m"), ("1.08", "1080m"),
        ("1080000000n", "1080m"), ("0.0005k", "500m"), ("1.0350M", "1035k"), ("100.0350k", "100035"),
        ("400", "400"), ("32", "32"), ("100m", "100m"), ("256Mi", "256Mi"), ("80Ti", "80Ti"),
        // Exponent.
        (".001e12", "1e9"), ("0.001e0", "1e-3"), ("1000e-12", "1e-9"), ("1.2e3", "1200"), ("1.3E+6", "1300e3"),
        // Rounding up to 1n.
        ("3.001n", "4n"), ("0.9n", "1n"), ("0.00000012345", "124n"), ("1.1E-9", "2e-9"),
        // Zero.
        ("0", "0"), ("00", "0"), ("0Mi", "0"), ("0.000", "0"), ("-0", "0"),
        // Negative values keep their sign.
        ("-2048Mi", "-2Gi"), ("-0.5", "-500m"), ("-1000", "-1k"),
        // Already canonical by apimachinery's fast-path test: kept as written.
        ("+1", "+1"), ("010", "010"), ("1.", "1."), ("1.G", "1.G"), ("10.035M", "10.035M"), ("100.035k", "100.035k"),
        // Binary above 2^63-1 is capped.
        ("9Ei", "9223372036854775807"), ("9223372036854775807Ki", "9223372036854775807"),
        // Whitespace is trimmed as in UnmarshalJSON.
        (" 2000 ", "2k"),
    ])
    func canonicalForm(input: String, expected: String) {
        #expect(KubernetesQuantity.canonical(input) == expected, "\(input)")
    }

    @Test(arguments: ["", "abc", "1Qi", "1.2.3", "5 Gi", "1e", "Gi5", "1ki", "--1"])
    func notQuantities(input: String) {
        #expect(KubernetesQuantity.canonical(input) == nil, "\(input)")
    }

    @Test func canonicalFormIsStable() {
        for text in ["2000", "1000m", "2048Mi", "0.5", ".000000000001Ki", "1.3E+6", "9Ei", "1.5Ki"] {
            let once = KubernetesQuantity.canonical(text)!
            #expect(KubernetesQuantity.canonical(once) == once, "\(text) → \(once)")
        }
    }

    @Test func storedFormRewritesOnlyQuantityFieldsOfBuiltInKinds() {
        let quota: YAMLValue = [
            "apiVersion": "v1", "kind": "ResourceQuota", "metadata": ["name": "quota"],
            "spec": ["hard": ["pods": 2000, "requests.cpu": "1000", "requests.memory": "2048Gi"], "scopes": ["1000"]],
        ]
        #expect(
            StoredForm.canonicalizingQuantities(quota)["spec"]?["hard"] == [
                "pods": "2k", "requests.cpu": "1k", "requests.memory": "2Ti",
            ])
        #expect(StoredForm.canonicalizingQuantities(quota)["spec"]?["scopes"] == ["1000"])

        let cronJob: YAMLValue = [
            "apiVersion": "batch/v1", "kind": "CronJob", "metadata": ["name": "x"],
            "spec": [
                "jobTemplate": [
                    "spec": [
                        "template": [
                            "spec": [
                                "containers": [
                                    [
                                        "name": "a",
                                        "resources": ["requests": ["cpu": "0.05", "memory": "64Mi"], "limits": ["memory": "1024Mi"]],
                                    ]
                                ],
                                "volumes": [["name": "tmp", "emptyDir": ["sizeLimit": "1024Mi"]]],
                            ]
                        ]
                    ]
                ]
            ],
        ]
        let podSpec = StoredForm.canonicalizingQuantities(cronJob)["spec"]?["jobTemplate"]?["spec"]?["template"]?["spec"]
        #expect(
            podSpec?["containers"]?.listValue?.first?["resources"] == [
                "requests": ["cpu": "50m", "memory": "64Mi"], "limits": ["memory": "1Gi"],
            ])
        #expect(podSpec?["volumes"]?.listValue?.first?["emptyDir"]?["sizeLimit"] == "1Gi")

        // A custom resource is stored as sent.
        let custom: YAMLValue = [
            "apiVersion": "spark.apache.org/v1", "kind": "ResourceQuota", "spec": ["hard": ["pods": "2000"]],
        ]
        #expect(StoredForm.canonicalizingQuantities(custom) == custom)
    }
}

/// Defaulting rounds every ResourceList value up to 1m (`SetDefaults_ResourceList`).
@Suite struct ResourceListRoundingTests {
    @Test(arguments: [
        ("0.1m", "1m"), ("100u", "1m"), ("1.5u", "1m"), ("1001u", "2m"), ("1.0001", "1001m"), ("-0.5m", "-1m"),
        ("500m", "500m"), ("2048Mi", "2Gi"), ("1.0001Ki", "1024103m"), ("1000u", "1m"),
    ])
    func roundsUpToMilli(input: String, expected: String) {
        #expect(KubernetesQuantity.canonical(input, resourceList: true) == expected, "\(input)")
    }

    @Test func onlyResourceListsAreRounded() {
        let pod: YAMLValue = [
            "apiVersion": "v1", "kind": "Pod", "metadata": ["name": "p"],
            "spec": [
                "containers": [["name": "c", "resources": ["requests": ["cpu": "100u"]]]],
                "volumes": [["name": "v", "emptyDir": ["sizeLimit": "1500u"]]],
            ],
        ]
        let stored = StoredForm.canonicalizingQuantities(pod)
        #expect(stored["spec"]?["containers"]?.listValue?.first?["resources"]?["requests"]?["cpu"] == "1m")
        #expect(stored["spec"]?["volumes"]?.listValue?.first?["emptyDir"]?["sizeLimit"] == "1500u")
    }
}
