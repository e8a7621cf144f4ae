"""Waiting-list survival: how long waits last, with censoring, from the waits that started,
ended and are still on the list (``new_waits_started``, ``new_waits_ended`` by outcome and
duration band, ``n_waiting_by_duration``; docs/hdf5-schema.md).

A simple mean of completed waits (``mean_wait_days``) leaves out everyone who gave up, died or is
still waiting, so it understates waits where lists are long (docs/validation.md, "Scale"). The
life table here counts every wait of the run: each ended wait in the band of its length, each
wait still on the list at the end of the run as censored in the band it has reached. Waits
already on the lists when the run starts (the care warm-up's, ``new_waits_carried_in``) enter
the table late, at the band they had reached then (left truncation): they are at risk from
that band on only, so the long waits the run starts with do not count as observed from day 0.

>>> waiting_survival(open_run("run.h5"), "institution")
#   band  at_risk  admitted  reneged  left  censored  still_waiting_after  admitted_by  reneged_by  left_by
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

__all__ = ["waiting_survival", "BAND_ENDS"]

#: the upper ends of the duration bands, in days (the last band is open)
BAND_ENDS = (30, 90, 180, None)


def waiting_survival(ds: xr.Dataset, service: str = "institution") -> pd.DataFrame:
    """The actuarial life table of the waits for ``service`` over the whole run (every district;
    a sweep's replicates pooled; one scenario at a time: select it first).

    Columns per band: ``at_risk`` (waits that reached the band's start), ``admitted``,
    ``reneged``, ``left`` (ended in the band), ``censored`` (still waiting at the run's end, in
    the band), ``still_waiting_after`` (the share of waits still on the list at the band's end:
    every ending counts, only the end of the run censors; the actuarial method counts half the
    censored as at risk), and ``admitted_by``, ``reneged_by``, ``left_by`` (the cumulative
    shares of waits that ended so by the band's end). KeyError for a file without the series."""
    for name in ("new_waits_ended", "n_waiting_by_duration"):
        if name not in ds:
            raise KeyError(f"{name} is not in this file (written since schema version 2 files of "
                           "eldersim with waiting-list survival)")
    if "scenario" in ds.dims and ds.sizes["scenario"] > 1:
        raise ValueError("select one scenario first (ds.sel(scenario=...))")
    ended = ds["new_waits_ended"].sel(service=service)
    keep = ("wait_end", "wait_band")
    ended = ended.sum([d for d in ended.dims if d not in keep])
    still = ds["n_waiting_by_duration"].sel(service=service).isel(period=-1)
    censored = still.sum([d for d in still.dims if d != "wait_band"]).to_numpy().astype(float)
    e = {o: ended.sel(wait_end=o).to_numpy().astype(float) for o in ("admitted", "reneged", "left")}
    exits = e["admitted"] + e["reneged"] + e["left"]
    bands = [str(b) for b in ended["wait_band"].values]
    total = exits + censored
    if "new_waits_carried_in" in ds:
        carried = ds["new_waits_carried_in"].sel(service=service)
        carried = carried.sum([d for d in carried.dims if d != "wait_band"]).to_numpy().astype(float)
    else:  # files written before the care warm-up: every wait started in the run
        carried = np.zeros_like(total)
    # At risk at a band's start: every wait that ended or is censored in it or later, less those
    # that entered after its start (carried in at a later band).
    entered_later = np.concatenate([carried[::-1].cumsum()[::-1][1:], [0.0]])
    at_risk = total[::-1].cumsum()[::-1] - entered_later
    rows, surviving, by = [], 1.0, {"admitted": 0.0, "reneged": 0.0, "left": 0.0}
    for j, band in enumerate(bands):
        effective = at_risk[j] - censored[j] / 2
        hazard = {o: (e[o][j] / effective if effective > 0 else 0.0) for o in by}  # nobody left
        for o in by:
            by[o] += surviving * hazard[o]
        surviving *= 1 - sum(hazard.values())
        rows.append({"band": band, "at_risk": at_risk[j], "admitted": e["admitted"][j],
                     "reneged": e["reneged"][j], "left": e["left"][j], "censored": censored[j],
                     "still_waiting_after": surviving if BAND_ENDS[j] is not None else np.nan,
                     "admitted_by": by["admitted"], "reneged_by": by["reneged"], "left_by": by["left"]})
    return pd.DataFrame(rows).set_index("band")
