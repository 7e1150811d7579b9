extension FormatSchema {
    /// `teams/<team>.yaml` `jobs[].retry`.
    public static let retry = ObjectSchema(
        "Retry", "What the runner does when a run of the job fails.",
        [
            FieldSchema(
                "policy", .enumeration(RetryPolicy.allCases.map(\.rawValue)), required: true,
                "auto: classify the failure and retry only what a retry can fix, with the remedy applied (more memory within the quota, a backoff for transient failures); never: do not retry."
            ),
            FieldSchema(
                "maxAttempts", .integer(minimum: 1, maximum: 10), "The most attempts, the first included (default 3)."),
        ])
}
