#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and writes through POSIX calls: no Foundation, one
/// `open`, `write` and `close` per file, which is what the emitter's speed
/// and the edits' atomic renames rest on.
public enum POSIXFile {
    /// Writes `bytes` to a new (or truncated) file at `path`, then, when
    /// `durable`, flushes it to disk; the error text, or nil.
    public static func write(_ bytes: [UInt8], to path: String, durable: Bool = false) -> String? {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        defer { close(fd) }
        return writeAll(bytes, to: fd, durable: durable)
    }

    /// Writes like ``write(_:to:durable:)`` and fills `info` with the
    /// file's `stat` once written (what an index of the folder records).
    public static func write(_ bytes: [UInt8], to path: String, durable: Bool = false, stat info: inout stat) -> String? {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        defer { close(fd) }
        if let error = writeAll(bytes, to: fd, durable: durable) { return error }
        return fstat(fd, &info) == 0 ? nil : String(cString: strerror(errno))
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32, durable: Bool) -> String? {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                systemWrite(fd, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            offset += written
        }
        guard durable else { return nil }
        return fsync(fd) == 0 ? nil : String(cString: strerror(errno))
    }

    /// The bytes of the file at `path`, or nil when it cannot be read.
    public static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { return result }
            result.append(contentsOf: chunk[0..<count])
        }
    }

    /// The `stat` of the regular file at `path`, taken once it is open, and
    /// then its bytes; nil when it cannot be read or is not a regular file.
    public static func readWithStamp(_ path: String) -> (stat, [UInt8])? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        // One byte more than the size, so the read that finds the end needs
        // no room of its own; a file that grew meanwhile is read whole too.
        var result = [UInt8](repeating: 0, count: max(0, Int(info.st_size)) + 1)
        var offset = 0
        while true {
            if offset == result.count { result.append(contentsOf: repeatElement(0, count: result.count)) }
            let count = result.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress! + offset, $0.count - offset) }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { break }
            offset += count
        }
        result.removeSubrange(offset...)
        return (info, result)
    }

    private static func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.write(fd, buffer, count)
        #else
        Darwin.write(fd, buffer, count)
        #endif
    }

    private static func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.read(fd, buffer, count)
        #else
        Darwin.read(fd, buffer, count)
        #endif
    }
}
