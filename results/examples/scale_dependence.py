#!/usr/bin/python3
"""How the results depend on population.scale: citywide indicators of one year for every
scenario of a sweep over the scale (configs/sweeps/scale.yaml), each the mean over replicates
with its 95% Student t interval, as a Markdown table (docs/validation.md, "Scale").

    build/eldersim sweep configs/sweeps/scale.yaml --set simulation.end=2030-12-31 --out /tmp/scale.h5
    /usr/bin/python3 results/examples/scale_dependence.py /tmp/scale.h5 --year 2030

Indicators: the 60+ death rate (per 1000 person-years), the share of the 60+ in institutions
(%), institution occupancy (%), people waiting for a bed per 1000 60+, the mean completed wait
of those admitted from the list (days), reneges per admission from the bed list, unmet need (% of
those in need) and delayed discharge (% of elderly bed-days). Exits 2 for a missing or
unreadable file.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eldersim_results import FileError, open_sweep  # noqa: E402
from eldersim_results.stats import t_quantile  # noqa: E402
from eldersim_results.waits import waiting_survival  # noqa: E402


def _year(ds, year):
    return ds.sel(period=ds["period"].dt.year == year)


def indicators(ds, year: int) -> dict:
    """``{name: array [scenario, replicate]}`` for the year."""
    y = _year(ds, year)
    city = (lambda name: y[name].sum("district"))
    months = (lambda a: a.mean("period"))
    total = (lambda a: a.sum("period"))
    inst = y["n_places_by_facility"]["facility_type"] == "institution"
    bed = y.sel(service="institution")
    admitted = bed["new_admissions_after_wait"].sum(("district", "period"))
    out = {
        "death rate per 1000": 1000 * total(city("new_deaths")) / total(y["new_person_years"].sum(("district", "sex", "age_band"))),
        "in institutions, %": 100 * months(city("n_institution") / city("n_alive")),
        "institution occupancy, %": 100 * months(y["n_occupied_by_facility"].where(inst).sum("facility")
                                                 / y["n_places_by_facility"].where(inst).sum("facility")),
        "waiting for a bed per 1000": 1000 * months(bed["n_waiting"].sum("district") / city("n_alive")),
        "mean completed wait for a bed, days": (bed["mean_wait_days"].fillna(0) * bed["new_admissions_after_wait"]).sum(("district", "period")) / admitted,
        "reneges per admission from the bed list": bed["new_reneges"].sum(("district", "period")) / admitted,
        "unmet need, % of those in need": 100 * months(city("n_unmet") / city("n_need")),
        "delayed discharge, % of elderly bed-days": 100 * total(city("new_delayed_discharge_days")) / total(city("new_hospital_bed_days")),
    }
    values = {k: v.transpose("scenario", "replicate").values for k, v in out.items()}
    if "new_waits_ended" in ds:  # the life table of the run's waits for a bed, to the year's end
        upto = ds.sel(period=ds["period"].dt.year <= year)
        table = [[waiting_survival(upto.isel(scenario=s, replicate=r), "institution")
                  for r in range(ds.sizes["replicate"])] for s in range(ds.sizes["scenario"])]
        values["still waiting for a bed after 90 days, %"] = np.array(
            [[100 * t.loc["30-89", "still_waiting_after"] for t in row] for row in table])
        values["waits for a bed ending in admission, %"] = np.array(
            [[100 * t["admitted_by"].iloc[-1] for t in row] for row in table])
    return values


def _cell(x: np.ndarray) -> str:
    x = x[np.isfinite(x)]
    if x.size == 0:
        return "-"
    m = x.mean()
    if x.size < 2:
        return f"{m:.3g}"
    half = t_quantile(0.975, x.size - 1) * x.std(ddof=1) / math.sqrt(x.size)
    return f"{m:.3g} [{m - half:.3g}, {m + half:.3g}]"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sweep")
    parser.add_argument("--year", type=int, default=None, help="default: the last full year")
    args = parser.parse_args(argv)
    try:
        ds = open_sweep(args.sweep)
    except (FileError, OSError, ValueError) as err:
        print(f"scale_dependence: {err}", file=sys.stderr)
        return 2
    year = args.year or int(ds["period"].dt.year.values[-1])
    values = indicators(ds, year)
    names = [str(n) for n in ds["scenario"].values]
    print(f"| indicator ({year}) | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for k, v in values.items():
        print(f"| {k} | " + " | ".join(_cell(v[s]) for s in range(len(names))) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
