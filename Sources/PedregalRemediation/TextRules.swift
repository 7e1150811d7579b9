/// A line of text evidence with the lines around it (tracebacks span lines).
struct TextLine {
    /// Every line of the text the line belongs to.
    var lines: [String]
    /// Its index in `lines`.
    var index: Int
    /// Where the text came from, for the proof.
    var source: String

    var text: String { lines[index] }
    var previous: String? { index > 0 ? lines[index - 1] : nil }

    func contains(_ needle: String) -> Bool { text.containsBytes(needle) }
    func containsAny(_ needles: [String]) -> Bool { needles.contains { text.containsBytes($0) } }

    /// A finding proved by this line.
    func finding(
        _ failureClass: FailureClass, role: SparkRole? = nil, _ detail: String, setting: String? = nil, permanent: Bool = false,
        weak: Bool = false
    ) -> Finding {
        Finding(
            failureClass, role: role, detail: detail, proof: Proof(source: source, line: text.trimmingSpaces), setting: setting,
            permanent: permanent, weak: weak)
    }
}

/// Rules that read lines of text: the driver's log, the event log's failure
/// reasons, the operator's messages and the events'. Each rule looks at one
/// line (and its neighbours) and says what it proves, if anything.
enum TextRules {
    typealias Rule = @Sendable (TextLine) -> Finding?

    /// Every rule, memory first.
    static let all: [Rule] = MemoryRules.all + ErrorRules.all + ClusterTextRules.all

    /// Lines one rule may prove with, at most.
    static let linesPerRule = 3

    /// What `lines` prove: per rule, the first line it matches (where it began)
    /// and the last ones (how it ended), in order; each proof line once. Each
    /// rule reads from the start until it matches and from the end back, so
    /// a long log costs little more than its ends.
    static func findings(in lines: [String], source: String) -> [Finding] {
        var found: [Finding] = []
        for rule in all {
            func isNew(_ finding: Finding, _ others: [Finding]) -> Bool {
                !found.contains { $0.proof == finding.proof } && !others.contains { $0.proof == finding.proof }
            }
            var first: (index: Int, finding: Finding)?
            for index in lines.indices {
                if let finding = rule(TextLine(lines: lines, index: index, source: source)), isNew(finding, []) {
                    first = (index, finding)
                    break
                }
            }
            guard let first else { continue }
            var last: [Finding] = []
            var index = lines.count - 1
            while index > first.index && last.count < linesPerRule - 1 {
                if let finding = rule(TextLine(lines: lines, index: index, source: source)), isNew(finding, last + [first.finding]) {
                    last.insert(finding, at: 0)
                }
                index -= 1
            }
            found += [first.finding] + last
        }
        return found
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" || last == "\r" { slice.removeLast() }
        return String(slice)
    }

    /// Without the characters of `characters` at either end.
    func trimming(_ characters: String) -> String {
        let set = Set(characters)
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }

    /// Whether `needle`'s UTF-8 bytes occur in this string's: the rules
    /// match ASCII phrases in thousands of log lines, and comparing bytes
    /// is far cheaper than comparing Characters.
    func containsBytes(_ needle: String) -> Bool {
        let search = { (haystack: UnsafeBufferPointer<UInt8>) -> Bool in
            var needle = needle
            return needle.withUTF8 { pattern in
                guard let first = pattern.first else { return true }
                guard haystack.count >= pattern.count else { return false }
                var index = 0
                let last = haystack.count - pattern.count
                while index <= last {
                    if haystack[index] == first {
                        var matched = 1
                        while matched < pattern.count && haystack[index + matched] == pattern[matched] { matched += 1 }
                        if matched == pattern.count { return true }
                    }
                    index += 1
                }
                return false
            }
        }
        if let found = utf8.withContiguousStorageIfAvailable(search) { return found }
        return Array(utf8).withUnsafeBufferPointer(search)
    }
}
