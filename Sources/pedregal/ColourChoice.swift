import ArgumentParser
import Foundation

/// `--color`: whether text output is coloured.
enum ColourChoice: String, CaseIterable, ExpressibleByArgument {
    case auto, always, never

    /// `always` and `never` as said; `auto` colours a terminal unless
    /// `NO_COLOR` is set to a non-empty value (no-color.org).
    func enabled(for descriptor: Int32) -> Bool {
        switch self {
        case .always: return true
        case .never: return false
        case .auto: return isatty(descriptor) == 1 && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        }
    }
}
