#!/usr/bin/env bash
# End-to-end test of `pedregal gateway` with real Spark Connect servers
# (pyspark's bundled Spark 4, JDK 17) and the real pyspark client.
# Usage: Tests/e2e/gateway/run.sh [path/to/pedregal]   (run from the repository root)
# Installs what it needs into a venv (PEDREGAL_E2E_VENV, default .build/e2e-venv).
set -euo pipefail
cd "$(dirname "$0")/../../.."

binary="${1:-.build/debug/pedregal}"
venv="${PEDREGAL_E2E_VENV:-.build/e2e-venv}"

if ! command -v java >/dev/null 2>&1; then
  as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
  as_root apt-get update -q && as_root apt-get install -y -q openjdk-17-jre-headless
fi
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
if ! "$venv/bin/python" -c 'import pyspark, pandas, pyarrow, grpc, grpc_status, google.protobuf, jwt, cryptography' 2>/dev/null; then
  "$venv/bin/pip" install -q 'pyspark[connect]==4.0.*' 'pyjwt[crypto]' cryptography
fi
exec "$venv/bin/python" Tests/e2e/gateway/gateway_e2e.py --binary "$binary" --routes generated/sk8-us-west-2/spark-gateway
