#!/usr/bin/env bash
# End-to-end test of `pedregal local`: a repo team's Spark Connect server on
# this machine (pyspark's bundled Spark 4, JDK 17) used by the real pyspark client.
# Usage: Tests/e2e/local/run.sh [path/to/pedregal]   (run from the repository root)
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
if ! "$venv/bin/python" -c 'import pyspark, pandas, pyarrow, grpc, grpc_status, google.protobuf' 2>/dev/null; then
  "$venv/bin/pip" install -q 'pyspark[connect]==4.0.*'
fi
exec "$venv/bin/python" Tests/e2e/local/local_e2e.py --binary "$binary" --team data-science
