#!/bin/sh
# The OpenMetrics export of the reference run through Prometheus's own linter. Skipped (77)
# where promtool is not installed (Debian package prometheus, left out of bootstrap: it brings a
# daemon and ~100 MB).
# usage: export_promtool.sh JOULEBENCH REFERENCE_DIR
set -eu
command -v promtool >/dev/null 2>&1 || { echo "promtool not installed (apt-get install prometheus)"; exit 77; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$1" export --results "$2" --format openmetrics --out "$out/metrics.txt" >/dev/null
promtool check metrics < "$out/metrics.txt"
echo "promtool check metrics: ok ($(grep -vc '^#' "$out/metrics.txt") samples)"
