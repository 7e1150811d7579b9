/// "Did you mean …?" for misspelt keys and names.
public enum Suggestion {
    /// The candidate closest to `word` by edit distance, if it is close enough
    /// to be a plausible typo (at most a third of the word's length, min 1).
    public static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
        let limit = max(1, min(word.count, 12) / 3)
        var best: (name: String, distance: Int)?
        let lowered = word.lowercased()
        for candidate in candidates {
            let distance = candidate.lowercased() == lowered ? 0 : editDistance(word, candidate)
            if distance <= limit, best.map({ distance < $0.distance || (distance == $0.distance && candidate < $0.name) }) ?? true {
                best = (candidate, distance)
            }
        }
        return best?.name
    }

    /// `"; did you mean 'x'?"` or the empty string.
    public static func hint(for word: String, in candidates: some Sequence<String>) -> String {
        closest(to: word, in: candidates).map { "; did you mean '\($0)'?" } ?? ""
    }

    /// The hint for `word`, then `more` (a list of what exists, say), joined
    /// so the sentence reads well with or without a suggestion.
    public static func hint(for word: String, in candidates: some Sequence<String>, then more: String) -> String {
        let hint = hint(for: word, in: candidates)
        return hint.isEmpty ? "; \(more)" : "\(hint) \(more)"
    }

    /// Levenshtein distance over Unicode scalars (optimal string alignment,
    /// so a swap of two letters counts as one edit).
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let s = Array(a.unicodeScalars)
        let t = Array(b.unicodeScalars)
        if s.isEmpty { return t.count }
        if t.isEmpty { return s.count }
        var previous2 = [Int](repeating: 0, count: t.count + 1)
        var previous = Array(0...t.count)
        var current = [Int](repeating: 0, count: t.count + 1)
        for i in 1...s.count {
            current[0] = i
            for j in 1...t.count {
                let cost = s[i - 1] == t[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, s[i - 1] == t[j - 2], s[i - 2] == t[j - 1] {
                    value = min(value, previous2[j - 2] + 1)
                }
                current[j] = value
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[t.count]
    }
}
