"""Small real Spark jobs whose event logs `pedregal advise` reads.

Each job runs on Spark's `local-cluster[N,1,M]` master: N executor JVMs of
their own, one core each, so executor counts, slots and memory are real, and
Spark 4 writes its default event log (rolling, zstd) into --event-log-dir.

    python spark_jobs.py JOB --executors N --event-log-dir DIR [--executor-memory 512m] [--name NAME]
        [--codec zstd|lz4|snappy|none] [--single-file] [--stage-metrics]

Jobs:
  overprovisioned  many executors, stages of few, sleep-bound tasks: most slots idle
  spilling         a wide sort in little executor memory: spills to disk
  skewed           a group-by where one key holds most rows: one straggler task per stage
  scaling          map and reduce stages of JVM-side sleeps of known lengths: time falls with executors

Tasks sleep rather than compute where the point is the schedule, so the runs
measure slots, not this machine's two shared cores (the scaling job sleeps in
the executor JVM itself, so no Python worker competes for them either). Prints the application
id and the wall time as JSON on the last line.
"""
import argparse
import json
import os
import sys
import time


def parse():
    parser = argparse.ArgumentParser()
    parser.add_argument("job", choices=["overprovisioned", "spilling", "skewed", "scaling"])
    parser.add_argument("--executors", type=int, default=2)
    parser.add_argument("--executor-memory", default="512m")
    parser.add_argument("--worker-memory", type=int, default=1024)
    parser.add_argument("--event-log-dir", required=True)
    parser.add_argument("--name")
    parser.add_argument("--codec", default="zstd", choices=["zstd", "lz4", "snappy", "none"])
    parser.add_argument("--single-file", action="store_true")
    parser.add_argument("--stage-metrics", action="store_true")
    parser.add_argument("--shuffle-partitions", type=int, default=8)
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies the sleep of every task")
    parser.add_argument("--memory-fraction", help="spark.memory.fraction: how much of the heap tasks may use")
    return parser.parse_args()


def session(args):
    from pyspark.sql import SparkSession

    os.makedirs(args.event_log_dir, exist_ok=True)
    builder = (
        SparkSession.builder.master(f"local-cluster[{args.executors},1,{args.worker_memory}]")
        .appName(args.name or args.job)
        .config("spark.executor.memory", args.executor_memory)
        .config("spark.executor.instances", str(args.executors))
        .config("spark.executor.cores", "1")
        .config("spark.driver.memory", "1g")
        .config("spark.eventLog.enabled", "true")
        .config("spark.eventLog.dir", "file://" + os.path.abspath(args.event_log_dir))
        .config("spark.sql.shuffle.partitions", str(args.shuffle_partitions))
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.ui.enabled", "false")
        .config("spark.executor.processTreeMetrics.enabled", "true")
        .config("spark.executor.metrics.pollingInterval", "200ms")
    )
    if args.codec == "none":
        builder = builder.config("spark.eventLog.compress", "false")
    else:
        builder = builder.config("spark.eventLog.compress", "true").config("spark.eventLog.compression.codec", args.codec)
    if args.memory_fraction:
        builder = builder.config("spark.memory.fraction", args.memory_fraction)
    if args.single_file:
        builder = builder.config("spark.eventLog.rolling.enabled", "false")
    if args.stage_metrics:
        builder = builder.config("spark.eventLog.logStageExecutorMetrics", "true")
    spark = builder.getOrCreate()
    # Wait for every executor to register, so the first stage sees all slots.
    sc = spark.sparkContext
    deadline = time.time() + 120
    while sc._jsc.sc().getExecutorMemoryStatus().size() < args.executors + 1 and time.time() < deadline:
        time.sleep(0.2)
    return spark


def sleeper(scale):
    def run(index, rows):
        import time as t

        # Lengths differ by partition (0.4 s to 1.3 s), the same on every run.
        t.sleep(scale * (0.4 + 0.1 * (index * 7 % 10)))
        return [sum(1 for _ in rows)]

    return run


def overprovisioned(spark, args):
    sc = spark.sparkContext
    # A driver-bound start, then stages of 2 and 3 tasks: 8 executors wait.
    for partitions in (2, 3, 2, 4, 2):
        sc.parallelize(range(10_000), partitions).mapPartitionsWithIndex(sleeper(args.scale * 2)).collect()


def jvm_sleep(args, column):
    """A column that sleeps inside the executor's JVM for a length fixed by `column` (0.4 s to 1.3 s,
    times --scale) and yields null: Spark SQL's reflect, so no Python worker starts and the task's
    time does not depend on how many processes share this machine's cores."""
    from pyspark.sql import functions as F

    millis = f"cast({args.scale} * (400 + 100 * pmod({column} * 7, 10)) as bigint)"
    return F.expr(f"reflect('java.lang.Thread', 'sleep', {millis})")


def scaling(spark, args):
    from pyspark.sql import functions as F

    # Three jobs of two stages each: map tasks that each sleep once, a real shuffle (a group-by on
    # id mod the reduce count), and reduce tasks that sleep once per group they receive. 78 tasks
    # whose lengths are the same on every run, so wall time falls with executors.
    for maps, reduces in ((16, 8), (24, 12), (12, 6)):
        spark.conf.set("spark.sql.shuffle.partitions", str(reduces))
        mapped = spark.range(0, maps, 1, maps).select("id", jvm_sleep(args, "id").alias("slept"))
        groups = mapped.groupBy((F.col("id") % reduces).alias("k")).agg(F.count("slept").alias("n"))
        groups.select("k", "n", jvm_sleep(args, "k + 3").alias("slept")).collect()


def spilling(spark, args):
    from pyspark.sql import functions as F

    rows = spark.range(0, 3_000_000, numPartitions=4).select(
        F.col("id"), F.sha2(F.col("id").cast("string"), 256).alias("h"), F.expr("repeat('x', 40)").alias("pad")
    )
    rows.repartition(args.shuffle_partitions).sortWithinPartitions("h").groupBy(F.substring("h", 1, 3)).agg(
        F.count("*"), F.max("pad")
    ).collect()
    rows.orderBy("h").select(F.sum(F.length("h"))).collect()


def skewed(spark, args):
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    # 85% of the rows share key 0; the rest spread over 1000 keys. A window
    # partitioned by the key cannot be aggregated map-side (a count or a
    # countDistinct would be, and their shuffle is by (key, value), not
    # skewed), so one reduce task sorts and hashes key 0's million rows while
    # the others see a few thousand: a straggler on any machine.
    data = spark.range(0, 1_200_000, numPartitions=4).select(
        F.when(F.col("id") % 100 < 85, F.lit(0)).otherwise(F.col("id") % 1000).alias("k"),
        F.sha2(F.col("id").cast("string"), 256).alias("v"),
    )
    ranked = data.withColumn("r", F.row_number().over(Window.partitionBy("k").orderBy("v")))
    ranked.select("k", F.sha2(F.concat("v", F.col("r").cast("string")), 512).alias("h")).groupBy("k").agg(
        F.max("h")
    ).collect()


def main():
    args = parse()
    started = time.time()
    spark = session(args)
    ready = time.time()
    try:
        globals()[args.job](spark, args)
        app = spark.sparkContext.applicationId
    finally:
        spark.stop()
    ended = time.time()
    print(json.dumps({"app": app, "job": args.job, "executors": args.executors, "seconds": round(ended - ready, 3),
                      "withStartup": round(ended - started, 3)}))


if __name__ == "__main__":
    sys.exit(main())
