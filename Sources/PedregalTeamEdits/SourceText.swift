import PedregalDiagnostics
import PedregalYAML

/// A file's bytes with its line starts, to turn the parser's line:column
/// positions into byte offsets and to edit whole lines.
public struct SourceText: Sendable {
    /// The file's bytes.
    public let bytes: [UInt8]
    /// Byte offset of the start of every line (line 1 at index 0).
    let lineStarts: [Int]

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") { starts.append(offset + 1) }
        // A final newline opens no line of its own.
        if starts.count > 1, starts.last == bytes.count { starts.removeLast() }
        self.lineStarts = starts
    }

    /// The number of lines.
    var lineCount: Int { lineStarts.count }

    /// The byte offset of a 1-based line and column (columns count Unicode
    /// scalars, as the parser does).
    func offset(line: Int, column: Int) -> Int {
        guard line >= 1 else { return 0 }
        guard line <= lineCount else { return bytes.count }
        var offset = lineStarts[line - 1]
        var scalars = 1
        while scalars < column, offset < bytes.count, bytes[offset] != UInt8(ascii: "\n") {
            offset += 1
            while offset < bytes.count, bytes[offset] & 0xC0 == 0x80 { offset += 1 }
            scalars += 1
        }
        return offset
    }

    func offset(_ location: SourceLocation) -> Int { offset(line: location.line, column: location.column) }

    /// The byte offset where 1-based `line` starts (the end of the file past the last line).
    func start(ofLine line: Int) -> Int { line <= lineCount ? lineStarts[line - 1] : bytes.count }

    /// The text of a line, without its newline.
    func text(ofLine line: Int) -> Substring {
        let from = start(ofLine: line)
        var to = start(ofLine: line + 1)
        if to > from, bytes[to - 1] == UInt8(ascii: "\n") { to -= 1 }
        return Substring(decoding: bytes[from..<to], as: UTF8.self)
    }

    /// Leading spaces of a line.
    func indentation(ofLine line: Int) -> Int { text(ofLine: line).prefix { $0 == " " }.count }

    /// Whether a line holds nothing but spaces.
    func isBlank(line: Int) -> Bool { text(ofLine: line).allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" } }

    /// Whether a line holds only a comment.
    func isComment(line: Int) -> Bool { text(ofLine: line).drop { $0 == " " }.hasPrefix("#") }
}

/// A replacement of a byte range.
struct TextEdit: Sendable {
    var range: Range<Int>
    var replacement: [UInt8]
}

extension SourceText {
    /// The bytes with `edits` (non-overlapping) applied.
    func applying(_ edits: [TextEdit]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var position = 0
        for edit in edits.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) {
            result += bytes[position..<edit.range.lowerBound]
            result += edit.replacement
            position = edit.range.upperBound
        }
        result += bytes[position...]
        return result
    }
}
