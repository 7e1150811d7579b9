import PedregalDiagnostics

/// The team's own Spark properties: which ones pedregal owns, and secrets.
extension TeamResolution {
    private static let reservedConf: [String: String] = [
        "spark.kubernetes.container.image": "set 'engine' instead",
        "spark.kubernetes.driver.container.image": "set 'engine' instead",
        "spark.kubernetes.executor.container.image": "set 'engine' instead",
        "spark.kubernetes.namespace": "pedregal places the job in the team's namespace",
        "spark.master": "pedregal sets the master",
        "spark.submit.deployMode": "jobs run in cluster mode",
        "spark.kubernetes.authenticate.driver.serviceAccountName": "pedregal sets the driver's ServiceAccount",
        "spark.driver.cores": "set 'driver.cores' instead, so quota checks see it",
        "spark.driver.memory": "set 'driver.memory' instead, so quota checks see it",
        "spark.executor.instances": "set 'executor.instances' instead, so quota checks see it",
        "spark.executor.cores": "set 'executor.cores' instead, so quota checks see it",
        "spark.executor.memory": "set 'executor.memory' instead, so quota checks see it",
        "spark.sql.defaultCatalog": "list the catalog first in 'catalogs' instead",
        "spark.driver.memoryOverhead": "set 'driver.memoryOverhead' instead, so quota checks see it",
        "spark.executor.memoryOverhead": "set 'executor.memoryOverhead' instead, so quota checks see it",
        "spark.driver.memoryOverheadFactor": "set 'driver.memoryOverhead' instead, so quota checks see it",
        "spark.executor.memoryOverheadFactor": "set 'executor.memoryOverhead' instead, so quota checks see it",
        "spark.kubernetes.memoryOverheadFactor":
            "set 'driver.memoryOverhead' and 'executor.memoryOverhead' instead, so quota checks see them",
        "spark.kubernetes.driver.request.cores": "set 'driver.cores' instead, so quota checks see it",
        "spark.kubernetes.driver.limit.cores": "set 'driver.cores' instead, so quota checks see it",
        "spark.kubernetes.executor.request.cores": "set 'executor.cores' instead, so quota checks see it",
        "spark.kubernetes.executor.limit.cores": "set 'executor.cores' instead, so quota checks see it",
        "spark.kubernetes.driver.podTemplateFile": "pedregal sets the pod templates (Pod Security)",
        "spark.kubernetes.executor.podTemplateFile": "pedregal sets the pod templates (Pod Security)",
        "spark.kubernetes.driver.podTemplateContainerName": "pedregal sets the pod templates (Pod Security)",
        "spark.kubernetes.executor.podTemplateContainerName": "pedregal sets the pod templates (Pod Security)",
    ]

    /// Prefixes of properties pedregal owns, with why.
    private static let reservedPrefixes: [(String, String)] = [
        ("spark.sql.catalog.", "catalogs come from templates/catalogs.yaml; list them in 'catalogs'"),
        ("spark.kubernetes.authenticate.", "pedregal sets the ServiceAccounts and their credentials"),
        ("spark.kubernetes.driver.label.", "pedregal sets the pod labels"),
        ("spark.kubernetes.executor.label.", "pedregal sets the pod labels"),
    ]

    /// Reports properties a team may not set; true when all may be set.
    func checkSparkConf(_ conf: [(key: Located<String>, value: Located<String>)]) -> Bool {
        var ok = true
        var seen: Set<String> = []
        for (key, value) in conf {
            if key.value.isEmpty || key.value.contains(" ") {
                error(.invalidName, "Spark property name '\(key.value)' is invalid", at: key.location)
                ok = false
            } else if let reason = Self.reservedConf[key.value] {
                error(.invalidValue, "'\(key.value)' cannot be set in sparkConf: \(reason)", at: key.location)
                ok = false
            } else if let (_, reason) = Self.reservedPrefixes.first(where: { key.value.hasPrefix($0.0) }) {
                error(.invalidValue, "'\(key.value)' cannot be set in sparkConf: \(reason)", at: key.location)
                ok = false
            } else if let owned = index.settings?.observability?.ownedProperties,
                owned.keys.contains(key.value) || owned.prefixes.contains(where: key.value.hasPrefix)
            {
                error(
                    .invalidValue,
                    "'\(key.value)' cannot be set in sparkConf: the platform sets event logs and metrics for every application (templates/platform.yaml observability), so runs show up in the History Server and dashboards",
                    at: key.location)
                ok = false
            } else if SecretPolicy.isSecret(key: key.value, value: value.value) {
                error(
                    .secretValue,
                    "'\(key.value)' looks like a secret; never put secret values in teams/*.yaml. Keep it in a Kubernetes Secret and reference it by name, e.g. spark.kubernetes.driver.secretKeyRef.\(Self.environmentName(key.value))=<secret>:<key>",
                    at: key.location)
                ok = false
            }
            if !seen.insert(key.value).inserted {
                error(.duplicateKey, "Spark property '\(key.value)' is set twice", at: key.location)
                ok = false
            }
        }
        return ok
    }

    private static func environmentName(_ key: String) -> String {
        String((key.split(separator: ".").last ?? "VALUE").uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }
}
