/// A Kubernetes resource quantity (`"32"`, `500m`, `128Gi`, `1.5e3`), kept as
/// written and as an exact value, so sums and comparisons never round.
public struct Quantity: Hashable, Sendable, CustomStringConvertible {
    /// The text as written; what the manifests carry.
    public let text: String
    // value = numerator × 10^pow10 × 2^pow2, exactly.
    private let numerator: Int
    private let pow10: Int
    private let pow2: Int

    /// Parses the Kubernetes quantity grammar (`resource.Quantity`) less
    /// negative values and the `n`/`u` suffixes: an optional `+`, a
    /// non-negative decimal, and an optional binary (Ki…Ei), decimal (m, k,
    /// M…E) or exponent (e3, within ±30) suffix. Returns nil for anything
    /// else, or when the digits do not fit in 64 bits.
    public init?(_ text: String) {
        let scalars = Array(text.unicodeScalars)
        var i = 0
        if i < scalars.count, scalars[i] == "+" { i += 1 }
        var numerator = 0
        var digits = 0
        var fractionDigits = 0
        var seenPoint = false
        while i < scalars.count {
            let c = scalars[i]
            if c == ".", !seenPoint {
                seenPoint = true
            } else if ("0"..."9").contains(c) {
                let (times, o1) = numerator.multipliedReportingOverflow(by: 10)
                let (plus, o2) = times.addingReportingOverflow(Int(c.value - 48))
                if o1 || o2 { return nil }
                numerator = plus
                digits += 1
                if seenPoint { fractionDigits += 1 }
            } else {
                break
            }
            i += 1
        }
        guard digits > 0 else { return nil }
        let suffix = String(String.UnicodeScalarView(scalars[i...]))
        var pow10 = -fractionDigits
        var pow2 = 0
        switch suffix {
        case "": break
        case "m": pow10 -= 3
        case "k": pow10 += 3
        case "M": pow10 += 6
        case "G": pow10 += 9
        case "T": pow10 += 12
        case "P": pow10 += 15
        case "E": pow10 += 18
        case "Ki": pow2 = 10
        case "Mi": pow2 = 20
        case "Gi": pow2 = 30
        case "Ti": pow2 = 40
        case "Pi": pow2 = 50
        case "Ei": pow2 = 60
        default:
            guard let first = suffix.first, first == "e" || first == "E",
                let exponent = Int(suffix.dropFirst()), abs(exponent) <= 30
            else { return nil }
            pow10 += exponent
        }
        self.text = text
        self.numerator = numerator
        self.pow10 = pow10
        self.pow2 = pow2
    }

    /// The value in units of 10^-`decimalPlaces`, rounded up (3 gives
    /// millicores for CPU; 0 gives bytes for memory); nil when it does not
    /// fit in 64 bits.
    public func units(decimalPlaces: Int) -> Int? {
        var value = numerator
        var shift10 = pow10 + decimalPlaces
        var shift2 = pow2
        while shift2 > 0 {
            let (v, overflow) = value.multipliedReportingOverflow(by: 2)
            if overflow { return nil }
            value = v
            shift2 -= 1
        }
        while shift10 > 0 {
            let (v, overflow) = value.multipliedReportingOverflow(by: 10)
            if overflow { return value == 0 ? 0 : nil }
            value = v
            shift10 -= 1
        }
        while shift10 < 0 {
            value = value / 10 + (value % 10 == 0 ? 0 : 1)
            shift10 += 1
        }
        return value
    }

    /// Millicores, for CPU quantities.
    public var millis: Int? { units(decimalPlaces: 3) }
    /// Bytes, for memory quantities.
    public var bytes: Int? { units(decimalPlaces: 0) }

    /// The text as written.
    public var description: String { text }
}

/// A JVM memory string as Spark reads it (`4g`, `512m`, `1024k`), with its
/// size in bytes. The unit is required.
public struct SparkMemory: Hashable, Sendable, CustomStringConvertible {
    /// The text as written; what `spark.driver.memory` and `spark.executor.memory` carry.
    public let text: String
    /// The size in bytes; units are binary (`1k` = 1024 bytes).
    public let bytes: Int

    /// Parses `<integer>(b|k|kb|m|mb|g|gb|t|tb|p|pb)`, case-insensitive;
    /// nil for anything else, a zero size, or one beyond 64 bits.
    public init?(_ text: String) {
        let lowered = text.lowercased()
        let digits = lowered.prefix { ("0"..."9").contains($0) }
        guard !digits.isEmpty, let number = Int(digits) else { return nil }
        let shift: Int
        // A bare number would mean bytes to some readers and MiB to others:
        // a unit is required.
        switch lowered.dropFirst(digits.count) {
        case "b": shift = 0
        case "k", "kb": shift = 10
        case "m", "mb": shift = 20
        case "g", "gb": shift = 30
        case "t", "tb": shift = 40
        case "p", "pb": shift = 50
        default: return nil
        }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: 1 << shift)
        guard !overflow, number > 0 else { return nil }
        self.text = text
        self.bytes = bytes
    }

    /// The text as written.
    public var description: String { text }
}
