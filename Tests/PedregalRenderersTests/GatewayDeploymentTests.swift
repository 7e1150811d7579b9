import PedregalCompiler
import PedregalManifests
import PedregalTestSupport
import PedregalYAML
import Testing

/// templates/platform.yaml `gateway`: the Spark Gateway's own objects per
/// cluster, and how bad settings are reported.
@Suite struct GatewayDeploymentTests {
    static let gateway = """
        gateway:
          image: registry.example.team/pedregal@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
          replicas: 3
          issuer: https://example.okta.com/oauth2/default
          audience: api://spark-connect
          jwksURL: https://example.okta.com/oauth2/default/v1/keys
          adminGroups: [platform-admins]
          tlsSecret: spark-gateway-tls
          cpu: 1500m
          memory: 1Gi

        """

    static let team =
        Fixtures.team + """
            sparkConnect:
              - name: notebooks

            """

    static func compile(_ gateway: String = Self.gateway) -> Compilation {
        Fixtures.compile(["teams/alpha.yaml": team, "templates/platform.yaml": Fixtures.platform + gateway])
    }

    static func object(_ compilation: Compilation, cluster: String, kind: String, name: String, namespace: String?) -> YAMLValue? {
        compilation.manifests.first {
            $0.cluster == cluster && $0.id.kind == kind && $0.id.name == name && $0.id.namespace == namespace
        }?.object
    }

    @Test func everyClusterGetsTheGatewaysObjects() throws {
        let compilation = Self.compile()
        #expect(!compilation.hasErrors, "\(compilation.diagnostics)")
        for cluster in ["sk8-us-west-2", "sk8-eu-west-1"] {
            let kinds = compilation.manifests.filter { $0.cluster == cluster && $0.id.namespace == "spark-gateway" }
                .map { "\($0.id.kind)/\($0.id.name)" }.sorted()
            #expect(
                kinds
                    == [
                        "ConfigMap/route.sjns-alpha-dev.notebooks",
                        "Deployment/pedregal-gateway", "NetworkPolicy/default-deny", "NetworkPolicy/pedregal-gateway",
                        "PodDisruptionBudget/pedregal-gateway", "Role/pedregal-gateway", "RoleBinding/pedregal-gateway",
                        "Service/pedregal-gateway", "Service/pedregal-gateway-metrics", "ServiceAccount/pedregal-gateway",
                    ].filter { cluster == "sk8-us-west-2" || !$0.hasPrefix("ConfigMap/") }, "\(cluster)")
            let namespace = try #require(
                Self.object(compilation, cluster: cluster, kind: "Namespace", name: "spark-gateway", namespace: nil))
            #expect(namespace["metadata"]?["labels"]?["pod-security.kubernetes.io/enforce"]?.string == "restricted")
        }
        let deployment = try #require(
            Self.object(
                compilation, cluster: "sk8-us-west-2", kind: "Deployment", name: "pedregal-gateway", namespace: "spark-gateway"))
        #expect(deployment["spec"]?["replicas"] == .int(3))
        let pod = try #require(deployment["spec"]?["template"]?["spec"])
        #expect(pod["automountServiceAccountToken"] == .bool(false))
        #expect(pod["securityContext"]?["runAsNonRoot"] == .bool(true))
        #expect(pod["securityContext"]?["seccompProfile"]?["type"]?.string == "RuntimeDefault")
        let container = try #require(pod["containers"]?.listValue?.first)
        #expect(container["imagePullPolicy"]?.string == "Always")
        #expect(container["securityContext"]?["readOnlyRootFilesystem"] == .bool(true))
        #expect(container["securityContext"]?["capabilities"]?["drop"]?.listValue?.compactMap(\.string) == ["ALL"])
        #expect(container["resources"]?["limits"]?["cpu"]?.string == "1500m")
        #expect(container["readinessProbe"]?["httpGet"]?["path"]?.string == "/readyz")
        #expect(container["livenessProbe"]?["httpGet"]?["path"]?.string == "/healthz")
        let args = container["args"]?.listValue?.compactMap(\.string) ?? []
        // Two event loops for 1.5 cores; the routes' groups carry the platform's prefix.
        #expect(args.contains("--routes-from-cluster") && args.contains("--in-cluster"))
        #expect(args.joined(separator: " ").contains("--threads 2"))
        #expect(args.joined(separator: " ").contains("--group-prefix okta:"))
        #expect(args.joined(separator: " ").contains("--admin-group platform-admins"))
        // The Service clients reach answers on the port sc:// URLs use by default.
        let service = try #require(
            Self.object(
                compilation, cluster: "sk8-us-west-2", kind: "Service", name: "pedregal-gateway", namespace: "spark-gateway"))
        #expect(service["spec"]?["ports"]?.listValue?.first?["port"] == .int(15002))
        #expect(service["metadata"]?["annotations"]?["external-dns.alpha.kubernetes.io/hostname"]?.string == "gw-us.example.team")
    }

    @Test func noGatewayBlockNoGatewayObjects() {
        let compilation = Fixtures.compile(["teams/alpha.yaml": Self.team])
        #expect(!compilation.hasErrors, "\(compilation.diagnostics)")
        #expect(!compilation.manifests.contains { $0.id.name.hasPrefix("pedregal-gateway") })
    }

    @Test func oneReplicaHasNoDisruptionBudget() {
        let compilation = Self.compile(Self.gateway.replacingOccurrences(of: "replicas: 3", with: "replicas: 1"))
        #expect(!compilation.hasErrors, "\(compilation.diagnostics)")
        #expect(!compilation.manifests.contains { $0.id.kind == "PodDisruptionBudget" })
    }

    /// The Roles grant exactly the verbs `ClusterRouteSource` uses (`list`
    /// on the route ConfigMaps and on EndpointSlices; see
    /// GatewayRBACTests in PedregalGatewayTests for the calls themselves), on
    /// exactly those resources, in the gateway namespace and the team
    /// namespaces with Spark Connect routes; nothing cluster-wide.
    @Test func rbacGrantsExactlyWhatTheGatewayCalls() throws {
        let compilation = Self.compile()
        let role = try #require(
            Self.object(
                compilation, cluster: "sk8-us-west-2", kind: "Role", name: "pedregal-gateway", namespace: "spark-gateway"))
        #expect(Self.rules(role) == [Rule(groups: [""], resources: ["configmaps"], verbs: ["list"])])
        let endpoints = try #require(
            Self.object(
                compilation, cluster: "sk8-us-west-2", kind: "Role", name: "pedregal-gateway-endpoints", namespace: "sjns-alpha-dev"))
        #expect(Self.rules(endpoints) == [Rule(groups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["list"])])
        let binding = try #require(
            Self.object(
                compilation, cluster: "sk8-us-west-2", kind: "RoleBinding", name: "pedregal-gateway-endpoints", namespace: "sjns-alpha-dev")
        )
        #expect(binding["subjects"]?.listValue?.first?["namespace"]?.string == "spark-gateway")
        // Only namespaces with Spark Connect routes in that cluster: alpha's dev runs only in us-west-2.
        #expect(!compilation.manifests.contains { $0.cluster == "sk8-eu-west-1" && $0.id.name == "pedregal-gateway-endpoints" })
        #expect(
            !compilation.manifests.contains {
                $0.id.name.hasPrefix("pedregal-gateway") && ["ClusterRole", "ClusterRoleBinding"].contains($0.id.kind)
            })
    }

    @Test func networkPolicyDeniesByDefaultAndAdmitsOnlyTheGatewaysTraffic() throws {
        let compilation = Self.compile()
        let deny = try #require(
            Self.object(
                compilation, cluster: "sk8-us-west-2", kind: "NetworkPolicy", name: "default-deny", namespace: "spark-gateway"))
        #expect(deny["spec"]?["policyTypes"]?.listValue?.compactMap(\.string) == ["Ingress", "Egress"])
        #expect(deny["spec"]?["ingress"] == nil && deny["spec"]?["egress"] == nil)
        let allow = try #require(
            Self.object(
                compilation, cluster: "sk8-us-west-2", kind: "NetworkPolicy", name: "pedregal-gateway", namespace: "spark-gateway"))
        let egress = allow["spec"]?["egress"]?.listValue ?? []
        let toTeams = try #require(egress.first)
        #expect(
            toTeams["to"]?.listValue?.first?["namespaceSelector"]?["matchExpressions"]?.listValue?.first?["values"]?
                .listValue?.compactMap(\.string) == ["sjns-alpha-dev"])
        #expect(toTeams["ports"]?.listValue?.compactMap { $0["port"] } == [.int(15002)])
        #expect(egress.last?["ports"]?.listValue?.compactMap { $0["port"] } == [.int(443), .int(6443)])
    }

    @Test func badSettingsAreReportedWhereTheyAreWithAFix() {
        let c = RuleCase(
            template: "templates/platform.yaml",
            Fixtures.platform + """
                gateway:
                  issuer: 2️⃣https://bad host/oauth2
                  audience: api://spark-connect
                  jwksURL: https://example.okta.com/keys
                  tlsSecret: 3️⃣Spark_TLS
                  cpu: 4️⃣10m
                  memory: 5️⃣64Mi
                  6️⃣imagePulicy: Always
                  upstreams:
                    7️⃣us-east-1: [a.example.team:15002]
                    8️⃣us-west-2: [b.example.team:15002]

                """)
        #expect(
            c.errors.map(\.location) == [c.at("2️⃣"), c.at("3️⃣"), c.at("4️⃣"), c.at("5️⃣"), c.at("6️⃣"), c.at("7️⃣"), c.at("8️⃣")],
            "\(c.errors)")
        #expect(
            c.errors.map(\.message) == [
                "gateway.issuer 'https://bad host/oauth2' is not an https URL: host 'bad host': label 'bad host': it contains ' '; use lowercase letters, digits and '-'",
                "gateway.tlsSecret must name a Secret, but 'Spark_TLS' is not a Secret name: it contains uppercase 'S'; use lowercase letters",
                "gateway.cpu '10m' is too little for the gateway; give at least 100m (one core per event loop)",
                "gateway.memory '64Mi' is too little for the gateway; give at least 128Mi",
                "unknown key 'imagePulicy' in 'gateway'; allowed keys: image, replicas, issuer, audience, jwksURL, groupsClaim, adminGroups, tlsSecret, port, serviceType, cpu, memory, upstreams",
                "gateway.upstreams names region 'us-east-1', which does not exist; did you mean 'us-west-2'? templates/regions.yaml defines: us-west-2, eu-west-1",
                "region 'us-west-2' runs Spark on Kubernetes: its gateway finds the servers from the team Services' endpoints; remove gateway.upstreams.us-west-2",
            ])
    }

    @Test func requiredSettingsAreNamed() {
        let c = RuleCase(
            template: "templates/platform.yaml",
            Fixtures.platform + """
                1️⃣gateway:
                  image: registry.example.team/pedregal:1.0

                """)
        #expect(c.errors.allSatisfy { $0.location == c.at("1️⃣") }, "\(c.errors)")
        let text = c.errors.map(\.message).joined(separator: "\n")
        for key in ["issuer", "audience", "jwksURL", "tlsSecret"] { #expect(text.contains(key), "\(text)") }
    }

    struct Rule: Equatable {
        var groups: [String]
        var resources: [String]
        var verbs: [String]
    }

    static func rules(_ role: YAMLValue) -> [Rule] {
        (role["rules"]?.listValue ?? []).map { rule in
            Rule(
                groups: rule["apiGroups"]?.listValue?.compactMap(\.string) ?? [],
                resources: rule["resources"]?.listValue?.compactMap(\.string) ?? [],
                verbs: rule["verbs"]?.listValue?.compactMap(\.string) ?? [])
        }
    }
}
