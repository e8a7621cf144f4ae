#!/usr/bin/python3
"""Compare one citywide series across eldersim run files (a baseline and scenarios).

    /usr/bin/python3 results/compare_runs.py BASE.h5 SCEN.h5 [...] --series NAME
        [--reduce auto|sum|mean|weighted] [--out FILE.png]
    /usr/bin/python3 results/compare_runs.py BASE.h5 SCEN.h5 [...] --tradeoff [--out FILE.png]

Draws one line per run (the first, the baseline, in black; a run with a replicate
axis as its mean with a 95% band), writes the PNG (default:
<BASE stem>_compare_<NAME>.png next to BASE.h5) and prints its path, then prints a
table of annual means of the citywide series, one column per run.  Runs are
labelled by file stem (by path when stems repeat).  --reduce says how districts are
combined (see eldersim_results.plots.citywide; auto = shares and means weighted by
people 60+, beds or bed-days, everything else summed).

--tradeoff instead shows the trade-off of converting hospital beds (e.g.
configs/hospital-beds-to-nursing.yaml against the baseline): yearly citywide hospital
occupancy against the mean wait for an institution bed, the institution waiting list
and delayed-discharge bed-days, each scenario's difference from the baseline
(eldersim_results.hospitals.tradeoff_comparison; default PNG
<BASE stem>_tradeoff.png), then one table per indicator: its yearly value in every
run and "<scenario> - <baseline>".

Exits 2 on a missing or non-eldersim file, 1 if a run lacks the series or cannot be
reduced.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eldersim_results import hospitals, open_run, plots  # noqa: E402

#: series the --tradeoff comparison needs
TRADEOFF_SERIES = ("hospital_occupancy", "hospital_occupancy_total", "new_hospital_bed_days", "n_hospital_beds",
                   "new_delayed_discharge_days", "mean_wait_days", "new_admissions_after_wait", "n_waiting")


def _labels(paths: list[Path]) -> list[str]:
    """File stems; paths when stems repeat; numbered when paths repeat too."""
    for labels in ([p.stem for p in paths], [str(p) for p in paths]):
        if len(set(labels)) == len(labels):
            return labels
    return [f"{p} ({i + 1})" for i, p in enumerate(paths)]


def _format(value: float) -> str:
    if value != value:  # NaN
        return "-"
    return f"{value:,.4f}" if abs(value) < 10 else f"{value:,.1f}"


def main(argv=None) -> int:
    """Parse arguments, draw the comparison, print the table, and return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", type=Path, nargs="+", metavar="RUN.h5",
                        help="run files, baseline first (at least two)")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--series", help="series to compare, e.g. share_institution")
    what.add_argument("--tradeoff", action="store_true",
                      help="hospital occupancy vs institution waits and delayed discharge")
    parser.add_argument("--reduce", choices=plots.REDUCTIONS, default="auto",
                        help="how districts are combined (default: auto; not with --tradeoff)")
    parser.add_argument("--out", type=Path, help="PNG to write (default: next to the first run)")
    args = parser.parse_args(argv)
    if len(args.runs) < 2:
        parser.error("give at least two run files (baseline and one scenario)")

    runs = {}
    for label, path in zip(_labels(args.runs), args.runs):
        try:
            runs[label] = open_run(path)
        except (OSError, ValueError) as err:
            print(f"compare_runs: error: {err}", file=sys.stderr)
            return 2
    needed = TRADEOFF_SERIES if args.tradeoff else (args.series,)
    try:
        if args.tradeoff:
            fig = hospitals.tradeoff_comparison(runs)
            table = hospitals.tradeoff_table(runs)
        else:
            fig = plots.scenario_comparison(runs, args.series, args.reduce)
            table = plots.annual_means(runs, args.series, args.reduce)
    except (KeyError, ValueError) as err:
        reason = err.args[0] if err.args else err
        lacking = [label for label, ds in runs.items() if any(n not in ds.data_vars for n in needed)]
        where = f" (in {', '.join(lacking)})" if lacking else ""
        print(f"compare_runs: error: {reason}{where}", file=sys.stderr)
        return 1

    name = "tradeoff" if args.tradeoff else f"compare_{args.series}"
    out = args.out or args.runs[0].parent / f"{args.runs[0].stem}_{name}.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=120)
    print(out)
    if args.tradeoff:
        for indicator, description in hospitals.TRADEOFF_INDICATORS.items():
            print()
            print(f"{indicator}: {description}")
            block = table[indicator]
            block.columns.name = None
            print(block.to_string(float_format=_format))
        return 0
    print()
    print(f"{args.series}: annual mean of the citywide value")
    print(table.to_string(float_format=_format))
    return 0


if __name__ == "__main__":
    sys.exit(main())
