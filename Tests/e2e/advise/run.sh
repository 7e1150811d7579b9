#!/usr/bin/env bash
# End to end: `pedregal advise` on the real event logs of small real Spark jobs.
# Runs spark_jobs.py on Spark's local-cluster master (executor JVMs of their own;
# pyspark 4.0.1 writes rolling zstd event logs), then checks what advise says:
# the over-provisioned job is told to use fewer executors, the spilling job is not
# told to shrink its memory, the skewed job's straggler stage is named, and no
# memory recommendation is below the observed peak plus headroom.
# Usage: Tests/e2e/advise/run.sh [path/to/pedregal]   (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/../../.."

binary="${1:-.build/debug/pedregal}"
venv="${PEDREGAL_E2E_VENV:-.build/e2e-venv}"
if ! command -v java >/dev/null 2>&1; then
  as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
  as_root apt-get update -q && as_root apt-get install -y -q openjdk-17-jre-headless
fi
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
"$venv/bin/python" -c 'import pyspark' 2>/dev/null || "$venv/bin/pip" install -q 'pyspark==4.0.1'

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
py="$venv/bin/python"
jobs=Tests/e2e/advise/spark_jobs.py
"$py" "$jobs" overprovisioned --executors 6 --worker-memory 640 --event-log-dir "$work/over" --name nightly-report >"$work/over.out" 2>"$work/over.err" \
  || { cat "$work/over.err"; exit 1; }
"$py" "$jobs" spilling --executors 2 --event-log-dir "$work/spill" --stage-metrics --shuffle-partitions 2 --memory-fraction 0.15 \
  >"$work/spill.out" 2>"$work/spill.err" || { cat "$work/spill.err"; exit 1; }
"$py" "$jobs" skewed --executors 2 --event-log-dir "$work/skew" >"$work/skew.out" 2>"$work/skew.err" || { cat "$work/skew.err"; exit 1; }

for job in over spill skew; do
  "$binary" advise --event-logs "$work/$job" --format json >"$work/$job.json"
  "$binary" advise --event-logs "$work/$job" >"$work/$job.txt"
  cat "$work/$job.txt"
done
# The same logs through a History Server's REST API (a stand-in serving them as Spark's does).
"$py" Tests/e2e/advise/history_server.py "$work/over" --lifetime 120 >"$work/port" &
server=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
"$binary" advise --history-server "http://127.0.0.1:$(cat "$work/port")" --format json >"$work/over-history.json"
kill "$server" 2>/dev/null || true
exec "$py" - "$work" <<'PY'
import json, sys
work = sys.argv[1]
def load(name):
    with open(f"{work}/{name}.json") as f:
        return json.load(f)
def rec(advice, key):
    return next(r for r in advice["recommendations"] if r["key"] == key)
failures = []
over = load("over")
if not over["recommended"]["executorInstances"] < over["current"]["executorInstances"]:
    failures.append(f"over-provisioned: executors not reduced: {over['recommended']}")
if over["executorMillisRecommended"] > 0.7 * over["executorMillisNow"]:
    failures.append("over-provisioned: recommendation saves less than 30% of executor time")
if over["predictedWallTimeMillis"] > 1.10 * over["measuredWallTimeMillis"]:
    failures.append("over-provisioned: predicted more than 10% slower")
spill = load("spill")
if spill["runs"][0]["memorySpilledBytes"] <= 0:
    failures.append("spilling job did not spill")
if spill["recommended"]["executorMemory"] != spill["current"]["executorMemory"] and \
   int(spill["recommended"]["executorMemory"].rstrip("mg")) * (1024 if spill["recommended"]["executorMemory"].endswith("g") else 1) < 512:
    failures.append("spilling job: memory lowered")
history = load("over-history")
if history["recommended"] != over["recommended"] or history["runs"] != over["runs"]:
    failures.append("the History Server's copy of the over-provisioned log gave other advice than the folder")
skew = load("skew")
if not skew["runs"][0]["skewedStages"]:
    failures.append("skewed job: no skewed stage found")
for name, advice in (("over", over), ("spill", spill), ("skew", skew)):
    peak = max(run["peakHeapBytes"] for run in advice["runs"])
    memory = advice["recommended"]["executorMemory"]
    mib = int(memory[:-1]) * (1024 if memory.endswith("g") else 1)
    if mib * 1024 * 1024 < peak * 1.25:
        failures.append(f"{name}: executor memory {memory} below peak heap {peak} plus 25%")
if failures:
    sys.exit("advise end to end failed:\n  " + "\n  ".join(failures))
print("4 passed, 0 failed")
PY
