#!/usr/bin/env bash
# Macro benchmark: runs a scenario (default: full-scale Guangzhou, 2020-2040) once per thread
# count and prints agents, steps, wall time, person-steps per second and peak memory.
# Usage: bench/macro.sh [CONFIG] [THREAD COUNTS...]     e.g. bench/macro.sh configs/guangzhou.yaml 1 2
set -euo pipefail
cd "$(dirname "$0")/.."
config=${1:-configs/guangzhou.yaml}
shift || true
threads=("$@")
[ ${#threads[@]} -gt 0 ] || threads=(1 "$(nproc)")
bin=${ELDERSIM:-build/eldersim}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf '%-8s %12s %12s %7s %10s %10s %18s %10s\n' threads agents_start agents_end steps setup_s run_s person_steps/s peak_MiB
for t in "${threads[@]}"; do
  "$bin" run "$config" --threads "$t" --out "$out/run.h5" -q
  meta() { h5dump -a "/metadata/$1" "$out/run.h5" | sed -n 's/^ *(0): //p' | tr -d '"'; }
  printf '%-8s %12s %12s %7s %10.1f %10.1f %18.3e %10s\n' "$t" "$(meta n_agents_start)" "$(meta n_agents_end)" \
    "$(meta n_steps)" "$(meta setup_seconds)" "$(meta simulate_seconds)" \
    "$(awk -v p="$(meta person_steps)" -v s="$(meta simulate_seconds)" 'BEGIN{print p/s}')" "$(meta peak_rss_mib)"
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/Mem:/{print $2}') GiB"
