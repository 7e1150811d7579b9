import ArgumentParser
import Foundation
import PedregalBasics
import PedregalCompiler
import PedregalEmitter
import PedregalLoader
import PedregalRunner

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
        let change: Expiry.Change
        do {
            change = try Expiry.removeExpired(in: DiskSourceTree(root: root.rootURL), now: seconds)
        } catch {
            throw failure("\(error); nothing was changed", .failure)
        }
        if change.expired.isEmpty {
            diagnostics.report(change.compilation.diagnostics, root: root)
            diagnostics.say("nothing expired at \(at)")
            return
        }
        diagnostics.report(change.compilation.diagnostics, root: root)
        if change.compilation.hasErrors {
            throw failure("without the expired clusters the root does not compile; nothing was changed", .failure)
        }
        let suffix = dryRun ? " (dry run)" : ""
        for cluster in change.expired {
            diagnostics.say(
                "removed    sparkConnect '\(cluster.name)' from \(root.display(cluster.file)):\(cluster.location.line):\(cluster.location.column) (expired at \(cluster.expiresAt))\(suffix)"
            )
        }
        let directory = OutputDirectory(url: output.url(root: root))
        let plan: WritePlan
        do {
            plan = try directory.plan(change.compilation.files)
        } catch {
            throw failure("\(error)", .ioError)
        }
        let summary = "\(plan.added.count) added, \(plan.changed.count) changed, \(plan.removed.count) removed"
        if dryRun {
            diagnostics.say("\(output.display(root: root)) would change: \(summary); nothing was written (dry run)")
            return
        }
        do {
            try directory.apply(plan, withTeamFiles: change.files, under: root.rootURL.path)
        } catch {
            throw failure("\(error)", .ioError)
        }
        diagnostics.say("wrote \(change.files.count) team file(s) and \(output.display(root: root)): \(summary); commit both for review")
    }
}
