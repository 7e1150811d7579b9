import ArgumentParser
import Foundation
import PedregalBasics
import PedregalCompiler
import PedregalLoader

/// `pedregal expire --root DIR`: expiry as a commit-ready change to teams/
/// and generated/, for platforms where Argo CD syncs (and would re-create
/// servers deleted in the cluster).
struct RootExpiry {
    var root: RootOptions
    var output: OutputOptions
    var diagnostics: DiagnosticOptions
    var now: String?
    var dryRun: Bool

    init(root: String, out: String?, json: Bool, now: String?, dryRun: Bool) {
        self.root = RootOptions(root: root)
        self.output = OutputOptions(out: out)
        self.diagnostics = DiagnosticOptions(format: json ? .json : .text)
        self.now = now
        self.dryRun = dryRun
    }

    func run() throws {
        let seconds: Int
        if let now {
            guard case .success(let time) = RFC3339.parse(now) else {
                throw ValidationError("--now '\(now)' is not an RFC 3339 time; write e.g. 2027-01-01T00:00:00Z")
            }
            seconds = time.seconds
        } else {
            seconds = Int(Date().timeIntervalSince1970)
        }
        let at = RFC3339.format(Double(seconds))
        let outcome: Expiry.RootOutcome
        do {
            outcome = try Expiry.expire(root: root.rootURL, output: output.url(root: root), now: seconds, dryRun: dryRun)
        } catch .edit(let message) {
            throw failure("\(message); nothing was changed", .failure)
        } catch .io(let message) {
            throw failure(message, .ioError)
        }
        let change = outcome.change
        diagnostics.report(change.compilation.diagnostics, root: root)
        if change.expired.isEmpty {
            diagnostics.say("nothing expired at \(at)")
            return
        }
        if change.compilation.hasErrors {
            throw failure("without the expired clusters the root does not compile; nothing was changed", .failure)
        }
        let suffix = dryRun ? " (dry run)" : ""
        for cluster in change.expired {
            diagnostics.say(
                "removed    sparkConnect '\(cluster.name)' from \(root.display(cluster.file)):\(cluster.location.line):\(cluster.location.column) (expired at \(cluster.expiresAt))\(suffix)"
            )
        }
        guard let plan = outcome.plan else { return }
        let summary = "\(plan.added.count) added, \(plan.changed.count) changed, \(plan.removed.count) removed"
        if !outcome.wrote {
            diagnostics.say("\(output.display(root: root)) would change: \(summary); nothing was written (dry run)")
            return
        }
        diagnostics.say("wrote \(change.files.count) team file(s) and \(output.display(root: root)): \(summary); commit both for review")
    }
}
