#!/usr/bin/env bash
# Builds what is missing, then runs the conference benchmark (several minutes; see
# docs/benchmarks.md). Extra arguments go to the benchmark, e.g. --no-capacity or --duration 10.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec python3 tests/bench/bench-conference.py build/gateway/diemcau-gateway \
  build/client/diemcau-client "$@"
