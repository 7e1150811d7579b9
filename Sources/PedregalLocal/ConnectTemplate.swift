import PedregalManifests
import PedregalYAML

/// One Spark Connect server template of a team, as `generate` compiles it
/// (the ConfigMap `sc-NAME-template`): where it runs and its sparkConf.
public struct ConnectTemplate: Sendable, Equatable {
    public var team: String
    public var environment: String
    /// The Spark Connect server's name in the team file (`sparkConnect[].name`).
    public var name: String
    public var region: String
    /// The Kubernetes cluster the template is generated for.
    public var kubernetesCluster: String
    public var namespace: String
    /// The template's sparkConf, in file order.
    public var sparkConf: [(key: String, value: String)]

    public init(
        team: String, environment: String, name: String, region: String, kubernetesCluster: String, namespace: String,
        sparkConf: [(key: String, value: String)]
    ) {
        self.team = team
        self.environment = environment
        self.name = name
        self.region = region
        self.kubernetesCluster = kubernetesCluster
        self.namespace = namespace
        self.sparkConf = sparkConf
    }

    public static func == (a: ConnectTemplate, b: ConnectTemplate) -> Bool {
        a.team == b.team && a.environment == b.environment && a.name == b.name && a.region == b.region
            && a.kubernetesCluster == b.kubernetesCluster && a.namespace == b.namespace
            && a.sparkConf.map(\.key) == b.sparkConf.map(\.key) && a.sparkConf.map(\.value) == b.sparkConf.map(\.value)
    }
}

/// Which template `pedregal local up` starts.
public struct ConnectTemplateQuery: Sendable, Equatable {
    public var team: String
    public var environment: String
    /// The Spark Connect server's name (`--cluster`), "default" unless said.
    public var name: String
    /// A region, when the environment runs in several; nil takes the first in sorted order.
    public var region: String?

    public init(team: String, environment: String = "dev", name: String = "default", region: String? = nil) {
        self.team = team
        self.environment = environment
        self.name = name
        self.region = region
    }
}

/// Why no template matched, with what does exist, so the message can suggest it.
public enum ConnectTemplateLookupError: Error, Equatable, CustomStringConvertible {
    case unknownTeam(String, known: [String])
    case unknownEnvironment(String, team: String, known: [String])
    case unknownServer(String, team: String, environment: String, known: [String])
    case unknownRegion(String, known: [String])
    case unreadableTemplate(String)

    public var description: String {
        func list(_ names: [String]) -> String { names.isEmpty ? "none" : names.joined(separator: ", ") }
        switch self {
        case .unknownTeam(let team, let known):
            return "no team '\(team)' has a Spark Connect server; teams that have one: \(list(known))"
        case .unknownEnvironment(let environment, let team, let known):
            return "team '\(team)' has no Spark Connect server in environment '\(environment)'; pass --env with one of: \(list(known))"
        case .unknownServer(let name, let team, let environment, let known):
            return "team '\(team)' has no Spark Connect server '\(name)' in '\(environment)'; pass --cluster with one of: \(list(known))"
        case .unknownRegion(let region, let known):
            return "the server does not run in region '\(region)'; pass --region with one of: \(list(known))"
        case .unreadableTemplate(let name):
            return "the compiled template '\(name)' has no readable sparkConf; please report this"
        }
    }
}

extension ConnectTemplate {
    /// Picks the template that `query` names out of a compilation's manifests.
    public static func find(_ query: ConnectTemplateQuery, in manifests: [Manifest]) throws(ConnectTemplateLookupError) -> ConnectTemplate {
        let templates = manifests.filter {
            $0.id.kind == "ConfigMap" && label($0, Vocabulary.component) == SparkComponent.connectTemplate
        }
        func names(_ key: String, _ from: [Manifest]) -> [String] { Set(from.compactMap { label($0, key) }).sorted() }
        let ofTeam = templates.filter { label($0, Vocabulary.team) == query.team }
        guard !ofTeam.isEmpty else { throw .unknownTeam(query.team, known: names(Vocabulary.team, templates)) }
        let inEnvironment = ofTeam.filter { label($0, Vocabulary.environment) == query.environment }
        guard !inEnvironment.isEmpty else {
            throw .unknownEnvironment(query.environment, team: query.team, known: names(Vocabulary.environment, ofTeam))
        }
        let named = inEnvironment.filter { label($0, Vocabulary.sparkConnect) == query.name }
        guard !named.isEmpty else {
            throw .unknownServer(
                query.name, team: query.team, environment: query.environment,
                known: names(Vocabulary.sparkConnect, inEnvironment))
        }
        let regions = names(Vocabulary.region, named)
        let region = query.region ?? regions.first ?? ""
        guard let chosen = named.first(where: { label($0, Vocabulary.region) == region }) else {
            throw .unknownRegion(region, known: regions)
        }
        guard let text = chosen.object["data"]?[Vocabulary.templateKey]?.string,
            let document = YAMLParser().parse(Array(text.utf8), file: "template").documents.first,
            let conf = document.value["spec"]?["sparkConf"]?.mapValue
        else { throw .unreadableTemplate(chosen.id.name) }
        return ConnectTemplate(
            team: query.team, environment: query.environment, name: query.name, region: region,
            kubernetesCluster: chosen.cluster, namespace: chosen.id.namespace ?? "",
            sparkConf: conf.entries.compactMap { entry in scalarText(entry.value).map { (entry.key, $0) } })
    }

    private static func label(_ manifest: Manifest, _ key: String) -> String? {
        manifest.object["metadata"]?["labels"]?[key]?.string
    }

    private static func scalarText(_ value: YAMLValue) -> String? {
        switch value {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .null, .list, .map: return nil
        }
    }
}
