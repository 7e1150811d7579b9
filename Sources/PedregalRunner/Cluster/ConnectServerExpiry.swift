import PedregalBasics
import PedregalDiagnostics
import PedregalManifests

/// When a Spark Connect server is past its `pedregal.io/expires-at`: what
/// `apply` leaves out (applying it would undo `expire`), what `status` no
/// longer expects, and what `expire` deletes.
enum ConnectServerExpiry {
    /// When `manifest` is a Spark Connect server whose expiry is not after
    /// `now`, that expiry; nil otherwise (and without `now`).
    static func expiry(of manifest: Manifest, now: String?) -> String? {
        guard manifest.id.kind == "SparkApplication",
            manifest.object["metadata"]?["labels"]?[Vocabulary.component]?.string == SparkComponent.connectServer,
            let now, let instant = RFC3339.seconds(now),
            let expiresAt = manifest.object["metadata"]?["annotations"]?[Vocabulary.expiresAt]?.string,
            let expiry = RFC3339.seconds(expiresAt), expiry <= instant
        else { return nil }
        return expiresAt
    }

    /// The label selector of the Spark Connect servers of `cluster`'s folder:
    /// scoped by `pedregal.io/cluster` as prune is, so two folders applied to
    /// one cluster never expire each other's servers.
    static func selector(cluster: String) -> String {
        "\(Vocabulary.managedBy)=\(Vocabulary.managedByValue),\(Vocabulary.cluster)=\(cluster),"
            + "\(Vocabulary.component)=\(SparkComponent.connectServer)"
    }
}
