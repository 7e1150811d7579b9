/// Errors the application meets: permissions, data and schemas (Spark's
/// error classes), configuration, dependencies that fail for a while, and
/// exceptions of its own code.
enum ErrorRules {
    static let permissionPhrases = [
        "AccessDeniedException", "Access Denied (Service: Amazon S3", "AccessDenied", "Status Code: 403", "403 Forbidden",
        "PERMISSION_DENIED", "INSUFFICIENT_PERMISSIONS", "INSUFFICIENT_PRIVILEGES", "AccessControlException",
        "NotAuthorizedException", "ForbiddenException", "AuthorizationPermissionMismatch", "AuthorizationFailure",
        "(Permission denied)", "Permission denied:", "does not have privileges", "is not authorized to perform",
    ]

    static let configurationPhrases: [(String, String)] = [
        ("ClassNotFoundException", "a class the job names is not on its classpath"),
        ("Failed to load class", "the main class could not be loaded"),
        ("Cannot load main class", "the main class could not be loaded"),
        ("NoClassDefFoundError", "a class the job needs is not on its classpath"),
        ("UnsupportedClassVersionError", "the application was built for a newer Java than the image's"),
        ("can't open file", "the main application file does not exist"),
        ("Missing application resource", "no main application file was given"),
        ("ModuleNotFoundError: No module named", "a Python module the job imports is not in the image or its pyFiles"),
        ("Failed to find data source", "a data source the job reads is not on its classpath"),
        ("[DATA_SOURCE_NOT_FOUND]", "a data source the job reads is not on its classpath"),
        ("[CATALOG_NOT_FOUND]", "a catalog the job names is not configured"),
        ("[INVALID_CONF_VALUE", "a Spark property has an invalid value"),
        ("Unrecognized option", "an option given to spark-submit or the JVM is unknown"),
        ("must specify limits.memory", "the namespace's LimitRange or quota wants limits the pods do not set"),
    ]

    static let transientPhrases = [
        "UnknownHostException", "Temporary failure in name resolution", "Connection refused", "ConnectException",
        "SocketTimeoutException", "Connection reset", "connect timed out", "Read timed out", "503 Service Unavailable",
        "Status Code: 503", "Service Unavailable", "ServiceUnavailableException", "SlowDown", "Please reduce your request rate",
        "Unable to execute HTTP request", "ThrottlingException", "TooManyRequests", "Status Code: 500",
        "We encountered an internal error", "CommitStateUnknownException", "ServiceFailureException",
    ]

    static let all: [TextRules.Rule] = [
        { line in
            guard let phrase = permissionPhrases.first(where: { line.contains($0) }) else { return nil }
            // The API server's quota refusal reads `… is forbidden: exceeded quota`; that is not a permission.
            if line.contains("exceeded quota") { return nil }
            return line.finding(.permissionDenied, "access was denied (\(phrase.trimming("():")))")
        },
        { line in
            guard line.contains("is forbidden: User \""), !line.contains("exceeded quota") else { return nil }
            return line.finding(.permissionDenied, "the Kubernetes API refused the driver's ServiceAccount")
        },
        { line in
            guard var errorClass = SparkErrorClass.find(in: line.text) else { return nil }
            // Spark prints the SQLSTATE at the end of the message, often a few lines down.
            if errorClass.sqlState == nil {
                errorClass.sqlState = line.lines[line.index...].prefix(5).lazy.compactMap(SparkErrorClass.sqlState(in:)).first
            }
            guard let kind = errorClass.failureClass else { return nil }
            return line.finding(kind, "Spark error class [\(errorClass.name)]\(errorClass.sqlState.map { " (SQLSTATE \($0))" } ?? "")")
        },
        { line in
            let phrases = [
                "NoSuchTableException", "Table or view not found", "NoSuchNamespaceException", "Path does not exist",
                "SchemaColumnConvertNotSupportedException", "Parquet column cannot be converted", "cannot resolve '",
            ]
            guard let phrase = phrases.first(where: { line.contains($0) }) else { return nil }
            return line.finding(.dataOrSchema, "the data or its schema is not what the job expects (\(phrase.trimming(" '")))")
        },
        { line in
            guard let entry = configurationPhrases.first(where: { line.contains($0.0) }) else { return nil }
            return line.finding(.configuration, entry.1)
        },
        { line in
            guard let phrase = transientPhrases.first(where: { line.contains($0) }) else { return nil }
            return line.finding(.transientDependency, "\(dependency(line.text)) failed for a while (\(phrase))")
        },
        // A Python UDF raised: `PythonException: … Traceback …` and, after the traceback, the exception's line.
        { line in
            // `…PythonException: Traceback …` or `…PythonException (Traceback …`, not a stack frame naming it.
            guard line.containsAny(["PythonException:", "PythonException ("]), !line.text.trimmingSpaces.hasPrefix("at ") else {
                return nil
            }
            let raised = TracebackReader.exceptionLine(in: line.lines, after: line.index)
            var finding = line.finding(
                .userCode, role: .executor, "a Python UDF raised \(raised.map(TracebackReader.name) ?? "an exception")")
            if let raised { finding.proof = Proof(source: line.source, line: raised) }
            return finding
        },
        // The driver program raised: the last line of a Python traceback.
        { line in
            guard line.text.hasPrefix("Traceback (most recent call last)") else { return nil }
            guard let raised = TracebackReader.exceptionLine(in: line.lines, after: line.index) else { return nil }
            var finding = line.finding(.userCode, role: .driver, "the driver program raised \(TracebackReader.name(raised))")
            finding.proof = Proof(source: line.source, line: raised)
            return finding
        },
        { line in
            guard line.contains("Exception in thread \"main\""), !line.contains(MemoryRules.oom) else { return nil }
            return line.finding(.userCode, role: .driver, "the driver program threw an uncaught exception")
        },
    ]

    /// What kind of service a transient failure came from.
    static func dependency(_ text: String) -> String {
        let lower = text.lowercased()
        if ["s3", "amazonaws", "gcs", "storage.googleapis", "abfs", "blob.core", "slowdown", "object store"].contains(where: {
            lower.contains($0)
        }) {
            return "the object store"
        }
        if ["iceberg", "catalog", "metastore", "hive", "glue", "unity", "rest"].contains(where: { lower.contains($0) }) {
            return "the catalog"
        }
        return "the network or a service the job calls"
    }
}

/// Reads Python tracebacks: the exception line that ends one.
enum TracebackReader {
    /// The first line after `start` that names an exception at the start of
    /// a line (`ValueError: bad row`, `pyspark.errors.exceptions.captured.AnalysisException: […]`).
    static func exceptionLine(in lines: [String], after start: Int) -> String? {
        var index = start + 1
        while index < lines.count && index <= start + 200 {
            let line = lines[index]
            if isExceptionLine(line) { return line.trimmingSpaces }
            index += 1
        }
        return nil
    }

    static func isExceptionLine(_ line: String) -> Bool {
        guard let first = line.unicodeScalars.first, first.properties.isAlphabetic else { return false }
        let head = line.prefix { $0 != ":" && $0 != " " }
        guard line.dropFirst(head.count).hasPrefix(":") || head.count == line.count else { return false }
        let name = head.split(separator: ".").last.map(String.init) ?? ""
        return name.hasSuffix("Error") || name.hasSuffix("Exception") || name == "KeyboardInterrupt" || name == "SystemExit"
    }

    /// `ValueError` from `ValueError: bad row`.
    static func name(_ line: String) -> String {
        let head = line.prefix { $0 != ":" }
        return String(head.split(separator: ".").last ?? head[...])
    }
}
