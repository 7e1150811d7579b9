import CoreMetrics
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PedregalBasics
import ServiceLifecycle
import Testing

@testable import PedregalServerSupport

@Suite struct OperationsTests {
    static let families: [PrometheusExporter.Family] = [
        .init("test_calls_total", help: "Calls by code."),
        .init("test_call_seconds", help: "Call duration.", buckets: [0.01, 0.1, 1]),
        .init("test_up", help: "Whether it is up."),
    ]

    @Test func metricsAreExportedOnceWithHelpAndCumulativeBuckets() {
        let exporter = PrometheusExporter(families: Self.families)
        let calls = Counter(label: "test_calls_total", dimensions: [("route", "r"), ("code", "OK")], factory: exporter.factory)
        calls.increment()
        calls.increment()
        let timer = Timer(label: "test_call_seconds", dimensions: [("route", "r")], factory: exporter.factory)
        timer.recordMilliseconds(5)
        timer.recordMilliseconds(50)
        timer.recordMilliseconds(5000)
        let up = Gauge(label: "test_up", factory: exporter.factory)
        exporter.onScrape { up.record(1) }
        let text = String(decoding: exporter.exposition(), as: UTF8.self)
        #expect(text.contains("# HELP test_calls_total Calls by code.\n# TYPE test_calls_total counter\n"))
        #expect(text.contains("test_calls_total{route=\"r\",code=\"OK\"} 2\n"))
        #expect(text.contains("test_call_seconds_bucket{route=\"r\",le=\"0.01\"} 1\n"))
        #expect(text.contains("test_call_seconds_bucket{route=\"r\",le=\"0.1\"} 2\n"))
        #expect(text.contains("test_call_seconds_bucket{route=\"r\",le=\"1.0\"} 2\n"))
        #expect(text.contains("test_call_seconds_bucket{route=\"r\",le=\"+Inf\"} 3\n"))
        #expect(text.contains("test_call_seconds_count{route=\"r\"} 3\n"))
        #expect(text.contains("test_up 1.0\n"), "gauges are read at scrape: \(text)")
    }

    @Test func operationsEndpointsAnswer() async throws {
        let exporter = PrometheusExporter(families: Self.families)
        Counter(label: "test_calls_total", dimensions: [("code", "OK")], factory: exporter.factory).increment()
        let ready = Locked(false)
        let router = OperationsRouter.make(metrics: exporter) { ready.current ? .ready : .notReady("routes not loaded") }
        router.get("things") { _, _ in JSONBody(["b": 2, "a": 1]) }
        let app = Application(router: router)
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "ok\n")
            }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body) == "not ready: routes not loaded\n")
            }
            ready.withLock { $0 = true }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(String(buffer: response.body) == "ready\n")
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.headers[.contentType] == PrometheusExporter.contentType)
                #expect(String(buffer: response.body).contains("test_calls_total{code=\"OK\"} 1\n"))
            }
            try await client.execute(uri: "/things", method: .get) { response in
                #expect(String(buffer: response.body) == "{\"a\":1,\"b\":2}\n")
            }
            try await client.execute(uri: "/nothing", method: .post) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(
                    String(buffer: response.body)
                        == "{\"detail\":\"no such endpoint: POST /nothing\",\"status\":404,\"title\":\"Not Found\"}\n")
            }
        }
    }

    /// A background loop runs as a service until graceful shutdown, then returns.
    @Test func aPeriodicServiceStopsAtGracefulShutdown() async throws {
        let runs = Locked(0)
        let service = PeriodicService("count", every: .milliseconds(10)) { runs.withLock { $0 += 1 } }
        let group = ServiceGroup(configuration: .init(services: [service], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            while runs.current < 3 { try await Task.sleep(for: .milliseconds(5)) }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let stopped = runs.current
        try await Task.sleep(for: .milliseconds(50))
        #expect(runs.current == stopped, "nothing runs after the shutdown")
    }
}
