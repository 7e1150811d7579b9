import Foundation
import NIOCore
import NIOPosix
import PedregalKubernetes
import PedregalRunner
import Testing

/// Retries: which answers are retried, how long between attempts, and what
/// happens when they run out.
@Suite struct RetryTests {
    @Test func delaysDoubleWithJitterAndStayBounded() {
        let policy = RetryPolicy(baseDelay: .milliseconds(250), maxDelay: .seconds(5), jitter: { 0 }, sleep: { _ in })
        #expect(policy.delay(afterAttempt: 1, retryAfter: nil) == .milliseconds(125))
        #expect(policy.delay(afterAttempt: 2, retryAfter: nil) == .milliseconds(250))
        #expect(policy.delay(afterAttempt: 3, retryAfter: nil) == .milliseconds(500))
        #expect(policy.delay(afterAttempt: 10, retryAfter: nil) == .milliseconds(2500))
        let high = RetryPolicy(jitter: { 0.999_999 }, sleep: { _ in })
        #expect(high.delay(afterAttempt: 30, retryAfter: nil) <= .seconds(5))
        #expect(high.delay(afterAttempt: 1, retryAfter: 2) == .seconds(2))
        #expect(high.delay(afterAttempt: 1, retryAfter: 3600) == .seconds(5))
        #expect([429, 500, 502, 503, 504].allSatisfy(RetryPolicy.isRetryable(status:)))
        #expect(![400, 401, 403, 404, 409, 422].contains(where: RetryPolicy.isRetryable(status:)))
    }

    @Test func tooManyRequestsIsRetriedAfterRetryAfter() async throws {
        try await withCluster { cluster in
            let folder = try cluster.folder(["sjns-alpha-dev/namespace-sjns-alpha-dev.yaml": Manifests.namespace("sjns-alpha-dev")])
            cluster.fake.inject(.status(429, retryAfter: 1), count: 2, method: "PATCH", path: "/api/v1/namespaces/sjns-alpha-dev")
            let captured = Captured()
            #expect(
                await Runner.apply(folder: folder, dryRun: false, prune: false, context: cluster.context(captured)) == .success)
            #expect(captured.lines.first == "created    Namespace sjns-alpha-dev")
            #expect(cluster.fake.requests.filter { $0.method == "PATCH" }.count == 3)
            #expect(cluster.sleeps.sleeps == [.seconds(1), .seconds(1)])
        }
    }

    @Test func serverErrorsAndDroppedConnectionsAreRetried() async throws {
        try await withCluster { cluster in
            let folder = try cluster.folder(["sjns-alpha-dev/namespace-sjns-alpha-dev.yaml": Manifests.namespace("sjns-alpha-dev")])
            cluster.fake.inject(.status(503, retryAfter: nil), method: "GET", path: "/api/v1")
            cluster.fake.inject(.drop, count: 2, method: "PATCH", path: "/api/v1/namespaces/sjns-alpha-dev")
            cluster.fake.inject(.status(500, retryAfter: nil), method: "PATCH", path: "/api/v1/namespaces/sjns-alpha-dev")
            let captured = Captured()
            #expect(
                await Runner.apply(folder: folder, dryRun: false, prune: false, context: cluster.context(captured)) == .success)
            #expect(captured.lines.first == "created    Namespace sjns-alpha-dev")
            #expect(cluster.fake.requests.filter { $0.method == "PATCH" }.count == 4)
            // Backoff with jitter 0.5: 250 ms × 2^(n-1) × 0.75.
            #expect(cluster.sleeps.sleeps.count == 4)
            #expect(cluster.sleeps.sleeps.prefix(1) == [.milliseconds(187.5)])
            #expect(Array(cluster.sleeps.sleeps.dropFirst()) == [.milliseconds(187.5), .milliseconds(375), .milliseconds(750)])
        }
    }

    @Test func exhaustedRetriesMeanTheClusterIsUnavailable() async throws {
        try await withCluster { cluster in
            let folder = try cluster.folder(Manifests.tenant())
            cluster.fake.inject(
                .status(503, retryAfter: nil), count: 5, method: "PATCH", path: "/api/v1/namespaces/sjns-alpha-dev")
            let captured = Captured()
            #expect(
                await Runner.apply(folder: folder, dryRun: false, prune: false, context: cluster.context(captured))
                    == .unavailable)
            #expect(cluster.fake.requests.filter { $0.method == "PATCH" }.count == 5)
            #expect(cluster.sleeps.sleeps.count == 4)
            #expect(
                captured.err
                    == "pedregal: error: the cluster is unreachable after 5 attempts: PATCH /api/v1/namespaces/sjns-alpha-dev answered 503 ServiceUnavailable: injected failure\n"
            )
            // It stops at once: nothing after the namespace is tried.
            #expect(
                captured.lines == [
                    "failed     Namespace sjns-alpha-dev: the cluster is unreachable after 5 attempts: PATCH /api/v1/namespaces/sjns-alpha-dev answered 503 ServiceUnavailable: injected failure",
                    "sk8-us-west-2: 7 objects, 0 created, 0 configured, 0 unchanged, 1 failed; stopped early, 6 not tried",
                ])
        }
    }

    @Test func aClosedPortIsUnreachable() async throws {
        // Bind and close a socket to find a port nothing listens on.
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0)
            .get()
        let port = channel.localAddress!.port!
        try await channel.close()
        try await withCluster { cluster in
            try cluster.folder(Manifests.tenant())
            let folder = cluster.root.appendingPathComponent("generated/sk8-us-west-2").path
            let kubeconfig = TestCluster.kubeconfig(server: "http://127.0.0.1:\(port)", cluster: TestCluster.name, token: "t")
            try kubeconfig.write(toFile: cluster.kubeconfig, atomically: true, encoding: .utf8)
            let captured = Captured()
            #expect(
                await Runner.status(folder: folder, wait: false, timeout: .seconds(1), context: cluster.context(captured))
                    == .unavailable)
            #expect(
                captured.err.hasPrefix(
                    "pedregal: error: the cluster is unreachable after 5 attempts: GET http://127.0.0.1:\(port)/api"))
            #expect(cluster.sleeps.sleeps.count == 4)
        }
    }
}
