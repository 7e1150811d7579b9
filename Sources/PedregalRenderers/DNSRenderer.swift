import PedregalManifests
import PedregalResolver

/// external-dns DNSEndpoint records: each Spark Connect hostname served in
/// this region is a CNAME to the region's Spark Gateway.
public struct DNSRenderer: TenantRenderer {
    public init() {}

    public func render(_ context: TenantContext) -> [Manifest] {
        context.sparkConnectClusters.map { cluster in
            let hosts = cluster.hostnames(in: context.region, primary: cluster.isPrimary(context.region), domain: context.platform.domain)
            return context.object(
                "externaldns.k8s.io/v1alpha1", "DNSEndpoint", name: ObjectNames.sparkConnectService(cluster.name),
                labels: [Vocabulary.sparkConnect: cluster.name],
                [
                    "spec": [
                        "endpoints": .list(
                            hosts.map { host in
                                [
                                    "dnsName": .string(host),
                                    "recordType": "CNAME",
                                    "recordTTL": 300,
                                    "targets": [.string(context.region.gateway)],
                                ]
                            })
                    ]
                ])
        }
    }
}
