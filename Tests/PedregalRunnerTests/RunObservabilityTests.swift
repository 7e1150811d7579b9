import PedregalManifests
import PedregalYAML
import Testing

@testable import PedregalRunner

/// A run can be found where the platform looks: its pods carry the run's
/// name for log shipping, and `job status` links it in the History Server.
@Suite struct RunObservabilityTests {
    static func template(_ apiVersion: String) -> YAMLValue {
        [
            "apiVersion": .string(apiVersion), "kind": "SparkApplication",
            "metadata": [
                "name": "daily", "namespace": "sjns-alpha-prod", "labels": ["pedregal.io/job": "daily"],
                "annotations": ["pedregal.io/history-server": "https://history.example.team/"],
            ],
            "spec": apiVersion.hasPrefix("spark.apache.org")
                ? ["driverSpec": ["podTemplateSpec": ["metadata": ["labels": ["pedregal.io/team": "alpha"]]]]]
                : ["driver": ["cores": 1], "executor": ["cores": 1]],
        ]
    }

    @Test func podsOfARunCarryItsName() throws {
        let apache = try RunToken.run(from: Self.template("spark.apache.org/v1"), token: "t1", args: nil)
        let name = try #require(apache["metadata"]?["name"]?.string)
        #expect(apache["metadata"]?["labels"]?["pedregal.io/run"] == .string(name))
        let driver = apache["spec"]?["driverSpec"]?["podTemplateSpec"]?["metadata"]?["labels"]
        #expect(driver?["pedregal.io/run"] == .string(name))
        #expect(driver?["pedregal.io/team"] == "alpha")
        #expect(apache["spec"]?["executorSpec"]?["podTemplateSpec"]?["metadata"]?["labels"]?["pedregal.io/run"] == .string(name))

        let kubeflow = try RunToken.run(from: Self.template("sparkoperator.k8s.io/v1beta2"), token: "t1", args: nil)
        #expect(kubeflow["spec"]?["driver"]?["labels"]?["pedregal.io/run"] == .string(name))
        #expect(kubeflow["spec"]?["executor"]?["labels"]?["pedregal.io/run"] == .string(name))
        #expect(kubeflow["spec"]?["driver"]?["cores"] == 1)
    }

    @Test func historyLinks() {
        var apache = Self.template("spark.apache.org/v1")
        #expect(HistoryLink.of(apache, group: "spark.apache.org") == "https://history.example.team")
        apache = YAMLValue.object([
            "apiVersion": apache["apiVersion"]!, "metadata": apache["metadata"]!,
            "status": ["currentAttemptSummary": ["attemptInfo": ["id": 2]]],
        ])
        #expect(HistoryLink.of(apache, group: "spark.apache.org") == "https://history.example.team/history/daily-2")

        let kubeflow: YAMLValue = [
            "metadata": ["name": "daily", "annotations": ["pedregal.io/history-server": "https://history.example.team"]],
            "status": ["sparkApplicationId": "spark-4f1c2e"],
        ]
        #expect(HistoryLink.of(kubeflow, group: "sparkoperator.k8s.io") == "https://history.example.team/history/spark-4f1c2e")

        let long: YAMLValue = [
            "metadata": [
                "name": .string(String(repeating: "a", count: 50)),
                "annotations": ["pedregal.io/history-server": "https://h.example.team"],
            ],
            "status": [:],
        ]
        #expect(HistoryLink.of(long, group: "spark.apache.org") == "https://h.example.team")
        #expect(HistoryLink.of(["metadata": ["name": "x"]], group: "spark.apache.org") == nil)
    }
}
