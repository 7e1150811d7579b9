import PedregalCompiler

/// The commented `templates/` that `pedregal init` writes, modelled on the
/// repository's own: every field the compiler reads, with what it does.
enum TemplateTexts {
    static func platform(domain: String) -> String {
        """
        # Platform-wide settings, owned by the platform team. Every team file is
        # compiled against templates/; run `pedregal validate` after each change.
        domain: \(domain)                # DNS zone of the Spark Connect endpoints: sc://<team>.<domain>
        namespacePrefix: spark           # namespace = <prefix>-<team shortName>-<environment abbrev>
        sparkConnectPort: 15002          # the port Spark Connect servers listen on
        gatewayNamespace: spark-gateway  # where the Spark Gateway runs in every cluster
        groupPrefix: "okta:"             # RBAC Group subject = <groupPrefix><Okta group>
        operator: apache                 # apache (spark.apache.org) | kubeflow (sparkoperator.k8s.io)
        operatorNamespace: spark-operator
        # The image scheduled jobs run `pedregal submit` in. Default:
        # registry.<domain>/pedregal:<the version of pedregal that generates>, so
        # pushing the runner image there (see pedregal's README) is all it takes.
        # Pin a digest (image@sha256:…) to freeze it.
        # runnerImage: registry.\(domain)/pedregal:\(PedregalVersion.current)

        # Uncomment to generate one Argo CD Application per cluster (and the
        # AppProject they belong to), reading generated/<cluster> from this repository.
        # argocd:
        #   repoURL: https://git.\(domain)/platform/spark-platform.git
        #   targetRevision: main
        #   path: generated

        # Uncomment so every Spark application writes event logs for the History
        # Server and exposes Prometheus metrics to the collector.
        # observability:
        #   historyServer: https://spark-history.\(domain)
        #   eventLogDir: s3a://spark-events/{region}   # {region} and {cluster} are replaced per region
        #   scrapeNamespace: observability             # where the OpenTelemetry collector runs

        """
    }

    static let environments = """
        # Environments a team can have. Keys are what team files list under
        # `environments:`.
        #   abbrev         ends the namespace name: <prefix>-<team>-<abbrev>
        #   dnsSuffix      follows the team in endpoint names: sc://<team><dnsSuffix>.<domain>
        #   hotClusters    always-on Spark Connect servers per cluster, unless the team says otherwise
        #   catalogSuffix  names the catalog of a per-environment catalog: <catalog>-<catalogSuffix>
        #   podSecurity    Pod Security Admission level of the namespace: privileged | baseline | restricted
        dev:     { abbrev: dev,  dnsSuffix: "-dev", hotClusters: 0, catalogSuffix: dev,  podSecurity: baseline }
        staging: { abbrev: stg,  dnsSuffix: "-stg", hotClusters: 1, catalogSuffix: stg,  podSecurity: restricted }
        prod:    { abbrev: prod, dnsSuffix: "",     hotClusters: 2, catalogSuffix: prod, podSecurity: restricted }

        """

    static func regions(domain: String) -> String {
        """
        # Regions teams place environments in; each is one Kubernetes cluster, and
        # generated/<cluster>/ is what that cluster syncs.
        #   alias     short name in regional endpoints: sc://<team>-<alias>.<domain>
        #   cluster   the cluster's name (also the folder under generated/)
        #   backend   sk8 (Spark on Kubernetes) | emr (interim: tenant objects, DNS and gateway routes only)
        #   gateway   hostname of the region's Spark Gateway; endpoints are CNAMEs to it
        #   capacity  the most that the quotas of all teams in the region may add up to
        us-east-1: { alias: use, cluster: spark-us-east-1, backend: sk8, gateway: spark-gateway-use.\(domain),
                     capacity: { cpu: "2000", memory: 8Ti } }
        # A second region:
        # eu-west-1: { alias: euw, cluster: spark-eu-west-1, backend: sk8, gateway: spark-gateway-euw.\(domain),
        #              capacity: { cpu: "1000", memory: 4Ti } }

        """
    }

    static let sizes = """
        # Sizes a team environment picks (`size:`): the namespace's quota, and the
        # driver and executors a job or Spark Connect server gets unless it says
        # otherwise. Memory is Spark's notation (4g); quotas are Kubernetes quantities.
        small:  { quota: { cpu: "32",  memory: 128Gi, pods: 100 },
                  driver: { cores: 1, memory: 4g }, executor: { instances: 2, cores: 2, memory: 8g } }
        medium: { quota: { cpu: "128", memory: 512Gi, pods: 400 },
                  driver: { cores: 2, memory: 8g }, executor: { instances: 8, cores: 4, memory: 16g } }
        large:  { quota: { cpu: "400", memory: 1600Gi, pods: 800 },
                  driver: { cores: 4, memory: 16g }, executor: { instances: 20, cores: 4, memory: 24g } }

        """

    static func catalogs(domain: String) -> String {
        """
        # Spark catalogs (Iceberg; here a REST catalog such as Unity Catalog). Teams
        # list them by name (`catalogs:`); the first a job lists is its default catalog.
        #   perEnvironment  the environment's catalogSuffix names the catalog: lakehouse-dev, lakehouse-prod
        #   default         teams that list no catalogs get every catalog marked default
        #   credential      the name of a Secret (key `credential`) that the platform provisions in
        #                   every team namespace; never the credential itself
        lakehouse:
          type: rest
          uri: https://catalog.\(domain)
          warehouse: s3://lakehouse/warehouse
          # credential: lakehouse-credential
          perEnvironment: true
          default: true

        """
    }

    static let engines = """
        # Spark versions teams pick (`engine:`), each pinned to an image. The Apache
        # Spark images work as they are; build your own (with your jars and CA
        # certificates) for production and pin them here.
        "3.5": { image: docker.io/apache/spark:3.5.3, sparkVersion: 3.5.3, scalaVersion: "2.12" }
        "4.0": { image: docker.io/apache/spark:4.0.1, sparkVersion: 4.0.1, scalaVersion: "2.13" }
        default: "3.5"

        """
}
