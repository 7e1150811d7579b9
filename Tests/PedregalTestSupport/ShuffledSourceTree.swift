import PedregalCompiler
import PedregalLoader
import PedregalSeededRandom

/// A source tree that lists every folder in a different order per seed, so a
/// test can prove that output never depends on the order the file system
/// returns names in (which differs between machines and file systems).
public struct ShuffledSourceTree: SourceTree {
    public let base: any SourceTree
    public let seed: UInt64

    public init(_ base: any SourceTree, seed: UInt64) {
        self.base = base
        self.seed = seed
    }

    public func fileNames(in directory: String) throws -> [String]? {
        guard let names = try base.fileNames(in: directory) else { return nil }
        // Mixed with the folder's name (FNV-1a), so teams/ and templates/ differ.
        let salt = directory.utf8.reduce(0xCBF2_9CE4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
        var generator = SplitMix64(seed: seed ^ salt)
        return names.sorted().shuffled(using: &generator)
    }

    public func contents(of path: String) throws -> [UInt8]? {
        try base.contents(of: path)
    }
}
