#!/usr/bin/env bash
# The gateway's benchmark, in one run: small-query latency and large Arrow throughput through the
# gateway vs directly (real Spark Connect, real pyspark), then unary calls/s to a trivial backend.
# Usage (repository root): Tests/e2e/gateway/bench.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
swift build -c release --product pedregal
swift build -c release --product pedregal-gateway-bench
venv="${PEDREGAL_E2E_VENV:-.build/e2e-venv}"
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
if ! "$venv/bin/python" -c 'import pyspark, pandas, pyarrow, grpc, jwt, cryptography' 2>/dev/null; then
  "$venv/bin/pip" install -q 'pyspark[connect]==4.0.*' 'pyjwt[crypto]' cryptography
fi
exec "$venv/bin/python" Tests/e2e/gateway/bench.py --binary .build/release/pedregal \
  --bench-binary .build/release/pedregal-gateway-bench --routes generated/sk8-us-west-2/spark-gateway "$@"
