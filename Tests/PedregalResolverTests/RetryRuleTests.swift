import PedregalCompiler
import PedregalDiagnostics
import PedregalManifests
import PedregalTestSupport
import PedregalYAML
import Testing

/// `jobs[].retry`: its shape, its rules, and what it compiles into (the
/// scheduled submit's arguments and pod failure policy, what the submitter
/// may read, the policy on templates and streaming jobs).
@Suite struct RetryRuleTests {
    static let header = PlatformSafetyRuleTests.header

    @Test func theKeyIsCheckedLikeEveryOther() {
        let c = RuleCase(
            team: Self.header + """
                jobs:
                  - { name: a, type: batch, mainApplicationFile: s3://x/a.py, retry: { policy: 1️⃣sometimes } }
                  - { name: b, type: batch, mainApplicationFile: s3://x/b.py, retry: { policy: auto, maxAttempts: 2️⃣11 } }
                  - { name: c, type: batch, mainApplicationFile: s3://x/c.py, retry: { policy: auto, 3️⃣maxAttempt: 3 } }
                  - { name: d, type: batch, mainApplicationFile: s3://x/d.py, 4️⃣retry: { maxAttempts: 2 } }

                """)
        #expect(c.errors.map(\.location) == ["1️⃣", "2️⃣", "3️⃣", "4️⃣"].map(c.at))
        #expect(c.errors[0].message == "'jobs[0].retry.policy' must be one of auto, never, not 'sometimes'")
        #expect(c.errors[2].message == "unknown key 'maxAttempt' in 'jobs[2].retry'; did you mean 'maxAttempts'?")
        #expect(c.errors[3].code == .missingKey)
    }

    @Test func maxAttemptsWithoutRetriesIsAWarning() {
        let c = RuleCase(
            team: Self.header + """
                jobs:
                  - { name: a, type: batch, mainApplicationFile: s3://x/a.py, retry: { policy: never, maxAttempts: 1️⃣4 } }

                """)
        #expect(c.errors.isEmpty)
        #expect(c.diagnostics.map(\.location) == [c.at("1️⃣")])
        #expect(c.diagnostics.first?.message == "maxAttempts has no effect with retry policy never; remove it, or set policy: auto")
    }

    @Test func aScheduledJobThatRetriesFollowsItsChainAndMayReadWhyItFailed() throws {
        let compilation = Fixtures.compile([
            "teams/alpha.yaml": Self.header + """
                jobs:
                  - { name: b, type: batch, mainApplicationFile: s3://x/y.py, schedule: "0 3 * * *", retry: { policy: auto, maxAttempts: 4 } }
                  - { name: s, type: streaming, mainApplicationFile: s3://x/s.py, retry: { policy: auto } }

                """
        ])
        #expect(compilation.diagnostics.filter { $0.severity == .error }.isEmpty)
        let cron = try #require(compilation.manifests.first { $0.id.kind == "CronJob" && $0.id.name == "b" })
        let spec = cron.object["spec"]?["jobTemplate"]?["spec"]
        let container = spec?["template"]?["spec"]?["containers"]?.listValue?.first
        #expect(container?["args"]?.listValue?.suffix(4) == ["--retry", "auto", "--max-attempts", "4"])
        // The chain's own verdict (exit 1) ends the Job; anything else (an unreachable API) gets another pod.
        #expect(
            spec?["podFailurePolicy"]?["rules"] == [
                ["action": "FailJob", "onExitCodes": ["containerName": "submit", "operator": "In", "values": [1]]]
            ])
        #expect(spec?["template"]?["spec"]?["restartPolicy"] == "Never")
        let role = try #require(compilation.manifests.first { $0.id.kind == "Role" && $0.id.name == "pedregal-submitter" })
        #expect(
            role.object["rules"] == [
                ["apiGroups": ["spark.apache.org"], "resources": ["sparkapplications"], "verbs": ["create", "get", "list"]],
                ["apiGroups": ["batch"], "resources": ["jobs"], "verbs": ["get"]],
                ["apiGroups": [""], "resources": ["events", "resourcequotas"], "verbs": ["list"]],
                ["apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]],
                ["apiGroups": [""], "resources": ["pods/log"], "verbs": ["get"]],
            ])
        let streaming = try #require(compilation.manifests.first { $0.id.kind == "SparkApplication" && $0.id.name == "s" })
        #expect(streaming.object["metadata"]?["annotations"]?["pedregal.io/retry-policy"] == "auto")
        #expect(streaming.object["metadata"]?["annotations"]?["pedregal.io/max-attempts"] == "3")
    }

    @Test func kubeflowJobsThatRetryAreSubmittedByTheRunner() throws {
        let compilation = Fixtures.compile([
            "templates/platform.yaml": Fixtures.platform.replacingOccurrences(of: "operator: apache", with: "operator: kubeflow"),
            "teams/alpha.yaml": Self.header + """
                jobs:
                  - { name: b, type: batch, mainApplicationFile: s3://x/y.py, schedule: "0 3 * * *", retry: { policy: auto } }
                  - { name: k, type: batch, mainApplicationFile: s3://x/k.py, schedule: "0 4 * * *" }

                """,
        ])
        #expect(compilation.diagnostics.filter { $0.severity == .error }.isEmpty)
        let kinds = compilation.manifests.filter { $0.id.name == "b" || $0.id.name == "k" }.map { "\($0.id.kind) \($0.id.name)" }.sorted()
        // Kubeflow's ScheduledSparkApplication reruns failures as they were; the runner's CronJob remedies them.
        #expect(kinds == ["CronJob b", "ScheduledSparkApplication k"])
        let template = try #require(compilation.files.first { $0.path.hasSuffix("configmap-job-b.yaml") })
        #expect(String(decoding: template.contents, as: UTF8.self).contains("restartPolicy:\n        type: Never\n"))
    }
}
