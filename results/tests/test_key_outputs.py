"""eldersim_results.key_outputs reads files of the current schema and of the schema before the
core rebuild (old series names) alike."""

import h5py
import numpy as np
import pytest

from conftest import make_run_file
from eldersim_results.key_outputs import compare, key_outputs, summarise

#: current name -> name before the core rebuild, for every series that was renamed
OLD_NAMES = {
    "series": {"new_person_years": "person_years", "new_spending": "spending",
               "new_government_spending": "government_spending", "new_hospital_bed_days": "hospital_bed_days",
               "new_delayed_discharge_days": "delayed_discharge_days",
               "new_rehabilitation_bed_days": "rehabilitation_bed_days"},
    "facilities": {"n_places_by_facility": "facility_places", "n_occupied_by_facility": "facility_occupied",
                   "n_waiting_by_facility": "facility_waiting",
                   "new_admissions_by_facility": "facility_admissions",
                   "mean_wait_days_by_facility": "facility_mean_wait_days"},
    "hospitals": {"n_beds_by_hospital": "hospital_beds",
                  "new_elderly_bed_days_by_hospital": "hospital_elderly_bed_days",
                  "elderly_occupancy_by_hospital": "hospital_elderly_occupancy",
                  "peak_occupied_beds_by_hospital": "hospital_peak_occupied"},
}


def to_old_schema(path):
    """Rename the series of ``path`` in place to their names before the core rebuild, and drop
    the series that did not exist then."""
    with h5py.File(path, "a") as f:
        for group, names in OLD_NAMES.items():
            for new, old in names.items():
                f[group].move(new, old)
        for name in ("cum_deaths", "cum_entrants"):
            del f["series"][name]


def test_key_outputs_of_the_current_schema(tmp_path):
    path = tmp_path / "run.h5"
    data = make_run_file(path, care=True, hospitals=True)
    out = key_outputs(path, years=(2020, 2021))
    rows = slice(12, 24)
    assert out["death_rate_2021"] == pytest.approx(
        1000 * data["new_deaths"][rows].sum() / data["new_person_years"][rows].sum())
    assert out["delayed_discharge_share_2020"] == pytest.approx(
        data["new_delayed_discharge_days"][:12].sum() / data["new_hospital_bed_days"][:12].sum())
    homes = data["facility_type"] == "institution"
    occupancy = (data["n_occupied_by_facility"][rows][:, homes].sum(axis=1)
                 / data["n_places_by_facility"][rows][:, homes].sum(axis=1))
    assert out["institution_occupancy_2021"] == pytest.approx(occupancy.mean())
    with pytest.raises(ValueError, match="no period in 2030"):
        key_outputs(path, years=(2030,))


def test_key_outputs_of_the_old_schema_are_the_same(tmp_path):
    new, old = tmp_path / "new.h5", tmp_path / "old.h5"
    make_run_file(new, care=True, hospitals=True, seed=3)
    make_run_file(old, care=True, hospitals=True, seed=3)
    to_old_schema(old)
    with h5py.File(old, "r") as f:
        assert "person_years" in f["series"] and "new_person_years" not in f["series"]
    assert key_outputs(old, years=(2020, 2021)) == key_outputs(new, years=(2020, 2021))


def test_compare_replicates():
    reference = summarise([{"x": 1.0}, {"x": 2.0}, {"x": 3.0}])
    assert reference["x"] == {"mean": 2.0, "sd": 1.0, "n": 3}
    ref_mean, new_mean, z = compare(reference, [{"x": 2.0}, {"x": 3.0}, {"x": 4.0}])["x"]
    assert (ref_mean, new_mean) == (2.0, 3.0)
    assert z == pytest.approx(1.0 / np.sqrt(2 / 3))
