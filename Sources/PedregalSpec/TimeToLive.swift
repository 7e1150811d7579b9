/// How long a requested Spark Connect cluster lives: a whole number of
/// minutes, hours, days or weeks (`30m`, `12h`, `7d`, `2w`), or for ever.
/// Spelt so in `clusterRequests` terms (`defaultTTL`, `maxTTL`) and in requests' `ttl`.
public enum TimeToLive: Sendable, Hashable, CustomStringConvertible {
    /// Expires this many seconds after the request (or extension) is accepted; never 0, at most ten years.
    case seconds(Int)
    /// Never expires (no `expiresAt`).
    case persistent

    /// The word for a cluster that never expires: `persistent`.
    public static let persistentWord = "persistent"

    /// Longest duration accepted in any unit: ten years, far beyond any policy.
    static let maxSeconds = 10 * 366 * 86_400

    /// Parses `30m`, `12h`, `7d`, `2w` or `persistent`; nil for anything else.
    public init?(parsing text: String) {
        if text == Self.persistentWord {
            self = .persistent
            return
        }
        guard let unit = text.last, text.count >= 2, let count = Int(text.dropLast()), count > 0,
            text.dropLast().allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        let scale: Int
        switch unit {
        case "m": scale = 60
        case "h": scale = 3600
        case "d": scale = 86_400
        case "w": scale = 7 * 86_400
        default: return nil
        }
        let (seconds, overflow) = count.multipliedReportingOverflow(by: scale)
        guard !overflow, seconds <= Self.maxSeconds else { return nil }
        self = .seconds(seconds)
    }

    /// The accepted durations in words, for messages that say what to write instead.
    public static let syntax = "a whole number of minutes, hours, days or weeks such as 30m, 12h, 7d or 2w"

    /// The seconds, or nil when persistent.
    public var seconds: Int? {
        if case .seconds(let seconds) = self { return seconds }
        return nil
    }

    /// The shortest exact spelling: `7d`, `36h`, `persistent`.
    public var description: String {
        guard case .seconds(let seconds) = self else { return Self.persistentWord }
        for (unit, scale) in [("w", 7 * 86_400), ("d", 86_400), ("h", 3600)] where seconds % scale == 0 {
            return "\(seconds / scale)\(unit)"
        }
        return seconds % 60 == 0 ? "\(seconds / 60)m" : "\(seconds)s"
    }
}
