#!/usr/bin/env bash
# The gateway's benchmark, in one run: small-query latency and large Arrow throughput through the
# gateway vs directly (real Spark Connect, real pyspark), then unary calls/s to a trivial backend.
# Usage (repository root): Tests/e2e/gateway/bench.sh [--queries N] [--rows N] [--rounds N]
# Installs what it needs into a venv (PEDREGAL_E2E_VENV, default .build/e2e-venv).
set -euo pipefail
cd "$(dirname "$0")/../../.."
# PEDREGAL_SCRATCH_PATH: a build folder of its own (e.g. .build-release), beside a debug .build.
scratch=()
if [ -n "${PEDREGAL_SCRATCH_PATH:-}" ]; then scratch=(--scratch-path "$PEDREGAL_SCRATCH_PATH"); fi
for product in pedregal pedregal-gateway-bench; do swift build -c release "${scratch[@]}" --product "$product"; done
venv="${PEDREGAL_E2E_VENV:-.build/e2e-venv}"
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
if ! "$venv/bin/python" -c 'import pyspark, pandas, pyarrow, grpc, grpc_status, google.protobuf, jwt, cryptography' 2>/dev/null; then
  "$venv/bin/pip" install -q 'pyspark[connect]==4.0.*' 'pyjwt[crypto]' cryptography
fi
bin="$(swift build -c release "${scratch[@]}" --show-bin-path)"
exec "$venv/bin/python" Tests/e2e/gateway/bench.py --binary "$bin/pedregal" \
  --bench-binary "$bin/pedregal-gateway-bench" --routes generated/sk8-us-west-2/spark-gateway "$@"
