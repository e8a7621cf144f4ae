"""End to end: run the real engine on the small Guangzhou scenario and read its file."""

import subprocess

import numpy as np
import pytest

from conftest import RESULTS_DIR
from eldersim_results import hospitals, open_run, plots

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


HOSPITAL_GROUP = ("hospital_beds", "hospital_rehabilitation_beds", "hospital_new_admissions",
                  "hospital_referred_in", "hospital_diverted", "hospital_turned_away", "hospital_deaths",
                  "hospital_elderly_bed_days", "hospital_elderly_occupancy", "hospital_total_occupancy",
                  "hospital_peak_occupied", "hospital_delayed_discharge_days",
                  "hospital_rehabilitation_bed_days", "hospital_mean_length_of_stay")


def test_engine_hospitals_and_info(engine_run):
    ds = engine_run
    assert ds.sizes["hospital"] > 0
    assert list(ds["destination_district"].values) == list(ds["district"].values)
    for name in HOSPITAL_GROUP:
        assert ds[name].dims == ("period", "hospital"), name
    for coord in ("hospital_district", "hospital_tier", "hospital_ownership"):
        assert coord in ds.coords and ds[coord].dims == ("hospital",)
    assert set(ds["hospital_district"].values) <= set(ds["district"].values)
    assert set(ds["hospital_tier"].values) <= {"1", "2", "3"}
    assert set(ds["hospital_ownership"].values) <= {"public", "private"}
    # hospitals add up to their districts
    by_district = lambda name: ds[name].groupby(ds["hospital_district"]).sum().rename(
        hospital_district="district").reindex(district=ds["district"].values, fill_value=0)
    np.testing.assert_array_equal(by_district("hospital_beds").transpose("period", "district").values,
                                  ds["n_hospital_beds"].values)
    np.testing.assert_allclose(by_district("hospital_elderly_bed_days").transpose("period", "district").values,
                               ds["hospital_bed_days"].values)
    np.testing.assert_allclose(by_district("hospital_delayed_discharge_days").transpose("period", "district").values,
                               ds["delayed_discharge_days"].values)
    assert (ds["hospital_peak_occupied"] <= ds["hospital_beds"]).where(ds["hospital_beds"] > 0, True).all()


def test_engine_hospital_helpers(engine_run):
    ds = engine_run
    matrix = hospitals.admissions_matrix(ds)
    assert matrix["year"].values.tolist() == [2020, 2021]
    np.testing.assert_array_equal(matrix.sum("destination_district").values,
                                  hospitals.yearly_totals(ds, "new_hospital_admissions").values)
    np.testing.assert_array_equal(ds["new_hospital_admissions_by_sex_age"].sum(["sex", "age_band"]).values,
                                  ds["new_hospital_admissions"].values)
    # the recovered bed-days available are the per-hospital ones summed by district
    capacity = hospitals.capacity_bed_days(ds)
    per_hospital = hospitals.hospital_capacity_bed_days(ds).groupby(ds["hospital_district"]).sum()
    per_hospital = per_hospital.rename(hospital_district="district").reindex(
        district=ds["district"].values, fill_value=0).transpose("period", "district")
    np.testing.assert_allclose(capacity.values, per_hospital.values, rtol=1e-9)
    occupancy = hospitals.yearly_hospital_occupancy(ds)
    total = hospitals.yearly_hospital_occupancy(ds, total=True)
    assert ((occupancy > 0) & (occupancy <= total) & (total <= 1)).all()
    rates = hospitals.admission_rates_by_age(ds)
    assert (rates > 0).all() and rates.sel(age_band="85-89").min() > rates.sel(age_band="60-64").max()
    table = hospitals.tradeoff_table({"a": ds, "b": ds})
    assert (table[("delayed_discharge_days", "b - a")] == 0).all()
    for plot in (hospitals.occupancy_and_bed_blocking, hospitals.admissions_matrix_heatmap):
        assert plot(ds).axes
