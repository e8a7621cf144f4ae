"""End to end: run the real engine on the small Guangzhou scenario and read its file."""

import subprocess

import numpy as np
import pytest

from conftest import RESULTS_DIR
from eldersim_results import open_run, plots

REPO = RESULTS_DIR.parent
BINARY = REPO / "build" / "eldersim"

pytestmark = pytest.mark.skipif(not BINARY.is_file(), reason=f"{BINARY} not built")


@pytest.fixture(scope="module")
def engine_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("engine") / "small.h5"
    proc = subprocess.run([str(BINARY), "run", "configs/guangzhou-small.yaml", "--out", str(out),
                           "--set", "simulation.end=2021-12-31", "-q"],
                          cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return open_run(out)


def test_engine_file_reads_and_care_counts_add_up(engine_run):
    ds = engine_run
    assert ds.sizes["period"] == 24 and ds.sizes["district"] == 11
    total = ds["n_home"] + ds["n_community"] + ds["n_institution"] + ds["n_no_care"]
    assert total.dims == ("period", "district")
    np.testing.assert_array_equal(total.values, ds["n_alive"].values)
    assert (ds["n_alive"] > 0).all()


def test_engine_facilities_and_info(engine_run):
    ds = engine_run
    n = ds.sizes["facility"]
    assert n > 0
    for name in ("facility_places", "facility_occupied", "facility_waiting", "facility_admissions",
                 "facility_mean_wait_days"):
        assert ds[name].dims == ("period", "facility")
    assert set(ds["facility_type"].values) <= {"institution", "community"}
    assert set(ds["facility_ownership"].values) <= {"public", "private"}
    assert set(ds["facility_district"].values) <= set(ds["district"].values)
    assert (ds["facility_occupied"] <= ds["facility_places"]).all()
    # every resident of an institution or day-care centre is in some facility
    for kind, name in (("institution", "n_institution"), ("community", "n_community")):
        in_facilities = ds["facility_occupied"].where(ds["facility_type"] == kind, 0).sum("facility")
        np.testing.assert_array_equal(in_facilities.values, ds[name].sum("district").values)


def test_engine_run_plots(engine_run):
    for plot in (plots.care_shares_vs_9064, plots.care_shares_over_time, plots.unmet_need,
                 plots.capacity_and_waits, plots.spending_by_payer):
        assert plot(engine_run).axes
    fig = plots.care_shares_vs_9064(engine_run)
    assert "2021" in fig._suptitle.get_text()
    assert [t.get_text() for t in fig.axes[-1].get_xticklabels()][-1] == engine_run.attrs.get("city", "citywide")
