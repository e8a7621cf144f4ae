#!/usr/bin/env bash
# Macro benchmark, one line per thread count: runs build/bench/eldersim_macro (a whole run of the
# scenario as the CLI runs it, the floor kernel timed in the same process) and tabulates its
# RESULT lines. Default: full-scale Guangzhou 2020-2040 on 1 thread and on every core.
# Usage: bench/macro.sh [CONFIG] [THREAD COUNTS...] [-- --set key=value ...]
#   e.g. bench/macro.sh configs/guangzhou.yaml 1 2 -- --set simulation.end=2021-12-31
set -euo pipefail
cd "$(dirname "$0")/.."
config=${1:-configs/guangzhou.yaml}
shift || true
threads=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do threads+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
[ ${#threads[@]} -gt 0 ] || threads=(1 "$(nproc)")
bin=${ELDERSIM_MACRO:-build/bench/eldersim_macro}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
printf '%-8s %11s %11s %6s %8s %8s %8s %12s %8s %8s %9s\n' threads agents_start most_agents \
  steps setup_s run_s write_s 'M steps/s' floor_x serial_% peak_MiB
for t in "${threads[@]}"; do
  line=$("$bin" "$config" --threads "$t" "$@" | grep '^RESULT')
  printf '%-8s %11s %11s %6s %8s %8s %8s %12.1f %8s %8.2f %9s\n' "$t" \
    "$(field agents_start <<<"$line")" "$(field most_agents <<<"$line")" "$(field steps <<<"$line")" \
    "$(field setup_s <<<"$line")" "$(field run_s <<<"$line")" "$(field write_s <<<"$line")" \
    "$(awk -v r="$(field rate <<<"$line")" 'BEGIN{print r/1e6}')" "$(field floor_ratio <<<"$line")" \
    "$(awk -v r="$(field serial_share <<<"$line")" 'BEGIN{print 100*r}')" "$(field peak_rss_mib <<<"$line")"
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/Mem:/{print $2}') GiB"
