/// A schema's `pattern`, searched for anywhere in the string as Go's
/// `regexp.MatchString` (what the API server uses) does.
///
/// The quantity grammar that controller-gen writes into every CRD is matched
/// by hand: it is by far the most common pattern, on the hottest fields.
enum ValuePattern {
    case quantity
    case expression(CompiledExpression)

    /// The pattern's source, for messages.
    var source: String {
        switch self {
        case .quantity: return ValueFormats.quantityPattern
        case .expression(let e): return e.source
        }
    }

    /// nil when Swift's regular expressions cannot read the pattern; such a
    /// pattern is not checked (and counted, see `SchemaBundle`).
    init?(_ source: String) {
        if source == ValueFormats.quantityPattern {
            self = .quantity
            return
        }
        guard let expression = CompiledExpression(source) else { return nil }
        self = .expression(expression)
    }

    func matches(_ text: String) -> Bool {
        switch self {
        case .quantity: return ValueFormats.isQuantity(text)
        case .expression(let e): return e.matches(text)
        }
    }
}

/// A compiled regular expression; compiled once, used from any thread
/// (matching does not mutate it).
final class CompiledExpression: @unchecked Sendable {
    let source: String
    private let regex: Regex<AnyRegexOutput>

    init?(_ source: String) {
        guard let regex = try? Regex(source) else { return nil }
        self.source = source
        self.regex = regex
    }

    func matches(_ text: String) -> Bool {
        (try? regex.firstMatch(in: text)) != nil
    }
}
