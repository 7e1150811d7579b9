/// Spark's error classes (`[TABLE_OR_VIEW_NOT_FOUND] The table or view … SQLSTATE: 42P01`),
/// which Spark 3.4 and later print at the start of their exceptions'
/// messages, mapped to failure classes; unknown ones by their SQLSTATE.
struct SparkErrorClass: Equatable {
    /// The whole name, `UNRESOLVED_COLUMN.WITH_SUGGESTION`.
    var name: String
    /// The SQLSTATE printed with it, if any.
    var sqlState: String?

    /// The class before its sub-class: `UNRESOLVED_COLUMN`.
    var base: String { String(name.split(separator: ".").first ?? Substring(name)) }

    static let dataOrSchema: Set<String> = [
        "TABLE_OR_VIEW_NOT_FOUND", "SCHEMA_NOT_FOUND", "UNRESOLVED_COLUMN", "FIELD_NOT_FOUND", "PATH_NOT_FOUND",
        "DATATYPE_MISMATCH", "INCOMPATIBLE_DATA_FOR_TABLE", "INSERT_COLUMN_ARITY_MISMATCH", "CAST_INVALID_INPUT", "CAST_OVERFLOW",
        "DIVIDE_BY_ZERO", "NUMERIC_VALUE_OUT_OF_RANGE", "ARITHMETIC_OVERFLOW", "AMBIGUOUS_REFERENCE", "AMBIGUOUS_COLUMN_OR_FIELD",
        "MALFORMED_RECORD_IN_PARSING", "FAILED_READ_FILE", "CANNOT_MERGE_INCOMPATIBLE_DATA_TYPE", "UNABLE_TO_INFER_SCHEMA",
        "COLUMN_ALREADY_EXISTS", "TABLE_OR_VIEW_ALREADY_EXISTS", "SCHEMA_ALREADY_EXISTS", "INVALID_ARRAY_INDEX",
        "INVALID_ARRAY_INDEX_IN_ELEMENT_AT", "CANNOT_PARSE_TIMESTAMP", "INCOMPATIBLE_COLUMN_TYPE", "NUM_COLUMNS_MISMATCH",
        "NOT_NULL_ASSERT_VIOLATION", "DUPLICATED_MAP_KEY", "NULL_MAP_KEY", "INVALID_FORMAT", "CONVERSION_INVALID_INPUT",
        "PARTITIONS_NOT_FOUND", "NO_SUCH_TABLE",
    ]
    static let permission: Set<String> = ["INSUFFICIENT_PERMISSIONS", "INSUFFICIENT_PRIVILEGES", "PERMISSION_DENIED"]
    static let configuration: Set<String> = [
        "CATALOG_NOT_FOUND", "DATA_SOURCE_NOT_FOUND", "INVALID_CONF_VALUE", "CONFIG_NOT_AVAILABLE", "CANNOT_LOAD_CLASS",
    ]
    static let memory: Set<String> = ["UNABLE_TO_ACQUIRE_MEMORY"]
    static let userCode: Set<String> = [
        "PARSE_SYNTAX_ERROR", "UNRESOLVED_ROUTINE", "WRONG_NUM_ARGS", "FAILED_EXECUTE_UDF", "PYTHON_EXCEPTION",
    ]
    // SQLSTATEs of missing or duplicate objects: tables, columns, schemas.
    static let missingObjectStates: Set<String> = ["42P01", "42704", "42703", "3F000", "42P06", "42P07", "42710", "42711"]

    /// What the error class says about the failure, or nil when it says nothing.
    var failureClass: FailureClass? {
        let base = base
        if Self.dataOrSchema.contains(base) { return .dataOrSchema }
        if Self.permission.contains(base) { return .permissionDenied }
        if Self.configuration.contains(base) { return .configuration }
        if Self.memory.contains(base) { return .executorOutOfMemory }
        if Self.userCode.contains(base) { return .userCode }
        guard let state = sqlState else { return nil }
        if state == "42501" { return .permissionDenied }
        if Self.missingObjectStates.contains(state) || state.hasPrefix("22") { return .dataOrSchema }
        if state.hasPrefix("08") { return .transientDependency }
        if state.hasPrefix("42") || state.hasPrefix("0A") { return .userCode }
        return nil
    }

    /// The first error class in `text`: an all-capital name with an
    /// underscore in square brackets (log levels and thread names are neither).
    static func find(in text: String) -> SparkErrorClass? {
        guard text.containsBytes("_"), text.containsBytes("[") else { return nil }
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "[") {
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: "]") else { return nil }
            let name = after[..<close]
            if name.count >= 4, name.contains("_"), name.first?.isUppercase == true,
                name.allSatisfy({ ($0.isUppercase && $0.isASCII) || $0.isNumber || $0 == "_" || $0 == "." })
            {
                return SparkErrorClass(name: String(name), sqlState: sqlState(in: text))
            }
            rest = after[after.index(after: close)...]
        }
        return nil
    }

    /// The five characters after `SQLSTATE: ` (or `SQLSTATE=`), if present.
    static func sqlState(in text: String) -> String? {
        guard text.containsBytes("SQLSTATE"), let range = text.range(of: "SQLSTATE") else { return nil }
        let rest = text[range.upperBound...].drop { $0 == ":" || $0 == " " || $0 == "=" }
        let state = rest.prefix(5)
        guard state.count == 5, state.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }) else { return nil }
        return String(state)
    }
}
