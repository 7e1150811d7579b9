import Testing

@testable import PedregalGateway

@Suite struct PlacementTests {
    static let servers = (0..<4).map { ServerAddress(host: "10.0.0.\($0)", port: 15002) }

    @Test func weightsAreTheSameInEveryProcess() {
        // Fixed values: replicas must agree, so the hash may never depend on a seed.
        // Computed independently (FNV-1a 64 + SplitMix64 finalizer, in Python).
        #expect(Placement.weight(sessionID: "session-1", server: Self.servers[0]) == 0x0d72_6931_7c34_15e9)
        let ranked = Placement.rank(sessionID: "8f1c6a52-7d3e-4b1a-9a0e-3c2d1e0f9b7a", servers: Self.servers)
        #expect(ranked == Placement.rank(sessionID: "8f1c6a52-7d3e-4b1a-9a0e-3c2d1e0f9b7a", servers: Self.servers.reversed()))
    }

    @Test func spreadsSessionsEvenly() {
        var counts: [ServerAddress: Int] = [:]
        for index in 0..<4000 {
            counts[Placement.rank(sessionID: "session-\(index)", servers: Self.servers)[0], default: 0] += 1
        }
        #expect(counts.values.allSatisfy { (850...1150).contains($0) }, "\(counts)")
    }

    @Test func removingAServerMovesOnlyItsSessions() {
        let fewer = Array(Self.servers.dropLast())
        for index in 0..<1000 {
            let before = Placement.rank(sessionID: "s\(index)", servers: Self.servers)[0]
            let after = Placement.rank(sessionID: "s\(index)", servers: fewer)[0]
            if before != Self.servers[3] { #expect(before == after) }
        }
    }

    @Test func newSessionsAvoidDownCordonedAndLoadedServers() {
        let id = "session-42"
        let ranked = Placement.rank(sessionID: id, servers: Self.servers)
        var views = Self.servers.map { ServerView(address: $0) }
        func view(_ address: ServerAddress) -> Int { views.firstIndex { $0.address == address }! }
        #expect(Placement.placeNew(sessionID: id, servers: views) == ranked[0])
        views[view(ranked[0])].healthy = false
        #expect(Placement.placeNew(sessionID: id, servers: views) == ranked[1])
        views[view(ranked[1])].cordoned = true
        #expect(Placement.placeNew(sessionID: id, servers: views) == ranked[2])
        views[view(ranked[2])].load = 10
        #expect(Placement.placeNew(sessionID: id, servers: views) == ranked[3])
        views[view(ranked[3])].healthy = false
        #expect(Placement.placeNew(sessionID: id, servers: views) == ranked[2], "overloaded beats nothing")
        #expect(
            Placement.placeNew(
                sessionID: id,
                servers: views.map {
                    var v = $0
                    v.healthy = false
                    return v
                }) == nil)
    }

    @Test func parsesAddresses() {
        #expect(ServerAddress(parsing: "10.1.2.3:15002") == ServerAddress(host: "10.1.2.3", port: 15002))
        #expect(ServerAddress(parsing: "[fd00::1]:80")?.description == "[fd00::1]:80")
        #expect(ServerAddress(parsing: "host") == nil)
        #expect(ServerAddress(parsing: "host:99999") == nil)
    }
}

@Suite struct SessionTableTests {
    let a = ServerAddress(host: "a", port: 1)
    let b = ServerAddress(host: "b", port: 1)

    @Test func pinsOwnsAndReleases() {
        let table = SessionTable()
        #expect(table.lookup(route: "r", sessionID: "s", owner: "alice") == nil)
        table.pin(route: "r", sessionID: "s", owner: "alice", server: a)
        let again = table.pin(route: "r", sessionID: "s", owner: "alice", server: b)
        #expect(again.server == a, "the first pin wins")
        #expect(table.heldByAnother(route: "r", sessionID: "s", subject: "bob"))
        #expect(!table.heldByAnother(route: "r", sessionID: "s", subject: "alice"))
        #expect(table.sessionCount(route: "r") == 1)
        #expect(table.load(of: a) == 1)
        #expect(table.lookup(route: "other", sessionID: "s", owner: "alice") == nil, "sessions are per route")
        table.release(route: "r", sessionID: "s", owner: "alice")
        #expect(table.sessionCount(route: "r") == 0)
        #expect(table.load(of: a) == 0)
        #expect(!table.heldByAnother(route: "r", sessionID: "s", subject: "bob"))
    }

    @Test func expiresIdleSessionsAndBoundsMemory() {
        let table = SessionTable(capacity: 100)
        let start = ContinuousClock.now
        for index in 0..<250 { table.pin(route: "r", sessionID: "s\(index)", owner: "o", server: a, now: start + .seconds(index)) }
        #expect(table.sessionCount(route: "r") <= 100)
        #expect(table.lookup(route: "r", sessionID: "s249", owner: "o") != nil)
        #expect(table.expire(idle: .seconds(10), now: start + .seconds(300)) > 0)
        #expect(table.sessionCount(route: "r") == 0)
    }

    @Test func limitsExecutions() {
        let table = SessionTable()
        #expect(table.beginExecution(route: "r", server: a, limit: 2))
        #expect(table.beginExecution(route: "r", server: b, limit: 2))
        #expect(!table.beginExecution(route: "r", server: a, limit: 2))
        table.endExecution(route: "r", server: a)
        #expect(table.beginExecution(route: "r", server: a, limit: 2))
        #expect(table.load(of: a) == 1)
    }
}
