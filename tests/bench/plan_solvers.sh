#!/bin/sh
# `plan`'s objective against two other solvers reading the plan.lp it wrote: GLPK's glpsol and
# COIN-OR's cbc executable, on the reference run's planner.json; feasible plans must agree within
# 1e-6 (relative), an infeasible one must be infeasible for all three. Skipped (77) without them.
# usage: plan_solvers.sh JOULEBENCH REFERENCE_DIR
set -eu
for tool in glpsol cbc python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$tool not installed (apt-get install glpk-utils coinor-cbc)"; exit 77; }
done
jb=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp "$2/planner.json" "$dir/"
fail=0
check() {  # name, then plan's arguments
  name=$1; shift
  rc=0
  "$jb" plan --results "$dir" --lp "$dir/$name.lp" --json "$@" > "$dir/$name.json" || rc=$?
  ours=$(python3 -c "import json,sys; p=json.load(open(sys.argv[1])); print(p['objective'] if p['feasible'] else 'infeasible')" "$dir/$name.json")
  glpsol --lp "$dir/$name.lp" -o "$dir/$name.glpk" > "$dir/$name.glpk.log" 2>&1 || true
  glpk=$(python3 - "$dir/$name.glpk" "$dir/$name.glpk.log" <<'PY'
import re, sys
text = open(sys.argv[1]).read() if __import__("os").path.exists(sys.argv[1]) else ""
log = open(sys.argv[2]).read()
m = re.search(r"Objective:\s+\S+ = (\S+)", text)
empty = "EMPTY" in text or "NO PRIMAL FEASIBLE" in log or "NO INTEGER FEASIBLE" in log or "UNDEFINED" in text
print("infeasible" if empty or not m else m.group(1))
PY
)
  cbcout=$(cbc "$dir/$name.lp" solve 2>&1 || true)
  coin=$(printf '%s\n' "$cbcout" | python3 -c "
import re, sys
t = sys.stdin.read()
m = re.search(r'Objective value:\s+(\S+)', t)
print(m.group(1) if 'Result - Optimal solution found' in t and m else 'infeasible')")
  agree=$(python3 -c "
import sys
a = sys.argv[1:]
if 'infeasible' in a: print('yes' if len(set(a)) == 1 else 'no')
else:
    v = [float(x) for x in a]; print('yes' if max(v) - min(v) <= 1e-6 * max(1.0, max(abs(x) for x in v)) else 'no')" "$ours" "$glpk" "$coin")
  echo "$name: plan $ours (exit $rc), glpsol $glpk, cbc $coin -> $agree"
  [ "$agree" = yes ] || fail=1
}
check mining-only --budget 2.5W
check with-front --budget 3.5W --demand 100
check valued --budget 4W --demand 300 --value-per-hash 3e-9
check tight-slo --budget 3.5W --demand 100 --slo-ms 1
check over-budget --budget 1.7W --demand 300
exit $fail
