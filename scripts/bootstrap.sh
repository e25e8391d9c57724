#!/usr/bin/env bash
# Installs the Debian packages joulebench needs (only those missing) and builds the Release
# preset. Safe to run again: it does nothing that is already done.
#   --aarch64  instead: the cross toolchain, qemu-user and the :arm64 libraries (Debian multiarch),
#              then the aarch64 preset (build/aarch64), whose tests run under qemu-user.
set -euo pipefail
cd "$(dirname "$0")/.."

target=release
case "${1:-}" in
  "") ;;
  --aarch64) target=aarch64 ;;
  *) echo "bootstrap: unknown option '$1'; the only one is --aarch64 (a cross build for aarch64)" >&2; exit 2 ;;
esac
sudo_cmd=()
[[ $EUID -eq 0 ]] || sudo_cmd=(sudo)

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

if [[ $target == aarch64 ]]; then
  # Only what the cross build links (SNMP and IPMI meters stay out: libsnmp-dev and libfreeipmi-dev
  # cannot be installed for two architectures at once) and what runs its tests.
  packages=(build-essential cmake ninja-build pkg-config git nlohmann-json3-dev python3
            g++-aarch64-linux-gnu qemu-user
            libc6:arm64 libssl-dev:arm64 libtbb-dev:arm64 libhwloc-dev:arm64 libgtest-dev:arm64
            libbenchmark-dev:arm64 libcurl4-openssl-dev:arm64 coinor-libcbc-dev:arm64 zlib1g-dev:arm64
            libbz2-dev:arm64)
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    echo "bootstrap: adding the arm64 architecture to dpkg (multiarch)"
    "${sudo_cmd[@]}" dpkg --add-architecture arm64
    "${sudo_cmd[@]}" apt-get update -qq
  fi
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Configure quietly, but show what was found or turned off (optional comparison libraries).
configure_log=$(cmake --preset "$target" 2>&1) || { echo "$configure_log" >&2; exit 1; }
grep -- '-- joulebench:' <<<"$configure_log" | sed 's/^-- /bootstrap: /' || true
cmake --build --preset "$target" -j"$(nproc)"
if [[ $target == aarch64 ]]; then
  echo "bootstrap: built build/aarch64 (joulebench and the isa tests, for aarch64); test with"
  echo "bootstrap:   QEMU_CPU=neoverse-n1 ctest --preset aarch64"
else
  echo "bootstrap: built build/release/bench/joulebench"
fi
