extension FormatSchema {
    /// `jobs[].sizing.executorInstances` and `shufflePartitions`.
    public static let countRange = ObjectSchema(
        "CountRange", "Inclusive bounds on a count.",
        [
            FieldSchema("min", .integer(minimum: 1, maximum: 100_000), "The fewest."),
            FieldSchema("max", .integer(minimum: 1, maximum: 100_000), "The most."),
        ])

    /// `jobs[].sizing.executorMemory` and `driverMemory`.
    public static let memoryRange = ObjectSchema(
        "MemoryRange", "Inclusive bounds on a JVM memory size.",
        [
            FieldSchema("min", .sparkMemory, "The least, e.g. 2g."),
            FieldSchema("max", .sparkMemory, "The most, e.g. 32g."),
        ])

    /// `jobs[].sizing`.
    public static let sizing = ObjectSchema(
        "Sizing", "How a batch job is sized before each run.",
        [
            FieldSchema(
                "mode", .enumeration(SizingMode.allCases.map(\.rawValue)), required: true,
                "auto: `pedregal submit` applies the recommendation from the job's recent runs within these bounds (the written values when there is no history); fixed: the written values, always."
            ),
            FieldSchema("runs", .integer(minimum: 1, maximum: 50), "How many of the latest runs to learn from (default 5)."),
            FieldSchema(
                "executorInstances", .object(countRange), "Bounds on executor.instances (default: 1 to twice the written value)."),
            FieldSchema("executorMemory", .object(memoryRange), "Bounds on executor.memory (default: 512m to twice the written value)."),
            FieldSchema("driverMemory", .object(memoryRange), "Bounds on driver.memory (default: 512m to twice the written value)."),
            FieldSchema(
                "shufflePartitions", .object(countRange),
                "Bounds on spark.sql.shuffle.partitions (default: 1 to 100000)."),
        ])
}
