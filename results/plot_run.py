#!/usr/bin/python3
"""Write the standard PNG plots of one eldersim run file.

    /usr/bin/python3 results/plot_run.py RUN.h5 [--out-dir DIR]

Writes <runstem>_population_by_district.png, <runstem>_age_pyramid.png,
<runstem>_deaths_entrants.png, <runstem>_death_rate_by_age.png and the care plots
<runstem>_care_9064.png, <runstem>_care_shares.png, <runstem>_unmet_need.png,
<runstem>_capacity_waits.png and <runstem>_spending.png and the hospital plots
<runstem>_hospital_occupancy.png and <runstem>_hospital_admissions_matrix.png next to
the run file (or in DIR) and prints each path written.  A plot whose series are missing
from the run is skipped with a message on stderr.  Exits 2 if the file is missing
or not an eldersim run file, 1 if no plot could be drawn.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eldersim_results import hospitals, open_run, plots  # noqa: E402

#: file-name suffix -> plot function
PLOTS = {
    "population_by_district": plots.population_by_district,
    "age_pyramid": plots.age_pyramid,
    "deaths_entrants": plots.deaths_and_entrants,
    "death_rate_by_age": plots.death_rate_by_age,
    "care_9064": plots.care_shares_vs_9064,
    "care_shares": plots.care_shares_over_time,
    "unmet_need": plots.unmet_need,
    "capacity_waits": plots.capacity_and_waits,
    "spending": plots.spending_by_payer,
    "hospital_occupancy": hospitals.occupancy_and_bed_blocking,
    "hospital_admissions_matrix": hospitals.admissions_matrix_heatmap,
}


def main(argv=None) -> int:
    """Parse arguments, draw every plot the run supports, and return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="eldersim HDF5 run file")
    parser.add_argument("--out-dir", type=Path, help="directory for the PNGs (default: next to RUN)")
    args = parser.parse_args(argv)

    try:
        ds = open_run(args.run)
    except (OSError, ValueError) as err:  # FileNotFoundError is an OSError
        print(f"plot_run: error: {err}", file=sys.stderr)
        return 2

    out_dir = args.out_dir or args.run.parent
    out_dir.mkdir(parents=True, exist_ok=True)
    written = 0
    for suffix, plot in PLOTS.items():
        try:
            fig = plot(ds)
        except (KeyError, ValueError) as err:
            reason = err.args[0] if err.args else err
            print(f"plot_run: skipping {suffix}: {reason}", file=sys.stderr)
            continue
        path = out_dir / f"{args.run.stem}_{suffix}.png"
        fig.savefig(path, dpi=120)
        print(path)
        written += 1
    return 0 if written else 1


if __name__ == "__main__":
    sys.exit(main())
