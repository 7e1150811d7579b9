import Crypto
import PedregalBasics

/// The SHA-256 of some bytes: how the incremental compiler and the output
/// folder's index tell whether a file's contents are the ones expected
/// without keeping or re-reading them.
public struct ContentDigest: Hashable, Sendable, CustomStringConvertible {
    /// The 32 bytes of the digest.
    public let bytes: [UInt8]

    /// The digest of `contents`.
    public init<Bytes: Sequence<UInt8>>(of contents: Bytes) {
        var hasher = SHA256()
        if let contiguous = contents as? [UInt8] {
            hasher.update(data: contiguous)
        } else {
            hasher.update(data: Array(contents))
        }
        self.bytes = Array(hasher.finalize())
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
        self.bytes = Array(hasher.finalize())
    }

    /// A digest read back from storage; nil unless it is 32 bytes.
    public init?(stored: [UInt8]) {
        guard stored.count == 32 else { return nil }
        self.bytes = stored
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
