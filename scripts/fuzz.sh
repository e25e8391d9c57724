#!/usr/bin/env bash
# Builds the libFuzzer harnesses (the `fuzz` preset: clang with ASan + UBSan) and runs each one
# for SECONDS on its seed corpus (tests/fuzz/corpus/<harness>/). New inputs collect in
# build/fuzz/corpus/<harness>/; a crash stops that harness and its input is kept in
# build/fuzz/crashes/<harness>/ for a regression seed. Exit 1 when any harness found a crash.
#
#   scripts/fuzz.sh 60                 # every harness for 60 s (the default)
#   scripts/fuzz.sh 600 results header # only these two
#   scripts/fuzz.sh --build            # build only (what CI's fixture does)
#   scripts/fuzz.sh --no-build 10 target  # run what is built (ctest: harnesses run side by side,
#                                          # and two builds of one tree at once would race)
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ${1:-} == --no-build ]]; then
  shift
else
  command -v clang++ >/dev/null || { echo "fuzz: clang++ not found (apt-get install clang libclang-rt-14-dev, or scripts/bootstrap.sh)" >&2; exit 2; }
  configure_log=$(cmake --preset fuzz 2>&1) || { echo "$configure_log" >&2; exit 2; }
  cmake --build --preset fuzz >/dev/null || { cmake --build --preset fuzz; exit 2; }
  [[ ${1:-} == --build ]] && { echo "fuzz: built $(ls build/fuzz/tests/fuzz/*_fuzz | wc -l) harnesses in build/fuzz/tests/fuzz"; exit 0; }
fi

seconds=${1:-60}
[[ $seconds =~ ^[0-9]+$ && $seconds -gt 0 ]] || { echo "fuzz: SECONDS '$seconds' is not a positive whole number" >&2; exit 2; }
shift || true
harnesses=("$@")
((${#harnesses[@]})) || harnesses=($(ls tests/fuzz/corpus))

status=0
for h in "${harnesses[@]}"; do
  bin=build/fuzz/tests/fuzz/${h}_fuzz
  [[ -x $bin ]] || { echo "fuzz: no harness '$h' (have: $(ls tests/fuzz/corpus | tr '\n' ' '))" >&2; exit 2; }
  mkdir -p "build/fuzz/corpus/$h" "build/fuzz/crashes/$h"
  log=build/fuzz/$h.log
  set +e
  "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="build/fuzz/crashes/$h/" "build/fuzz/corpus/$h" "tests/fuzz/corpus/$h" >"$log" 2>&1
  rc=$?
  set -e
  runs=$(grep -m1 -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo "?")
  if [[ $rc -eq 0 ]]; then
    echo "fuzz: $h: ${seconds} s, $runs runs, corpus $(ls "build/fuzz/corpus/$h" | wc -l) files, no crash"
  else
    echo "fuzz: $h: CRASH after $runs runs (exit $rc); input in build/fuzz/crashes/$h/, log $log"
    grep -m5 -E 'ERROR|runtime error|terminate|SUMMARY' "$log" | sed 's/^/  /'
    status=1
  fi
done
exit $status
