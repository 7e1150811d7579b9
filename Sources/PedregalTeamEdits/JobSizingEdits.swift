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

extension TeamFile {
    /// The file without `section.key` of job `job`, so the value goes back
    /// to its default (`executor.memoryOverhead` back to Spark's): in a flow
    /// section the entry and its comma go, in a block section its lines; a
    /// section left empty goes as a whole. Comments and everything else stay;
    /// the file is returned as it is when the key is not written.
    public func removingJobField(_ job: String, section: String, key: String) throws -> [UInt8] {
        guard let jobsPair = root.first(where: { $0.key == "jobs" }), let items = jobsPair.value.sequence,
            let position = items.firstIndex(where: { $0.mapping?.first(where: { $0.key == "name" })?.value.scalar?.text == job }),
            let fields = items[position].mapping
        else { throw EditError(location: .startOf(path), message: "there is no job '\(job)' in this file") }
        guard let sectionIndex = fields.firstIndex(where: { $0.key == section }),
            let sectionFields = fields[sectionIndex].value.mapping,
            let index = sectionFields.firstIndex(where: { $0.key == key })
        else { return text.bytes }
        let item = items[position]
        let jobEnd = { self.lastContentLine(of: position, in: items, pair: jobsPair) + 1 }
        let afterSection = {
            sectionIndex + 1 < fields.count ? fields[sectionIndex + 1].keyLocation.line : jobEnd()
        }
        if sectionFields.count == 1 {
            return text.applying([
                try removal(of: sectionIndex, in: fields, flow: opens("{", item), firstLine: item.location.line, after: jobEnd)
            ])
        }
        return text.applying([
            try removal(
                of: index, in: sectionFields, flow: opens("{", fields[sectionIndex].value),
                firstLine: fields[sectionIndex].keyLocation.line, after: afterSection)
        ])
    }

    /// The edit that takes pair `index` out of `pairs` (a mapping of at least
    /// two pairs, or one whose removal leaves its container valid). Flow: from
    /// the end of the previous value (or this key up to the next key). Block:
    /// the pair's lines, up to the next key or `after()` (the line after the
    /// mapping's content), leaving blank lines and comments that belong to
    /// what follows. A pair on the mapping's first line (`- executor:`) is
    /// left to a person.
    private func removal(of index: Int, in pairs: [YAMLPair], flow: Bool, firstLine: Int, after: () -> Int) throws -> TextEdit {
        let pair = pairs[index]
        func end(_ node: YAMLNode) throws -> Int {
            guard let end = node.end else {
                throw EditError(location: node.location, message: "cannot find the end of this value; edit this file by hand")
            }
            return text.offset(end)
        }
        if flow {
            if index > 0 { return TextEdit(range: try end(pairs[index - 1].value)..<(try end(pair.value)), replacement: []) }
            guard pairs.count > 1 else {
                throw EditError(location: pair.keyLocation, message: "cannot remove the only key of '\(pair.key)'; edit this file by hand")
            }
            return TextEdit(range: text.offset(pair.keyLocation)..<text.offset(pairs[1].keyLocation), replacement: [])
        }
        let from = pair.keyLocation.line
        guard from != firstLine, text.text(ofLine: from).drop(while: { $0 == " " }).first != "-" else {
            throw EditError(
                location: pair.keyLocation, message: "cannot remove '\(pair.key)' on the entry's first line; edit this file by hand")
        }
        let next = index + 1 < pairs.count ? pairs[index + 1].keyLocation.line : after()
        let to = max(endOfBlock(before: next, indentation: pair.keyLocation.column - 1), from + 1)
        return TextEdit(range: text.start(ofLine: from)..<text.start(ofLine: to), replacement: [])
    }
}
