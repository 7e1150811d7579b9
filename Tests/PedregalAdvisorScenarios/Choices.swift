import PedregalSeededRandom

/// Where a scenario's choices come from: a fuzzer's input bytes (each
/// choice reads the next bytes; past the end every choice is its first
/// option, so a short input is a small scenario), or a seeded generator
/// (the property test: the same seed, the same scenarios, on every machine).
public struct Choices {
    enum Source {
        case bytes([UInt8], position: Int)
        case seeded(SplitMix64)
    }

    var source: Source

    /// Choices read from `bytes`, in order.
    public init(bytes: [UInt8]) { source = .bytes(bytes, position: 0) }

    /// Choices drawn from SplitMix64 seeded with `seed`.
    public init(seed: UInt64) { source = .seeded(SplitMix64(seed: seed)) }

    /// The next 64 random bits (zero once a byte input is used up).
    public mutating func bits() -> UInt64 {
        switch source {
        case .seeded(var generator):
            let value = generator.next()
            source = .seeded(generator)
            return value
        case .bytes(let bytes, let position):
            guard position < bytes.count else { return 0 }
            // One byte per choice keeps libFuzzer's mutations local; eight for a full-range number.
            let wide = bytes[position] == 0xFF && position + 8 < bytes.count
            let taken = wide ? 9 : 1
            var value: UInt64 = 0
            for byte in bytes[(position + (wide ? 1 : 0))..<(position + taken)] { value = value << 8 | UInt64(byte) }
            source = .bytes(bytes, position: position + taken)
            return value
        }
    }

    /// A number in `range` (its lower bound when the input is used up).
    public mutating func int(_ range: ClosedRange<Int>) -> Int {
        let width = UInt64(bitPattern: Int64(range.upperBound &- range.lowerBound))
        if width == .max { return Int(bitPattern: UInt(bits())) }
        return range.lowerBound &+ Int(bitPattern: UInt(bits() % (width + 1)))
    }

    /// True about one time in `odds`.
    public mutating func oneIn(_ odds: Int) -> Bool { int(0...(max(1, odds) - 1)) == odds - 1 }

    /// One of `options` (the first when the input is used up).
    public mutating func pick<T>(_ options: [T]) -> T { options[int(0...(options.count - 1))] }

    /// A quantity as logs carry them: usually ordinary, sometimes zero, one,
    /// huge or at `Int`'s bounds (what a corrupt or hostile log may hold).
    public mutating func amount(typical: ClosedRange<Int>) -> Int {
        switch int(0...15) {
        case 0: return 0
        case 1: return 1
        case 2: return typical.upperBound.multipliedReportingOverflow(by: 1000).overflow ? .max : typical.upperBound * 1000
        case 3: return pick([Int.max, Int.max - 1, Int.max / 2, Int.min, -1])
        case 4: return int(Int.min...Int.max)
        default: return int(typical)
        }
    }
}
