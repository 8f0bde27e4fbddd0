#!/usr/bin/env bash
# Installs and builds what is missing, then runs every test (unit, fuzz corpus, end to end) in
# build/, and the "sanitize" suite (unit, media, fuzz corpus, signaling, chairing
# and lifetime tests) again in build-asan/ with AddressSanitizer and UndefinedBehaviorSanitizer.
# Ends with one line "N passed, N failed" over both runs.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh || exit 1

meson test -C build --print-errorlogs --num-processes 2 "$@"
status=$?

if [ ! -f build-asan/build.ninja ]; then
  meson setup build-asan --buildtype=debugoptimized -Db_sanitize=address,undefined \
    -Db_lundef=false >/dev/null || exit 1
fi
ninja -C build-asan || exit 1
# Leaks are counted as fds, threads and RSS by the lifetime tests: GStreamer's type system and
# registry keep memory until exit by design, which LeakSanitizer would report. Any other report
# (use after free, overflow, undefined behaviour) ends the process with a failure.
# The halls of the end-to-end tests are the plain build's clients: it is the gateway under test.
ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:halt_on_error=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
DC_TEST_CLIENT="$PWD/build/client/diemcau-client" \
  meson test -C build-asan --suite sanitize --print-errorlogs --num-processes 2 \
    --timeout-multiplier 3 "$@"
asan_status=$?

python3 - build/meson-logs/testlog.json build-asan/meson-logs/testlog.json <<'PY'
import json, sys
passed = failed = 0
for path in sys.argv[1:]:
    for line in open(path, encoding="utf-8"):
        result = json.loads(line).get("result")
        if result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif result != "SKIP":
            failed += 1
print(f"{passed} passed, {failed} failed")
PY
[ $status -eq 0 ] && [ $asan_status -eq 0 ]
