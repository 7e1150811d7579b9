#!/usr/bin/env bash
# Real failures, classified: small Spark 4 jobs (failing_jobs.py) that fail for
# known reasons run in local-cluster[2,1,1024] mode (executors are JVMs of their
# own, with their own heap, as on Kubernetes), and `pedregal job classify` must
# name each one's class from its real driver log and event log.
# Usage: Tests/e2e/remediation/run.sh [path/to/pedregal] [--record]   (from the repository root)
#   --record  also writes the driver logs' last lines and the event logs to
#             Tests/PedregalRemediationTests/Fixtures/, which `swift test` classifies without Spark.
# Installs pyspark into a venv (PEDREGAL_E2E_VENV, default .build/e2e-venv) and needs Java 17.
set -euo pipefail
cd "$(dirname "$0")/../../.."

binary="${1:-.build/debug/pedregal}"
record="${2:-}"
venv="${PEDREGAL_E2E_VENV:-.build/e2e-venv}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if ! command -v java >/dev/null 2>&1; then
  as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
  as_root apt-get update -q && as_root apt-get install -y -q openjdk-17-jre-headless
fi
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
if ! "$venv/bin/python" -c 'import pyspark' 2>/dev/null; then "$venv/bin/pip" install -q 'pyspark==4.0.*'; fi
export PATH="$(cd "$venv" && pwd)/bin:$PATH"

# job, the class its driver log shows, the class its event log alone shows (a
# failure before any task, or of the driver itself, leaves the event log silent).
# One task failure ends a job (spark.task.maxFailures=1): a failing task is not
# run four times over.
jobs=(
  "missing-table data-or-schema unknown"
  "udf-error user-code user-code"
  "executor-oom executor-out-of-memory executor-out-of-memory"
  "driver-oom driver-out-of-memory unknown"
)
classify() { "$binary" job classify "$@" --format json | python3 -c 'import json, sys; print(json.load(sys.stdin)["failure"]["class"])'; }
failed=0
for entry in "${jobs[@]}"; do
  read -r job expected from_events <<<"$entry"
  events="$work/$job-events"
  mkdir -p "$events"
  start=$(date +%s)
  status=0
  spark-submit --master 'local-cluster[2,1,1024]' --driver-memory 512m \
    --conf spark.executor.memory=512m --conf spark.task.maxFailures=1 --conf spark.driver.maxResultSize=0 \
    --conf spark.ui.enabled=false --conf spark.eventLog.enabled=true --conf "spark.eventLog.dir=file://$events" \
    Tests/e2e/remediation/failing_jobs.py "$job" >"$work/$job.log" 2>&1 || status=$?
  if [ "$status" = 0 ]; then
    echo "FAIL $job: the job succeeded; it must fail" >&2
    failed=1
    continue
  fi
  log=$(classify --driver-log "$work/$job.log")
  both=$(classify --driver-log "$work/$job.log" --event-log "$events")
  alone=$(classify --event-log "$events")
  printf '%-14s exit %-3s %4ss  driver log: %-24s with event log: %-24s event log alone: %s\n' \
    "$job" "$status" "$(( $(date +%s) - start ))" "$log" "$both" "$alone"
  if [ "$log" != "$expected" ] || [ "$both" != "$expected" ] || [ "$alone" != "$from_events" ]; then
    echo "FAIL $job: expected $expected from the driver log (with or without the event log) and $from_events from the event log alone" >&2
    "$binary" job classify --driver-log "$work/$job.log" --event-log "$events" >&2 || true
    failed=1
  fi
  if [ "$record" = "--record" ]; then
    fixtures=Tests/PedregalRemediationTests/Fixtures
    tail -n 1000 "$work/$job.log" >"$fixtures/$job.log"
    rm -rf "${fixtures:?}/eventlogs/$job" && mkdir -p "$fixtures/eventlogs/$job"
    (cd "$events" && find . -name '.*.crc' -delete && cp -r . "$OLDPWD/$fixtures/eventlogs/$job/")
  fi
done
exit "$failed"
