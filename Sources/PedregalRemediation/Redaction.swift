/// Masks what looks like a secret in a line of evidence before anyone sees
/// it: logs and messages are copied into output, and drivers print what they
/// are given (connection strings, configuration, tokens in URLs).
public enum Redaction {
    /// The mask.
    public static let mask = "***"

    /// Words whose value follows them (`password=…`, `"token": "…"`,
    /// `spark.hadoop.fs.s3a.secret.key=…`).
    static let keys = [
        "password", "passwd", "secret", "token", "credential", "apikey", "api_key", "api-key", "access_key", "access.key",
        "accesskey", "private_key", "authorization", "client_secret", "session_key", "sessiontoken",
    ]

    /// `line` with secret-looking values masked, cut to `limit` characters.
    public static func redact(_ line: String, limit: Int = 400) -> String {
        var text = line
        text = maskURLCredentials(text)
        text = maskBearer(text)
        text = maskKeyValues(text)
        text = maskAWSKeyIDs(text)
        text = maskJWTs(text)
        if text.count > limit { text = String(text.prefix(limit - 1)) + "…" }
        return text
    }

    /// `scheme://user:password@host` → `scheme://***@host`.
    private static func maskURLCredentials(_ text: String) -> String {
        text.replacing(/(?<scheme>[A-Za-z][A-Za-z0-9+.-]*:\/\/)[^\s\/@:]+:[^\s\/@]+@/) { match in
            "\(match.output.scheme)\(mask)@"
        }
    }

    /// `Bearer abc…` → `Bearer ***`.
    private static func maskBearer(_ text: String) -> String {
        text.replacing(/(?i)(?<word>bearer|basic)\s+[A-Za-z0-9._~+\/=-]{8,}/) { match in "\(match.output.word) \(mask)" }
    }

    /// `password=x`, `password: x`, `"token":"x"` → the key kept, the value masked (a key followed by a
    /// space is a name in prose, `secret "creds" not found`, and stays).
    private static func maskKeyValues(_ text: String) -> String {
        let lower = text.lowercased()
        guard keys.contains(where: { lower.containsBytes($0) }) else { return text }
        return text.replacing(
            /(?i)(?<key>[A-Za-z0-9_.\-]*(password|passwd|secret|token|credential|apikey|api_key|api-key|access_key|access\.key|accesskey|private_key|authorization|client_secret|session_key|sessiontoken)[A-Za-z0-9_.\-]*["']?\s*(=|:)\s*["']?)(?<value>[^\s"',;&)}\]]+)/
        ) { match in
            // A key followed by a word such as "not found" is a message, not a value.
            let value = String(match.output.value)
            return Self.isPlainWord(value) ? String(match.output.0) : "\(match.output.key)\(mask)"
        }
    }

    /// AWS access key ids (`AKIA…`, `ASIA…`).
    private static func maskAWSKeyIDs(_ text: String) -> String {
        text.replacing(/\b(AKIA|ASIA)[0-9A-Z]{16}\b/) { _ in mask }
    }

    /// JSON Web Tokens (three base64url parts, the first starting `eyJ`).
    private static func maskJWTs(_ text: String) -> String {
        text.replacing(/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/) { _ in mask }
    }

    /// Lowercase prose words that follow a key in messages (`token expired`,
    /// `secret not found`) rather than a value.
    private static func isPlainWord(_ value: String) -> Bool {
        let words: Set<String> = [
            "not", "is", "was", "expired", "missing", "invalid", "for", "of", "the", "a", "an", "and", "or", "has", "must",
            "should", "cannot", "could", "does", "in", "to", "from", "file", "key", "keys", "value", "provider",
        ]
        return words.contains(value.lowercased())
    }
}
