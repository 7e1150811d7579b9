/// Arithmetic held at `Int`'s bounds instead of trapping, for the event-log
/// reader and the advisor. Every number they work with comes from an event log or a log's Spark properties:
/// untrusted input that may hold any value (a time at 9·10¹⁸, a heap of
/// 8 EiB, `spark.executor.instances=9223372036854775807`). Such a value
/// makes absurd advice, bounded by the limits, never a crash.
extension Int {
    /// `self + other`, held at the bounds.
    public func plus(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }

    /// `self - other`, held at the bounds.
    public func minus(_ other: Int) -> Int {
        let (difference, overflow) = subtractingReportingOverflow(other)
        return overflow ? (other < 0 ? .max : .min) : difference
    }

    /// `self × other`, held at the bounds.
    public func times(_ other: Int) -> Int {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? ((self < 0) == (other < 0) ? .max : .min) : product
    }

    /// `value` rounded as `rule` says, held at the bounds; NaN is 0.
    public init(saturating value: Double, _ rule: FloatingPointRoundingRule = .toNearestOrAwayFromZero) {
        let rounded = value.rounded(rule)
        if rounded.isNaN {
            self = 0
        } else if rounded >= 9_223_372_036_854_775_807.0 {
            self = .max
        } else if rounded <= -9_223_372_036_854_775_808.0 {
            self = .min
        } else {
            self = Int(rounded)
        }
    }
}

extension Sequence where Element == Int {
    /// The sum, held at the bounds.
    public func saturatedSum() -> Int { reduce(0) { $0.plus($1) } }
}
