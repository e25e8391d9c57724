#!/usr/bin/env bash
# Installs the Debian packages joulebench needs (only those missing) and builds the Release
# preset. Safe to run again: it does nothing that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake ninja-build pkg-config git
          libssl-dev libtbb-dev libhwloc-dev nlohmann-json3-dev
          coinor-libcbc-dev         # CBC: `plan` solves its allocation as a MILP in-process
          zlib1g-dev libbz2-dev     # CBC's pkg-config links -lz -lbz2; its -dev package does not pull them in
          coinor-cbc glpk-utils     # the tests re-solve plan.lp with cbc and glpsol
          libcurl4-openssl-dev      # Redfish meters (--meter redfish://...) over HTTP(S)
          libsnmp-dev               # SNMP PDU meters (--meter snmp://...)
          snmpsim snmp              # the SNMP meter test: a recorded real PDU served by snmpsimd, snmpget as oracle
          libfreeipmi-dev           # IPMI BMC meters (--meter ipmi://...) over RMCP+
          openipmi ipmitool         # the IPMI meter test: OpenIPMI's BMC simulator, ipmitool as oracle
          openssl python3           # the meter tests: a self-signed certificate, DMTF's Redfish mockup server
          libbenchmark-dev libgtest-dev googletest
          libopenblas-dev libdnnl-dev ocl-icd-opencl-dev
          clang libclang-rt-14-dev  # clang and its libFuzzer/sanitizer runtimes: the fuzz harnesses
          python3-jsonschema        # the tests check every written results.json against its JSON Schema
          slurmctld slurmd slurm-client munge)  # the fleet test runs the job script on a real local Slurm

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]}"
  sudo_cmd=()
  [[ $EUID -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Configure quietly, but show what was found or turned off (optional comparison libraries).
configure_log=$(cmake --preset release 2>&1) || { echo "$configure_log" >&2; exit 1; }
grep -- '-- joulebench:' <<<"$configure_log" | sed 's/^-- /bootstrap: /' || true
cmake --build --preset release -j"$(nproc)"
echo "bootstrap: built build/release/bench/joulebench"
