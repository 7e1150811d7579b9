import PedregalDiagnostics
import PedregalYAML

/// A value written into a team file by an edit.
public enum EditValue: Sendable, Equatable {
    /// A string, plain when that reads back the same, else double-quoted.
    case text(String)
    /// An RFC 3339 time, written plain as people write `expiresAt`.
    case timestamp(String)
    /// A flow list of strings: `[a, b]`.
    case list([String])
    /// An integer, written plain.
    case integer(Int)
    /// A JVM memory size such as `16g`, written plain as team files write them.
    case sparkMemory(String)
    /// YAML text written as it is (a value copied from another version of the file).
    case verbatim(String)

    var yaml: String {
        switch self {
        case .text(let text): return YAMLWriter.scalarText(text)
        case .timestamp(let time):
            let plain = !time.isEmpty && time.allSatisfy { $0.isASCII && ($0.isNumber || "-:.TZ+".contains($0)) }
            return plain ? time : YAMLWriter.scalarText(time)
        case .list(let items): return "[" + items.map(YAMLWriter.scalarText).joined(separator: ", ") + "]"
        case .integer(let value): return String(value)
        case .sparkMemory(let size):
            let plain = size.count > 1 && size.dropLast().allSatisfy(\.isNumber) && "kmgt".contains(size.last!)
            return plain ? size : YAMLWriter.scalarText(size)
        case .verbatim(let text): return text
        }
    }
}

extension TeamFile {
    /// The file with a new `sparkConnect` entry holding `fields` (in order;
    /// the first should be `name`) after the last one, written in the style
    /// of the existing entries (block or flow, their indentation); when the
    /// file has no `sparkConnect`, the key is added at the end.
    public func addingSparkConnect(_ fields: [(key: String, value: EditValue)]) throws -> [UInt8] {
        guard let index = root.firstIndex(where: { $0.key == "sparkConnect" }) else {
            guard root.allSatisfy({ $0.keyLocation.column == 1 }) else {
                throw EditError(location: .startOf(path), message: "the file is not a block mapping; edit it by hand")
            }
            let dash = blockSequenceIndentation()
            let item = blockItem(fields, dash: dash, keys: dash + 2)
            return text.applying([insertion(Array("sparkConnect:\n".utf8) + item, at: text.bytes.count)])
        }
        let pair = root[index]
        if let items = pair.value.sequence, startsWith("[", pair.value) {
            guard let end = pair.value.end else {
                throw EditError(location: pair.value.location, message: "cannot find the end of 'sparkConnect'; edit this file by hand")
            }
            let close = text.offset(end) - 1
            let entry = "{" + fields.map { "\($0.key): \($0.value.yaml)" }.joined(separator: ", ") + "}"
            return text.applying([TextEdit(range: close..<close, replacement: Array(((items.isEmpty ? "" : ", ") + entry).utf8))])
        }
        guard pair.keyLocation.column == 1 else {
            throw EditError(location: pair.keyLocation, message: "'sparkConnect' is not a top-level block key; edit this file by hand")
        }
        let followingKeyLine = index + 1 < root.count ? root[index + 1].keyLocation.line : text.lineCount + 1
        if let scalar = pair.value.scalar, scalar.text.isEmpty, scalar.style == .plain {
            // `sparkConnect:` with nothing after it.
            let dash = blockSequenceIndentation()
            let at = text.start(ofLine: pair.keyLocation.line + 1)
            return text.applying([insertion(blockItem(fields, dash: dash, keys: dash + 2), at: at)])
        }
        guard let items = pair.value.sequence, let first = items.first else {
            throw EditError(location: pair.value.location, message: "'sparkConnect' is not a list; edit this file by hand")
        }
        let dashLine = try itemStartLine(first, after: pair.keyLocation.line)
        let dash = text.text(ofLine: dashLine).prefix { $0 == " " }.count
        var keys = dash + 2
        if let firstKey = first.mapping?.first, !startsWith("{", first) { keys = firstKey.keyLocation.column - 1 }
        let end = endOfBlock(before: followingKeyLine, indentation: 0)
        return text.applying([insertion(blockItem(fields, dash: dash, keys: keys), at: text.start(ofLine: end))])
    }

    /// The file with field `key` of the `sparkConnect` entry `name` set to
    /// `value` (replaced where it is, or added as the entry's last field), or
    /// removed when `value` is nil. Nothing else changes.
    public func settingSparkConnectField(_ name: String, key: String, to value: EditValue?) throws -> [UInt8] {
        guard let pair = root.first(where: { $0.key == "sparkConnect" }), let items = pair.value.sequence,
            let position = items.firstIndex(where: { $0.mapping?.first(where: { $0.key == "name" })?.value.scalar?.text == name }),
            let fields = items[position].mapping
        else { throw EditError(location: .startOf(path), message: "there is no sparkConnect entry '\(name)'") }
        let item = items[position]
        let existing = fields.firstIndex { $0.key == key }
        if startsWith("{", item) || startsWith("[", pair.value) {
            return try flowFieldEdit(item, fields: fields, existing: existing, key: key, value: value)
        }
        if let existing {
            let field = fields[existing]
            if let value, field.value.scalar != nil || startsWith("[", field.value), let end = field.value.end,
                end.line == field.keyLocation.line
            {
                let range = text.offset(field.value.location)..<text.offset(end)
                return text.applying([TextEdit(range: range, replacement: Array(value.yaml.utf8))])
            }
            // A block value, or a removal: the field's whole lines go.
            let from = field.keyLocation.line
            guard from != item.location.line else {
                throw EditError(
                    location: field.keyLocation, message: "cannot replace '\(key)' on the entry's first line; edit this file by hand")
            }
            let to =
                existing + 1 < fields.count
                ? fields[existing + 1].keyLocation.line : lastContentLine(of: position, in: items, pair: pair) + 1
            let indentation = String(repeating: " ", count: field.keyLocation.column - 1)
            let replacement = value.map { Array("\(indentation)\(key): \($0.yaml)\n".utf8) } ?? []
            return text.applying([TextEdit(range: text.start(ofLine: from)..<text.start(ofLine: to), replacement: replacement)])
        }
        guard let value else { return text.bytes }
        let keys = (fields.first?.keyLocation.column ?? 1) - 1
        let at = text.start(ofLine: lastContentLine(of: position, in: items, pair: pair) + 1)
        return text.applying([insertion(Array("\(String(repeating: " ", count: keys))\(key): \(value.yaml)\n".utf8), at: at)])
    }

    // MARK: Helpers

    /// Inserts whole `lines` at `offset` (a line start); at the end of a
    /// file without a final newline, the file stays without one.
    private func insertion(_ lines: [UInt8], at offset: Int) -> TextEdit {
        guard offset == text.bytes.count, let last = text.bytes.last, last != UInt8(ascii: "\n") else {
            return TextEdit(range: offset..<offset, replacement: lines)
        }
        return TextEdit(range: offset..<offset, replacement: [UInt8(ascii: "\n")] + lines.dropLast())
    }

    private func startsWith(_ character: Character, _ node: YAMLNode) -> Bool {
        let offset = text.offset(node.location)
        return offset < text.bytes.count && text.bytes[offset] == character.asciiValue
    }

    /// The dash indentation of the file's other block lists of mappings (the
    /// `jobs:` entries), so a new `sparkConnect:` looks like them; else 2.
    private func blockSequenceIndentation() -> Int {
        for pair in root where pair.keyLocation.column == 1 {
            guard let first = pair.value.sequence?.first, first.mapping != nil, !startsWith("[", pair.value),
                let line = try? itemStartLine(first, after: pair.keyLocation.line)
            else { continue }
            let lineText = text.text(ofLine: line)
            if lineText.drop(while: { $0 == " " }).hasPrefix("-") { return lineText.prefix { $0 == " " }.count }
        }
        return 2
    }

    private func blockItem(_ fields: [(key: String, value: EditValue)], dash: Int, keys: Int) -> [UInt8] {
        var lines: [String] = []
        for (position, field) in fields.enumerated() {
            let lead =
                position == 0
                ? String(repeating: " ", count: dash) + "-" + String(repeating: " ", count: max(1, keys - dash - 1))
                : String(repeating: " ", count: keys)
            lines.append(lead + "\(field.key): \(field.value.yaml)\n")
        }
        return Array(lines.joined().utf8)
    }

    /// The last line of list entry `position` that holds more than blanks or comments
    /// (Spark Connect entries and jobs alike).
    func lastContentLine(of position: Int, in items: [YAMLNode], pair: YAMLPair) -> Int {
        let next: Int
        if position + 1 < items.count, let start = try? itemStartLine(items[position + 1], after: pair.keyLocation.line) {
            next = start
        } else {
            let index = root.firstIndex { $0.key == pair.key && $0.keyLocation == pair.keyLocation } ?? root.count
            next = index + 1 < root.count ? root[index + 1].keyLocation.line : text.lineCount + 1
        }
        var line = next - 1
        while line > items[position].location.line, text.isBlank(line: line) || text.isComment(line: line) { line -= 1 }
        return line
    }

    private func flowFieldEdit(
        _ item: YAMLNode, fields: [YAMLPair], existing: Int?, key: String, value: EditValue?
    ) throws -> [UInt8] {
        func end(_ node: YAMLNode) throws -> Int {
            guard let end = node.end else {
                throw EditError(location: node.location, message: "cannot find the end of this value; edit this file by hand")
            }
            return text.offset(end)
        }
        if let existing {
            let field = fields[existing]
            if let value {
                return text.applying([
                    TextEdit(
                        range: text.offset(field.value.location)..<(try end(field.value)),
                        replacement: Array(value.yaml.utf8))
                ])
            }
            guard existing > 0 else {
                throw EditError(location: field.keyLocation, message: "cannot remove the first field of an entry; edit this file by hand")
            }
            return text.applying([TextEdit(range: (try end(fields[existing - 1].value))..<(try end(field.value)), replacement: [])])
        }
        guard let value, let last = fields.last else { return text.bytes }
        let at = try end(last.value)
        return text.applying([TextEdit(range: at..<at, replacement: Array(", \(key): \(value.yaml)".utf8))])
    }
}
