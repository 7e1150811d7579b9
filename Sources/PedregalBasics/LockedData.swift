import Foundation

/// Bytes one thread sets and another reads, behind a lock: what a background
/// read of a child process's standard error collects while the caller reads
/// its standard output.
public final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = Data()

    /// Creates an empty buffer.
    public init() {}

    /// Replaces what is stored.
    public func set(_ data: Data) {
        lock.lock()
        stored = data
        lock.unlock()
    }

    /// What is stored.
    public var data: Data {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}
