/// The stable identifiers of every kind of diagnostic. Bots and tests match on
/// these; messages may be reworded, codes may not.
public struct DiagnosticCode: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
}

extension DiagnosticCode {
    // Reading files and YAML syntax.
    public static let unreadableFile: DiagnosticCode = "unreadable-file"
    public static let missingFile: DiagnosticCode = "missing-file"
    public static let unknownFile: DiagnosticCode = "unknown-file"
    public static let invalidUTF8: DiagnosticCode = "invalid-utf8"
    public static let yamlSyntax: DiagnosticCode = "yaml-syntax"
    public static let duplicateKey: DiagnosticCode = "duplicate-key"
    public static let aliasBomb: DiagnosticCode = "alias-limit"
    public static let tooDeep: DiagnosticCode = "nesting-limit"
    public static let fileTooLarge: DiagnosticCode = "file-too-large"
    public static let unsupportedYAML: DiagnosticCode = "unsupported-yaml"

    // Shape of the documents.
    public static let unknownKey: DiagnosticCode = "unknown-key"
    public static let missingKey: DiagnosticCode = "missing-key"
    public static let wrongType: DiagnosticCode = "wrong-type"
    public static let invalidValue: DiagnosticCode = "invalid-value"

    // Meaning.
    public static let invalidName: DiagnosticCode = "invalid-name"
    public static let nameTooLong: DiagnosticCode = "name-too-long"
    public static let unknownReference: DiagnosticCode = "unknown-reference"
    public static let duplicateName: DiagnosticCode = "duplicate-name"
    public static let duplicateHostname: DiagnosticCode = "duplicate-hostname"
    public static let duplicateNamespace: DiagnosticCode = "duplicate-namespace"
    public static let invalidTime: DiagnosticCode = "invalid-time"
    public static let invalidCron: DiagnosticCode = "invalid-cron"
    public static let invalidQuantity: DiagnosticCode = "invalid-quantity"
    public static let exceedsQuota: DiagnosticCode = "exceeds-quota"
    public static let exceedsCapacity: DiagnosticCode = "exceeds-capacity"
    public static let secretValue: DiagnosticCode = "secret-value"
    public static let fileNameMismatch: DiagnosticCode = "file-name-mismatch"
    public static let missingSetting: DiagnosticCode = "missing-setting"
}
