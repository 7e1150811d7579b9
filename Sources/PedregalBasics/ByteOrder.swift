#if canImport(Glibc)
import Glibc
#endif

/// Orders strings by their UTF-8 bytes, as `LC_ALL=C sort` does: the order
/// of every listing pedregal writes, independent of locale and of Unicode
/// normalisation. A `memcmp` on the strings' contiguous storage: sorting
/// the paths of 100k generated files must not go byte by byte through an
/// iterator.
public enum ByteOrder {
    /// Whether `a` sorts before `b`.
    @inlinable
    public static func precedes(_ a: String, _ b: String) -> Bool {
        var a = a
        var b = b
        return a.withUTF8 { left in
            b.withUTF8 { right in
                let shared = min(left.count, right.count)
                if shared > 0, let l = left.baseAddress, let r = right.baseAddress {
                    let order = memcmp(l, r, shared)
                    if order != 0 { return order < 0 }
                }
                return left.count < right.count
            }
        }
    }

    /// The positions of `strings` in their byte order (stable): sorting
    /// positions moves machine words, where sorting the values themselves
    /// would copy and reference-count every element many times over.
    public static func sortedPositions(_ strings: [String]) -> [Int] {
        // Swift's sort is stable: equal strings keep their order.
        Array(strings.indices).sorted { precedes(strings[$0], strings[$1]) }
    }
}
