import PedregalDiagnostics
import PedregalSpec

/// The terms of self-service cluster requests, resolved from
/// `templates/platform.yaml` `clusterRequests`: per environment, the default
/// and longest time to live, whether a cluster may be persistent, whether a
/// request skips review, and who may ask.
public struct ClusterRequestPolicy: Sendable, Equatable {
    /// The terms of one environment.
    public struct Terms: Sendable, Equatable {
        /// Time to live of a request that names none.
        public var defaultTTL: TimeToLive
        /// The longest time to live a request or an extension may ask for, in seconds.
        public var maxSeconds: Int
        /// Whether `persistent` may be asked for.
        public var persistent: Bool
        /// Whether changes go straight to the target branch.
        public var autoApprove: Bool
        /// Whether team members may request, not only admins.
        public var members: Bool

        /// Creates terms.
        public init(defaultTTL: TimeToLive, maxSeconds: Int, persistent: Bool, autoApprove: Bool, members: Bool) {
            self.defaultTTL = defaultTTL
            self.maxSeconds = maxSeconds
            self.persistent = persistent
            self.autoApprove = autoApprove
            self.members = members
        }
    }

    /// Environment name → terms; environments not listed take no requests.
    public var environments: [String: Terms]

    /// Creates a policy.
    public init(environments: [String: Terms]) {
        self.environments = environments
    }

    /// Resolves `settings`, reporting every problem; `environments` are the
    /// names templates/environments.yaml defines.
    static func resolve(_ settings: ClusterRequestSettings, environments: [String]) -> (ClusterRequestPolicy, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        func error(_ code: DiagnosticCode, _ message: String, at location: SourceLocation) {
            diagnostics.append(.error(code, message, at: location))
        }
        var result: [String: Terms] = [:]
        for entry in settings.environments {
            let name = entry.environment
            if !environments.contains(name.value) {
                let defined =
                    environments.isEmpty
                    ? "templates/environments.yaml defines none"
                    : "templates/environments.yaml defines: \(environments.joined(separator: ", "))"
                error(
                    .unknownReference,
                    "clusterRequests names environment '\(name.value)', which does not exist"
                        + Suggestion.hint(for: name.value, in: environments, then: defined),
                    at: name.location)
                continue
            }
            let persistent = entry.persistent?.value ?? false
            var maxSeconds: Int?
            if let text = entry.maxTTL {
                switch TimeToLive(parsing: text.value) {
                case .seconds(let seconds)?: maxSeconds = seconds
                case .persistent?:
                    error(
                        .invalidValue,
                        "maxTTL of '\(name.value)' cannot be persistent; set 'persistent: true' to allow clusters that never expire, and give maxTTL as \(TimeToLive.syntax)",
                        at: text.location)
                case nil:
                    error(
                        .invalidValue, "maxTTL '\(text.value)' of '\(name.value)' is not a duration; write \(TimeToLive.syntax)",
                        at: text.location)
                }
            }
            var defaultTTL: TimeToLive?
            if let text = entry.defaultTTL {
                switch TimeToLive(parsing: text.value) {
                case .persistent? where !persistent:
                    error(
                        .invalidValue,
                        "defaultTTL of '\(name.value)' is persistent, but '\(name.value)' does not allow persistent clusters; set 'persistent: true' or give a duration",
                        at: text.location)
                case .seconds(let seconds)? where maxSeconds.map({ seconds > $0 }) ?? false:
                    error(
                        .invalidValue,
                        "defaultTTL '\(text.value)' of '\(name.value)' is longer than its maxTTL '\(entry.maxTTL?.value ?? "")'; shorten it or raise maxTTL",
                        at: text.location)
                case let ttl?: defaultTTL = ttl
                case nil:
                    error(
                        .invalidValue,
                        "defaultTTL '\(text.value)' of '\(name.value)' is not a duration; write \(TimeToLive.syntax), or persistent",
                        at: text.location)
                }
            }
            guard let defaultTTL, let maxSeconds else { continue }
            result[name.value] = Terms(
                defaultTTL: defaultTTL, maxSeconds: maxSeconds, persistent: persistent,
                autoApprove: entry.autoApprove?.value ?? false, members: entry.members?.value ?? false)
        }
        return (ClusterRequestPolicy(environments: result), diagnostics)
    }
}
