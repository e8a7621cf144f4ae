#!/usr/bin/env bash
# Scaling in agents: the same scenario at three population scales (default about 0.2, 2 and 20
# million agents), time per step and peak memory, and the ratios between consecutive scales.
# Linear scaling means 10 times the agents costs about 10 times the time; the memory slope
# (bytes per extra agent) is the per-agent cost without the fixed part (code, libraries, tables).
# Usage: bench/scaling.sh [CONFIG] [THREADS] [-- --set key=value ...]
set -euo pipefail
cd "$(dirname "$0")/.."
config=${1:-configs/guangzhou.yaml}
threads=${2:-1}
shift $(( $# < 2 ? $# : 2 )) || true
[ "${1:-}" = "--" ] && shift
scales=(${SCALES:-0.094 0.94 9.4})
bin=${ELDERSIM_MACRO:-build/bench/eldersim_macro}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
printf '%-7s %11s %11s %6s %12s %10s %9s %10s %12s\n' scale agents_start most_agents steps \
  'ms per step' 'x time' peak_MiB 'x agents' 'B/agent slope'
prev_ms= prev_agents= prev_rss=
for sc in "${scales[@]}"; do
  line=$("$bin" "$config" --threads "$threads" --floor-steps 5 --set population.scale="$sc" "$@" |
    grep '^RESULT')
  steps=$(field steps <<<"$line"); run=$(field run_s <<<"$line"); write=$(field write_s <<<"$line")
  most=$(field most_agents <<<"$line"); rss=$(field peak_rss_mib <<<"$line")
  ms=$(awk -v r="$run" -v w="$write" -v n="$steps" 'BEGIN{printf "%.3f", 1000*(r-w)/n}')
  if [ -n "$prev_ms" ]; then
    xt=$(awk -v a="$ms" -v b="$prev_ms" 'BEGIN{printf "%.2f", a/b}')
    xa=$(awk -v a="$most" -v b="$prev_agents" 'BEGIN{printf "%.2f", a/b}')
    slope=$(awk -v a="$rss" -v b="$prev_rss" -v m="$most" -v p="$prev_agents" \
      'BEGIN{printf "%.1f", (a-b)*1048576/(m-p)}')
  else xt=- xa=- slope=-; fi
  printf '%-7s %11s %11s %6s %12s %10s %9s %10s %12s\n' "$sc" "$(field agents_start <<<"$line")" \
    "$most" "$steps" "$ms" "$xt" "$rss" "$xa" "$slope"
  prev_ms=$ms prev_agents=$most prev_rss=$rss
done
echo "threads $threads; machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
