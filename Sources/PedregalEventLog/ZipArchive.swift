import CZlib
import Foundation

/// Extracts a zip archive (what the History Server's `/logs` endpoint
/// returns: Java's `ZipOutputStream`, entries stored or deflated, sizes in
/// the central directory) into a folder, streaming each entry through
/// zlib. Entry names that would leave the folder are refused.
enum ZipArchive {
    /// No event log we read is larger; zip64 archives are refused.
    static let largestEntry = Int(UInt32.max) - 1

    struct Entry {
        var name: String
        var method: UInt16
        var compressedSize: Int
        var size: Int
        var localHeaderOffset: Int
    }

    /// Extracts every file of the archive at `path` into `folder`; returns the relative names written.
    static func extract(_ path: String, into folder: String) throws -> [String] {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw EventLogError(path, "cannot be read") }
        defer { try? handle.close() }
        let size = Int(try handle.seekToEnd())
        let tailLength = min(size, 65_557)
        try handle.seek(toOffset: UInt64(size - tailLength))
        let tail = [UInt8](try handle.read(upToCount: tailLength) ?? Data())
        guard let end = stride(from: tail.count - 22, through: 0, by: -1).first(where: { signature(tail, $0) == 0x0605_4B50 })
        else {
            throw EventLogError(path, "is not a zip archive (no end of central directory); is the History Server URL right?")
        }
        let count = Int(uint16(tail, end + 10))
        let directorySize = Int(uint32(tail, end + 12))
        let directoryOffset = Int(uint32(tail, end + 16))
        guard directoryOffset != 0xFFFF_FFFF, directoryOffset + directorySize <= size else {
            throw EventLogError(path, "is a zip64 or corrupt archive, which pedregal does not read")
        }
        try handle.seek(toOffset: UInt64(directoryOffset))
        let directory = [UInt8](try handle.read(upToCount: directorySize) ?? Data())
        var entries: [Entry] = []
        var offset = 0
        for _ in 0..<count {
            guard offset + 46 <= directory.count, signature(directory, offset) == 0x0201_4B50 else {
                throw EventLogError(path, "has a corrupt zip central directory")
            }
            let nameLength = Int(uint16(directory, offset + 28))
            let extraLength = Int(uint16(directory, offset + 30))
            let commentLength = Int(uint16(directory, offset + 32))
            guard offset + 46 + nameLength <= directory.count else { throw EventLogError(path, "has a corrupt zip central directory") }
            let name = String(decoding: directory[(offset + 46)..<(offset + 46 + nameLength)], as: UTF8.self)
            entries.append(
                Entry(
                    name: name, method: uint16(directory, offset + 10), compressedSize: Int(uint32(directory, offset + 20)),
                    size: Int(uint32(directory, offset + 24)), localHeaderOffset: Int(uint32(directory, offset + 42))))
            offset += 46 + nameLength + extraLength + commentLength
        }
        var written: [String] = []
        for entry in entries where !entry.name.hasSuffix("/") {
            let parts = entry.name.split(separator: "/")
            guard !entry.name.hasPrefix("/"), !parts.contains(".."), !parts.isEmpty else {
                throw EventLogError(path, "holds an entry named '\(entry.name)' outside its folder; refused")
            }
            guard entry.compressedSize < largestEntry, entry.size < largestEntry, entry.method == 0 || entry.method == 8 else {
                throw EventLogError(path, "entry '\(entry.name)' is zip64 or compressed with method \(entry.method); not read")
            }
            try handle.seek(toOffset: UInt64(entry.localHeaderOffset))
            let local = [UInt8](try handle.read(upToCount: 30) ?? Data())
            guard local.count == 30, signature(local, 0) == 0x0403_4B50 else {
                throw EventLogError(path, "entry '\(entry.name)' has a corrupt local header")
            }
            try handle.seek(toOffset: UInt64(entry.localHeaderOffset + 30 + Int(uint16(local, 26)) + Int(uint16(local, 28))))
            let target = (folder as NSString).appendingPathComponent(parts.joined(separator: "/"))
            try FileManager.default.createDirectory(
                atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: target, contents: nil), let output = FileHandle(forWritingAtPath: target) else {
                throw EventLogError(target, "cannot be written")
            }
            defer { try? output.close() }
            let produced =
                entry.method == 0
                ? try copy(handle, count: entry.compressedSize, to: output)
                : try inflate(handle, count: entry.compressedSize, to: output, name: "\(path): \(entry.name)")
            guard produced == entry.size else {
                throw EventLogError(path, "entry '\(entry.name)' is \(produced) bytes, not the \(entry.size) its directory says")
            }
            written.append(parts.joined(separator: "/"))
        }
        return written.sorted()
    }

    private static func copy(_ input: FileHandle, count: Int, to output: FileHandle) throws -> Int {
        var left = count
        while left > 0 {
            let data = try input.read(upToCount: min(left, 1 << 20)) ?? Data()
            if data.isEmpty { break }
            try output.write(contentsOf: data)
            left -= data.count
        }
        return count - left
    }

    private static func inflate(_ input: FileHandle, count: Int, to output: FileHandle, name: String) throws -> Int {
        var stream = z_stream()
        // Raw deflate (negative window bits): zip entries have no zlib header.
        guard inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw EventLogError(name, "zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        var left = count
        var produced = 0
        var finished = false
        var outBuffer = [UInt8](repeating: 0, count: 1 << 20)
        while !finished {
            let chunk = [UInt8](left > 0 ? (try input.read(upToCount: min(left, 1 << 20)) ?? Data()) : Data())
            left -= chunk.count
            if chunk.isEmpty && left > 0 { throw EventLogError(name, "ends early") }
            var status: Int32 = Z_OK
            try chunk.withUnsafeBufferPointer { source in
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                stream.avail_in = UInt32(source.count)
                repeat {
                    let written = outBuffer.withUnsafeMutableBufferPointer { target -> Int in
                        stream.next_out = target.baseAddress
                        stream.avail_out = UInt32(target.count)
                        status = CZlib.inflate(&stream, Z_NO_FLUSH)
                        return target.count - Int(stream.avail_out)
                    }
                    guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                        throw EventLogError(name, "is not valid deflate data (zlib status \(status))")
                    }
                    if written > 0 { try output.write(contentsOf: Data(outBuffer[0..<written])) }
                    produced += written
                    if status == Z_STREAM_END { finished = true }
                } while stream.avail_out == 0 && !finished
            }
            if chunk.isEmpty && !finished { throw EventLogError(name, "ends inside its deflate stream") }
        }
        return produced
    }

    private static func signature(_ bytes: [UInt8], _ offset: Int) -> UInt32 { uint32(bytes, offset) }

    private static func uint16(_ bytes: [UInt8], _ offset: Int) -> UInt16 {
        guard offset + 2 <= bytes.count else { return 0 }
        return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    private static func uint32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        guard offset + 4 <= bytes.count else { return 0 }
        return UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }
}
