import PedregalConsole
import PedregalKubernetes
import PedregalManifests
import PedregalYAML

/// What `apply`, prune or `expire` did to one object.
public struct ObjectResult: Sendable, Equatable {
    /// The outcome.
    public enum Action: String, Sendable {
        case created, configured, unchanged, deleted, failed
        /// Not applied: a Spark Connect server whose expiry has passed.
        case expired
        /// Left alone on purpose: a Namespace prune would delete without `--prune-namespaces`.
        case skipped
        /// A failing streaming job replaced by its next attempt, with the remedy for its failure.
        case redeployed
    }

    /// The object.
    public var id: ResourceID
    /// What happened.
    public var action: Action
    /// Why it failed, or a note on what happened.
    public var message: String?
    /// `.success`, or the exit status the failure deserves.
    public var status: ExitStatus

    /// Creates a result.
    public init(id: ResourceID, action: Action, message: String? = nil, status: ExitStatus = .success) {
        self.id = id
        self.action = action
        self.message = message
        self.status = status
    }

    /// A failure for `error`.
    static func failed(_ id: ResourceID, _ error: any Error) -> ObjectResult {
        let failure = error.runnerFailure
        return ObjectResult(id: id, action: .failed, message: failure.message, status: failure.status)
    }

    /// `created    Namespace sjns-x (dry run)`, `failed     ConfigMap ns/x: message`.
    func line(dryRun: Bool) -> String {
        let text = Output.column(action.rawValue) + id.description
        if action == .failed { return text + (message.map { ": \($0)" } ?? "") }
        let notes = (dryRun ? ["dry run"] : []) + (message.map { [$0] } ?? [])
        return notes.isEmpty ? text : text + " (\(notes.joined(separator: "; ")))"
    }

    var json: YAMLValue {
        var map = id.json.mapValue ?? YAMLMap()
        map["action"] = .string(action.rawValue)
        map.entries.append(YAMLMap.Entry(key: "message", value: .optional(message)))
        return .map(map)
    }
}
