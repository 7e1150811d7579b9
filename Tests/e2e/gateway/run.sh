#!/usr/bin/env bash
# End-to-end test of `pedregal gateway` with real Spark Connect servers
# (pyspark's bundled Spark 4, JDK 17) and the real pyspark client, and on request the
# attack suite: hostile HTTP/2 clients (the h2 library and raw frames) while a
# pyspark client runs `SELECT 1` in a loop (hostile_e2e.py; docs/gateway.md).
# Usage: Tests/e2e/gateway/run.sh [path/to/pedregal]   (run from the repository root)
# Installs what it needs into a venv (PEDREGAL_E2E_VENV, default .build/e2e-venv); with
# --prepare it only installs (Java 17 and the venv every end-to-end suite shares), so that
# .ci/run can install while it builds.
# PEDREGAL_GATEWAY_E2E="functional hostile" runs both (default: functional; the hostile suite's p99
# ratios need a quiet machine and the gateway users run, so .ci/run runs it last, after every build,
# against the release binary: docs/gateway.md).
set -euo pipefail
cd "$(dirname "$0")/../../.."

prepare_only=false
if [ "${1:-}" = --prepare ]; then prepare_only=true; shift; fi
binary="${1:-.build/debug/pedregal}"
venv="${PEDREGAL_E2E_VENV:-.build/e2e-venv}"
suites="${PEDREGAL_GATEWAY_E2E:-functional}"

if ! command -v java >/dev/null 2>&1; then
  as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
  as_root apt-get update -q && as_root apt-get install -y -q openjdk-17-jre-headless
fi
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
if ! "$venv/bin/python" -c 'import pyspark, pandas, pyarrow, grpc, grpc_status, google.protobuf, jwt, cryptography, h2, hpack' 2>/dev/null; then
  "$venv/bin/pip" install -q 'pyspark[connect]==4.0.*' 'pyjwt[crypto]' cryptography 'h2>=4,<5'
fi
if $prepare_only; then exit 0; fi
routes=generated/sk8-us-west-2/spark-gateway
status=0
for suite in $suites; do
  case "$suite" in
    functional) "$venv/bin/python" Tests/e2e/gateway/gateway_e2e.py --binary "$binary" --routes "$routes" || status=1 ;;
    hostile) "$venv/bin/python" Tests/e2e/gateway/hostile_e2e.py --binary "$binary" --routes "$routes" || status=1 ;;
    *) echo "unknown suite '$suite' (functional, hostile)" >&2; exit 64 ;;
  esac
done
exit "$status"
