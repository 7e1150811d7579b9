extension FormatSchema {
    /// `templates/platform.yaml` `gateway`.
    public static let gateway = ObjectSchema(
        "Gateway", "The Spark Gateway pedregal deploys in every cluster (pedregal gateway).",
        [
            FieldSchema("image", .string(pattern: nil), "Container image of pedregal (default: runnerImage)."),
            FieldSchema("replicas", .integer(minimum: 1, maximum: 100), "Replicas per cluster (default: 2)."),
            FieldSchema(
                "issuer", .string(pattern: "^https://"), required: true,
                "OIDC issuer (iss) of the tokens clients send, e.g. https://example.okta.com/oauth2/default."),
            FieldSchema("audience", .string(pattern: nil), required: true, "Accepted token audience (aud)."),
            FieldSchema(
                "jwksURL", .string(pattern: "^https://"), required: true,
                "The issuer's signing keys (JWKS), e.g. https://example.okta.com/oauth2/default/v1/keys."),
            FieldSchema("groupsClaim", .string(pattern: nil), "Token claim holding the caller's Okta groups (default: groups)."),
            FieldSchema("adminGroups", groups, "Okta groups allowed to cordon and drain Spark Connect servers (default: none)."),
            FieldSchema(
                "tlsSecret", .string(pattern: "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"), required: true,
                "Name of the Secret (type kubernetes.io/tls, e.g. from cert-manager) in the gateway namespace holding the certificate for the regions' gateway hosts; its value never enters generated/."
            ),
            FieldSchema(
                "port", .integer(minimum: 1, maximum: 65535),
                "Port clients reach on the gateway's Service (default: sparkConnectPort, which sc:// URLs without a port use)."),
            FieldSchema(
                "serviceType", .enumeration(GatewayServiceType.allCases.map(\.rawValue)),
                "How the Service is exposed: LoadBalancer (default), ClusterIP or NodePort."),
            FieldSchema("cpu", .quantity, "CPU of each replica, requested and limit (default: \"1\"); one event loop per whole core."),
            FieldSchema("memory", .quantity, "Memory of each replica, requested and limit (default: 1Gi)."),
            FieldSchema(
                "upstreams", .map(keys: "region", values: .list(.string(pattern: "^[^\\s:]+:[0-9]+$"))),
                "Per region whose backend is not sk8 (EMR): the Spark Connect endpoints (host:port, over TLS) its gateway forwards to."),
        ])
}
