import Crypto
import PedregalBasics

/// The SHA-256 of some bytes: how the incremental compiler and the output
/// folder's index tell whether a file's contents are the ones expected
/// without keeping or re-reading them.
///
/// The 32 bytes are held inline as four words, not in an array: a platform
/// has one digest per generated file (over 100,000), and every sort, copy
/// and dictionary of records would otherwise allocate and reference-count
/// each of them.
public struct ContentDigest: Hashable, Sendable, CustomStringConvertible {
    private var word0: UInt64
    private var word1: UInt64
    private var word2: UInt64
    private var word3: UInt64

    /// The 32 bytes of the digest.
    public var bytes: [UInt8] {
        var writer = BinaryWriter()
        write(to: &writer)
        return writer.bytes
    }

    /// Appends the 32 bytes of the digest (no count).
    public func write(to writer: inout BinaryWriter) {
        for word in [word0, word1, word2, word3] { writer.write(bigEndian: word) }
    }

    /// Reads the first 32 bytes of `bytes` as four big-endian words.
    private init<Bytes: Sequence<UInt8>>(digestBytes bytes: Bytes) {
        (word0, word1, word2, word3) = (0, 0, 0, 0)
        for (offset, byte) in bytes.prefix(32).enumerated() {
            switch offset / 8 {
            case 0: word0 = word0 << 8 | UInt64(byte)
            case 1: word1 = word1 << 8 | UInt64(byte)
            case 2: word2 = word2 << 8 | UInt64(byte)
            default: word3 = word3 << 8 | UInt64(byte)
            }
        }
    }

    private init(_ digest: SHA256.Digest) {
        self.init(digestBytes: digest)
    }

    /// The digest of `contents`.
    public init<Bytes: Sequence<UInt8>>(of contents: Bytes) {
        var hasher = SHA256()
        if let contiguous = contents as? [UInt8] {
            hasher.update(data: contiguous)
        } else {
            hasher.update(data: Array(contents))
        }
        self.init(hasher.finalize())
    }

    /// The digest of several parts, each length-prefixed so that no two
    /// different lists of parts have the same digest.
    public init(ofParts parts: [[UInt8]]) {
        var hasher = SHA256()
        for part in parts {
            var writer = BinaryWriter()
            writer.write(UInt64(part.count))
            hasher.update(data: writer.bytes)
            hasher.update(data: part)
        }
        self.init(hasher.finalize())
    }

    /// A digest read back from storage; nil unless it is 32 bytes.
    public init?(stored: [UInt8]) {
        guard stored.count == 32 else { return nil }
        self.init(digestBytes: stored)
    }

    /// Lower-case hexadecimal.
    public var description: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
