import Foundation
import PedregalEmitter
import PedregalLoader

extension Expiry {
    /// What expiring a root on disk did (or, on a dry run, would do).
    public struct RootOutcome: Sendable {
        /// The change: expired entries, edited team files, the compilation without them.
        public var change: Change
        /// The output folder's changes; nil when nothing expired or the root does not compile without them.
        public var plan: WritePlan?
        /// Whether files were written.
        public var wrote: Bool
    }

    /// Why expiring a root on disk stopped before writing.
    public enum RootProblem: Error, CustomStringConvertible, Sendable {
        /// A team file could not be edited: nothing was changed.
        case edit(String)
        /// The output folder could not be read or written.
        case io(String)

        public var description: String {
            switch self {
            case .edit(let message), .io(let message): return message
            }
        }
    }

    /// Expires the root at `root` at time `now` (seconds): the expired
    /// entries removed from their team files and `output` rewritten, both
    /// together (a commit-ready change for platforms Argo CD syncs). Nothing
    /// is written when nothing expired, when the root does not compile
    /// without them (`change.compilation.hasErrors`), or on a dry run.
    public static func expire(root: URL, output: URL, now: Int, dryRun: Bool) throws(RootProblem) -> RootOutcome {
        let change: Change
        do {
            change = try removeExpired(in: DiskSourceTree(root: root), now: now)
        } catch {
            throw .edit("\(error)")
        }
        var outcome = RootOutcome(change: change, plan: nil, wrote: false)
        if change.expired.isEmpty || change.compilation.hasErrors { return outcome }
        do {
            outcome.plan = try OutputDirectory(url: output).write(
                change.compilation.files, withTeamFiles: change.files, under: root.path, dryRun: dryRun)
            outcome.wrote = !dryRun
        } catch {
            throw .io("\(error)")
        }
        return outcome
    }
}
