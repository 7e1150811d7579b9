"""End to end: `pedregal local up/status/down` with the real pyspark client.

Starts a repo team's local Spark Connect server, writes and reads a table in
the team's default catalog through SPARK_REMOTE, checks `status`, stops it and
checks that the process is gone and the port closed, restarts it to check that
the warehouse kept the table, then purges. Also: Spark/Java missing (exit 69),
a stale record (dead pid) reported and removed.
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

CLIENT = r"""
import os, sys
from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()   # from SPARK_REMOTE
catalog = spark.catalog.currentCatalog()
assert catalog == sys.argv[1], f"current catalog {catalog!r}, expected the team's default {sys.argv[1]!r}"
if sys.argv[2] == "write":
    spark.sql("CREATE NAMESPACE IF NOT EXISTS e2e")
    spark.sql("CREATE TABLE e2e.features (id INT, name STRING, score DOUBLE)")
    spark.sql("INSERT INTO e2e.features VALUES (1, 'a', 0.5), (2, 'b', 1.5)")
    spark.createDataFrame([(3, "c", 2.5)], "id INT, name STRING, score DOUBLE").writeTo(f"{catalog}.e2e.features").append()
rows = [tuple(r) for r in spark.sql(f"SELECT id, name, score FROM {catalog}.e2e.features ORDER BY id").collect()]
assert rows == [(1, "a", 0.5), (2, "b", 1.5), (3, "c", 2.5)], rows
# Derby keeps strings as CLOBs; filters and sorts on them must run in Spark, not in Derby.
assert [r.id for r in spark.sql(f"SELECT id FROM e2e.features WHERE name = 'b'").collect()] == [2]
assert [r.name for r in spark.sql("SELECT name FROM e2e.features ORDER BY name DESC LIMIT 1").collect()] == ["c"]
tables = [r.tableName for r in spark.sql("SHOW TABLES IN e2e").collect()]
assert tables == ["features"], tables
print("client ok:", catalog, rows)
"""


GATEWAY_CLIENT = r"""
import sys
from pyspark.sql.connect.client import DefaultChannelBuilder
from pyspark.sql.connect.session import SparkSession
port, host, token_path, catalog = sys.argv[1:5]
token = open(token_path).read().strip()
def session(authority):
    channel = DefaultChannelBuilder(f"sc://localhost:{port}/;token={token}", channelOptions=[("grpc.default_authority", authority)])
    spark = SparkSession.builder.channelBuilder(channel).create()
    from pyspark.sql.connect.client.retries import DefaultPolicy
    spark.client.set_retry_policies([DefaultPolicy(max_retries=2, initial_backoff=100, max_backoff=500)])
    return spark
spark = session(host)
rows = [tuple(r) for r in spark.sql(f"SELECT id, name FROM {catalog}.e2e.features ORDER BY id").collect()]
assert rows == [(1, "a"), (2, "b"), (3, "c")], rows
try:
    session("other-team.example.test").sql("SELECT 1").collect()
    raise SystemExit("a host name without a route was let through")
except Exception as error:
    assert "other-team" in str(error) or "NOT_FOUND" in str(error) or "PERMISSION" in str(error) or "UNAVAILABLE" in str(error), error
print("gateway client ok:", host, rows)
"""


def run(binary, *arguments, env, check=True):
    result = subprocess.run([binary, "local", *arguments], capture_output=True, text=True, env=env, timeout=300)
    if check and result.returncode != 0:
        sys.exit(f"pedregal local {' '.join(arguments)} exited {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


def port_closed(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        stat = open(f"/proc/{pid}/stat").read()
        threads = len(os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return False
    # A zombie waits only for its parent; a JVM whose main thread ended while others run shows Z too.
    return ") Z" not in stat or threads > 1


def expect(condition, message):
    if not condition:
        sys.exit("FAIL: " + message)
    print("ok:", message)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--team", required=True)
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    team = args.team
    state = tempfile.mkdtemp(prefix="pedregal-local-e2e-")
    env = dict(os.environ, PEDREGAL_LOCAL_STATE=state)
    env.pop("SPARK_HOME", None)
    # `python3` on PATH is this venv's, where pyspark lives.
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    try:
        plan = run(binary, "up", team, "--dry-run", env=env).stdout
        default = next(l.split("=", 1)[1] for l in plan.splitlines() if l.startswith("spark.sql.defaultCatalog="))
        expect("spark.kubernetes." not in plan.replace("# dropped spark.kubernetes.", ""), "dry run passes no spark.kubernetes.* setting")
        expect("credential" not in "\n".join(l for l in plan.splitlines() if not l.startswith("#")), "dry run passes no credential")

        began = time.monotonic()
        up = run(binary, "up", team, "--timeout", "300", env=env)   # 2 busy cores can take minutes
        startup = time.monotonic() - began
        url = up.stdout.splitlines()[0]
        port = int(url.rsplit(":", 1)[1])
        expect(up.stdout.splitlines()[1] == f"export SPARK_REMOTE={url}", f"up prints {url} and the SPARK_REMOTE line")
        record = json.load(open(os.path.join(state, team, "server.json")))
        pid = record["pid"]
        print(f"figure: `pedregal local up` answered after {startup:.1f} s (pid {pid}, port {port})")

        again = run(binary, "up", team, env=env)
        expect(again.stdout.splitlines()[0] == url and "already running" in again.stderr, "up twice reports the running server")

        status = run(binary, "status", team, env=env)
        expect("answering" in status.stdout and record["logPath"] in status.stdout, "status finds it answering and names the log")

        client = dict(env, SPARK_REMOTE=url)
        subprocess.run([sys.executable, "-c", CLIENT, default, "write"], env=client, check=True, timeout=300)
        expect(True, f"created, wrote and read e2e.features in default catalog {default!r}")

        up_gateway = run(binary, "up", team, "--gateway", env=env)
        record = json.load(open(os.path.join(state, team, "server.json")))
        gateway = record["gateway"]
        expect("grpc.default_authority" in up_gateway.stdout and gateway["host"] in up_gateway.stdout,
               f"up --gateway prints the client snippet for {gateway['host']}")
        token_path = os.path.join(state, team, "gateway", "token")
        subprocess.run([sys.executable, "-c", GATEWAY_CLIENT, str(gateway["port"]), gateway["host"], token_path, default],
                       env=env, check=True, timeout=300)
        expect(True, "the pyspark client reads the table through the gateway as the team's host, with the token")
        expect("gateway sc://localhost:" in run(binary, "status", team, env=env).stdout, "status shows the gateway")

        down = run(binary, "down", team, env=env)
        expect(f"stopped pid {pid}" in down.stdout, "down stops it")
        expect(not pid_alive(pid), f"process {pid} is gone")
        expect(port_closed(port), f"port {port} is closed")
        expect(not pid_alive(gateway["pid"]) and port_closed(gateway["port"]), "the gateway is gone too")
        expect(run(binary, "status", team, env=env, check=False).returncode == 1, "status after down exits 1")

        up = run(binary, "up", team, "--timeout", "300", env=env)
        url = up.stdout.splitlines()[0]
        subprocess.run([sys.executable, "-c", CLIENT, default, "read"], env=dict(env, SPARK_REMOTE=url), check=True, timeout=300)
        expect(True, "after down and up the warehouse still holds the table")
        run(binary, "down", team, "--purge", env=env)
        expect(not os.path.exists(os.path.join(state, team)), "down --purge removes the warehouse")

        # A record whose process is gone: reported stale and removed.
        dead = subprocess.Popen(["true"])
        dead.wait()
        os.makedirs(os.path.join(state, team))
        record["pid"] = dead.pid
        json.dump(record, open(os.path.join(state, team, "server.json"), "w"))
        stale = run(binary, "status", env=env, check=False)
        expect(stale.returncode == 1 and "stale" in stale.stdout, "status reports a dead pid as stale")
        expect(not os.path.exists(os.path.join(state, team, "server.json")), "the stale record is removed")

        missing_java = dict(env, SPARK_HOME=os.path.dirname(__import__("pyspark").__file__), PATH="/nonexistent")
        missing_java.pop("JAVA_HOME", None)
        result = run(binary, "up", team, env=missing_java, check=False)
        expect(result.returncode == 69 and "openjdk-17" in result.stderr, "no Java: exit 69 and how to install it")
        missing_spark = dict(env, PATH="/nonexistent")
        result = run(binary, "up", team, env=missing_spark, check=False)
        expect(result.returncode == 69 and "pip install" in result.stderr, "no Spark: exit 69 and how to install it")
    finally:
        subprocess.run([binary, "local", "down", "--purge"], env=env, capture_output=True)
        shutil.rmtree(state, ignore_errors=True)
    print("local e2e passed")


if __name__ == "__main__":
    main()
