import Foundation
import PedregalLocal
import XCTest

final class LocalServerStateTests: XCTestCase {
    var base = ""

    override func setUpWithError() throws {
        base = NSTemporaryDirectory() + "pedregal-local-\(UUID().uuidString)"
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: base)
    }

    func state(pid: Int32, team: String = "alpha") -> LocalServerState {
        LocalServerState(
            team: team, environment: "dev", cluster: "default", region: "us-west-2", pid: pid, port: 40123,
            logPath: "\(base)/\(team)/spark-connect.log", started: "2026-01-01T00:00:00Z", command: ["spark-submit"])
    }

    func testBaseFolderPrecedence() {
        XCTAssertEqual(LocalStateStore.base(override: "/o", environment: ["PEDREGAL_LOCAL_STATE": "/p"]), "/o")
        XCTAssertEqual(LocalStateStore.base(override: nil, environment: ["PEDREGAL_LOCAL_STATE": "/p", "XDG_STATE_HOME": "/x"]), "/p")
        XCTAssertEqual(LocalStateStore.base(override: nil, environment: ["XDG_STATE_HOME": "/x", "HOME": "/h"]), "/x/pedregal/local")
        // The XDG spec says a relative value is invalid and must be ignored.
        XCTAssertEqual(
            LocalStateStore.base(override: nil, environment: ["XDG_STATE_HOME": "x", "HOME": "/h"]), "/h/.local/state/pedregal/local")
    }

    func testStateRoundTripsAndIsRemoved() throws {
        let store = LocalStateStore(base: base)
        XCTAssertNil(try store.read(team: "alpha"))
        var written = state(pid: 42)
        written.gateway = LocalGatewayState(pid: 43, port: 40124, logPath: "/g.log", host: "alpha-dev.example.team")
        try store.write(written)
        try store.write(state(pid: 44, team: "beta"))
        XCTAssertEqual(try store.read(team: "alpha"), written)
        XCTAssertEqual(store.teams(), ["alpha", "beta"])
        let text = try String(contentsOfFile: store.stateFile(team: "alpha"), encoding: .utf8)
        XCTAssertTrue(text.contains("\"logPath\" : \"\(base)/alpha/spark-connect.log\""), text)
        try store.remove(team: "alpha")
        XCTAssertNil(try store.read(team: "alpha"))
        XCTAssertEqual(store.teams(), ["beta"])
        XCTAssertEqual(written.url, "sc://localhost:40123")
    }

    func testADeadProcessIsStaleAndItsRecordRemoved() throws {
        let store = LocalStateStore(base: base)
        try FileManager.default.createDirectory(atPath: store.directory(team: "alpha"), withIntermediateDirectories: true)
        let pid = try LocalProcess.spawn(["/bin/sh", "-c", "exit 0"], environment: [:], logPath: store.logFile(team: "alpha"))
        let deadline = Date().addingTimeInterval(10)
        while LocalProcess.isAlive(pid), Date() < deadline { usleep(20_000) }
        XCTAssertFalse(LocalProcess.isAlive(pid))
        try store.write(state(pid: pid))
        let server = LocalSparkConnect(store: store)
        XCTAssertEqual(server.status(team: "alpha"), .stale(state(pid: pid)))
        XCTAssertNil(try store.read(team: "alpha"))
        XCTAssertEqual(server.status(team: "alpha"), .notRecorded)
    }

    func testAnotherProgramOnARecycledPidIsStaleToo() throws {
        #if os(Linux)
        let store = LocalStateStore(base: base)
        try FileManager.default.createDirectory(atPath: store.directory(team: "alpha"), withIntermediateDirectories: true)
        let pid = try LocalProcess.spawn(["/bin/sleep", "30"], environment: [:], logPath: store.logFile(team: "alpha"))
        defer { LocalProcess.stop(pid, grace: 2) }
        XCTAssertTrue(LocalProcess.isAlive(pid))
        try store.write(state(pid: pid))
        XCTAssertEqual(LocalSparkConnect(store: store).status(team: "alpha"), .stale(state(pid: pid)))
        #endif
    }

    func testStopEndsTheProcessGroup() throws {
        let log = base + "/stop.log"
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        // The shell ignores SIGTERM, so only SIGKILL after the grace period ends it.
        let pid = try LocalProcess.spawn(
            ["/bin/sh", "-c", "trap '' TERM; echo ready; while :; do sleep 1; done"],
            environment: [:], logPath: log)
        let started = Date()
        while !(FileManager.default.contents(atPath: log).map { !$0.isEmpty } ?? false), Date().timeIntervalSince(started) < 10 {
            usleep(20_000)
        }
        XCTAssertTrue(LocalProcess.stop(pid, grace: 0.5))
        XCTAssertFalse(LocalProcess.isAlive(pid))
        XCTAssertEqual(try String(contentsOfFile: log, encoding: .utf8), "ready\n")
    }
}
