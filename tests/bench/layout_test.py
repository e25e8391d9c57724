#!/usr/bin/env python3
"""bench/ layout: each folder is one CMake target, and its includes point one way.

Fails (exit 1, naming file, line and include) when a file under bench/FOLDER includes a header of
a bench folder FOLDER does not depend on, a header that does not exist, or another folder's private
header; and when a folder has no CMakeLists.txt or its CMakeLists.txt does not link the targets of
the folders it includes. The graph below is the one bench/CMakeLists.txt draws.
"""
import pathlib
import re
import sys

# folder -> folders whose headers it may include (its own, and what it links, transitively)
DEPENDS = {
    "runtime": set(),
    "results": set(),
    "report": {"results"},
    "suite": {"report", "results", "runtime"},
    "site": {"suite", "report", "results", "runtime"},
    "cli": {"site", "suite", "report", "results", "runtime"},
    "micro": set(),
}
TARGET = {"runtime": "joulebench_runtime", "results": "joulebench_results", "report": "joulebench_report",
          "suite": "joulebench_suite", "site": "joulebench_site", "cli": "joulebench_cli"}
# Headers only their own folder may include (implementation detail shared by its .cpp files).
PRIVATE = {"suite/run_state.hpp", "report/page_series.hpp"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def check(bench: pathlib.Path) -> list[str]:
    errors = []
    folders = sorted(p.name for p in bench.iterdir() if p.is_dir())
    unknown = set(folders) - set(DEPENDS)
    if unknown:
        errors.append(f"bench/ has folders the layout does not know: {sorted(unknown)}; add them to DEPENDS")
    for folder in folders:
        if not (bench / folder / "CMakeLists.txt").is_file():
            errors.append(f"bench/{folder} has no CMakeLists.txt: each folder is one target")
    for src in sorted(bench.rglob("*.[ch]pp")):
        folder = src.relative_to(bench).parts[0]
        for n, line in enumerate(src.read_text().splitlines(), 1):
            m = INCLUDE.match(line)
            if not m or m.group(1).startswith("joulebench/"):
                continue
            inc = m.group(1)
            where = f"bench/{src.relative_to(bench)}:{n}: #include \"{inc}\""
            head = inc.split("/")[0]
            if "/" not in inc or head not in DEPENDS:
                errors.append(f"{where}: include bench headers as \"folder/name.hpp\"")
            elif not (bench / inc).is_file():
                errors.append(f"{where}: no such header")
            elif head != folder and head not in DEPENDS.get(folder, set()):
                errors.append(f"{where}: {folder} does not depend on {head}")
            elif head != folder and inc in PRIVATE:
                errors.append(f"{where}: private to {head}")
    for folder, deps in DEPENDS.items():
        cmake = bench / folder / "CMakeLists.txt"
        if folder in TARGET and cmake.is_file() and TARGET[folder] not in cmake.read_text():
            errors.append(f"bench/{folder}/CMakeLists.txt does not define {TARGET[folder]}")
    return errors


def main() -> int:
    bench = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "bench")
    errors = check(bench)
    for e in errors:
        print(e)
    print(f"bench layout: {len(errors)} problem(s) in {bench}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
