"""Benchmark of the Spark Gateway against a direct connection, in one run, with a real Spark Connect
server and the real pyspark client: added latency of small queries (p50/p99) and throughput of a large
Arrow result (millions of rows collected), as ratios to the direct floor measured alongside. Then runs
`pedregal-gateway-bench` for unary calls per second to a trivial in-process backend.

Usage (from the repository root, after `swift build -c release`):
  Tests/e2e/gateway/bench.sh
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.dirname(__file__))
from gateway_e2e import AUDIENCE, HOST, ISSUER, Keys, free_port, wait_port  # noqa: E402


def session(url, options=None):
    from pyspark.sql.connect.client import DefaultChannelBuilder
    from pyspark.sql.connect.session import SparkSession
    return SparkSession.builder.channelBuilder(DefaultChannelBuilder(url, channelOptions=options or [])).create()


def latencies(spark, count):
    spark.sql("SELECT 1").collect()
    out = []
    for _ in range(count):
        started = time.perf_counter()
        spark.sql("SELECT 1").collect()
        out.append(time.perf_counter() - started)
    return sorted(out)


def percentile(values, p):
    return values[min(len(values) - 1, int(len(values) * p))]


def arrow_seconds(spark, rows):
    started = time.perf_counter()
    table = spark.range(rows).selectExpr("id", "id * 2 AS twice", "cast(id AS string) AS text").toArrow()
    elapsed = time.perf_counter() - started
    assert table.num_rows == rows
    return elapsed, table.nbytes


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--bench-binary", required=True)
    parser.add_argument("--routes", required=True)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="pedregal-gateway-bench-")
    keys = Keys(folder)
    spark_port, port, admin = free_port(), free_port(), free_port()
    import pyspark
    home = os.path.dirname(pyspark.__file__)
    spark_log = open(os.path.join(folder, "spark.log"), "w")
    spark_server = subprocess.Popen(
        [os.path.join(home, "bin", "spark-submit"), "--class", "org.apache.spark.sql.connect.service.SparkConnectServer",
         "--master", "local[2]", "--driver-memory", "2g", "--conf", f"spark.connect.grpc.binding.port={spark_port}",
         "--conf", "spark.ui.enabled=false", "spark-internal"],
        stdout=spark_log, stderr=subprocess.STDOUT, env=dict(os.environ, SPARK_HOME=home), start_new_session=True)
    backends = os.path.join(folder, "backends.yaml")
    with open(backends, "w") as f:
        f.write(f"services:\n  sjns-ds-dev/sc-default: [127.0.0.1:{spark_port}]\n")
    gateway = subprocess.Popen(
        [args.binary, "gateway", "--routes", args.routes, "--backends", backends, "--listen", f"127.0.0.1:{port}",
         "--admin-listen", f"127.0.0.1:{admin}", "--issuer", ISSUER, "--audience", AUDIENCE, "--jwks", keys.jwks,
         "--log", "off"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        wait_port(spark_port, 180, spark_server, "Spark Connect")
        wait_port(port, 30, gateway, "gateway")
        token = keys.token("bench@example.com")
        direct = session(f"sc://localhost:{spark_port}/;session_id={uuid.uuid4()}")
        proxied = session(f"sc://localhost:{port}/;token={token};session_id={uuid.uuid4()}",
                          [("grpc.default_authority", HOST)])
        # Interleave rounds so that drift (JIT, GC, the other core's load) hits both sides alike.
        floor, through = [], []
        for _ in range(4):
            floor += latencies(direct, args.queries // 4)
            through += latencies(proxied, args.queries // 4)
        floor.sort()
        through.sort()
        arrow_direct, arrow_gateway, nbytes = [], [], 0
        arrow_seconds(direct, 100_000)
        arrow_seconds(proxied, 100_000)
        for _ in range(args.rounds):
            seconds, nbytes = arrow_seconds(direct, args.rows)
            arrow_direct.append(seconds)
            arrow_gateway.append(arrow_seconds(proxied, args.rows)[0])
        print(f"pedregal gateway benchmark: Spark {direct.version}, {os.cpu_count()} cores, one Spark Connect server local[2]")
        print(f"small queries (SELECT 1 collected, {len(floor)} each)")
        print(f"  direct  p50 {percentile(floor, .5) * 1000:.2f} ms  p99 {percentile(floor, .99) * 1000:.2f} ms")
        print(f"  gateway p50 {percentile(through, .5) * 1000:.2f} ms  p99 {percentile(through, .99) * 1000:.2f} ms")
        print(f"  added   p50 {(percentile(through, .5) - percentile(floor, .5)) * 1000:.3f} ms  "
              f"p99 {(percentile(through, .99) - percentile(floor, .99)) * 1000:.3f} ms")
        best_direct, best_gateway = statistics.median(arrow_direct), statistics.median(arrow_gateway)
        print(f"large Arrow result ({args.rows:,} rows x 3 columns, {nbytes / 1048576:.0f} MiB in Arrow, median of {args.rounds})")
        print(f"  direct  {best_direct:.2f} s  {args.rows / best_direct / 1e6:.2f} M rows/s")
        print(f"  gateway {best_gateway:.2f} s  {args.rows / best_gateway / 1e6:.2f} M rows/s")
        print(f"  throughput ratio gateway/direct {best_direct / best_gateway:.2f}")
        direct.stop()
        proxied.stop()
    finally:
        gateway.terminate()
        gateway.wait(timeout=40)
        os.killpg(spark_server.pid, 9)
    sys.stdout.flush()
    subprocess.run([args.bench_binary], check=True)


if __name__ == "__main__":
    main()
