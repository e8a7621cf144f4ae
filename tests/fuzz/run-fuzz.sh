#!/usr/bin/env bash
# Runs each fuzz target for a fixed time (make fuzz; docs/reliability.md, "Fuzzing").
#   tests/fuzz/run-fuzz.sh FUZZ_BUILD_DIR ELDERSIM SECONDS [TARGET...]
# FUZZ_BUILD_DIR holds the libFuzzer builds (cmake -DELDERSIM_FUZZ=ON with clang); ELDERSIM is
# an ordinary build of the tool, through which inputs that crash the HDF5 library are replayed.
# Each target starts from its seeds in tests/fuzz/corpus/TARGET and its regression inputs; what
# it learns goes to FUZZ_BUILD_DIR/corpus/TARGET (not into the repository: `-merge=1` can fold
# it back), and any crash to FUZZ_BUILD_DIR/findings/TARGET/. Exit 1 if any target found one.
# The h5_reader target keeps going past crashes (libFuzzer's fork mode): those inside the HDF5
# library are damaged files `eldersim info` must refuse (its reader runs in a child process),
# and each is replayed through it here; a crash in eldersim's own code is a finding like any.
set -uo pipefail
build=$(realpath "$1")
eldersim=$(realpath "$2")
seconds=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=(config overrides h5_reader saved_state)
status=0
for t in "${targets[@]}"; do
  corpus=$build/corpus/$t
  findings=$build/findings/$t
  mkdir -p "$corpus" "$findings"
  log=$build/fuzz-$t.log
  args=(-max_total_time="$seconds" -artifact_prefix="$findings/" -close_fd_mask=3
        -print_final_stats=1 -rss_limit_mb=4096 -timeout=20)
  case $t in
    h5_reader) args+=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -max_len=262144) ;;
    saved_state) args+=(-max_len=400000) ;;
    *) args+=(-max_len=65536) ;;
  esac
  echo "fuzzing $t for $seconds s (log: $log)"
  LSAN_OPTIONS=suppressions=$here/../sanitizers/lsan.supp:print_suppressions=0 \
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
    "$build/tests/fuzz/fuzz_$t" "${args[@]}" "$corpus" "$here/corpus/$t" "$here/regressions/$t" \
    >"$log" 2>&1
  code=$?
  grep -E "^stat::number_of_executed_units|^stat::new_units_added|^#[0-9]+ *DONE" "$log" | tail -3
  crashes=("$findings"/crash-* "$findings"/leak-* "$findings"/timeout-* "$findings"/oom-*)
  found=0
  for c in "${crashes[@]}"; do [[ -e $c ]] && found=$((found + 1)); done
  if [[ $t == h5_reader ]]; then
    # Every file that crashed or hung the reader in process must be read or refused by the tool.
    if ! "$here/replay-info.sh" "$eldersim" "$findings"; then status=1; fi
    [[ $found -gt 0 ]] && echo "  $found inputs crashed the HDF5 library in process (kept in $findings)"
  elif [[ $code -ne 0 || $found -gt 0 ]]; then
    echo "  FOUND: exit $code, $found inputs in $findings"
    status=1
  fi
done
exit $status
