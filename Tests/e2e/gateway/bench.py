"""Benchmark of the Spark Gateway against a direct connection, in one run, with a real Spark Connect
server and the real pyspark client:

  small queries   `SELECT 1` collected, thousands per path, in alternating blocks: latency p50/p99
                  direct, through the gateway over h2c, and over TLS; added = gateway - direct
  large result    millions of rows x 3 columns collected as Arrow, alternating rounds: rows/s and
                  the throughput ratio gateway/direct
  gateway CPU     the gateway process's CPU time per small query (/proc/<pid>/stat)

Then runs `pedregal-gateway-bench` (unary calls/s to a trivial in-process backend, gateway vs direct).
Ratios against the direct floor measured in the same run are what to compare across machines.

Usage (from the repository root, after `swift build -c release`):
  Tests/e2e/gateway/bench.sh [--queries N] [--rows N] [--rounds N]
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
from gateway_e2e import AUDIENCE, HOST, ISSUER, SERVICE_KEY, Keys, free_port, wait_port  # noqa: E402


def session(url, options=None):
    from pyspark.sql.connect.client import DefaultChannelBuilder
    from pyspark.sql.connect.session import SparkSession
    return SparkSession.builder.channelBuilder(DefaultChannelBuilder(url, channelOptions=options or [])).create()


def timed_queries(spark, count):
    out = []
    for _ in range(count):
        started = time.perf_counter()
        spark.sql("SELECT 1").collect()
        out.append(time.perf_counter() - started)
    return out


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def arrow_seconds(spark, rows):
    started = time.perf_counter()
    table = spark.range(rows).selectExpr("id", "id * 2 AS twice", "cast(id AS string) AS text").toArrow()
    elapsed = time.perf_counter() - started
    assert table.num_rows == rows, table.num_rows
    return elapsed, table.nbytes


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--bench-binary", required=True)
    parser.add_argument("--routes", required=True)
    parser.add_argument("--queries", type=int, default=3000, help="small queries per path")
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-unary", action="store_true", help="do not run pedregal-gateway-bench afterwards")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="pedregal-gateway-bench-")
    keys = Keys(folder)
    # The TLS replica's certificate is signed by the test CA; gRPC reads its roots from here.
    os.environ["GRPC_DEFAULT_SSL_ROOTS_FILE_PATH"] = keys.ca
    spark_port, h2c_port, tls_port = free_port(), free_port(), free_port()
    import pyspark
    home = os.path.dirname(pyspark.__file__)
    spark_log = open(os.path.join(folder, "spark.log"), "w")
    spark_server = subprocess.Popen(
        [os.path.join(home, "bin", "spark-submit"), "--class", "org.apache.spark.sql.connect.service.SparkConnectServer",
         "--master", "local[2]", "--driver-memory", "2g", "--conf", f"spark.connect.grpc.binding.port={spark_port}",
         "--conf", "spark.connect.grpc.binding.address=127.0.0.1", "--conf", "spark.ui.enabled=false",
         "--conf", f"spark.driver.extraJavaOptions=-Djava.io.tmpdir={folder}", "spark-internal"],
        stdout=spark_log, stderr=subprocess.STDOUT, env=dict(os.environ, SPARK_HOME=home), start_new_session=True)
    backends = os.path.join(folder, "backends.yaml")
    with open(backends, "w") as f:
        f.write(f"services:\n  {SERVICE_KEY}: [127.0.0.1:{spark_port}]\n")
    gateways = []
    for port, tls in [(h2c_port, []), (tls_port, ["--tls-certificate", keys.cert, "--tls-key", keys.tls_key])]:
        # Access lines on, as in production, to /dev/null.
        gateways.append(subprocess.Popen(
            [args.binary, "gateway", "--routes", args.routes, "--backends", backends, "--listen", f"127.0.0.1:{port}",
             "--admin-listen", f"127.0.0.1:{free_port()}", "--issuer", ISSUER, "--audience", AUDIENCE, "--jwks", keys.jwks,
             "--log", "stdout"] + tls, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT))
    try:
        wait_port(spark_port, 240, spark_server, "Spark Connect")
        for gateway, port in zip(gateways, [h2c_port, tls_port]):
            wait_port(port, 30, gateway, "gateway")
        token = keys.token("bench@example.com")
        paths = {
            "direct": session(f"sc://localhost:{spark_port}/;session_id={uuid.uuid4()}"),
            "gateway (h2c)": session(f"sc://localhost:{h2c_port}/;token={token};session_id={uuid.uuid4()}",
                                     [("grpc.default_authority", HOST)]),
            "gateway (TLS)": session(f"sc://localhost:{tls_port}/;use_ssl=true;token={token};session_id={uuid.uuid4()}",
                                     [("grpc.default_authority", HOST), ("grpc.ssl_target_name_override", HOST)]),
        }
        version = paths["direct"].version
        # Warm up every path (JIT, session creation, connections), then alternate blocks so that
        # drift (JIT, GC, the other core's load) hits every path alike.
        for spark in paths.values():
            timed_queries(spark, 200)
        latencies = {name: [] for name in paths}
        block = 100
        # The h2c gateway's CPU is counted during its own blocks only, so that its idle work
        # (route refresh, health checks) while the other paths run does not count per query.
        gateway_cpu = 0.0
        for _ in range(max(1, args.queries // block)):
            for name, spark in paths.items():
                cpu_before = cpu_seconds(gateways[0].pid)
                samples = timed_queries(spark, block)
                if name == "gateway (h2c)":
                    gateway_cpu += cpu_seconds(gateways[0].pid) - cpu_before
                latencies[name] += samples
        floor = latencies["direct"]
        print(f"pedregal gateway benchmark: Spark {version}, {os.cpu_count()} cores, one Spark Connect server (local[2]), "
              f"the pyspark client, gateways as separate processes (release build, access log on)")
        print(f"small queries (SELECT 1 collected, {len(floor)} per path in alternating blocks of {block})")
        for name, values in latencies.items():
            line = f"  {name:14} p50 {percentile(values, .5) * 1000:6.2f} ms  p99 {percentile(values, .99) * 1000:6.2f} ms"
            if name != "direct":
                line += (f"   added p50 {(percentile(values, .5) - percentile(floor, .5)) * 1000:+.3f} ms"
                         f"  p99 {(percentile(values, .99) - percentile(floor, .99)) * 1000:+.3f} ms")
            print(line)
        print(f"  gateway (h2c) CPU: {gateway_cpu / len(latencies['gateway (h2c)']) * 1e6:.0f} µs per query "
              f"(each query is several Spark Connect calls)")

        for spark in paths.values():
            arrow_seconds(spark, 200_000)
        seconds = {name: [] for name in paths}
        nbytes = 0
        for _ in range(args.rounds):
            for name, spark in paths.items():
                elapsed, nbytes = arrow_seconds(spark, args.rows)
                seconds[name].append(elapsed)
        direct = statistics.median(seconds["direct"])
        print(f"large result ({args.rows:,} rows x 3 columns collected as Arrow, {nbytes / 1048576:.0f} MiB, "
              f"median of {args.rounds} alternating rounds)")
        for name, values in seconds.items():
            median = statistics.median(values)
            line = f"  {name:14} {median:6.2f} s  {args.rows / median / 1e6:6.2f} M rows/s  {nbytes / 1048576 / median:7.1f} MiB/s"
            if name != "direct":
                line += f"   throughput ratio gateway/direct {direct / median:.2f}"
            print(line)
        for spark in paths.values():
            spark.stop()
    finally:
        for gateway in gateways:
            gateway.terminate()
        for gateway in gateways:
            gateway.wait(timeout=40)
        os.killpg(spark_server.pid, 9)
    sys.stdout.flush()
    if not args.skip_unary:
        subprocess.run([args.bench_binary], check=True)


if __name__ == "__main__":
    main()
