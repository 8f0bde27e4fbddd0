#!/usr/bin/env bash
# Installs and builds what is missing, then runs every test (unit, fuzz corpus, end to end) and
# ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh || exit 1

meson test -C build --print-errorlogs --num-processes 2 "$@"
status=$?
python3 - build/meson-logs/testlog.json <<'PY'
import json, sys
passed = failed = 0
for line in open(sys.argv[1], encoding="utf-8"):
    result = json.loads(line).get("result")
    if result in ("OK", "EXPECTEDFAIL"):
        passed += 1
    elif result != "SKIP":
        failed += 1
print(f"{passed} passed, {failed} failed")
PY
exit $status
