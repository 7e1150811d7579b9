import PedregalEmitter
import PedregalTeamEdits

extension OutputDirectory {
    /// Applies `plan` together with new contents for team files (root-relative
    /// path → bytes, below `root`): the team files are staged beside their
    /// targets first, the output folder is replaced, then the team files move
    /// into place, so a failure on the way changes nothing.
    public func apply(_ plan: WritePlan, withTeamFiles files: [String: [UInt8]], under root: String) throws {
        let staged = try StagedFiles(files, under: root)
        do {
            try apply(plan)
        } catch {
            staged.discard()
            throw error
        }
        try staged.commit()
    }
}

extension OutputDirectory {
    /// Writes `files` (the compiled output) and the team files that produced
    /// them as one change, ready to commit; on a dry run only plans. Returns
    /// the output folder's plan.
    @discardableResult
    public func write(_ files: [OutputFile], withTeamFiles teamFiles: [String: [UInt8]], under root: String, dryRun: Bool = false)
        throws -> WritePlan
    {
        let plan = try plan(files)
        if !dryRun { try apply(plan, withTeamFiles: teamFiles, under: root) }
        return plan
    }
}
