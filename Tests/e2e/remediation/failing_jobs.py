"""Small Spark jobs that fail for known reasons, one per argument.

Run with spark-submit in local-cluster mode (run.sh does): the driver is this
process, the executors are JVMs of their own with their own memory, as on
Kubernetes.

  driver-oom     the driver collects more than its heap holds
  executor-oom   one task gathers a whole column into one array in an executor
  missing-table  the job reads a table that does not exist
  udf-error      a Python UDF raises on one row
"""
import sys

from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import LongType


def driver_oom(spark):
    # Forty small tasks, each returning ten 4 MB rows: the executors hold them easily, the driver's
    # 512m heap cannot hold all 1.6 GB at once (spark.driver.maxResultSize=0 lifts Spark's own guard).
    # (The length depends on id, so Spark does not fold a 4 MB literal into the plans it logs.)
    spark.range(0, 400, 1, 40).selectExpr("id", "repeat('x', 4000000 + CAST(id % 1 AS INT)) AS pad").collect()


def executor_oom(spark):
    # One group, one task: two thousand 1 MB strings gathered into one list in one executor's 512m heap.
    rows = spark.range(0, 2000, 1, 1).selectExpr("repeat('x', 1000000 + CAST(id % 1 AS INT)) AS s")
    rows.groupBy(F.lit(1)).agg(F.collect_list("s").alias("all")).collect()


def missing_table(spark):
    spark.table("sales.orders_daily").groupBy("region").count().show()


def udf_error(spark):
    @F.udf(LongType())
    def parse_amount(value):
        if value == 7:
            raise ValueError(f"amount {value} is not a valid order amount")
        return value * 100

    spark.range(0, 20, 1, 2).select(parse_amount("id").alias("cents")).collect()


JOBS = {"driver-oom": driver_oom, "executor-oom": executor_oom, "missing-table": missing_table, "udf-error": udf_error}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in JOBS:
        sys.exit(f"usage: failing_jobs.py {'|'.join(sorted(JOBS))}")
    session = SparkSession.builder.appName(f"pedregal-remediation-{sys.argv[1]}").getOrCreate()
    JOBS[sys.argv[1]](session)
    session.stop()
