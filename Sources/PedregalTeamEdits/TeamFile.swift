import PedregalDiagnostics
import PedregalYAML

/// A team file as text, for edits that a person could have made: entries
/// removed or added with everything else (comments, order, quoting, blank
/// lines) left exactly as it was, so a reviewer sees only the change.
public struct TeamFile: Sendable {
    /// Root-relative path, for messages.
    public let path: String
    public let text: SourceText
    let root: [YAMLPair]

    /// Why a file cannot be edited as text.
    public struct EditError: Error, CustomStringConvertible, Sendable {
        public var location: SourceLocation
        public var message: String
        public var description: String { "\(location): \(message)" }
    }

    /// One entry of `sparkConnect`, as written.
    public struct SparkConnectEntry: Sendable, Equatable {
        public var name: String
        /// `expiresAt` as written, when set.
        public var expiresAt: String?
        public var location: SourceLocation
    }

    /// Parses `bytes`; fails when the file is not a YAML mapping (the
    /// compiler reports such files with every detail; this only refuses).
    public init(path: String, bytes: [UInt8]) throws {
        self.path = path
        self.text = SourceText(bytes)
        let parsed = YAMLParser().parse(bytes, file: path)
        if let problem = parsed.diagnostics.first(where: { $0.severity == .error }) {
            throw EditError(location: problem.location, message: problem.message)
        }
        guard let document = parsed.documents.first, parsed.documents.count == 1, let pairs = document.mapping else {
            throw EditError(location: .startOf(path), message: "a team file must be one YAML mapping")
        }
        self.root = pairs
    }

    /// The entries of `sparkConnect`, in file order.
    public var sparkConnectEntries: [SparkConnectEntry] {
        guard let items = root.first(where: { $0.key == "sparkConnect" })?.value.sequence else { return [] }
        return items.compactMap { item in
            guard let pairs = item.mapping, let name = pairs.first(where: { $0.key == "name" })?.value.scalar?.text else { return nil }
            return SparkConnectEntry(
                name: name, expiresAt: pairs.first(where: { $0.key == "expiresAt" })?.value.scalar?.text, location: item.location)
        }
    }

    /// The file without the `sparkConnect` entries named in `names`: each
    /// entry's lines go, with the comment lines written directly above it;
    /// when no entry is left, the `sparkConnect` key goes too.
    public func removingSparkConnect(_ names: Set<String>) throws -> [UInt8] {
        guard let index = root.firstIndex(where: { $0.key == "sparkConnect" }),
            let items = root[index].value.sequence
        else { return text.bytes }
        let pair = root[index]
        let keep = items.filter { item in
            guard let name = item.mapping?.first(where: { $0.key == "name" })?.value.scalar?.text else { return true }
            return !names.contains(name)
        }
        if keep.count == items.count { return text.bytes }
        let followingKeyLine = index + 1 < root.count ? root[index + 1].keyLocation.line : text.lineCount + 1
        if isFlow(root[index].value) {
            return text.applying([try flowEdit(pair, keeping: keep, followingKeyLine: followingKeyLine)])
        }
        guard pair.keyLocation.column == 1 else {
            throw EditError(location: pair.keyLocation, message: "'sparkConnect' is not a top-level block key; edit this file by hand")
        }
        if keep.isEmpty {
            let from = attachedCommentsStart(above: pair.keyLocation.line, indentation: 0)
            let to = endOfBlock(before: followingKeyLine, indentation: 0)
            return text.applying([TextEdit(range: text.start(ofLine: from)..<text.start(ofLine: to), replacement: [])])
        }
        let starts = try items.map { try itemStartLine($0, after: pair.keyLocation.line) }
        var edits: [TextEdit] = []
        for (position, item) in items.enumerated() where !keep.contains(where: { $0.location == item.location }) {
            let from = starts[position]
            let to =
                position + 1 < items.count
                ? starts[position + 1] : endOfBlock(before: followingKeyLine, indentation: pair.keyLocation.column - 1)
            edits.append(TextEdit(range: text.start(ofLine: from)..<text.start(ofLine: to), replacement: []))
        }
        return text.applying(edits)
    }

    private func isFlow(_ node: YAMLNode) -> Bool {
        let offset = text.offset(node.location)
        return offset < text.bytes.count && text.bytes[offset] == UInt8(ascii: "[")
    }

    /// The first line of a block sequence item: its dash line, and the
    /// comment lines written directly above it at the dash's indentation.
    func itemStartLine(_ item: YAMLNode, after keyLine: Int) throws -> Int {
        var line = item.location.line
        while line > keyLine, !text.text(ofLine: line).drop(while: { $0 == " " }).hasPrefix("-") { line -= 1 }
        guard line > keyLine else {
            throw EditError(location: item.location, message: "cannot find the '-' of this entry; edit this file by hand")
        }
        return attachedCommentsStart(above: line, indentation: text.indentation(ofLine: line))
    }

    /// `line`, or the first of the comment lines at `indentation` directly above it.
    private func attachedCommentsStart(above line: Int, indentation: Int) -> Int {
        var first = line
        while first > 1, text.isComment(line: first - 1), text.indentation(ofLine: first - 1) == indentation { first -= 1 }
        return first
    }

    /// Where a block value that runs until `nextLine` really ends: blank
    /// lines and comments at or left of the key's `indentation` just before
    /// the next key belong to what follows.
    func endOfBlock(before nextLine: Int, indentation: Int) -> Int {
        var end = nextLine
        while end - 1 >= 1,
            text.isBlank(line: end - 1)
                || (text.isComment(line: end - 1) && text.indentation(ofLine: end - 1) <= indentation)
        {
            end -= 1
        }
        return end
    }

    /// A flow sequence (`sparkConnect: [{…}, {…}]`) rewritten from the kept
    /// items' own text; with none kept, the key and its value go.
    private func flowEdit(_ pair: YAMLPair, keeping keep: [YAMLNode], followingKeyLine: Int) throws -> TextEdit {
        guard let end = pair.value.end else {
            throw EditError(location: pair.value.location, message: "cannot find the end of 'sparkConnect'; edit this file by hand")
        }
        if keep.isEmpty {
            guard pair.keyLocation.column == 1 else {
                throw EditError(location: pair.keyLocation, message: "'sparkConnect' is not a top-level key; edit this file by hand")
            }
            let from = attachedCommentsStart(above: pair.keyLocation.line, indentation: 0)
            let to = endOfBlock(before: min(end.line + 1, followingKeyLine), indentation: 0)
            return TextEdit(range: text.start(ofLine: from)..<text.start(ofLine: max(to, end.line + 1)), replacement: [])
        }
        var replacement = Array("[".utf8)
        for (position, item) in keep.enumerated() {
            guard let itemEnd = item.end else {
                throw EditError(location: item.location, message: "cannot find the end of this entry; edit this file by hand")
            }
            if position > 0 { replacement += Array(", ".utf8) }
            replacement += text.bytes[text.offset(item.location)..<text.offset(itemEnd)]
        }
        replacement += Array("]".utf8)
        return TextEdit(range: text.offset(pair.value.location)..<text.offset(end), replacement: replacement)
    }
}
