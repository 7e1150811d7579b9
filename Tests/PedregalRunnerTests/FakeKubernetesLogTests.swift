import PedregalKubernetes
import PedregalRunner
import PedregalYAML
import Testing

/// Pods, events and `pods/log` in the fake API server, as the real one
/// serves them: the runner reads a failed run's evidence through these.
@Suite struct FakeKubernetesLogTests {
    let fake = FakeKubernetes(token: nil)

    func get(_ path: String, _ query: [String: String] = [:]) -> (status: Int, text: String, contentType: String?) {
        guard
            case .response(let status, let headers, let text) = fake.handle(
                FakeKubernetes.Request(method: "GET", path: path, query: query, headers: [:], body: []))
        else { return (0, "", nil) }
        return (status, text, headers.first { $0.0 == "Content-Type" }?.1)
    }

    func message(_ reply: (status: Int, text: String, contentType: String?)) -> String? {
        (try? JSONReader.parse(reply.text))?["message"]?.string
    }

    func seedPods() {
        fake.seed("apiVersion: v1\nkind: Namespace\nmetadata: {name: ns}\n")
        fake.seedWithStatus(
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: run-0-driver, namespace: ns, labels: {spark-role: driver, pedregal.io/run: run}}
            spec:
              containers: [{name: spark-kubernetes-driver, image: spark}, {name: istio-proxy, image: proxy}]
            status:
              phase: Failed
              containerStatuses:
              - name: spark-kubernetes-driver
                state: {terminated: {exitCode: 137, reason: OOMKilled}}
                lastState: {}
              - name: istio-proxy
                state: {waiting: {reason: ImagePullBackOff}}
                lastState: {}
            """)
        fake.setLog(namespace: "ns", pod: "run-0-driver", container: "spark-kubernetes-driver", "one\ntwo\nthree\n")
    }

    @Test func podLogsAreTextWithTheLastLinesAskedFor() {
        seedPods()
        let path = "/api/v1/namespaces/ns/pods/run-0-driver/log"
        let all = get(path, ["container": "spark-kubernetes-driver"])
        #expect(all.status == 200)
        #expect(all.contentType == "text/plain")
        #expect(all.text == "one\ntwo\nthree\n")
        #expect(get(path, ["container": "spark-kubernetes-driver", "tailLines": "2"]).text == "two\nthree\n")
        #expect(get(path, ["container": "spark-kubernetes-driver", "tailLines": "0"]).text == "")
        #expect(get(path, ["container": "spark-kubernetes-driver", "limitBytes": "5"]).text == "one\nt")
    }

    @Test func podLogsRefuseWhatTheRealServerRefuses() {
        seedPods()
        let path = "/api/v1/namespaces/ns/pods/run-0-driver/log"
        let unnamed = get(path)
        #expect(unnamed.status == 400)
        #expect(
            message(unnamed)
                == "a container name must be specified for pod run-0-driver, choose one of: [spark-kubernetes-driver istio-proxy]")
        let wrong = get(path, ["container": "driver"])
        #expect(wrong.status == 400)
        #expect(message(wrong) == "container driver is not valid for pod run-0-driver")
        let waiting = get(path, ["container": "istio-proxy"])
        #expect(waiting.status == 400)
        #expect(
            message(waiting) == "container \"istio-proxy\" in pod \"run-0-driver\" is waiting to start: trying and failing to pull image")
        let previous = get(path, ["container": "spark-kubernetes-driver", "previous": "true"])
        #expect(previous.status == 400)
        #expect(message(previous) == "previous terminated container \"spark-kubernetes-driver\" in pod \"run-0-driver\" not found")
        let negative = get(path, ["container": "spark-kubernetes-driver", "tailLines": "-1"])
        #expect(negative.status == 422)
        let gone = get("/api/v1/namespaces/ns/pods/run-1-driver/log", ["container": "spark-kubernetes-driver"])
        #expect(gone.status == 404)
        #expect(message(gone) == "pods \"run-1-driver\" not found")
        #expect(get("/api/v1/namespaces/ns/pods/run-0-driver/exec").status == 404)
    }

    @Test func podsKeepTheirStatusAndListByLabel() throws {
        seedPods()
        let list = get("/api/v1/namespaces/ns/pods", ["labelSelector": "pedregal.io/run=run"])
        let items = try JSONReader.parse(list.text)["items"]?.listValue ?? []
        #expect(items.count == 1)
        #expect(items.first?["status"]?["containerStatuses"]?.listValue?.first?["state"]?["terminated"]?["reason"] == "OOMKilled")
        // Lists of built-in kinds carry no apiVersion or kind on their items.
        #expect(items.first?["kind"] == nil)
    }

    @Test func eventsFilterByTheFieldsTheServerSupports() throws {
        fake.seed("apiVersion: v1\nkind: Namespace\nmetadata: {name: ns}\n")
        for (name, object) in [("a.1", "run-0-driver"), ("b.1", "run-exec-1")] {
            fake.seedWithStatus(
                """
                apiVersion: v1
                kind: Event
                metadata: {name: \(name), namespace: ns}
                involvedObject: {kind: Pod, name: \(object), namespace: ns}
                reason: FailedScheduling
                message: "0/3 nodes are available: 3 Insufficient memory."
                type: Warning
                """)
        }
        let one = get("/api/v1/namespaces/ns/events", ["fieldSelector": "involvedObject.name=run-0-driver"])
        #expect(one.status == 200)
        let items = try JSONReader.parse(one.text)["items"]?.listValue ?? []
        #expect(items.map { $0["metadata"]?["name"] } == ["a.1"])
        let both = get("/api/v1/namespaces/ns/events", ["fieldSelector": "type=Warning,involvedObject.kind=Pod"])
        #expect((try JSONReader.parse(both.text)["items"]?.listValue ?? []).count == 2)
        let unsupported = get("/api/v1/namespaces/ns/events", ["fieldSelector": "message=x"])
        #expect(unsupported.status == 400)
        #expect(message(unsupported) == "field label not supported: message")
        let pods = get("/api/v1/namespaces/ns/pods", ["fieldSelector": "involvedObject.name=x"])
        #expect(pods.status == 400)
    }
}
