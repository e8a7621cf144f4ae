#!/usr/bin/python3
"""Compare two policies end to end: 20% more institution beds in the old core against LTC
insurance from ADL level 2 (and both), each against the Guangzhou baseline.

    /usr/bin/python3 results/examples/compare_policies.py --scale 0.01 [--replicates N]
        [--end YYYY-MM-DD] [--year YYYY] [--jobs J] [--out-dir DIR] [--resume]

1. runs ``build/eldersim sweep configs/sweeps/beds-vs-ltc.yaml --set population.scale=SCALE``
   (10 replicates unless --replicates; --end shortens the runs), writing
   DIR/beds-vs-ltc-<scale>.h5 (DIR defaults to results/);
2. writes the report DIR/beds-vs-ltc-<scale>.html (eldersim_results.report);
3. writes the comparison figure DIR/beds-vs-ltc-<scale>_unmet_need.png: people in need without
   formal care per year, each scenario's mean with its 95% interval (left) and its paired
   difference from the baseline (right), for the real population;
4. prints the headline table of the target year (default: the last full year).

Build the engine first (``cmake --build build -j2``).  Exit status 1 if the sweep fails.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[1]
REPO = RESULTS.parent
sys.path.insert(0, str(RESULTS))

from eldersim_results import compare, open_sweep, summary_table, wide_table, write_report  # noqa: E402

SWEEP = REPO / "configs" / "sweeps" / "beds-vs-ltc.yaml"
BINARY = REPO / "build" / "eldersim"


def run_sweep(args, out: Path) -> None:
    """The sweep at the scale asked for (and the other options), into ``out``."""
    cmd = [str(BINARY), "sweep", str(SWEEP), "--out", str(out), "--force",
           "--set", f"population.scale={args.scale:g}"]
    if args.end:
        cmd += ["--set", f"simulation.end={args.end}"]
    if args.replicates:
        cmd += ["--replicates", str(args.replicates)]
    if args.jobs:
        cmd += ["--jobs", str(args.jobs)]
    if args.resume:
        cmd.append("--resume")
    print(" ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=REPO, check=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, required=True, help="population.scale, e.g. 0.01 (1%% of the people)")
    parser.add_argument("--replicates", type=int, help="replicates (default: the sweep file's, 10)")
    parser.add_argument("--end", help="simulation.end, e.g. 2030-12-31 (default: the scenario's)")
    parser.add_argument("--year", type=int, help="target year of the table (default: the last full year)")
    parser.add_argument("--jobs", type=int, help="runs at once (default: one per core)")
    parser.add_argument("--out-dir", type=Path, default=RESULTS, help="where the files go (default: results/)")
    parser.add_argument("--resume", action="store_true", help="continue an interrupted sweep")
    args = parser.parse_args(argv)
    if not BINARY.is_file():
        print(f"compare_policies: {BINARY} not found: build it first (cmake --build build -j2)", file=sys.stderr)
        return 1
    stem = f"beds-vs-ltc-{args.scale:g}"
    sweep, page, figure = (args.out_dir / f"{stem}{end}" for end in (".h5", ".html", "_unmet_need.png"))
    args.out_dir.mkdir(parents=True, exist_ok=True)
    try:
        run_sweep(args, sweep)
    except subprocess.CalledProcessError as err:
        print(f"compare_policies: the sweep failed (exit status {err.returncode})", file=sys.stderr)
        return 1
    print(write_report(sweep, page, args.year))
    ds = open_sweep(sweep)
    compare.scenario_comparison(ds, "n_unmet", by="year").savefig(figure, dpi=110)
    print(figure)
    table = summary_table(ds, year=args.year)
    print(f"\n{table.attrs['year']}: mean [95% interval] over {ds.sizes['replicate']} replicates, "
          f"differences paired by replicate")
    print(wide_table(table).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
