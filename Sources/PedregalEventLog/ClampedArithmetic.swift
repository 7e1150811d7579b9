extension Int {
    /// `self + other`, held at `Int.max` or `Int.min` instead of trapping: an event log is untrusted input,
    /// and a corrupt or hostile one may carry any numbers (two such times crashed the event-logs fuzz target).
    func clampedAdding(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }

    /// `self - other`, held at `Int.max` or `Int.min` instead of trapping.
    func clampedSubtracting(_ other: Int) -> Int {
        let (difference, overflow) = subtractingReportingOverflow(other)
        return overflow ? (other < 0 ? .max : .min) : difference
    }
}
