#!/usr/bin/env bash
# Replays files through `eldersim info --verify` (docs/reliability.md, "Fuzzing").
#   tests/fuzz/replay-info.sh [--damaged] ELDERSIM DIR
# Each file must be read (exit 0) or refused with a message (exit 1): never a crash (a signal)
# or a hang (the tool's own read time limit, set short here, ends a loop in the HDF5 library).
# With --damaged, as for tests/fuzz/regressions/h5_library/ (files on which the HDF5 library
# crashed or looped while fuzzing), each must be refused as damaged.
set -uo pipefail
damaged=0
if [[ $1 == --damaged ]]; then
  damaged=1
  shift
fi
eldersim=$1
dir=$2
export ELDERSIM_READ_TIMEOUT_SECONDS=${ELDERSIM_READ_TIMEOUT_SECONDS:-5}
failed=0
n=0
for f in "$dir"/*; do
  [[ -f $f && $(basename "$f") != README.md ]] || continue
  n=$((n + 1))
  err=$(timeout 60 "$eldersim" info --verify "$f" 2>&1 >/dev/null)
  code=$?
  if [[ $damaged -eq 1 ]] && [[ $code -ne 1 || $err != *damaged* ]]; then
    echo "$(basename "$f"): not refused as damaged (exit $code): $err"
    failed=1
  elif [[ $code -ne 0 && $code -ne 1 ]] || [[ $code -eq 1 && -z $err ]]; then
    echo "$(basename "$f"): exit $code: $err"
    failed=1
  fi
done
echo "replayed $n files through eldersim info --verify"
exit $failed
