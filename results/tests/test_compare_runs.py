"""Tests for the results/compare_runs.py script, run as a subprocess from another cwd."""

import subprocess

import numpy as np
import pytest

from conftest import RESULTS_DIR, make_run_file
from test_plot_run import assert_png

SCRIPT = RESULTS_DIR / "compare_runs.py"


def compare(*args, cwd):
    return subprocess.run(["/usr/bin/python3", str(SCRIPT), *map(str, args)],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


def parse_table(lines):
    """``(columns, {year: [values]})`` from the printed table."""
    columns = lines[0].split()
    assert lines[1].split() == ["year"]
    rows = {int(line.split()[0]): [float(v.replace(",", "")) for v in line.split()[1:]] for line in lines[2:]}
    return columns, rows


def test_compare_writes_plot_and_prints_annual_means(tmp_path):
    runs = tmp_path / "runs"
    runs.mkdir()
    data = {}
    for name, seed in (("baseline", 1), ("beds_plus20", 2), ("vouchers", 3)):
        data[name] = make_run_file(runs / f"{name}.h5", care=True, seed=seed, n_periods=30)
    out = tmp_path / "figs" / "cmp.png"
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    proc = compare(runs / "baseline.h5", runs / "beds_plus20.h5", runs / "vouchers.h5",
                   "--series", "share_institution", "--out", out, cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == str(out)
    assert_png(out)
    assert lines[1] == "" and lines[2].startswith("share_institution: annual mean")
    columns, rows = parse_table(lines[3:])
    assert columns == ["baseline", "beds_plus20", "vouchers"]
    assert list(rows) == [2020, 2021, 2022]
    for j, name in enumerate(columns):
        d = data[name]
        share = d["n_institution"].sum(axis=1) / d["n_alive"].sum(axis=1)  # weighted by people
        for year, rows_of_year in ((2020, slice(0, 12)), (2021, slice(12, 24)), (2022, slice(24, 30))):
            assert rows[year][j] == round(share[rows_of_year].mean(), 4)
    assert list(cwd.iterdir()) == []


def test_compare_default_out_and_sum(tmp_path):
    a, b = tmp_path / "base.h5", tmp_path / "scen.h5"
    da = make_run_file(a, care=True, n_periods=12)
    db = make_run_file(b, care=True, n_periods=12, seed=7)
    proc = compare("base.h5", "scen.h5", "--series", "n_unmet", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "base_compare_n_unmet.png"
    assert proc.stdout.splitlines()[0] == "base_compare_n_unmet.png"
    assert_png(out)
    columns, rows = parse_table(proc.stdout.splitlines()[3:])
    assert columns == ["base", "scen"]
    np.testing.assert_allclose(rows[2020], [round(d["n_unmet"].sum(axis=1).mean(), 1) for d in (da, db)])


def test_compare_same_stem_uses_paths(tmp_path):
    for sub in ("x", "y"):
        (tmp_path / sub).mkdir()
        make_run_file(tmp_path / sub / "run.h5", care=True, n_periods=3)
    proc = compare("x/run.h5", "y/run.h5", "--series", "n_need", "--out", "c.png", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert parse_table(proc.stdout.splitlines()[3:])[0] == ["x/run.h5", "y/run.h5"]


def test_compare_errors(tmp_path):
    make_run_file(tmp_path / "care.h5", care=True, n_periods=3)
    make_run_file(tmp_path / "old.h5", n_periods=3)
    proc = compare("care.h5", "old.h5", "--series", "share_institution", cwd=tmp_path)
    assert proc.returncode == 1
    assert "share_institution" in proc.stderr and "old" in proc.stderr
    proc = compare("care.h5", "absent.h5", "--series", "n_need", cwd=tmp_path)
    assert proc.returncode == 2 and "absent.h5" in proc.stderr and "no such file" in proc.stderr
    proc = compare("care.h5", "--series", "n_need", cwd=tmp_path)
    assert proc.returncode == 2 and "at least two" in proc.stderr
    proc = compare("care.h5", "care.h5", "--series", "new_reneges", "--reduce", "weighted", cwd=tmp_path)
    assert proc.returncode == 1 and "weighted" in proc.stderr
    assert not list(tmp_path.glob("*.png"))


def parse_blocks(lines):
    """``{indicator: (columns, {year: [values]})}`` from the --tradeoff tables."""
    blocks, current = {}, []
    for line in lines + [""]:
        if line:
            current.append(line)
        elif current:
            name = current[0].split(":")[0]
            blocks[name] = parse_table(current[1:])
            current = []
    return blocks


def test_compare_tradeoff(tmp_path):
    data = {}
    for name, seed in (("baseline", 1), ("hospital-beds-to-nursing", 2)):
        data[name] = make_run_file(tmp_path / f"{name}.h5", care=True, hospitals=True, seed=seed, n_periods=18)
    proc = compare("baseline.h5", "hospital-beds-to-nursing.h5", "--tradeoff", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "baseline_tradeoff.png"
    assert_png(tmp_path / "baseline_tradeoff.png")
    assert lines[1] == ""
    blocks = parse_blocks(lines[2:])
    assert list(blocks) == ["hospital_occupancy_total", "hospital_occupancy", "new_delayed_discharge_days",
                            "institution_mean_wait_days", "institution_waiting"]
    runs = ["baseline", "hospital-beds-to-nursing"]
    for columns, rows in blocks.values():
        assert columns == [*runs, "hospital-beds-to-nursing", "-", "baseline"]  # "a - b" splits in three
        assert list(rows) == [2020, 2021]
    _, rows = blocks["new_delayed_discharge_days"]
    for year, sl in ((2020, slice(0, 12)), (2021, slice(12, 18))):
        base, scen = (data[r]["new_delayed_discharge_days"][sl].sum() for r in runs)
        np.testing.assert_allclose(rows[year], [base, scen, scen - base], atol=0.051)
    _, rows = blocks["hospital_occupancy"]
    for j, run in enumerate(runs):
        d = data[run]
        expected = d["new_hospital_bed_days"][:12].sum() / d["capacity_bed_days"][:12].sum()
        assert rows[2020][j] == round(expected, 4)
    _, rows = blocks["institution_waiting"]
    assert rows[2021][0] == pytest.approx(data["baseline"]["n_waiting"][12:18, :, 2].sum(axis=1).mean(), abs=0.051)


def test_compare_tradeoff_errors(tmp_path):
    make_run_file(tmp_path / "hosp.h5", care=True, hospitals=True, n_periods=3)
    make_run_file(tmp_path / "care.h5", care=True, n_periods=3)
    proc = compare("hosp.h5", "care.h5", "--tradeoff", "--out", "t.png", cwd=tmp_path)
    assert proc.returncode == 1
    assert "not in this run" in proc.stderr and "(in care)" in proc.stderr
    proc = compare("hosp.h5", "hosp.h5", "--tradeoff", "--series", "n_need", cwd=tmp_path)
    assert proc.returncode == 2 and "not allowed with" in proc.stderr
    proc = compare("hosp.h5", "hosp.h5", cwd=tmp_path)
    assert proc.returncode == 2 and "--series" in proc.stderr and "--tradeoff" in proc.stderr
    assert not list(tmp_path.glob("*.png"))


def test_compare_series_hospital_occupancy_weighted_by_bed_days(tmp_path):
    da = make_run_file(tmp_path / "a.h5", care=True, hospitals=True, n_periods=12)
    make_run_file(tmp_path / "b.h5", care=True, hospitals=True, n_periods=12, seed=5)
    proc = compare("a.h5", "b.h5", "--series", "hospital_occupancy", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    _, rows = parse_table(proc.stdout.splitlines()[3:])
    city = da["new_hospital_bed_days"].sum(axis=1) / da["capacity_bed_days"].sum(axis=1)
    assert rows[2020][0] == round(city.mean(), 4)
