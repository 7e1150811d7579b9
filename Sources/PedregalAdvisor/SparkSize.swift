import Foundation

/// Spark's memory sizes (`spark.executor.memory`, `512m`, `4g`) in MiB,
/// as Spark reads them: a bare number is MiB for memory properties.
public enum SparkSize {
    /// The MiB that `text` names (`4g` → 4096); nil when it is not a size.
    public static func mebibytes(_ text: String) -> Int? {
        let lower = text.lowercased().trimmingCharacters(in: .whitespaces)
        guard let last = lower.last else { return nil }
        let units: [Character: Double] = ["k": 1.0 / 1024, "m": 1, "g": 1024, "t": 1024 * 1024, "p": 1024 * 1024 * 1024]
        var digits = Substring(lower)
        var factor = 1.0
        if lower.hasSuffix("b"), lower.count > 1, let unit = units[lower[lower.index(lower.endIndex, offsetBy: -2)]] {
            digits = lower.dropLast(2)
            factor = unit
        } else if let unit = units[last] {
            digits = lower.dropLast()
            factor = unit
        }
        guard let value = Int(digits), value >= 0 else { return nil }
        // Beyond what an Int of MiB holds is not a size Spark could be given.
        let mebibytes = (Double(value) * factor).rounded(.up)
        return mebibytes < 9.0e18 ? Int(mebibytes) : nil
    }

    /// How Spark and team files write `mib`: whole GiB as `4g`, else `1536m`.
    public static func text(mebibytes mib: Int) -> String {
        mib % 1024 == 0 ? "\(mib / 1024)g" : "\(mib)m"
    }

    /// `bytes` as MiB, rounded up (none for a negative amount).
    public static func mebibytes(bytes: Int) -> Int { bytes <= 0 ? 0 : (bytes >> 20) + (bytes & ((1 << 20) - 1) == 0 ? 0 : 1) }

    /// `mib` rounded up to a multiple of `step` MiB (held at the largest multiple `Int` holds; none for a negative amount).
    public static func roundUp(_ mib: Int, to step: Int = 256) -> Int {
        guard mib > 0 else { return 0 }
        let (steps, rest) = mib.quotientAndRemainder(dividingBy: step)
        guard rest > 0 else { return mib }
        return steps < Int.max / step ? (steps + 1) * step : steps * step
    }

    /// A size for people: `1.5 GiB`, `310 MiB`, `12 KiB`.
    public static func human(bytes: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) B" }
        let rounded = (value * 10).rounded() / 10
        let text = rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
        return "\(text) \(units[unit])"
    }
}
