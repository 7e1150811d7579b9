/// A `sparkConnect` entry as written, to compare two versions of a team
/// file and to copy an entry from one version into another.
public struct WrittenEntry: Sendable, Equatable {
    /// One field: its key and its value's text.
    public struct Field: Sendable, Equatable {
        public var key: String
        public var value: String
    }

    /// The entry's name.
    public var name: String
    /// The entry's text without trailing blanks and comments: two versions
    /// of the file hold the same entry when these are equal.
    public var text: String
    /// Where `text` is in the file's bytes.
    public var range: Range<Int>
    /// The keys of its fields, in order.
    public var keys: [String]
    /// Each field as written, in order; nil when a value spans several
    /// lines (a block list or mapping), which cannot be copied as one value.
    public var fields: [Field]?

    /// The fields as edit values.
    public var editFields: [(key: String, value: EditValue)]? {
        fields?.map { ($0.key, EditValue.verbatim($0.value)) }
    }
}

extension TeamFile {
    /// The `sparkConnect` entry named `name` as written, or nil when there is none.
    public func writtenSparkConnect(_ name: String) -> WrittenEntry? {
        guard let items = root.first(where: { $0.key == "sparkConnect" })?.value.sequence,
            let item = items.first(where: { $0.mapping?.first(where: { $0.key == "name" })?.value.scalar?.text == name }),
            let pairs = item.mapping
        else { return nil }
        let start = text.offset(item.location)
        let end = item.end.map(text.offset) ?? text.bytes.count
        var fields: [WrittenEntry.Field]? = []
        for pair in pairs {
            guard let valueEnd = pair.value.end, valueEnd.line == pair.value.location.line else {
                fields = nil
                break
            }
            let value = String(decoding: text.bytes[text.offset(pair.value.location)..<text.offset(valueEnd)], as: UTF8.self)
            fields?.append(WrittenEntry.Field(key: pair.key, value: value.trimmingTrailingBlanks))
        }
        // A block entry runs until the next token: comment lines before it belong to what follows.
        var lines = String(decoding: text.bytes[start..<max(start, end)], as: UTF8.self).split(
            separator: "\n", omittingEmptySubsequences: false)
        while let last = lines.last, lines.count > 1, last.drop(while: { $0 == " " }).hasPrefix("#") || last.allSatisfy(\.isWhitespace) {
            lines.removeLast()
        }
        let written = lines.joined(separator: "\n").trimmingTrailingBlanks
        return WrittenEntry(
            name: name, text: written, range: start..<(start + written.utf8.count), keys: pairs.map(\.key), fields: fields)
    }
}

extension String {
    fileprivate var trimmingTrailingBlanks: String {
        var text = Substring(self)
        while let last = text.last, last == " " || last == "\n" || last == "\t" || last == "\r" { text.removeLast() }
        return String(text)
    }
}
