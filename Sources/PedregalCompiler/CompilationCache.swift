import PedregalBasics
import PedregalEmitter

/// Team units kept between compilations, so that a compile where one team
/// changed re-loads, re-resolves and re-renders only that team.
///
/// Shared between tasks (the request API compiles from several at once);
/// every access takes its lock, and a unit is only ever used when its key
/// (the digest of everything it depends on) matches, so a stale, foreign or
/// damaged unit can cost time but never change output.
public final class CompilationCache: Sendable {
    /// What distinguishes builds of pedregal whose output may differ
    /// beyond its version (a cache on disk adds the executable's identity).
    public let fingerprint: String
    /// How many units are kept per team file: more than one lets a server
    /// that compiles two revisions in turn (a diff's base and head) reuse both.
    public let unitsPerFile: Int
    private let units = Locked<[String: [TeamUnit]]>([:])

    /// An empty cache for units made by the build `fingerprint` names.
    public init(fingerprint: String = "", unitsPerFile: Int = 1) {
        self.fingerprint = fingerprint
        self.unitsPerFile = max(1, unitsPerFile)
    }

    /// The unit of `file` made from exactly `key`, if one is kept.
    public func unit(for file: String, key: ContentDigest) -> TeamUnit? {
        units.withLock { $0[file]?.first { $0.key == key } }
    }

    /// Keeps `unit`, newest first, replacing one of the same key (a unit
    /// with details replaces one without).
    public func store(_ unit: TeamUnit) {
        units.withLock { units in
            var kept = units[unit.file] ?? []
            kept.removeAll { $0.key == unit.key }
            kept.insert(unit, at: 0)
            units[unit.file] = Array(kept.prefix(unitsPerFile))
        }
    }

    /// Forgets the units of every file not in `files` (team files that were
    /// removed or renamed).
    public func keepOnly(_ files: Set<String>) {
        units.withLock { units in units = units.filter { files.contains($0.key) } }
    }

    /// The newest unit of every file, in file order.
    public var newestUnits: [TeamUnit] {
        units.withLock { units in
            units.keys.sorted(by: ByteOrder.precedes).compactMap { units[$0]?.first }
        }
    }

    /// How many units are kept.
    public var count: Int { units.withLock { $0.values.reduce(0) { $0 + $1.count } } }
}
