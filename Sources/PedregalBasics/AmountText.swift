/// Formats amounts for messages: `12.5` CPUs, `96Gi`.
public enum AmountText {
    /// Millicores as CPUs: `12`, `0.5`, `12.25`.
    public static func cpu(millis: Int) -> String {
        let whole = millis / 1000
        let rest = millis % 1000
        if rest == 0 { return String(whole) }
        var fraction = String(rest)
        fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(whole).\(fraction)"
    }

    /// Bytes in the largest binary unit, rounded up to two decimals:
    /// `149.6Gi`, `3.75Ti`, `128Gi`.
    public static func memory(bytes: Int) -> String {
        let units = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]
        var unit = 0
        var divisor: Int128 = 1
        let value = Int128(bytes)
        while unit + 1 < units.count, value / (divisor * 1024) >= 1 {
            divisor *= 1024
            unit += 1
        }
        let hundredths = (value * 100 + divisor - 1) / divisor
        let whole = hundredths / 100
        let rest = Int(hundredths % 100)
        var text = "\(whole)"
        if rest != 0 { text += rest % 10 == 0 ? ".\(rest / 10)" : (rest < 10 ? ".0\(rest)" : ".\(rest)") }
        return text + units[unit]
    }
}
