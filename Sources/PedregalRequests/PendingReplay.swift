import PedregalTeamEdits

/// How a pending change is made again on a newer target: a review branch
/// changes one `sparkConnect` entry of one team file, so it is replayed as
/// that entry, not as a text merge (two entries appended after the same
/// line would conflict as text and do not as entries).
enum PendingReplay {
    /// What replaying gives.
    enum Outcome: Equatable {
        /// The target's team file with the branch's entry.
        case rebuilt([UInt8])
        /// The target already holds the entry as the branch does.
        case applied
        /// It cannot be made again, and why.
        case conflict(String)
    }

    /// Replays the change a branch made to entry `name` of `file`: the file
    /// as the branch's base held it (`base`), as the branch holds it, and as
    /// the target (`targetBranch`) holds it now; nil where it does not exist.
    static func replay(
        name: String, file: String, base: [UInt8]?, branch: [UInt8]?, target: [UInt8]?, targetBranch: String
    ) -> Outcome {
        func entry(_ bytes: [UInt8]?) -> (file: TeamFile?, entry: WrittenEntry?, problem: String?) {
            guard let bytes else { return (nil, nil, nil) }
            guard let parsed = try? TeamFile(path: file, bytes: bytes) else { return (nil, nil, "it cannot be read as YAML") }
            return (parsed, parsed.writtenSparkConnect(name), nil)
        }
        let (_, original, _) = entry(base)
        let (_, wanted, branchProblem) = entry(branch)
        let (targetFile, current, targetProblem) = entry(target)
        if let branchProblem { return .conflict("\(file) on the review branch: \(branchProblem)") }
        guard let targetFile else {
            if wanted == nil { return .applied }
            return .conflict("\(file) \(targetProblem.map { "on \(targetBranch): \($0)" } ?? "no longer exists on \(targetBranch)")")
        }
        if current?.text == wanted?.text { return .applied }
        guard current?.text == original?.text else {
            let what = current == nil ? "removed" : original == nil ? "added by hand" : "changed"
            return .conflict(
                "the entry '\(name)' of \(file) was \(what) on \(targetBranch) since this change was made, so the change cannot be made again on top of it; edit the branch by hand, or close it and request the cluster again"
            )
        }
        do {
            guard let wanted else { return .rebuilt(try targetFile.removingSparkConnect([name])) }
            guard let current else {
                guard let fields = wanted.editFields else {
                    return .conflict("the entry '\(name)' on the review branch spans several lines per value; edit the branch by hand")
                }
                return .rebuilt(try targetFile.addingSparkConnect(fields))
            }
            // The entry is as the branch found it: put the branch's text in its place.
            let bytes = targetFile.text.bytes
            return .rebuilt(Array(bytes[..<current.range.lowerBound]) + Array(wanted.text.utf8) + Array(bytes[current.range.upperBound...]))
        } catch {
            return .conflict("\(file) on \(targetBranch) cannot be edited as text (\(error)); edit the branch by hand")
        }
    }
}
