import PedregalCompiler
import PedregalLoader

/// A valid platform in memory, to which tests add or change files.
public enum Fixtures {
    public static let platform = """
        domain: example.team
        namespacePrefix: sjns
        sparkConnectPort: 15002
        gatewayNamespace: spark-gateway
        groupPrefix: "okta:"
        operator: apache

        """

    public static let environments = """
        dev:     { abbrev: dev,  dnsSuffix: "-dev", hotClusters: 0, catalogSuffix: dev,  podSecurity: baseline }
        staging: { abbrev: stg,  dnsSuffix: "-stg", hotClusters: 1, catalogSuffix: stg,  podSecurity: restricted }
        prod:    { abbrev: prod, dnsSuffix: "",     hotClusters: 2, catalogSuffix: prod, podSecurity: restricted }

        """

    public static let regions = """
        us-west-2: { alias: us, cluster: sk8-us-west-2, backend: sk8, gateway: gw-us.example.team,
                     capacity: { cpu: "2000", memory: 8Ti } }
        eu-west-1: { alias: eu, cluster: sk8-eu-west-1, backend: sk8, gateway: gw-eu.example.team,
                     capacity: { cpu: "800", memory: 3Ti } }

        """

    public static let sizes = """
        small:  { quota: { cpu: "32",  memory: 128Gi, pods: 100 },
                  driver: { cores: 1, memory: 4g }, executor: { instances: 2, cores: 2, memory: 8g } }
        large:  { quota: { cpu: "400", memory: 1600Gi, pods: 800 },
                  driver: { cores: 4, memory: 16g }, executor: { instances: 20, cores: 4, memory: 24g } }

        """

    public static let catalogs = """
        pedregal:
          type: rest
          uri: https://uc.example.team
          warehouse: s3://lake/warehouse
          perEnvironment: true
          default: true
        feature_store:
          type: rest
          uri: https://uc.example.team

        """

    public static let engines = """
        "3.5": { image: registry.example.team/spark:3.5.3, sparkVersion: 3.5.3, scalaVersion: "2.12" }
        "4.0": { image: registry.example.team/spark:4.0.1, sparkVersion: 4.0.1, scalaVersion: "2.13" }
        default: "3.5"

        """

    /// A small valid team.
    public static let team = """
        team: alpha
        owners:
          admins: [alpha-admins]
          members: [alpha]
        environments:
          dev:
            regions: [us-west-2]
            size: small

        """

    /// The templates, by root-relative path.
    public static var templates: [String: String] {
        [
            "templates/platform.yaml": platform,
            "templates/environments.yaml": environments,
            "templates/regions.yaml": regions,
            "templates/sizes.yaml": sizes,
            "templates/catalogs.yaml": catalogs,
            "templates/engines.yaml": engines,
        ]
    }

    /// The templates plus `files` (which may replace templates).
    public static func tree(_ files: [String: String]) -> MemorySourceTree {
        MemorySourceTree(templates.merging(files) { _, new in new })
    }

    /// Compiles the templates plus `files`.
    public static func compile(_ files: [String: String]) -> Compilation {
        Compiler().compile(tree(files))
    }
}
