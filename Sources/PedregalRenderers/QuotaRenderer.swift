import PedregalManifests

/// ResourceQuota from the size (or the team's override), closing what teams
/// must not create, and a LimitRange with defaults for containers that set
/// none.
public struct QuotaRenderer: TenantRenderer {
    public init() {}

    public func render(_ context: TenantContext) -> [Manifest] {
        let quota = context.environment.quota
        let resourceQuota = context.object(
            "v1", "ResourceQuota", name: "quota",
            [
                "spec": [
                    "hard": .sortedStrings([
                        "requests.cpu": quota.cpu.text,
                        "requests.memory": quota.memory.text,
                        "limits.memory": quota.memory.text,
                        "pods": String(quota.pods),
                        // Exposure goes through the Spark Gateway only.
                        "services.loadbalancers": "0",
                        "services.nodeports": "0",
                    ])
                ]
            ])
        // No default CPU limit: Spark requests `cores` CPUs and a default
        // limit below that would get its pods rejected.
        let limitRange = context.object(
            "v1", "LimitRange", name: "limits",
            [
                "spec": [
                    "limits": [
                        [
                            "type": "Container",
                            "default": ["memory": "1Gi"],
                            "defaultRequest": ["cpu": "100m", "memory": "256Mi"],
                        ]
                    ]
                ]
            ])
        return [resourceQuota, limitRange]
    }
}
