import PedregalCompiler

/// A deterministic platform of many teams, shaped like the real one: every
/// team has two or three environments, one or two regions, a Spark Connect
/// cluster and a handful of batch and streaming jobs.
enum Corpus {
    static func templates(regions: Int) -> [String: String] {
        var regionText = ""
        for index in 0..<regions {
            regionText +=
                "region-\(index): { alias: r\(index), cluster: sk8-region-\(index), backend: sk8, "
                + "gateway: gw-\(index).example.team, capacity: { cpu: \"100000000\", memory: 1000000Ti } }\n"
        }
        return [
            "templates/platform.yaml": """
            domain: example.team
            namespacePrefix: sjns
            sparkConnectPort: 15002
            gatewayNamespace: spark-gateway
            groupPrefix: "okta:"
            argocd: { repoURL: https://git.example.team/platform.git }
            clusterRequests:
              environments:
                dev:  { defaultTTL: 7d,  maxTTL: 30d, autoApprove: true, members: true }
                prod: { defaultTTL: 30d, maxTTL: 90d, persistent: true }

            """,
            "templates/environments.yaml": """
            dev:     { abbrev: dev,  dnsSuffix: "-dev", hotClusters: 0, catalogSuffix: dev,  podSecurity: baseline }
            staging: { abbrev: stg,  dnsSuffix: "-stg", hotClusters: 1, catalogSuffix: stg,  podSecurity: restricted }
            prod:    { abbrev: prod, dnsSuffix: "",     hotClusters: 2, catalogSuffix: prod, podSecurity: restricted }

            """,
            "templates/regions.yaml": regionText,
            "templates/sizes.yaml": """
            small:  { quota: { cpu: "32",  memory: 128Gi, pods: 100 },
                      driver: { cores: 1, memory: 4g }, executor: { instances: 2, cores: 2, memory: 8g } }
            large:  { quota: { cpu: "400", memory: 1600Gi, pods: 800 },
                      driver: { cores: 4, memory: 16g }, executor: { instances: 20, cores: 4, memory: 24g } }

            """,
            "templates/catalogs.yaml": """
            pedregal: { type: rest, uri: https://uc.example.team, warehouse: s3://lake/wh, perEnvironment: true, default: true }
            features: { type: rest, uri: https://uc.example.team }

            """,
            "templates/engines.yaml": """
            "3.5": { image: registry.example.team/spark:3.5.3, sparkVersion: 3.5.3, scalaVersion: "2.12" }
            "4.0": { image: registry.example.team/spark:4.0.1, sparkVersion: 4.0.1, scalaVersion: "2.13" }
            default: "3.5"

            """,
        ]
    }

    static func team(_ index: Int, regions: Int) -> String {
        let name = "team-\(index)"
        let primary = "region-\(index % regions)"
        let secondary = "region-\((index + 1) % regions)"
        var text = """
            team: \(name)
            owners:
              admins: [\(name)-admins]
              members: [\(name), \(name)-readers]
            contact: "#\(name)"
            environments:
              dev:
                regions: [\(primary)]
                size: small
              prod:
                regions: [\(primary)\(regions > 1 ? ", \(secondary)" : "")]
                size: large

            """
        if index % 3 == 0 { text += "  staging:\n    regions: [\(primary)]\n    size: small\n" }
        text += """
            network:
              sparkConnectFrom:
                - namespace: notebooks
            sparkConnect:
              - name: default
                hotClusters: { prod: 1 }
            jobs:
              - name: daily
                type: batch
                schedule: "\(index % 60) 3 * * *"
                environments: [prod]
                mainApplicationFile: s3://\(name)/jobs/daily.py
                args: ["--date", "{{ ds }}"]
                sparkConf: { spark.sql.shuffle.partitions: "200" }
              - name: backfill
                type: batch
                mainApplicationFile: s3://\(name)/jobs/backfill.jar
                mainClass: com.example.Backfill
                executor: { instances: 4 }

            """
        if index % 4 == 0 {
            text += """
                  - name: stream
                    type: streaming
                    environments: [prod]
                    engine: "4.0"
                    mainApplicationFile: s3://\(name)/jobs/stream.py

                """
        }
        return text
    }

    /// Every file of a platform with `teams` teams over `regions` regions.
    static func files(teams: Int, regions: Int) -> [String: [UInt8]] {
        var files = templates(regions: regions).mapValues { Array($0.utf8) }
        for index in 0..<teams { files["teams/team-\(index).yaml"] = Array(team(index, regions: regions).utf8) }
        return files
    }
}
