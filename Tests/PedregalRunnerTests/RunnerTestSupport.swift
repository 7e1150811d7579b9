import Foundation
import PedregalConsole
import PedregalEmitter
import PedregalKubernetes
import PedregalManifests
import PedregalRunner
import PedregalTestSupport
import PedregalYAML

/// Collects what a command prints.
final class Captured: @unchecked Sendable {
    private let lock = NSLock()
    private var outText = ""
    private var errText = ""

    var out: String { lock.withLock { outText } }
    var err: String { lock.withLock { errText } }
    var lines: [String] { out.split(separator: "\n").map(String.init) }

    func output(_ format: OutputFormat = .text) -> Output {
        Output(
            format: format, write: { text in self.lock.withLock { self.outText += text } },
            writeError: { text in self.lock.withLock { self.errText += text } })
    }

    /// The JSON document printed (for `--format json`).
    func json() throws -> YAMLValue { try JSONReader.parse(out) }
}

/// Records the waits a retry policy asks for instead of waiting.
final class SleepRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [Duration] = []
    var sleeps: [Duration] { lock.withLock { recorded } }

    var policy: RetryPolicy {
        RetryPolicy(maxAttempts: 5, jitter: { 0.5 }, sleep: { duration in self.lock.withLock { self.recorded.append(duration) } })
    }
}

/// A fake API server with a kubeconfig that reaches it, and a scratch
/// folder for generated/ trees.
struct TestCluster {
    let fake: FakeKubernetes
    let server: FakeKubernetesServer
    let root: URL
    let kubeconfig: String
    let sleeps = SleepRecorder()

    /// The cluster name the kubeconfig context points at.
    static let name = "sk8-us-west-2"

    static func start(token: String? = "test-token", withoutGroups: Set<String> = [], clusterName: String = name) async throws
        -> TestCluster
    {
        let fake = FakeKubernetes(token: token, withoutGroups: withoutGroups)
        let server = try await FakeKubernetesServer.start(fake)
        let root = try Paths.temporaryDirectory()
        let kubeconfig = root.appendingPathComponent("kubeconfig").path
        try Paths.write(
            ["kubeconfig": Self.kubeconfig(server: "http://127.0.0.1:\(server.port)", cluster: clusterName, token: token)],
            to: root)
        return TestCluster(fake: fake, server: server, root: root, kubeconfig: kubeconfig)
    }

    static func kubeconfig(server: String, cluster: String, token: String?) -> String {
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: \(cluster)
          cluster:
            server: \(server)
        users:
        - name: runner
          user:
        \(token.map { "    token: \($0)" } ?? "    {}")
        contexts:
        - name: test
          context:
            cluster: \(cluster)
            user: runner
        current-context: test

        """
    }

    /// A runner context using the kubeconfig, no real waiting between retries, quick polls.
    func context(_ captured: Captured, format: OutputFormat = .text, cluster: String? = nil, now: String = "2026-06-01T00:00:00Z")
        -> RunnerContext
    {
        RunnerContext(
            connection: ConnectionOptions(kubeconfig: kubeconfig, cluster: cluster), environment: [:],
            output: captured.output(format), retry: sleeps.policy, requestTimeout: .seconds(10),
            pollInterval: .milliseconds(20), now: { now })
    }

    /// A client for direct API calls in tests.
    func client() throws -> KubernetesClient {
        try KubernetesClient(
            connection: Connection(
                server: "http://127.0.0.1:\(server.port)", clusterName: Self.name, origin: "test", token: fake.token),
            retry: sleeps.policy, requestTimeout: .seconds(10))
    }

    /// Writes `files` (path below the cluster folder → YAML), labelled for
    /// `cluster`, into generated/<named, by default the cluster> and returns
    /// that folder.
    @discardableResult
    func folder(_ files: [String: String], cluster: String = name, named: String? = nil) throws -> String {
        let folder = root.appendingPathComponent("generated/\(named ?? cluster)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Paths.write(Manifests.labelled(files, cluster: cluster), to: folder)
        return folder.path
    }

    func stop() async throws {
        try await server.stop()
        try? FileManager.default.removeItem(at: root)
    }
}

/// Small manifests in the shape pedregal generates, at the paths it writes them to.
enum Manifests {
    /// The header the emitter writes on files made from teams/alpha.yaml.
    static let header = OutputLayout.header(source: "teams/alpha.yaml").map { "# \($0)\n" }.joined()

    /// `files` labelled for `cluster` instead of sk8-us-west-2.
    static func labelled(_ files: [String: String], cluster: String) -> [String: String] {
        guard cluster != TestCluster.name else { return files }
        return files.mapValues {
            $0.replacingOccurrences(of: "pedregal.io/cluster: \(TestCluster.name)", with: "pedregal.io/cluster: \(cluster)")
        }
    }

    static func labels(_ extra: [String: String] = [:], indent: Int = 4) -> String {
        let all = ["app.kubernetes.io/managed-by": "pedregal", "pedregal.io/cluster": "sk8-us-west-2", "pedregal.io/team": "alpha"]
            .merging(extra) { _, new in new }
        let pad = String(repeating: " ", count: indent)
        return all.sorted { $0.key < $1.key }.map { "\(pad)\($0.key): \($0.value)" }.joined(separator: "\n")
    }

    static func namespace(_ name: String) -> String {
        header + """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: \(name)
              labels:
            \(labels())

            """
    }

    static func configMap(
        _ name: String, namespace: String, data: [String: String] = ["a": "1"], extraLabels: [String: String] = [:]
    ) -> String {
        header + """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: \(name)
              namespace: \(namespace)
              labels:
            \(labels(extraLabels))
            data:
            \(data.sorted { $0.key < $1.key }.map { "  \($0.key): \"\($0.value)\"" }.joined(separator: "\n"))

            """
    }

    static func serviceAccount(_ name: String, namespace: String) -> String {
        header + """
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: \(name)
              namespace: \(namespace)
              labels:
            \(labels())

            """
    }

    static func service(_ name: String, namespace: String, port: Int = 15002) -> String {
        header + """
            apiVersion: v1
            kind: Service
            metadata:
              name: \(name)
              namespace: \(namespace)
              labels:
            \(labels())
            spec:
              type: ClusterIP
              ports:
              - name: grpc
                port: \(port)
                targetPort: \(port)

            """
    }

    static func role(_ name: String, namespace: String) -> String {
        header + """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: \(name)
              namespace: \(namespace)
              labels:
            \(labels())
            rules:
            - apiGroups: [spark.apache.org]
              resources: [sparkapplications]
              verbs: [create, get]

            """
    }

    static func dnsEndpoint(_ name: String, namespace: String) -> String {
        header + """
            apiVersion: externaldns.k8s.io/v1alpha1
            kind: DNSEndpoint
            metadata:
              name: \(name)
              namespace: \(namespace)
              labels:
            \(labels())
            spec:
              endpoints:
              - dnsName: alpha.example.team
                recordType: CNAME
                targets: [gateway.example.team]

            """
    }

    static func connectServer(
        _ name: String, namespace: String, apiVersion: String = "spark.apache.org/v1", expiresAt: String? = nil
    ) -> String {
        let annotations = expiresAt.map { "  annotations:\n    pedregal.io/expires-at: \"\($0)\"\n" } ?? ""
        return header + """
            apiVersion: \(apiVersion)
            kind: SparkApplication
            metadata:
              name: \(name)
              namespace: \(namespace)
              labels:
            \(labels(["pedregal.io/component": "spark-connect-server"]))
            \(annotations)spec:
              mainClass: org.apache.spark.sql.connect.service.SparkConnectServer
              runtimeVersions:
                sparkVersion: "3.5.3"

            """
    }

    /// A small tenant: namespace, service account, role, config, service, DNS, a Connect server.
    static func tenant(_ namespace: String = "sjns-alpha-dev") -> [String: String] {
        [
            "\(namespace)/namespace-\(namespace).yaml": Manifests.namespace(namespace),
            "\(namespace)/serviceaccount-spark-driver.yaml": serviceAccount("spark-driver", namespace: namespace),
            "\(namespace)/role-pedregal-member.yaml": role("pedregal-member", namespace: namespace),
            "\(namespace)/configmap-spark-defaults.yaml": configMap("spark-defaults", namespace: namespace),
            "\(namespace)/service-sc-default.yaml": service("sc-default", namespace: namespace),
            "\(namespace)/dnsendpoint-sc-default.yaml": dnsEndpoint("sc-default", namespace: namespace),
            "\(namespace)/sparkapplication-sc-default-0.yaml": connectServer("sc-default-0", namespace: namespace),
        ]
    }
}

/// Runs `body` with a started fake cluster and stops it after.
func withCluster<T>(
    token: String? = "test-token", withoutGroups: Set<String> = [], clusterName: String = TestCluster.name,
    _ body: (TestCluster) async throws -> T
) async throws -> T {
    let cluster = try await TestCluster.start(token: token, withoutGroups: withoutGroups, clusterName: clusterName)
    do {
        let result = try await body(cluster)
        try await cluster.stop()
        return result
    } catch {
        try? await cluster.stop()
        throw error
    }
}

extension FakeKubernetes {
    /// How many GETs of `path` the fake has answered.
    func reads(_ path: String) -> Int {
        requests.filter { $0.method == "GET" && $0.path == path }.count
    }

    /// Waits until `path` has been read `count` times (at most ten seconds),
    /// so a test changes a status only after the runner saw the old one.
    func waitForReads(_ path: String, count: Int) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(10)
        while reads(path) < count && clock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
