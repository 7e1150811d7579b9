import Dispatch
import Foundation
import PedregalBasics
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a server's log lines go. Writers only append to a buffer; one
/// background queue writes the buffer out in batches, so that no event loop
/// and no request ever waits on a write (a full pipe to the container runtime
/// stalls the queue, not the server). The first line after a write-out
/// schedules the next one `batchDelay` later, so that a busy server wakes the
/// queue about 50 times a second rather than once per line (each wake-up is a
/// `sem_post` and a thread switch, which cost more than formatting the line).
/// The buffer is bounded: when the
/// destination cannot keep up, new lines are dropped and counted, rather than
/// memory growing without end.
///
/// As a `Service` it runs until graceful shutdown, then writes out what is
/// left; put it first in a service group, so that it stops last.
public final class LogSink: Service, Sendable {
    /// A destination.
    public enum Destination: Sendable {
        case standardOutput
        case standardError
        /// An open file; it stays open and belongs to the caller.
        case fileHandle(FileHandle)
        /// Lines are formatted and counted, never written.
        case discard
    }

    private struct State {
        var pending: [UInt8] = []
        var draining = false
        var dropped = 0
        var written = 0
        var batches = 0
    }

    private let descriptor: Int32?
    private let capacity: Int
    private let batchDelay: DispatchTimeInterval
    private let state = Locked(State())
    private let queue = DispatchQueue(label: "pedregal.log-sink")

    /// Creates a sink that holds at most `capacity` bytes not yet written and
    /// writes a line out at most `batchDelay` after it was queued.
    public init(_ destination: Destination, capacity: Int = 8 << 20, batchDelay: Duration = .milliseconds(20)) {
        switch destination {
        case .standardOutput: descriptor = STDOUT_FILENO
        case .standardError: descriptor = STDERR_FILENO
        case .fileHandle(let handle): descriptor = handle.fileDescriptor
        case .discard: descriptor = nil
        }
        self.capacity = capacity
        let (seconds, attoseconds) = batchDelay.components
        self.batchDelay = .microseconds(Int(max(0, seconds)) * 1_000_000 + Int(max(0, attoseconds) / 1_000_000_000_000))
    }

    /// Queues one line (which ends with a newline); never blocks on I/O.
    public func write(_ line: [UInt8]) {
        guard descriptor != nil else { return }
        let schedule = state.withLock { state -> Bool in
            guard state.pending.count + line.count <= capacity else {
                state.dropped += 1
                return false
            }
            state.pending.append(contentsOf: line)
            if state.draining { return false }
            state.draining = true
            return true
        }
        if schedule { queue.asyncAfter(deadline: .now() + batchDelay) { self.drain() } }
    }

    /// Lines dropped because the destination did not keep up.
    public var droppedLines: Int { state.withLock { $0.dropped } }

    /// Bytes written so far.
    public var writtenBytes: Int { state.withLock { $0.written } }

    /// Write-outs so far (each one `write(2)` call or a few).
    public var batchesWritten: Int { state.withLock { $0.batches } }

    /// Returns once every line queued before the call has been written.
    public func flush() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            queue.async {
                self.drain()
                done.resume()
            }
        }
    }

    /// Runs until graceful shutdown, then writes out what is queued.
    public func run() async throws {
        try? await gracefulShutdown()
        await flush()
    }

    // Runs on the queue only: takes the whole buffer each round, so a burst
    // of lines costs one write.
    private func drain() {
        while true {
            let batch = state.withLock { state -> [UInt8]? in
                guard !state.pending.isEmpty else {
                    state.draining = false
                    return nil
                }
                defer { state.pending = [] }
                return state.pending
            }
            guard let batch, let descriptor else { return }
            let written = Self.writeAll(batch, to: descriptor)
            state.withLock {
                $0.written += written
                $0.batches += 1
            }
        }
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Int {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count, let base = buffer.baseAddress {
                let count = systemWrite(descriptor, base + offset, buffer.count - offset)
                if count < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    // A closed destination: the lines are lost, the server goes on.
                    return offset
                }
                offset += count
            }
            return offset
        }
    }

    private static func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Darwin)
        return Darwin.write(descriptor, buffer, count)
        #elseif canImport(Musl)
        return Musl.write(descriptor, buffer, count)
        #else
        return Glibc.write(descriptor, buffer, count)
        #endif
    }
}
