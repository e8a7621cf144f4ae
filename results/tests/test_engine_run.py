"""End to end: run the real engine on the small Guangzhou scenario and read its file."""

import h5py
import numpy as np
import pytest

from conftest import (CARE_SERIES, FACILITY_SERIES, HOSPITAL_GROUP_SERIES, HOSPITAL_SERIES, KINDS, RESULTS_DIR,
                      SERIES, make_run_file)
from eldersim_results import hospitals, open_run, plots

REPO = RESULTS_DIR.parent
BINARY = REPO / "build" / "eldersim"

pytestmark = pytest.mark.skipif(not BINARY.is_file(), reason=f"{BINARY} not built")


@pytest.fixture(scope="module")
def engine_run(engine_file):
    return open_run(engine_file)


def layout(path):
    """What the schema fixes in a run file, not its values: ``{group/name: (dims, unit,
    kind, dtype)}`` for every dataset, and the type of every /metadata attribute."""
    out = {}
    with h5py.File(path, "r") as f:
        for group in f:
            for name, dset in f[group].items():
                attrs = {k: v.decode() if isinstance(v, bytes) else v for k, v in dset.attrs.items()}
                out[f"{group}/{name}"] = (attrs.get("dims"), attrs.get("unit"), attrs.get("kind"),
                                          "string" if h5py.check_string_dtype(dset.dtype) else str(dset.dtype))
        out["metadata attributes"] = {k: type(v).__name__ for k, v in f["metadata"].attrs.items()}
    return out


def test_synthetic_files_follow_the_engine_schema(engine_file, tmp_path):
    """conftest.make_run_file(care=True, hospitals=True) writes the same groups, datasets,
    dims, units, kinds, dtypes and metadata attributes (with their types) as the engine."""
    synthetic = tmp_path / "synthetic.h5"
    make_run_file(synthetic, care=True, hospitals=True)
    real, ours = layout(engine_file), layout(synthetic)
    assert sorted(set(real) - set(ours)) == [] and sorted(set(ours) - set(real)) == []
    assert {k: v for k, v in real.items() if real[k] != ours[k]} == {}
    specs = {**SERIES, **CARE_SERIES, **HOSPITAL_SERIES, **FACILITY_SERIES, **HOSPITAL_GROUP_SERIES}
    with h5py.File(engine_file, "r") as f:
        for group in ("series", "facilities", "hospitals"):
            for name, dset in f[group].items():
                description = dset.attrs["description"]
                assert specs[name][3] == (description.decode() if isinstance(description, bytes) else description)


def test_engine_names_follow_the_naming_rule(engine_run):
    ds = engine_run
    for name, var in ds.data_vars.items():
        kind = var.attrs["kind"]
        assert kind in KINDS, name
        assert name.startswith("new_") == (kind == "flow"), name
        assert name.startswith("cum_") == (kind == "cumulative"), name
        if name.startswith("n_"):
            assert kind == "stock", name
        if "facility" in var.dims:
            assert name.endswith("_by_facility"), name
        if "hospital" in var.dims:
            assert name.endswith("_by_hospital"), name


def test_engine_running_totals_and_money(engine_run):
    ds = engine_run
    np.testing.assert_array_equal(ds["cum_deaths"].values, ds["new_deaths"].cumsum("period").values)
    np.testing.assert_array_equal(ds["cum_entrants"].values, ds["new_entrants"].cumsum("period").values)
    for name in ("new_spending", "new_government_spending"):
        assert ds[name].attrs["unit"] == "yuan" and ds[name].dtype == np.float64
        fen = ds[name].values * 100
        np.testing.assert_allclose(fen, np.round(fen), rtol=0, atol=1e-6)  # whole fen
    np.testing.assert_allclose(ds["new_spending"].sel(payer="government").values,
                               ds["new_government_spending"].sum("government_spending_type").values,
                               rtol=1e-12, atol=1e-6)
    assert ds["peak_occupied_beds_by_hospital"].attrs["kind"] == "max"
    assert ds.attrs["lane_kernel"] in ("avx512", "avx2", "portable")
    assert isinstance(ds.attrs["rng_contract"], str) and ds.attrs["rng_contract"]
    assert isinstance(ds.attrs["block_size"], int) and ds.attrs["block_size"] > 0


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
    for name in ("n_places_by_facility", "n_occupied_by_facility", "n_waiting_by_facility",
                 "new_admissions_by_facility", "mean_wait_days_by_facility"):
        assert ds[name].dims == ("period", "facility")
    assert set(ds["facility_type"].values) <= {"institution", "community"}
    assert set(ds["facility_ownership"].values) <= {"public", "private"}
    assert set(ds["facility_district"].values) <= set(ds["district"].values)
    assert (ds["n_occupied_by_facility"] <= ds["n_places_by_facility"]).all()
    # every resident of an institution or day-care centre is in some facility
    for kind, name in (("institution", "n_institution"), ("community", "n_community")):
        in_facilities = ds["n_occupied_by_facility"].where(ds["facility_type"] == kind, 0).sum("facility")
        np.testing.assert_array_equal(in_facilities.values, ds[name].sum("district").values)


def test_engine_run_plots(engine_run):
    for plot in (plots.care_shares_vs_9064, plots.care_shares_over_time, plots.unmet_need,
                 plots.capacity_and_waits, plots.spending_by_payer):
        assert plot(engine_run).axes
    fig = plots.care_shares_vs_9064(engine_run)
    assert "2021" in fig._suptitle.get_text()
    assert [t.get_text() for t in fig.axes[-1].get_xticklabels()][-1] == engine_run.attrs.get("city", "citywide")


HOSPITAL_GROUP = ("n_beds_by_hospital", "n_rehabilitation_beds_by_hospital", "new_admissions_by_hospital",
                  "new_referred_in_by_hospital", "new_diverted_by_hospital", "new_turned_away_by_hospital",
                  "new_deaths_by_hospital", "new_elderly_bed_days_by_hospital", "elderly_occupancy_by_hospital",
                  "total_occupancy_by_hospital", "peak_occupied_beds_by_hospital",
                  "new_delayed_discharge_days_by_hospital", "new_rehabilitation_bed_days_by_hospital",
                  "new_stays_ended_by_hospital", "mean_length_of_stay_by_hospital")


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
        hospital_district="district").reindex(district=ds["district"].values,
                                              fill_value=0).transpose("period", "district").values
    np.testing.assert_array_equal(by_district("n_beds_by_hospital"), ds["n_hospital_beds"].values)
    np.testing.assert_allclose(by_district("new_elderly_bed_days_by_hospital"), ds["new_hospital_bed_days"].values)
    np.testing.assert_allclose(by_district("new_delayed_discharge_days_by_hospital"),
                               ds["new_delayed_discharge_days"].values)
    beds = ds["n_beds_by_hospital"]
    assert (ds["peak_occupied_beds_by_hospital"] <= beds).where(beds > 0, True).all()
    # the districts' mean lengths of stay pool their hospitals' by the stays ending
    np.testing.assert_allclose(plots.citywide(ds, "mean_length_of_stay", "weighted").values,
                               plots.citywide(ds, "mean_length_of_stay_by_hospital", "weighted").values,
                               rtol=1e-9)


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
    assert (table[("new_delayed_discharge_days", "b - a")] == 0).all()
    for plot in (hospitals.occupancy_and_bed_blocking, hospitals.admissions_matrix_heatmap):
        assert plot(ds).axes


def test_waiting_survival_of_a_real_run(engine_file):
    """The life table of the waits for a bed: shares between 0 and 1, falling, and every wait
    accounted for (admitted + reneged + left by the end, plus those censored, is everyone)."""
    from eldersim_results import open_run
    from eldersim_results.waits import waiting_survival
    ds = open_run(engine_file)
    table = waiting_survival(ds, "institution")
    assert list(table.index) == ["0-29", "30-89", "90-179", "180+"]
    carried = ds["new_waits_carried_in"].sel(service="institution")
    started = ds["new_waits_started"].sel(service="institution").sum()
    # Everyone who started a wait in the run, or was waiting less than 30 days when it began, is
    # at risk in the first band; every wait, carried in or started, ends or is censored once.
    assert table["at_risk"].iloc[0] == started + carried.sel(wait_band="0-29").sum()
    assert table[["admitted", "reneged", "left", "censored"]].to_numpy().sum() == started + carried.sum()
    assert carried.sum() > 0, "the default run starts with the warm-up's waiting lists"
    still = table["still_waiting_after"].dropna().to_numpy()
    assert ((0 <= still) & (still <= 1)).all() and (np.diff(still) <= 1e-12).all()
    last = table.iloc[-1]
    assert abs(last["admitted_by"] + last["reneged_by"] + last["left_by"] - 1) < 0.05
