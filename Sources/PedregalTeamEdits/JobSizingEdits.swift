import PedregalDiagnostics
import PedregalYAML

extension TeamFile {
    /// The file with `section.key` of job `job` set to `value`
    /// (`executor.instances`, `driver.memory`, `sparkConf.spark.sql.shuffle.partitions`):
    /// replaced where it is written, added to the section when the section
    /// is there (in its style, block or flow), or the section added to the
    /// job as a flow mapping. Comments and everything else stay as they are.
    public func settingJobField(_ job: String, section: String, key: String, to value: EditValue) throws -> [UInt8] {
        guard let jobsPair = root.first(where: { $0.key == "jobs" }), let items = jobsPair.value.sequence,
            let position = items.firstIndex(where: { $0.mapping?.first(where: { $0.key == "name" })?.value.scalar?.text == job }),
            let fields = items[position].mapping
        else { throw EditError(location: .startOf(path), message: "there is no job '\(job)' in this file") }
        let item = items[position]
        let entry = "\(key): \(value.yaml)"
        guard let sectionIndex = fields.firstIndex(where: { $0.key == section }) else {
            // No section yet: add `section: { key: value }` to the job.
            if opens("{", item) { return try appendingToFlow(fields.last?.value, "\(section): {\(entry)}") }
            let keys = (fields.first?.keyLocation.column ?? 1) - 1
            let after = lastContentLine(of: position, in: items, pair: jobsPair)
            return text.applying([lineInsertion("\(String(repeating: " ", count: keys))\(section): {\(entry)}\n", afterLine: after)])
        }
        let sectionNode = fields[sectionIndex].value
        guard let sectionFields = sectionNode.mapping else {
            throw EditError(
                location: sectionNode.location, message: "'\(section)' of job '\(job)' is not a mapping; edit this file by hand")
        }
        if let existing = sectionFields.first(where: { $0.key == key }) {
            guard existing.value.scalar != nil, let end = existing.value.end else {
                throw EditError(
                    location: existing.value.location, message: "'\(section).\(key)' is not a plain value; edit this file by hand")
            }
            return text.applying([
                TextEdit(range: text.offset(existing.value.location)..<text.offset(end), replacement: Array(value.yaml.utf8))
            ])
        }
        if opens("{", sectionNode) {
            guard let last = sectionFields.last else {
                guard let end = sectionNode.end else {
                    throw EditError(location: sectionNode.location, message: "cannot edit '\(section)'")
                }
                let close = text.offset(end) - 1
                return text.applying([TextEdit(range: close..<close, replacement: Array(entry.utf8))])
            }
            return try appendingToFlow(last.value, entry)
        }
        guard let firstKey = sectionFields.first else {
            throw EditError(location: sectionNode.location, message: "'\(section)' of job '\(job)' is empty; edit this file by hand")
        }
        let indentation = String(repeating: " ", count: firstKey.keyLocation.column - 1)
        var last = sectionFields.last!.value.end?.line ?? sectionFields.last!.keyLocation.line
        if let end = sectionFields.last!.value.end, end.column == 1 { last = end.line - 1 }
        return text.applying([lineInsertion("\(indentation)\(entry)\n", afterLine: last)])
    }

    private func opens(_ character: Character, _ node: YAMLNode) -> Bool {
        let offset = text.offset(node.location)
        return offset < text.bytes.count && text.bytes[offset] == character.asciiValue
    }

    /// `, entry` right after `value` (the last value of a flow mapping).
    private func appendingToFlow(_ value: YAMLNode?, _ entry: String) throws -> [UInt8] {
        guard let value, let end = value.end else {
            throw EditError(location: .startOf(path), message: "cannot find the end of a flow mapping; edit this file by hand")
        }
        let at = text.offset(end)
        return text.applying([TextEdit(range: at..<at, replacement: Array(", \(entry)".utf8))])
    }

    private func lineInsertion(_ line: String, afterLine: Int) -> TextEdit {
        let offset = afterLine + 1 > text.lineCount ? text.bytes.count : text.start(ofLine: afterLine + 1)
        if offset == text.bytes.count, let last = text.bytes.last, last != UInt8(ascii: "\n") {
            return TextEdit(range: offset..<offset, replacement: [UInt8(ascii: "\n")] + Array(line.utf8).dropLast())
        }
        return TextEdit(range: offset..<offset, replacement: Array(line.utf8))
    }
}
