"""results/new_city.py: a city from a CSV of its districts, validated and run by the engine."""

from __future__ import annotations

import subprocess
import sys

import h5py
import numpy as np
import pytest
import yaml

from conftest import ENGINE, RESULTS_DIR

ROOT = RESULTS_DIR.parent
SCRIPT = RESULTS_DIR / "new_city.py"

CSV = """# Test City: three invented districts (sources would go here).
district,older_population,lat,lon,beds,public_share,hospital_beds,walk_minutes
Old Town,120000,30.00,120.00,3000,0.5,5000,10
River,60000,30.05,120.10,,,,
Hills,20000,30.30,119.80,200,,,
"""


def write(tmp_path, text=CSV):
    path = tmp_path / "districts.csv"
    path.write_text(text, encoding="utf-8")
    return path


def new_city(tmp_path, csv_path, *extra):
    out = tmp_path / "test-city.yaml"
    proc = subprocess.run([sys.executable, str(SCRIPT), str(csv_path), "--city", "Test City", "--out", str(out),
                           *extra], capture_output=True, text=True, timeout=60)
    return proc, out


def test_the_config_takes_the_csv_figures_and_borrows_the_rest(tmp_path):
    proc, out = new_city(tmp_path, write(tmp_path))
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    cfg = yaml.safe_load(text)
    like = yaml.safe_load((ROOT / "configs" / "guangzhou.yaml").read_text(encoding="utf-8"))
    assert cfg["extends"].endswith("configs/base/borrowed-from-guangzhou.yaml")
    assert [d["name"] for d in cfg["districts"]] == ["Old Town", "River", "Hills"]
    assert [d["older_population"] for d in cfg["districts"]] == [120000, 60000, 20000]
    homes = {f["name"]: f for f in cfg["care"]["facilities"]}
    # Given: 3,000 beds half public; 200 beds at the like config's public share.
    assert homes["Old Town public homes"]["places"] == 1500 and homes["Old Town private homes"]["places"] == 1500
    assert homes["Hills public homes"]["places"] + homes["Hills private homes"]["places"] == 200
    # Borrowed: River's beds at Guangzhou's beds per person 60+, and marked so.
    older = sum(d["older_population"] for d in like["districts"])
    beds = sum(f["places"] for f in like["care"]["facilities"] if f.get("type", "institution") == "institution")
    river = homes["River public homes"]["places"] + homes["River private homes"]["places"]
    assert abs(river - beds / older * 60000) <= 2
    assert "borrowed: beds per 60+" in next(line for line in text.splitlines() if "River public homes" in line)
    assert "borrowed: beds per 60+" not in next(line for line in text.splitlines() if "Old Town public homes" in line)
    # Hospital beds given as a total are split like Guangzhou's tiers; they add up to it.
    old_town = [h["beds"] for h in cfg["hospital_system"]["hospitals"] if h["district"] == "Old Town"]
    assert abs(sum(old_town) - 5000) <= len(old_town)
    # Walks: Old Town's given, the others the base's (22.5 minutes).
    assert cfg["care"]["community_services"]["canteens"]["walk_minutes"] == {"default": 22.5, "Old Town": 10}
    assert "Test City: three invented districts" in text  # the sources are carried over


def test_the_written_city_validates_and_runs(tmp_path):
    if not ENGINE.is_file():
        pytest.skip(f"{ENGINE} not built")
    proc, out = new_city(tmp_path, write(tmp_path))
    assert proc.returncode == 0, proc.stderr
    check = subprocess.run([str(ENGINE), "validate", str(out)], capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    run = tmp_path / "run.h5"
    proc = subprocess.run([str(ENGINE), "run", str(out), "--out", str(run), "--set", "simulation.end=2021-12-31",
                           "--set", "population.scale=0.05", "-q"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    with h5py.File(run, "r") as f:
        assert [d.decode() for d in f["dims/district"][:]] == ["Old Town", "River", "Hills"]
        assert f["metadata"].attrs["city"] in ("Test City", b"Test City")
        alive = f["series/n_alive"][0]
        # The census counts carried back to the start (the base's 4.4% a year over 10 months), scaled.
        expected = np.array([120000, 60000, 20000]) * 1.044 ** (-305 / 365.25) * 0.05
        assert np.all(np.abs(alive - expected) < 0.03 * expected + 20)
        assert f["series/n_institution"][-1].sum() > 0
        places = f["facilities/n_places_by_facility"][0]
        assert places.size == 3 * 3 + 3  # homes, centres, and the primary hospitals' nursing wards


@pytest.mark.parametrize("text, message", [
    ("district,older_population,lat\nA,1,30\n", "missing column 'lon'"),
    ("district,older_population,lat,lon,beds\nA,100,30,120,many\n", ":2: column 'beds': 'many' is not a number"),
    ("district,older_population,lat,lon\nA,100,30,120\nA,50,30,120\n", ":3: district 'A' given twice (first on line 2)"),
    ("district,older_population,lat,lon,bed\nA,100,30,120,5\n", "unknown column 'bed'"),
    ("district,older_population,lat,lon,public_share\nA,100,30,120,1.5\n", "column 'public_share': 1.5 is outside"),
    ("district,older_population,lat,lon,beds\nA,100,30,120,10.5\n", "column 'beds': 10.5 is not a whole number"),
    ("district,older_population,lat,lon,hospital_beds,tier3_beds\nA,100,30,120,10,5\n", "not both"),
    ("district,older_population,lat,lon\nA,100,30,120\n\nB,x,30,120\n", ":4: column 'older_population'"),
])
def test_a_bad_csv_is_refused_with_its_line_and_column(tmp_path, text, message):
    proc, out = new_city(tmp_path, write(tmp_path, text))
    assert proc.returncode == 2
    assert message in proc.stderr and "districts.csv" in proc.stderr
    assert not out.exists()


def test_names_that_need_quoting_and_an_excel_bom_come_through(tmp_path):
    csv_path = tmp_path / "districts.csv"
    csv_path.write_bytes("\ufeffdistrict,older_population,lat,lon\nXiangzhou, Zhuhai,1000,22.3,113.5\n".encode())
    proc, _ = new_city(tmp_path, csv_path)
    assert proc.returncode == 2  # an unquoted comma splits the name: the row has a column too many
    csv_path.write_bytes('\ufeffdistrict,older_population,lat,lon\n"Xiangzhou, Zhuhai",1000,22.3,113.5\nyes,50,22.4,113.6\n'
                         .encode())
    proc, out = new_city(tmp_path, csv_path)
    assert proc.returncode == 0, proc.stderr
    cfg = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert [d["name"] for d in cfg["districts"]] == ["Xiangzhou, Zhuhai", "yes"]


def test_an_existing_file_is_kept_without_force(tmp_path):
    csv_path = write(tmp_path)
    out = tmp_path / "test-city.yaml"
    out.write_text("keep me", encoding="utf-8")
    proc, _ = new_city(tmp_path, csv_path)
    assert proc.returncode == 1 and out.read_text(encoding="utf-8") == "keep me"
