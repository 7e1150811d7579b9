import PedregalManifests

/// What Kubernetes and the operators write when pods cannot start or are
/// taken away: quota refusals, scheduling failures, image pulls, missing
/// Secrets, evictions, preemptions and lost nodes.
enum ClusterTextRules {
    static let imageReasons = ["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull", "Failed to pull image"]
    /// Pull failures that no wait will cure.
    static let permanentImagePhrases = [
        "not found", "manifest unknown", "repository does not exist", "unauthorized", "denied", "InvalidImageName",
        "ErrImageNeverPull", "403 Forbidden", "invalid reference format",
    ]
    static let capacityPhrases = [
        "Insufficient cpu", "Insufficient memory", "nodes are available", "Too many pods", "didn't match Pod's node affinity",
        "had untolerated taint", "Insufficient ephemeral-storage", "pod didn't trigger scale-up",
    ]
    static let platformPhrases = [
        "Preempted", "preempted by", "NodeLost", "node lost", "imminent node shutdown", "NodeShutdown", "TaintManagerEviction",
        "DeletionByPodGC", "NodeNotReady", "node is not ready",
    ]

    static let all: [TextRules.Rule] = [
        { line in
            guard line.contains("exceeded quota") else { return nil }
            let larger = QuotaRefusal.requestExceedsLimit(line.text)
            return line.finding(
                .quotaOrCapacity,
                larger
                    ? "the pods ask for more than the namespace's whole quota"
                    : "the namespace's quota was used up by other pods when these were created",
                permanent: larger, weak: true)
        },
        { line in
            guard let phrase = capacityPhrases.first(where: { line.contains($0) }) else { return nil }
            return line.finding(.quotaOrCapacity, "the cluster had no node with room for the pods (\(phrase))", weak: true)
        },
        { line in
            guard let reason = imageReasons.first(where: { line.contains($0) }) else { return nil }
            let permanent = permanentImagePhrases.contains { line.contains($0) }
            return line.finding(
                .image, permanent ? "the image cannot be pulled (\(reason))" : "the image could not be pulled for a while (\(reason))",
                permanent: permanent)
        },
        { line in
            guard let object = missingObject(line.text) else { return nil }
            return line.finding(.configuration, "\(object) the pods need does not exist in the namespace")
        },
        { line in
            guard line.contains("The node was low on resource") || line.text.hasPrefix("Evicted") || line.contains(": Evicted") else {
                return nil
            }
            if line.contains("ephemeral-storage") {
                return line.finding(.diskFull, "a pod was evicted for using too much local disk (ephemeral-storage)")
            }
            return line.finding(.platform, "a pod was evicted by its node (node pressure)")
        },
        { line in
            guard let phrase = platformPhrases.first(where: { line.contains($0) }) else { return nil }
            return line.finding(.platform, "the platform took pods away (\(phrase))")
        },
        { line in
            guard line.contains("was deleted by a user or the framework") else { return nil }
            return line.finding(.platform, role: .executor, "an executor's pod was deleted from outside Spark", weak: true)
        },
    ]

    /// `Secret "creds"` from `secret "creds" not found` (likewise ConfigMaps).
    static func missingObject(_ text: String) -> String? {
        guard text.containsBytes(" not found") else { return nil }
        for (kind, name) in [
            ("secret \"", "Secret"), ("configmap \"", "ConfigMap"), ("configmaps \"", "ConfigMap"), ("secrets \"", "Secret"),
        ] {
            guard let start = text.range(of: kind) else { continue }
            let rest = text[start.upperBound...]
            guard let end = rest.firstIndex(of: "\""), rest[end...].dropFirst().hasPrefix(" not found") else { continue }
            return "\(name) \"\(rest[..<end])\""
        }
        return nil
    }
}

/// The API server's quota refusal: `exceeded quota: q, requested: limits.memory=6Gi,
/// used: limits.memory=60Gi, limited: limits.memory=64Gi`.
enum QuotaRefusal {
    /// Whether some resource's request alone is more than its limit (no
    /// amount of waiting makes room).
    static func requestExceedsLimit(_ text: String) -> Bool {
        let requested = amounts(after: "requested: ", in: text)
        let limited = amounts(after: "limited: ", in: text)
        return requested.contains { key, value in limited[key].map { value > $0 } ?? false }
    }

    /// `key=quantity` pairs after `label`, up to the next label.
    static func amounts(after label: String, in text: String) -> [String: Int] {
        guard let start = text.range(of: label) else { return [:] }
        var result: [String: Int] = [:]
        for part in text[start.upperBound...].split(separator: ",") {
            // `…, used: …` starts the next group.
            let pair = String(part).trimmingSpaces.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, !pair[0].contains(":") else { break }
            let key = String(pair[0])
            let value = String(pair[1]).trimming(" .\"")
            if let quantity = KubernetesQuantity(value), let amount = quantity.value(scale: key.hasSuffix("cpu") ? -3 : 0) {
                result[key] = amount
            }
        }
        return result
    }
}
