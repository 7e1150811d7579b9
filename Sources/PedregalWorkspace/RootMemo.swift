import PedregalBasics
import PedregalCompiler
import PedregalDiagnostics
import PedregalEmitter
import PedregalLoader

/// The result of the last compile of a root, with every read it made: while each read sees
/// the same again, that result stands without compiling, without even reading a team unit.
/// And when the output folder was found to hold exactly that result (written by `generate`,
/// or compared by `check`), the index it was found with: while that index still vouches for
/// every file by its `stat`, the folder still holds it.
///
/// What `check` and `generate` cost when nothing changed is then what noticing a change costs:
/// reading the inputs again and a `stat` of every generated file.
struct RootMemo: Sendable, Equatable {
    /// The compiler's ``Compiler/signature`` (the cache file's framing holds the executable's
    /// fingerprint).
    var signature: String
    /// Every read of the compile, in byte order of path.
    var reads: [SourceRead]
    var diagnostics: [Diagnostic]
    var inputs: [String]
    var fileCount: Int
    /// The output folder (absolute) that held exactly the result, and the checksum of the
    /// index it was found with.
    var verified: Verified?

    struct Verified: Sendable, Equatable {
        var folder: String
        var indexChecksum: ContentDigest
    }

    /// The compilation this memo stands for (no records, contents or units).
    var compilation: OutputCompilation {
        var compilation = OutputCompilation(diagnostics: diagnostics, inputs: inputs)
        compilation.fileCount = fileCount
        compilation.isReused = true
        return compilation
    }

    /// A memo of `compilation`, made from what `tree` recorded; nil when the reads do not
    /// describe one state of the tree.
    init?(signature: String, tree: RecordingSourceTree, compilation: OutputCompilation, verified: Verified?) {
        guard let reads = tree.reads else { return nil }
        self.init(
            signature: signature, reads: reads, diagnostics: compilation.diagnostics, inputs: compilation.inputs,
            fileCount: compilation.fileCount, verified: verified)
    }

    init(signature: String, reads: [SourceRead], diagnostics: [Diagnostic], inputs: [String], fileCount: Int, verified: Verified?) {
        self.signature = signature
        self.reads = reads
        self.diagnostics = diagnostics
        self.inputs = inputs
        self.fileCount = fileCount
        self.verified = verified
    }

    /// Whether every read sees the same in `tree` (on every core: one read per input file).
    func holds(in tree: any SourceTree) -> Bool {
        let run = 64
        return Array(stride(from: 0, to: reads.count, by: run)).parallelMap { start in
            reads[start..<min(start + run, reads.count)].allSatisfy { $0.holds(in: tree) }
        }.allSatisfy { $0 }
    }

    /// The checksum of the index `folder` was verified with, if it was.
    func indexChecksum(verifying folder: String) -> ContentDigest? {
        verified?.folder == folder ? verified?.indexChecksum : nil
    }

    // MARK: Bytes

    func encode(to writer: inout BinaryWriter) {
        writer.write(signature)
        writer.write(UInt64(reads.count))
        for read in reads {
            writer.write(UInt64(read.kind.rawValue))
            writer.write(read.path)
            writer.write(read.seen != nil)
            read.seen?.write(to: &writer)
        }
        TeamUnitCoding.encode(diagnostics, to: &writer)
        writer.write(UInt64(inputs.count))
        for input in inputs { writer.write(input) }
        writer.write(fileCount)
        writer.write(verified != nil)
        if let verified {
            writer.write(verified.folder)
            verified.indexChecksum.write(to: &writer)
        }
    }

    static func decode(from reader: inout BinaryReader) throws(BinaryReader.Malformed) -> RootMemo {
        let signature = try reader.readString()
        var reads: [SourceRead] = []
        for _ in 0..<(try reader.readCount()) {
            guard let kind = SourceRead.Kind(rawValue: UInt8(truncatingIfNeeded: try reader.readUInt64())) else {
                throw BinaryReader.Malformed(offset: reader.offset)
            }
            let path = try reader.readString()
            let seen = try reader.readBool() ? try digest(from: &reader) : nil
            reads.append(SourceRead(kind: kind, path: path, seen: seen))
        }
        let diagnostics = try TeamUnitCoding.decodeDiagnostics(from: &reader)
        var inputs: [String] = []
        for _ in 0..<(try reader.readCount()) { inputs.append(try reader.readString()) }
        let fileCount = try reader.readInt()
        let verified = try reader.readBool() ? Verified(folder: try reader.readString(), indexChecksum: try digest(from: &reader)) : nil
        return RootMemo(
            signature: signature, reads: reads, diagnostics: diagnostics, inputs: inputs, fileCount: fileCount, verified: verified)
    }

    private static func digest(from reader: inout BinaryReader) throws(BinaryReader.Malformed) -> ContentDigest {
        guard let digest = ContentDigest(stored: try reader.readRaw(32)) else { throw BinaryReader.Malformed(offset: reader.offset) }
        return digest
    }
}
