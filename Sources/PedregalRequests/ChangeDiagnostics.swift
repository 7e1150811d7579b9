import PedregalDiagnostics

/// A line of a file, numbered from 1.
public struct NumberedLine: Sendable, Equatable {
    public var line: Int
    public var text: String

    /// Creates a line.
    public init(line: Int, text: String) {
        self.line = line
        self.text = text
    }
}

/// The lines of one file before and after an edit, matched by the lines
/// they start and end with (the service's edits change one block of lines).
struct LineMatch: Sendable {
    let newLines: [String]
    /// Leading lines both share.
    let prefix: Int
    /// Trailing lines both share, not overlapping `prefix`.
    let suffix: Int
    let oldCount: Int

    init(old: [UInt8]?, new: [UInt8]) {
        let oldLines = old.map(Self.lines) ?? []
        newLines = Self.lines(new)
        var prefix = 0
        while prefix < oldLines.count, prefix < newLines.count, oldLines[prefix] == newLines[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < oldLines.count - prefix, suffix < newLines.count - prefix,
            oldLines[oldLines.count - 1 - suffix] == newLines[newLines.count - 1 - suffix]
        {
            suffix += 1
        }
        self.prefix = prefix
        self.suffix = suffix
        oldCount = oldLines.count
    }

    static func lines(_ bytes: [UInt8]) -> [String] {
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// Where old line `line` is in the new file, or nil when the edit changed it.
    func newLine(ofOld line: Int) -> Int? {
        if line <= prefix { return line }
        if line > oldCount - suffix { return line + (newLines.count - oldCount) }
        return nil
    }

    /// The lines the edit wrote, numbered as in the new file.
    var written: [NumberedLine] {
        (prefix..<(newLines.count - suffix)).map { NumberedLine(line: $0 + 1, text: newLines[$0]) }
    }

    /// The text of new line `line`.
    func text(ofLine line: Int) -> String? {
        line >= 1 && line <= newLines.count ? newLines[line - 1] : nil
    }
}

/// What a change did to the compiler's findings: the diagnostics the
/// compiled root has with the change and did not have without it, located
/// in the files as they would have been committed, and the lines the change
/// wrote there, so an answer can be read without the uncommitted file.
public struct ChangeDiagnostics: Sendable, Equatable {
    /// The edited lines of one file.
    public struct EditedFile: Sendable, Equatable {
        public var file: String
        public var lines: [NumberedLine]
    }

    /// The diagnostics the change introduced, in the compiler's order.
    public var introduced: [Diagnostic]
    /// For each introduced diagnostic located in an edited file, the line it points at.
    public var quotes: [Diagnostic: String]
    /// The lines the change wrote, per edited file.
    public var edits: [EditedFile]

    /// Compares the diagnostics of the root without (`before`) and with
    /// (`after`) the change; `edits` holds each edited file's bytes before
    /// (nil: a new file) and after.
    public static func compare(
        before: [Diagnostic], after: [Diagnostic], edits: [String: (old: [UInt8]?, new: [UInt8])]
    ) -> ChangeDiagnostics {
        let matches = edits.mapValues { LineMatch(old: $0.old, new: $0.new) }
        // A finding that was there before, moved by the edit's lines, is not the change's.
        var existing: [Key: Int] = [:]
        for diagnostic in before {
            var location = diagnostic.location
            if let match = matches[location.file] {
                guard let line = match.newLine(ofOld: location.line) else { continue }
                location.line = line
            }
            existing[Key(diagnostic, at: location), default: 0] += 1
        }
        var introduced: [Diagnostic] = []
        var quotes: [Diagnostic: String] = [:]
        for diagnostic in after {
            let key = Key(diagnostic, at: diagnostic.location)
            if let count = existing[key], count > 0 {
                existing[key] = count - 1
                continue
            }
            introduced.append(diagnostic)
            if let quote = matches[diagnostic.location.file]?.text(ofLine: diagnostic.location.line) { quotes[diagnostic] = quote }
        }
        let files = matches.keys.sorted().compactMap { file -> EditedFile? in
            let lines = matches[file]!.written
            return lines.isEmpty ? nil : EditedFile(file: file, lines: lines)
        }
        return ChangeDiagnostics(introduced: introduced, quotes: quotes, edits: files)
    }

    private struct Key: Hashable {
        var severity: Diagnostic.Severity
        var code: String
        var location: SourceLocation
        var message: String

        init(_ diagnostic: Diagnostic, at location: SourceLocation) {
            severity = diagnostic.severity
            code = diagnostic.code.rawValue
            self.location = location
            message = diagnostic.message
        }
    }
}
