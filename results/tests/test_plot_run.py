"""Tests for the results/plot_run.py script, run as a subprocess from another cwd."""

import subprocess
from pathlib import Path

import h5py

from conftest import RESULTS_DIR, make_run_file

SCRIPT = RESULTS_DIR / "plot_run.py"
SUFFIXES = ["population_by_district", "age_pyramid", "deaths_entrants", "death_rate_by_age"]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def plot_run(*args, cwd):
    """Run the script with Debian's python from ``cwd``."""
    return subprocess.run(["/usr/bin/python3", str(SCRIPT), *map(str, args)],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


def assert_png(path: Path):
    assert path.is_file(), path
    assert path.read_bytes()[:8] == PNG_MAGIC
    assert path.stat().st_size > 5000  # a real plot, not an empty canvas


def test_writes_four_pngs_next_to_run(tmp_path):
    run_dir = tmp_path / "runs"
    run_dir.mkdir()
    run = run_dir / "guangzhou_2020.h5"
    make_run_file(run)
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    proc = plot_run(run, cwd=elsewhere)
    assert proc.returncode == 0, proc.stderr
    expected = [run_dir / f"guangzhou_2020_{s}.png" for s in SUFFIXES]
    assert [Path(line) for line in proc.stdout.splitlines()] == expected
    for path in expected:
        assert_png(path)
    assert list(elsewhere.iterdir()) == []


def test_out_dir(tmp_path):
    run = tmp_path / "base.h5"
    make_run_file(run, n_periods=12)
    out = tmp_path / "figs" / "nested"
    proc = plot_run("base.h5", "--out-dir", out, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(f"base_{s}.png" for s in SUFFIXES)
    for path in out.iterdir():
        assert_png(path)
    assert not list(tmp_path.glob("base_*.png"))


def test_skips_plots_with_missing_series(tmp_path):
    run = tmp_path / "partial.h5"
    make_run_file(run, n_periods=6, omit=["new_person_years", "new_entrants"])
    proc = plot_run(run, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert [Path(p).name for p in proc.stdout.splitlines()] == \
        ["partial_population_by_district.png", "partial_age_pyramid.png"]
    assert "skipping deaths_entrants" in proc.stderr and "new_entrants" in proc.stderr
    assert "skipping death_rate_by_age" in proc.stderr and "new_person_years" in proc.stderr
    assert not (tmp_path / "partial_deaths_entrants.png").exists()


def test_missing_file_exits_nonzero(tmp_path):
    proc = plot_run(tmp_path / "absent.h5", cwd=tmp_path)
    assert proc.returncode != 0
    assert "absent.h5" in proc.stderr and "no such file" in proc.stderr
    assert proc.stdout == ""


def test_non_eldersim_file_exits_nonzero(tmp_path):
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f.create_dataset("x", data=[1.0])
    proc = plot_run(other, cwd=tmp_path)
    assert proc.returncode != 0
    assert "not an eldersim run file" in proc.stderr
    text = tmp_path / "readme.txt"
    text.write_text("hello")
    proc = plot_run(text, cwd=tmp_path)
    assert proc.returncode != 0 and "not an HDF5 file" in proc.stderr
    assert not list(tmp_path.glob("*.png"))


CARE_SUFFIXES = ["care_9064", "care_shares", "unmet_need", "capacity_waits", "spending"]
HOSPITAL_SUFFIXES = ["hospital_occupancy", "hospital_admissions_matrix"]


def test_writes_care_and_hospital_pngs(tmp_path):
    run = tmp_path / "care.h5"
    make_run_file(run, care=True, hospitals=True)
    proc = plot_run(run, "--out-dir", tmp_path / "out", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    expected = [tmp_path / "out" / f"care_{s}.png" for s in SUFFIXES + CARE_SUFFIXES + HOSPITAL_SUFFIXES]
    assert [Path(line) for line in proc.stdout.splitlines()] == expected
    for path in expected:
        assert_png(path)
    assert "skipping" not in proc.stderr


def test_run_without_hospitals_skips_hospital_plots(tmp_path):
    run = tmp_path / "care.h5"
    make_run_file(run, care=True, n_periods=12)
    proc = plot_run(run, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    names = [Path(p).name for p in proc.stdout.splitlines()]
    assert names == [f"care_{s}.png" for s in SUFFIXES + CARE_SUFFIXES]
    for suffix, series in zip(HOSPITAL_SUFFIXES, ["hospital_occupancy", "new_hospital_admissions_by_origin"]):
        line = next(l for l in proc.stderr.splitlines() if f"skipping {suffix}:" in l)
        assert series in line


def test_run_without_care_skips_care_plots(tmp_path):
    run = tmp_path / "old.h5"
    make_run_file(run, n_periods=12)
    proc = plot_run(run, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) == 4
    for suffix, series in zip(CARE_SUFFIXES, ["share_home", "n_home", "n_need", "institution_occupancy",
                                              "new_spending"]):
        line = next(l for l in proc.stderr.splitlines() if f"skipping {suffix}:" in l)
        assert series in line
        assert not (tmp_path / f"old_{suffix}.png").exists()


def test_care_plot_skipped_alone(tmp_path):
    run = tmp_path / "nospend.h5"
    make_run_file(run, n_periods=12, care=True, omit=["new_government_spending"])
    proc = plot_run(run, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    names = [Path(p).name for p in proc.stdout.splitlines()]
    assert names == [f"nospend_{s}.png" for s in SUFFIXES + CARE_SUFFIXES[:-1]]
    assert "skipping spending: series new_government_spending not in this run" in proc.stderr
