/// A `resource.Quantity` as the Kubernetes API server reads and writes it.
///
/// The API server parses every Quantity field of a built-in kind and stores it
/// in canonical form (`"2000"` → `2k`, `1000m` → `1`, `2048Mi` → `2Gi`, `0.5`
/// → `500m`), so a manifest that writes another spelling differs from the live
/// object forever. This mirrors k8s.io/apimachinery/pkg/api/resource
/// (`ParseQuantity`, `CanonicalizeBytes`, `MarshalJSON`), including its
/// quirks: a string already in canonical form is kept exactly as written
/// (`+1` and `010` survive), values finer than 1n round up to 1n, binary values
/// below 1024 or with a fraction are written in decimal, and binary values
/// above 2^63-1 are capped.
public struct KubernetesQuantity: Hashable, Sendable {
    /// How the value is written, chosen by the suffix it was parsed with.
    public enum Format: Sendable, Hashable {
        /// `12M`, `500m`, `32`.
        case decimalSI
        /// `12Mi`.
        case binarySI
        /// `12e6`.
        case decimalExponent
    }

    // value = unscaled × 10^exponent, exactly, after rounding up to 10^-9.
    private let unscaled: Int128
    private let exponent: Int
    /// The format the canonical text uses before the binary special cases.
    public let format: Format
    /// The text the API server returns for this quantity.
    public let canonical: String

    /// The canonical text of `text`, or nil when it is not a quantity or too
    /// large to handle exactly (callers then keep the text as written).
    /// `resourceList` applies what defaulting does to every `ResourceList`
    /// value (container resources, quotas, limit ranges): round up to 1m.
    public static func canonical(_ text: String, resourceList: Bool = false) -> String? {
        KubernetesQuantity(text, resourceList: resourceList)?.canonical
    }

    /// Parses `text` (surrounding whitespace trimmed, as `UnmarshalJSON` does);
    /// with `resourceList`, rounds up to 1m as `SetDefaults_ResourceList` does.
    public init?(_ text: String, resourceList: Bool = false) {
        let trimmed = text.trimmingASCIIWhitespace
        guard let parsed = ParsedQuantityText(trimmed) else { return nil }
        guard let (base, power, parsedFormat) = Self.interpret(parsed.suffix) else { return nil }
        guard var digits = Int128(decimalDigits: parsed.numerator + parsed.fraction) else { return nil }
        var exponent = -parsed.fraction.count
        var format = parsedFormat
        if base == 2 {
            for _ in 0..<power {
                let (doubled, overflow) = digits.multipliedReportingOverflow(by: 2)
                guard !overflow else { return nil }
                digits = doubled
            }
        } else {
            exponent += power
        }
        // Finer than a nano rounds up (away from zero) to the next nano.
        if exponent < -9, digits != 0 {
            digits = Self.divideRoundingUp(digits, byPowerOfTen: -9 - exponent)
            exponent = -9
        }
        if format == .binarySI {
            let value = Scaled(unscaled: digits, exponent: exponent)
            if value.isGreater(than: Int128(Int64.max)) {
                digits = Int128(Int64.max)
                exponent = 0
            } else if digits != 0, value.isLess(than: 1) {
                format = .decimalSI
            }
        }
        // Defaulting rounds ResourceList values up to milli scale, dropping
        // the text as written when that changes the scale.
        let roundedToMilli = resourceList && exponent < -3 && digits != 0
        if roundedToMilli {
            digits = Self.divideRoundingUp(digits, byPowerOfTen: -3 - exponent)
            exponent = -3
        }
        self.unscaled = parsed.negative ? -digits : digits
        self.exponent = exponent
        self.format = format
        if trimmed == "0" || digits == 0 {
            self.canonical = "0"
        } else if !roundedToMilli, parsed.isCachedAsWritten(power: power, format: format, base: base, digits: digits) {
            self.canonical = trimmed
        } else if let text = Self.canonicalText(unscaled: unscaled, exponent: exponent, format: format) {
            self.canonical = text
        } else {
            return nil
        }
    }

    private static func interpret(_ suffix: Substring) -> (base: Int, power: Int, Format)? {
        switch suffix {
        case "": return (10, 0, .decimalSI)
        case "n": return (10, -9, .decimalSI)
        case "u": return (10, -6, .decimalSI)
        case "m": return (10, -3, .decimalSI)
        case "k": return (10, 3, .decimalSI)
        case "M": return (10, 6, .decimalSI)
        case "G": return (10, 9, .decimalSI)
        case "T": return (10, 12, .decimalSI)
        case "P": return (10, 15, .decimalSI)
        case "E": return (10, 18, .decimalSI)
        case "Ki": return (2, 10, .binarySI)
        case "Mi": return (2, 20, .binarySI)
        case "Gi": return (2, 30, .binarySI)
        case "Ti": return (2, 40, .binarySI)
        case "Pi": return (2, 50, .binarySI)
        case "Ei": return (2, 60, .binarySI)
        default:
            guard suffix.count > 1, suffix.first == "e" || suffix.first == "E",
                let power = Int(suffix.dropFirst()), abs(power) < 1_000
            else { return nil }
            return (10, power, .decimalExponent)
        }
    }

    private static func canonicalText(unscaled: Int128, exponent: Int, format: Format) -> String? {
        var format = format
        let value = Scaled(unscaled: unscaled, exponent: exponent)
        var whole: Int128 = 0
        if format == .binarySI {
            if value.isGreater(than: -1024), value.isLess(than: 1024) {
                format = .decimalSI
            } else if let integer = value.exactInteger {
                whole = integer
            } else {
                format = .decimalSI
            }
        }
        if format == .binarySI {
            var amount = whole
            var power = 0
            while amount % 1024 == 0 {
                amount /= 1024
                power += 1
            }
            let suffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]
            // Like apimachinery, a power without a suffix writes none.
            return String(amount) + (power < suffixes.count ? suffixes[power] : "")
        }
        var amount = unscaled
        var power = exponent
        while amount % 10 == 0 {
            amount /= 10
            power += 1
        }
        while power % 3 != 0 {
            let (times, overflow) = amount.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            amount = times
            power -= 1
        }
        switch format {
        case .decimalExponent:
            return String(amount) + (power == 0 ? "" : "e\(power)")
        case .decimalSI, .binarySI:
            let suffixes = [-9: "n", -6: "u", -3: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E"]
            // apimachinery writes no suffix when none exists (values of 10^21
            // and more); mirror it, since that is what the server stores.
            return String(amount) + (suffixes[power] ?? "")
        }
    }

    fileprivate static func divideRoundingUp(_ value: Int128, byPowerOfTen power: Int) -> Int128 {
        var result = value
        var remainder = false
        for _ in 0..<power {
            if result == 0 { break }
            if result % 10 != 0 { remainder = true }
            result /= 10
        }
        return remainder || result == 0 ? result + 1 : result
    }
}

/// A value `unscaled × 10^exponent`, compared without overflow.
private struct Scaled {
    var unscaled: Int128
    var exponent: Int

    /// The value when it is a whole number that fits.
    var exactInteger: Int128? {
        var amount = unscaled
        if exponent >= 0 {
            for _ in 0..<exponent {
                let (times, overflow) = amount.multipliedReportingOverflow(by: 10)
                if overflow { return nil }
                amount = times
            }
            return amount
        }
        for _ in 0..<(-exponent) {
            if amount % 10 != 0 { return nil }
            amount /= 10
        }
        return amount
    }

    func isGreater(than other: Int128) -> Bool { compare(other) > 0 }
    func isLess(than other: Int128) -> Bool { compare(other) < 0 }

    private func compare(_ other: Int128) -> Int {
        // Bring both to the smaller exponent; saturate when that overflows,
        // which only happens far beyond any bound compared against here.
        var left = unscaled
        var right = other
        if exponent >= 0 {
            for _ in 0..<min(exponent, 40) {
                let (times, overflow) = left.multipliedReportingOverflow(by: 10)
                if overflow { return left > 0 ? 1 : -1 }
                left = times
            }
        } else {
            for _ in 0..<min(-exponent, 40) {
                let (times, overflow) = right.multipliedReportingOverflow(by: 10)
                if overflow { return right > 0 ? -1 : 1 }
                right = times
            }
        }
        return left == right ? 0 : (left < right ? -1 : 1)
    }
}

/// The pieces of a quantity's text, split as apimachinery's
/// `parseQuantityString` splits them.
private struct ParsedQuantityText {
    var negative = false
    /// Digits before the point, leading zeros removed ("0" when none are left).
    var numerator: Substring = "0"
    /// Digits after the point.
    var fraction: Substring = ""
    var suffix: Substring = ""

    init?(_ text: String) {
        guard !text.isEmpty else { return nil }
        let utf8 = Array(text.utf8)
        var i = 0
        if utf8[0] == UInt8(ascii: "-") || utf8[0] == UInt8(ascii: "+") {
            negative = utf8[0] == UInt8(ascii: "-")
            i = 1
        }
        let isDigit = { (c: UInt8) in c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
        while i < utf8.count, utf8[i] == UInt8(ascii: "0") { i += 1 }
        // Only zeros (or only a sign): apimachinery reads 0.
        if i == utf8.count { return }
        let numberStart = i
        while i < utf8.count, isDigit(utf8[i]) { i += 1 }
        if i > numberStart { numerator = Self.slice(text, numberStart, i) }
        if i < utf8.count, utf8[i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            while i < utf8.count, isDigit(utf8[i]) { i += 1 }
            fraction = Self.slice(text, fractionStart, i)
        }
        // Like apimachinery, no digit at all ("k", "Mi") reads as 0.
        let suffixStart = i
        let suffixLetters = Set("eEinumkKMGTP".utf8)
        while i < utf8.count, suffixLetters.contains(utf8[i]) { i += 1 }
        if i < utf8.count, utf8[i] == UInt8(ascii: "-") || utf8[i] == UInt8(ascii: "+") { i += 1 }
        while i < utf8.count, isDigit(utf8[i]) { i += 1 }
        guard i == utf8.count else { return nil }
        suffix = Self.slice(text, suffixStart, i)
    }

    /// Whether apimachinery's fast path keeps the text as written: it does when
    /// the text is already in canonical form, judged on the digits alone.
    func isCachedAsWritten(power: Int, format: KubernetesQuantity.Format, base: Int, digits: Int128) -> Bool {
        let shifted = numerator + fraction
        // The fast path needs the digits to fit 18 places and the scale to be
        // at least a nano; otherwise the slow path re-renders the value.
        switch format {
        case .decimalSI, .decimalExponent:
            let scale = power - fraction.count
            guard base == 10, 18 - shifted.count >= 0, scale >= -9, digits <= Int128(Int64.max) else { return false }
            return scale % 3 == 0 && !shifted.hasSuffix("000") && shifted.first != "0"
        case .binarySI:
            guard base == 2, fraction.isEmpty, digits <= Int128(Int64.max) else { return false }
            let precision = 15 - numerator.count - Int(Float(power) * 3 / 10) - 1
            guard precision >= 0, let value = Int64(shifted) else { return false }
            return power % 10 == 0 && value & 0x07 != 0
        }
    }

    private static func slice(_ text: String, _ from: Int, _ to: Int) -> Substring {
        let utf8 = text.utf8
        return Substring(utf8[utf8.index(utf8.startIndex, offsetBy: from)..<utf8.index(utf8.startIndex, offsetBy: to)])
    }
}

extension Int128 {
    fileprivate init?(decimalDigits: Substring) {
        var value: Int128 = 0
        for c in decimalDigits.utf8 {
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (plus, o2) = times.addingReportingOverflow(Int128(c - UInt8(ascii: "0")))
            if o1 || o2 { return nil }
            value = plus
        }
        self = value
    }
}

extension String {
    fileprivate var trimmingASCIIWhitespace: String {
        let isSpace = { (c: Character) in c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0B}" || c == "\u{0C}" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}

extension KubernetesQuantity {
    /// The value in units of 10^`scale`, rounded up (away from zero), as
    /// apimachinery's `ScaledValue` gives it: `value(scale: -3)` is
    /// `MilliValue()`, `value()` is `Value()`. Nil when it does not fit an Int.
    public func value(scale: Int = 0) -> Int? {
        let shift = exponent - scale
        var magnitude = unscaled.magnitude
        if shift >= 0 {
            for _ in 0..<shift {
                let (product, overflow) = magnitude.multipliedReportingOverflow(by: 10)
                if overflow { return nil }
                magnitude = product
            }
        } else {
            magnitude = UInt128(Self.divideRoundingUp(Int128(magnitude), byPowerOfTen: -shift))
        }
        guard magnitude <= UInt128(Int.max) else { return nil }
        return unscaled < 0 ? -Int(magnitude) : Int(magnitude)
    }
}
