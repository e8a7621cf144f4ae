#!/usr/bin/env bash
# The same small sweep in one process and under mpirun with 2 and 3 ranks (the MPI backend,
# sim/mpi_backend.hpp) must give the same file outside /metadata; and the comparison must notice
# a changed value (checked on a copy with one cell changed).
#   tests/mpi/run_mpi_sweep.sh BUILD/eldersim SOURCE_DIR [MPIEXEC]
set -euo pipefail
eldersim=$(realpath "$1")
cd "$2"
mpiexec=${3:-mpirun}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
compare=(/usr/bin/python3 tests/mpi/compare_sweeps.py)
sweep=(sweep configs/sweeps/test-small.yaml --set simulation.end=2021-12-31 -q)

"$eldersim" "${sweep[@]}" --out "$work/one.h5"
for n in 2 3; do
  "$mpiexec" --allow-run-as-root --oversubscribe -np "$n" "$eldersim" "${sweep[@]}" \
    --out "$work/np$n.h5"
  ranks=$(/usr/bin/python3 -c "import h5py, sys; print(h5py.File(sys.argv[1])['metadata'].attrs['ranks'])" "$work/np$n.h5")
  [[ $ranks == "$n" ]] || { echo "np$n.h5 records $ranks ranks"; exit 1; }
  "${compare[@]}" "$work/one.h5" "$work/np$n.h5"
done

# The comparison itself: one series cell changed must fail it.
cp "$work/one.h5" "$work/changed.h5"
/usr/bin/python3 - "$work/changed.h5" <<'PY'
import sys
import h5py
import numpy as np
with h5py.File(sys.argv[1], "r+") as f:
    d = f["series"][sorted(f["series"])[0]]
    values = d[()]
    cell = np.unravel_index(np.flatnonzero(np.isfinite(values))[-1], values.shape)
    values[cell] += 1
    d[()] = values
PY
if "${compare[@]}" "$work/one.h5" "$work/changed.h5" >"$work/changed.txt"; then
  echo "compare_sweeps.py did not notice a changed value"
  exit 1
fi
grep -q "values differ" "$work/changed.txt"
echo "MPI sweeps with 2 and 3 ranks match the one-process sweep"
