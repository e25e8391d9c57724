#!/usr/bin/env python3
"""Static estimate of each sha256d kernel on cores this machine is not: the compiled main loop of
every kernel (objdump of the built miner library) through llvm-mca for each modelled core.

GCC keeps some message-schedule loops rolled inside the main loop, and llvm-mca reads a loop body
as straight-line code, so those inner bodies count once. The script therefore prints llvm-mca's
cycles for the block as compiled and, beside it, that figure scaled by the operations the kernel
really executes per hash (`joulebench kernels --json`, counted from the kernel's code) over the
vector operations in the block. Read the scaled column as the estimate, the raw one as its floor.

usage: miner/tools/sha256d_mca.py [--build build/release] [--mca llvm-mca-16] [--json | --check]
--check (ctest): every built lanes/SHA-NI kernel is found and estimated on every core that can run
it; exits 77 (skipped) without llvm-mca of LLVM 16 or later.
"""
import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile

# symbol (demangled, as objdump -C prints it) -> kernel name, nonces per main-loop iteration
KERNELS = [
    (r"scan_lanes<[^>]*Avx512Ops<2, false> >\(", "avx512", 32),
    (r"scan_lanes<[^>]*Avx512Ops<2, true> >\(", "avx512-textbook", 32),
    (r"scan_lanes<[^>]*Avx512Ops<1, false> >\(", "avx512-1x16", 16),
    (r"scan_lanes<[^>]*Avx2Ops>\(", "avx2", 8),
    (r"Shani<4, true>::scan\(", "shani", 4),
    (r"Shani<3, true>::scan\(", "shani-3x", 3),
    (r"Shani<2, true>::scan\(", "shani-2x", 2),
]
# the cores llvm-mca models, and which kernels each can run
CPUS = {"znver3": {"avx2", "shani", "shani-3x", "shani-2x"},
        "znver4": None, "icelake-server": None}
VECTOR = re.compile(r"^v?p(add|sub|xor|or|and|andn|ternlog|ror|rol|srl|sll|sra|shuf|alignr|max|min|cmp)|^sha256")
ROTSHIFT = re.compile(r"^vp(ror|rol|srl|sll|sra)")


def functions(objdump_text):
    """name -> [(address, mnemonic, operands)] for every function in the disassembly."""
    out, name = {}, None
    for line in objdump_text.splitlines():
        head = re.match(r"^[0-9a-f]+ <(.*)>:$", line)
        if head:
            name = head.group(1)
            out[name] = []
            continue
        ins = re.match(r"^\s+([0-9a-f]+):\s+(\S+)\s*(.*)$", line)
        if ins and name is not None:
            out[name].append((int(ins.group(1), 16), ins.group(2), ins.group(3)))
    return out


def main_loop(code):
    """Instructions of the loop closed by the backward branch that spans the most code."""
    best = None
    for addr, mnem, ops in code:
        target = re.match(r"^([0-9a-f]+) <", ops)
        if mnem.startswith("j") and target and int(target.group(1), 16) < addr:
            span = (int(target.group(1), 16), addr)
            if best is None or span[1] - span[0] > best[1] - best[0]:
                best = span
    if best is None:
        return []
    return [(m, o) for a, m, o in code if best[0] <= a <= best[1]]


def assembly(loop):
    lines = []
    for mnem, ops in loop:
        if mnem.startswith("j") or mnem.startswith("nop") or mnem in ("cs", "ds", "data16"):
            continue
        ops = ops.split("#")[0].strip()
        lines.append(f"{mnem} {ops}".strip())
    return "\n".join(lines) + "\n"


def mca(tool, cpu, text):
    with tempfile.NamedTemporaryFile("w", suffix=".s") as f:
        f.write(text)
        f.flush()
        run = subprocess.run([tool, f"-mcpu={cpu}", "-iterations=50", f.name], capture_output=True, text=True)
    if run.returncode != 0:
        return None, run.stderr.strip().splitlines()[0] if run.stderr else "llvm-mca failed"
    cycles = int(re.search(r"Total Cycles:\s+(\d+)", run.stdout).group(1))
    iterations = int(re.search(r"Iterations:\s+(\d+)", run.stdout).group(1))
    return cycles / iterations, None


def check(result, built):
    """Problems with the estimates, printed; the exit code for ctest."""
    problems = []
    found = {r["kernel"]: r for r in result["kernels"]}
    for kernel in sorted(built):
        if kernel not in found:
            problems.append(f"{kernel}: no main loop found in {result['library']}")
            continue
        for cpu, c in found[kernel]["cores"].items():
            if "skipped" in c:
                if CPUS[cpu] is None or kernel in CPUS[cpu]:
                    problems.append(f"{kernel} on {cpu}: {c['skipped']}")
            elif not c["cycles_per_hash_block"] > 0 or not (c["cycles_per_hash_scaled"] or 0) >= c["cycles_per_hash_block"]:
                problems.append(f"{kernel} on {cpu}: block {c['cycles_per_hash_block']}, scaled {c['cycles_per_hash_scaled']}")
    print("\n".join(problems) if problems else f"{len(found)} kernels estimated by {result['llvm_mca']}")
    return 1 if problems else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build/release")
    ap.add_argument("--mca", default=next((t for t in ("llvm-mca-16", "llvm-mca-15", "llvm-mca") if shutil.which(t)), None))
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    if args.mca is None:
        print("llvm-mca not found: apt-get install llvm-16 (LLVM 16 is the first with -mcpu=znver4)")
        sys.exit(77 if args.check else 1)
    # A plain `llvm-mca` may be an older LLVM (Debian 12's clang pulls in LLVM 14), which has no
    # znver4 model: skip with the reason instead of failing on a missing tool version.
    major = re.search(r"LLVM version (\d+)", subprocess.run([args.mca, "--version"], capture_output=True,
                                                             text=True).stdout)
    if major is None or int(major.group(1)) < 16:
        found = major.group(1) if major else "of unknown version"
        print(f"{args.mca} is LLVM {found}; -mcpu=znver4 needs LLVM 16: apt-get install llvm-16")
        sys.exit(77 if args.check else 1)
    lib = f"{args.build}/miner/libjoulebench_miner.a"
    try:
        dump = subprocess.run(["objdump", "-d", "--no-show-raw-insn", "-C", lib], capture_output=True, text=True,
                              check=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        sys.exit(f"cannot disassemble {lib} ({e}); build first (cmake --preset release && cmake --build --preset release)")
    counted = json.loads(subprocess.run([f"{args.build}/bench/joulebench", "kernels", "--json", "--no-measure"],
                                        capture_output=True, text=True, check=True).stdout)
    dynamic = {r["kernel"]: r["ops_per_hash"] for r in counted["sha256d_port_bounds"]["kernels"]
               if r["versions_per_nonce"] == 1}
    version = subprocess.run([args.mca, "--version"], capture_output=True, text=True).stdout
    version = re.search(r"LLVM version (\S+)", version)
    fns = functions(dump)
    rows = []
    for pattern, kernel, lanes in KERNELS:
        name = next((n for n in fns if re.search(pattern, n)), None)
        if name is None:
            continue
        loop = main_loop(fns[name])
        static_ops = sum(1 for m, _ in loop if VECTOR.match(m))
        ops = dynamic.get(kernel, {})
        real = (ops.get("vector", 0) + ops.get("sha256rnds2", 0) + ops.get("sha256msg1", 0)
                + ops.get("sha256msg2", 0)) * lanes
        scale = real / static_ops if static_ops and real else None
        row = {"kernel": kernel, "nonces_per_iteration": lanes, "block_instructions": len(loop),
               "block_vector_ops": static_ops, "executed_vector_ops": real or None, "cores": {}}
        for cpu, runs in CPUS.items():
            if runs is not None and kernel not in runs:
                row["cores"][cpu] = {"skipped": "the core lacks the kernel's instructions"}
                continue
            per_iteration, err = mca(args.mca, cpu, assembly(loop))
            if per_iteration is None:
                row["cores"][cpu] = {"skipped": err}
                continue
            raw = per_iteration / lanes
            row["cores"][cpu] = {"cycles_per_hash_block": raw, "cycles_per_hash_scaled": raw * scale if scale else None}
        rows.append(row)
    result = {"llvm_mca": f"{args.mca} (LLVM {version.group(1) if version else '?'})", "library": lib, "kernels": rows}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    if args.check:
        sys.exit(check(result, {n for _, n, _ in KERNELS if dynamic.get(n)}))
    print(f"sha256d kernels through {result['llvm_mca']}: cycles/hash, the compiled main loop as a block"
          " / scaled to the ops executed")
    print(f"{'kernel':15} {'ops block/run':>14}" + "".join(f" {c:>22}" for c in CPUS))
    for r in rows:
        cells = ""
        for cpu in CPUS:
            c = r["cores"][cpu]
            if "skipped" in c:
                cells += f" {'-':>22}"
            else:
                scaled = c["cycles_per_hash_scaled"]
                cells += f" {c['cycles_per_hash_block']:>10.1f} / {scaled if scaled else float('nan'):>9.1f}"
        print(f"{r['kernel']:15} {r['block_vector_ops']:>6}/{r['executed_vector_ops'] or 0:>7.0f}{cells}")
    print("- = the core lacks the kernel's instructions (Zen 3 has no AVX-512)")


if __name__ == "__main__":
    main()
