import Dispatch

extension Array where Element: Sendable {
    /// `map`, spread over all cores, results in input order.
    ///
    /// Every stage that works per file or per team (parse, resolve, render,
    /// serialise, write) goes through here so both cores of a CI machine are
    /// busy; order is restored so output never depends on scheduling.
    public func parallelMap<T: Sendable>(_ transform: @Sendable (Element) -> T) -> [T] {
        if count < 2 { return map(transform) }
        let buffer = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
        buffer.initialize(repeating: nil)
        defer {
            buffer.deinitialize()
            buffer.deallocate()
        }
        let chunks = Swift.min(count, ProcessInfoLite.activeProcessorCount * 4)
        let chunkSize = (count + chunks - 1) / chunks
        nonisolated(unsafe) let output = buffer
        withoutActuallyEscaping(transform) { transform in
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let start = chunk * chunkSize
                let end = Swift.min(start + chunkSize, count)
                guard start < end else { return }
                for index in start..<end { output[index] = transform(self[index]) }
            }
        }
        return buffer.map { $0! }
    }
}

/// The number of cores, without importing Foundation into the base module.
enum ProcessInfoLite {
    static let activeProcessorCount: Int = {
        #if canImport(Glibc)
        return Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 4
        #endif
    }()
}

#if canImport(Glibc)
import Glibc
#endif
