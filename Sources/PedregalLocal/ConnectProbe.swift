import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks that a gRPC server answers on a loopback port: it opens a TCP
/// connection, sends the HTTP/2 connection preface and an empty SETTINGS
/// frame, and expects the server's SETTINGS frame back, as every HTTP/2
/// server (Spark Connect's Netty, the gateway) must send first.
public enum ConnectProbe {
    /// What a probe found.
    public enum Result: Sendable, Equatable {
        /// The port answered HTTP/2.
        case answering
        /// Nothing listens: the connection was refused.
        case closed
        /// Something listens but did not speak HTTP/2 in time.
        case notHTTP2
    }

    static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + [0, 0, 0, 4, 0, 0, 0, 0, 0]

    /// Probes `127.0.0.1:port`, waiting at most `timeout` seconds for the reply.
    public static func probe(port: Int, timeout: Double = 2) -> Result {
        let socket = makeSocket()
        guard socket >= 0 else { return .closed }
        defer { close(socket) }
        setTimeouts(socket, timeout)
        guard connectLoopback(socket, port: port) else { return .closed }
        guard send(socket, preface, preface.count, 0) == preface.count else { return .notHTTP2 }
        let size = 9
        var header = [UInt8](repeating: 0, count: size)
        var received = 0
        while received < size {
            let count = header.withUnsafeMutableBytes { recv(socket, $0.baseAddress! + received, size - received, 0) }
            guard count > 0 else { return .notHTTP2 }
            received += count
        }
        // Frame header: 24-bit length, type (4 = SETTINGS), flags, stream 0.
        return header[3] == 4 && header[5...8].allSatisfy({ $0 == 0 }) ? .answering : .notHTTP2
    }

    /// The status code of `GET path` over HTTP/1.1 on `127.0.0.1:port`, nil when nothing answers.
    public static func httpStatus(port: Int, path: String, timeout: Double = 2) -> Int? {
        let socket = makeSocket()
        guard socket >= 0 else { return nil }
        defer { close(socket) }
        setTimeouts(socket, timeout)
        guard connectLoopback(socket, port: port) else { return nil }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8)
        guard send(socket, request, request.count, 0) == request.count else { return nil }
        var reply = [UInt8](repeating: 0, count: 64)
        let count = reply.withUnsafeMutableBytes { recv(socket, $0.baseAddress!, 64, 0) }
        guard count >= 12 else { return nil }
        // "HTTP/1.1 200 …"
        return Int(String(decoding: reply[9..<12], as: UTF8.self))
    }

    /// A port that was free a moment ago: the kernel's pick for a bind to port 0.
    public static func freePort() -> Int? {
        let socket = makeSocket()
        guard socket >= 0 else { return nil }
        defer { close(socket) }
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { return nil }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return named == 0 ? Int(UInt16(bigEndian: address.sin_port)) : nil
    }

    private static func setTimeouts(_ socket: Int32, _ timeout: Double) {
        var time = timeval()
        time.tv_sec = Int(timeout)
        time.tv_usec = .init((timeout - Double(Int(timeout))) * 1_000_000)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
    }

    private static func connectLoopback(_ socket: Int32, port: Int) -> Bool {
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    private static func makeSocket() -> Int32 {
        #if os(Linux)
        return socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        return socket(AF_INET, SOCK_STREAM, 0)
        #endif
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7f00_0001).bigEndian)
        return address
    }
}
