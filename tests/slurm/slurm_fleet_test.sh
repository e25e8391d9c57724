#!/usr/bin/env bash
# A real Slurm on localhost: munged, slurmctld and two slurmd (node1, node2 on their own ports)
# started here with a minimal slurm.conf (no cgroups, proctrack/linuxproc, no accounting); the
# job script submitted with sbatch, the merge step with --dependency=afterany; both waited for
# with squeue/scontrol; the per-node results and the merged table checked. The daemons are
# stopped on every ending (trap). Exit 77 (ctest: skipped) with the reason where daemons cannot
# be started here: not root, or Slurm/munge not installed (scripts/bootstrap.sh installs them).
#
# Usage: slurm_fleet_test.sh JOULEBENCH_BINARY REPO_DIR
set -uo pipefail
binary=${1:?binary}
repo=${2:?repo}
skip() { echo "SKIP: $*"; exit 77; }

[[ $EUID -eq 0 ]] || skip "slurmd must run as root to launch jobs; run the tests as root (CI does)"
for tool in munged slurmctld slurmd sbatch squeue scontrol sinfo; do
  command -v "$tool" >/dev/null || skip "$tool not installed (scripts/bootstrap.sh installs slurmctld slurmd slurm-client munge)"
done

# Debian's slurmd 22.05 will not start without a cgroup filesystem (its cgroup plugin loads even
# with proctrack/linuxproc and task/none); a bare chroot has none.
grep -qs ' /sys/fs/cgroup ' /proc/mounts ||
  skip "no cgroup filesystem at /sys/fs/cgroup (a chroot or container without one): slurmd 22.05 cannot initialise"

t0=$(date +%s)
work=$(mktemp -d /tmp/joulebench-slurm.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  sleep 1
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  # Job steps the daemons started (proctrack/linuxproc tracks them by parent).
  pkill -9 -f "slurmstepd.*$work" 2>/dev/null
  echo "fixture: daemons stopped; $(($(date +%s) - t0)) s in all"
  [[ -n "${KEEP:-}" ]] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# Ports away from Slurm's defaults (6817/6818) so a site's own Slurm is left alone.
base=$((20000 + RANDOM % 20000))
ctld_port=$base node1_port=$((base + 1)) node2_port=$((base + 2))

mkdir -p "$work/munge" "$work/state" "$work/spool/node1" "$work/spool/node2" "$work/log" "$work/results"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 700 "$work/munge"; chmod 400 "$work/munge/munge.key"
# Every daemon runs in the foreground as this script's child, in its process group: if the
# script is killed outright (SIGKILL, a ctest timeout), the group goes with it.
munged --foreground --force --key-file="$work/munge/munge.key" --socket="$work/munge/munge.socket" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/log/munged.log" --seed-file="$work/munge/seed" \
  > "$work/log/munged.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [[ -S "$work/munge/munge.socket" ]] && break; sleep 0.1; done
[[ -S "$work/munge/munge.socket" ]] || skip "munged would not start here ($(tail -1 "$work/log/munged.out" 2>/dev/null))"

cpus=$(nproc)
cat > "$work/slurm.conf" <<CONF
ClusterName=joulebench-test
SlurmctldHost=localhost
SlurmctldPort=$ctld_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool/%n
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd-%n.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd-%n.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SelectType=select/linear
ReturnToService=2
MpiDefault=none
SlurmdTimeout=60
NodeName=node1 NodeHostname=localhost NodeAddr=127.0.0.1 Port=$node1_port CPUs=$cpus State=UNKNOWN
NodeName=node2 NodeHostname=localhost NodeAddr=127.0.0.1 Port=$node2_port CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=node1,node2 Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"

slurmctld -D -i -f "$SLURM_CONF" > "$work/log/slurmctld.out" 2>&1 &
pids+=($!)
for node in node1 node2; do
  slurmd -D -N "$node" -f "$SLURM_CONF" > "$work/log/slurmd-$node.out" 2>&1 &
  pids+=($!)
done

# Both nodes idle, or why not.
for _ in $(seq 60); do
  for p in "${pids[@]:2}"; do kill -0 "$p" 2>/dev/null || dead=1; done  # a slurmd that exited will not come up
  [[ -n "${dead:-}" ]] && break
  idle=$(timeout 5 sinfo -h -N -t idle -o '%N' 2>/dev/null | sort -u | wc -l)
  [[ $idle -eq 2 ]] && break
  sleep 1
done
if [[ ${idle:-0} -ne 2 ]]; then
  echo "nodes did not come up:"; sinfo -N 2>&1; tail -5 "$work"/log/*.log "$work"/log/*.out 2>/dev/null
  grep -qi "multiple" "$work"/log/slurmd-node2.* 2>/dev/null && skip "this Slurm build cannot run two slurmd on one host"
  grep -qs "Unable to initialize cgroup plugin" "$work"/log/slurmd-node1.log &&
    skip "slurmd could not initialise its cgroup plugin here ($(grep -m1 -i cgroup "$work"/log/slurmd-node1.log))"
  exit 1
fi
echo "fixture: munged, slurmctld and slurmd node1+node2 up after $(($(date +%s) - t0)) s"

cd "$work"
export RESULTS="$work/results" JOULEBENCH="$binary"
job=$(sbatch --parsable --nodes=2 "$repo/scripts/slurm/joulebench.sbatch" --quick --workloads sha256d) || exit 1
merge=$(sbatch --parsable --dependency=afterany:"$job" "$repo/scripts/slurm/joulebench-merge.sbatch" "$job") || exit 1
echo "submitted: sbatch --nodes=2 scripts/slurm/joulebench.sbatch --quick --workloads sha256d -> job $job"
echo "submitted: sbatch --dependency=afterany:$job scripts/slurm/joulebench-merge.sbatch $job -> job $merge"

for _ in $(seq 300); do
  [[ -z "$(squeue -h -j "$job,$merge" 2>/dev/null)" ]] && break
  sleep 1
done
[[ -z "$(squeue -h -j "$job,$merge" 2>/dev/null)" ]] || { echo "jobs still queued after 300 s"; squeue; exit 1; }
merge_state=$(scontrol show job "$merge" 2>/dev/null | grep -o 'JobState=[A-Z]*' | head -1)
echo "merge job: $merge_state"

fail=0
check() { if ! eval "$1"; then echo "FAIL: $2"; fail=1; fi; }
for node in node1 node2; do
  check "[[ -f results/$job/$node/results.json ]]" "no results/$job/$node/results.json"
  check "[[ \$(cat results/$job/$node/exit_status 2>/dev/null) == 0 ]]" "$node's run did not exit 0 (see results/$job/$node/run.log)"
done
check "[[ -f results/$job/fleet.csv && -f results/$job/fleet.html ]]" "merge wrote no fleet.csv / fleet.html"
check "grep -q \"results/$job/node1,\" results/$job/fleet.csv && grep -q \"results/$job/node2,\" results/$job/fleet.csv" \
  "fleet.csv lacks a row per node"
check "[[ \$(grep -c ',sha256d,' results/$job/fleet.csv) -eq 2 ]]" "fleet.csv lacks the sha256d rows"
check "[[ \$merge_state == JobState=COMPLETED ]]" "merge job ended $merge_state"
echo "--- per-node result directories"; find "results/$job" -maxdepth 2 | sort | sed "s|^|  |"
echo "--- merged table (fleet.csv)"; cut -d, -f1-6,10,14,15,18 "results/$job/fleet.csv" | sed "s|$work/||g; s|^|  |"
echo "--- merge job output"; sed 's|^|  |' "joulebench-merge-$merge.out" 2>/dev/null | sed "s|$work/||g"
[[ $fail -eq 0 ]] && echo "PASS: a real Slurm ran the job script on 2 nodes and the merge step after it"
exit $fail
