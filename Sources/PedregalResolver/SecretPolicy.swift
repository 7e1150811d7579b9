/// What counts as a secret in a team file: Spark properties and job
/// arguments whose name says they carry a password, token, key or
/// credential, and values that look like one whatever their name.
///
/// Team files are read by every team member and land in generated/, so a
/// secret there is leaked; the fix is always a Kubernetes Secret referenced
/// by name. References (a Secret's name, a key file's path, a provider
/// class) are not secrets and pass.
enum SecretPolicy {
    /// Words that make a name secret.
    private static let secretWords: Set<String> = [
        "password", "passwd", "pwd", "passphrase", "secret", "token", "credential", "credentials",
        "apikey", "accesskey", "secretkey", "privatekey", "signingkey",
    ]
    /// A `key` after one of these is key material (`fs.s3a.access.key`,
    /// `fs.azure.account.key.<account>`, `…encryption.key`).
    private static let keyQualifiers: Set<String> = [
        "access", "secret", "private", "api", "account", "encryption", "signing", "master", "sas", "client",
        "shared", "storage", "session",
    ]
    /// A last word that makes the name a reference to a secret, or a setting
    /// about one, rather than the secret itself.
    private static let referenceWords: Set<String> = [
        "file", "path", "dir", "location", "provider", "providers", "type", "class", "impl", "name", "ref", "refs",
        "enabled", "enable", "uri", "url", "id", "kind", "mode", "binding", "renewer", "bits", "size", "length",
        "algorithm", "format", "header", "timeout", "ttl", "expiry", "interval", "keytab", "principal", "scope",
        "endpoint", "audience", "store", "count", "limit", "max", "min", "ratio",
    ]
    /// Dot-separated parts that make the whole property a reference: Spark's
    /// own ways of taking a value from a Secret.
    private static let referenceSegments: Set<String> = ["secretkeyref", "secrets", "secretname", "itemkey"]

    /// Whether a Spark property (or environment variable) named `key` with
    /// `value` holds a secret.
    static func isSecret(key: String, value: String) -> Bool {
        looksSecret(value) || isSecretName(key)
    }

    /// Whether a name says its value is a secret.
    static func isSecretName(_ name: String) -> Bool {
        let segments = name.lowercased().split(separator: ".").map(String.init)
        if segments.contains(where: referenceSegments.contains) { return false }
        let words = Self.words(name)
        guard let last = words.last, !referenceWords.contains(last) else { return false }
        for (index, word) in words.enumerated() {
            if secretWords.contains(word) { return true }
            if word == "key", index > 0, keyQualifiers.contains(words[index - 1]) { return true }
        }
        return false
    }

    /// Whether a value looks like a secret whatever it is called: an AWS
    /// access key id, a PEM private key, a JWT, well-known token prefixes, or
    /// a URL with a password in it.
    static func looksSecret(_ value: String) -> Bool {
        var trimmed = Substring(value)
        while trimmed.first == " " { trimmed.removeFirst() }
        while trimmed.last == " " { trimmed.removeLast() }
        if (trimmed.hasPrefix("AKIA") || trimmed.hasPrefix("ASIA")) && trimmed.count == 20
            && trimmed.allSatisfy({ $0.isUppercase || $0.isNumber })
        {
            return true
        }
        if trimmed.contains("PRIVATE KEY-----") { return true }
        let jwtParts = trimmed.split(separator: ".", omittingEmptySubsequences: false)
        if trimmed.hasPrefix("eyJ"), jwtParts.count == 3, jwtParts.allSatisfy({ $0.count >= 4 }) { return true }
        for prefix in ["ghp_", "gho_", "github_pat_", "xoxb-", "xoxp-", "glpat-", "sk_live_", "dapi"] where trimmed.hasPrefix(prefix) {
            if trimmed.count >= 20 && !trimmed.contains(" ") { return true }
        }
        // scheme://user:password@host
        if let scheme = trimmed.firstRange(of: "://") {
            let rest = trimmed[scheme.upperBound...]
            if let at = rest.firstIndex(of: "@"), let colon = rest[..<at].firstIndex(of: ":"),
                rest[rest.index(after: colon)..<at].count > 0, !rest[..<at].contains("/")
            {
                return true
            }
        }
        return false
    }

    /// The index of the first argument that carries a secret: `--password
    /// x`, `--token=x`, `password=x`, or a value that looks like a secret.
    static func secretArgument(in arguments: [String]) -> Int? {
        for (index, argument) in arguments.enumerated() {
            if argument.contains("{{") { continue }  // a run macro, filled in at submit
            if looksSecret(argument) { return index }
            let flag = argument.drop { $0 == "-" }
            if let equals = flag.firstIndex(of: "=") {
                let name = String(flag[..<equals])
                if !name.isEmpty, !flag[flag.index(after: equals)...].isEmpty, isSecretName(name) { return index }
            } else if argument.hasPrefix("-"), isSecretName(String(flag)), index + 1 < arguments.count,
                !arguments[index + 1].hasPrefix("-")
            {
                return index + 1
            }
        }
        return nil
    }

    /// The words of a name, split at punctuation and camelCase boundaries
    /// and lowercased: `spark.ssl.keyStorePassword` → spark ssl key store
    /// password.
    private static func words(_ name: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previousWasLower = false
        for character in name {
            if !(character.isLetter || character.isNumber) {
                if !current.isEmpty { words.append(current) }
                current = ""
                previousWasLower = false
                continue
            }
            if character.isUppercase && previousWasLower {
                words.append(current)
                current = ""
            }
            current += character.lowercased()
            previousWasLower = character.isLowercase || character.isNumber
        }
        if !current.isEmpty { words.append(current) }
        return words
    }
}
