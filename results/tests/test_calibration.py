"""End to end: a real small calibration by the engine (build/eldersim calibrate, skipped if not
built), read by the package: the fit's tables against the raw /calibration datasets, the file
opened as a sweep, and the report's calibration section.  Also a plan file, opened as a sweep."""

import subprocess

import h5py
import numpy as np
import pytest

from conftest import RESULTS_DIR
from eldersim_results import build_report, open as open_file
from eldersim_results.calibration import fit_figure, read_fit
from eldersim_results.integrity import LayoutError

REPO = RESULTS_DIR.parent
BINARY = REPO / "build" / "eldersim"

pytestmark = pytest.mark.skipif(not BINARY.is_file(), reason=f"{BINARY} not built")

CALIBRATION = """name: small
baseline: {baseline}
replicates: 2
seed: 11
set: [population.scale=0.005, simulation.end=2021-06-30]
parameters:
  - {{path: mortality.improvement, low: 0.2, high: 0.8, start: 0.3}}
targets:
  - {{name: death_rate, series: new_deaths, over_periods: sum, per: {{series: n_alive}}, multiply: 1000,
     years: 2020, value: 28, tolerance: 1, source: a test}}
  - {{name: institution_share, series: n_institution, per: {{series: n_alive}}, multiply: 100, years: 2021,
     value: 2, tolerance: 0.25, source: another test}}
search: {{max_evaluations: 8}}
"""


@pytest.fixture(scope="module")
def calibration(tmp_path_factory):
    d = tmp_path_factory.mktemp("calibration")
    spec = d / "small.yaml"
    spec.write_text(CALIBRATION.format(baseline=REPO / "configs" / "guangzhou-small.yaml"))
    out = d / "small-fit.h5"
    proc = subprocess.run([str(BINARY), "calibrate", str(spec), "--out", str(out), "-q"],
                          cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return out


def test_the_fit_reads_as_stored(calibration):
    fit = read_fit(calibration)
    with h5py.File(calibration) as f:
        g = f["calibration"]
        np.testing.assert_array_equal(fit.parameters.to_numpy().T, g["parameter_low_high_start_fitted"][()])
        at_fit = g["simulated_at_fit"][()]
        np.testing.assert_allclose(fit.targets["fitted"].to_numpy(), at_fit.mean(axis=1))
        assert len(fit.search) == g["search"].shape[0]
        assert fit.search.columns.tolist() == ["mortality.improvement", "objective"]
        assert fit.attrs["objective"] == pytest.approx(fit.search["objective"].min())
    assert fit.targets.index.tolist() == ["death_rate", "institution_share"]
    assert fit.targets.loc["death_rate", "source"] == "a test"
    t = fit.targets
    assert (t["fitted_lo"] <= t["fitted"]).all() and (t["fitted"] <= t["fitted_hi"]).all()
    assert t["met"].tolist() == [bool(abs(f - v) <= tol) for f, v, tol in zip(t["fitted"], t["value"], t["tolerance"])]
    assert fit.parameters.loc["mortality.improvement", "start"] == 0.3
    assert 0.2 <= fit.parameters.loc["mortality.improvement", "fitted"] <= 0.8
    fit_figure(fit)


def test_the_file_opens_as_a_sweep_of_start_and_fit(calibration):
    ds = open_file(calibration)
    assert ds["scenario"].values.tolist() == ["start", "fitted"]
    assert ds.attrs["file_kind"] == "calibration"
    assert "search" not in ds.data_vars and "simulated_at_fit" not in ds.data_vars


def test_the_report_shows_the_fit(calibration):
    page = build_report(calibration)
    assert "<h2>Calibration</h2>" in page
    for word in ("death_rate", "institution_share", "a test", "mortality.improvement", "alt=\"calibration fit\""):
        assert word in page


def test_a_file_without_a_fit_is_refused(tmp_path):
    from conftest import make_run_file
    path = tmp_path / "run.h5"
    make_run_file(path)
    with pytest.raises(LayoutError, match="no /calibration"):
        read_fit(path)


def test_a_check_writes_a_file_of_the_configured_values(tmp_path):
    spec = tmp_path / "held.yaml"
    text = CALIBRATION.format(baseline=REPO / "configs" / "guangzhou-small.yaml")
    start, end = text.index("parameters:"), text.index("targets:")
    spec.write_text(text[:start] + text[end:])  # held-out figures: nothing to fit
    out = tmp_path / "held.h5"
    proc = subprocess.run([str(BINARY), "calibrate", str(spec), "--check", "--out", str(out), "-q"],
                          cwd=REPO, capture_output=True, text=True, timeout=600)
    fit = read_fit(out)
    met = fit.targets["met"].all()
    assert proc.returncode == (0 if met else 1), proc.stderr
    assert fit.parameters.empty and fit.search.empty and len(fit.targets) == 2
    assert open_file(out)["scenario"].values.tolist() == ["configured"]
    np.testing.assert_array_equal(fit.targets["start"].to_numpy(), fit.targets["fitted"].to_numpy())
    fit_figure(fit)
    from eldersim_results.calibration import targets_figure
    targets_figure({"held out": fit})
    assert "<h2>Calibration</h2>" in build_report(out)


def test_a_plan_file_opens_as_a_sweep(tmp_path):
    plan = tmp_path / "plan.yaml"
    plan.write_text(f"baseline: {REPO / 'configs' / 'guangzhou-small.yaml'}\nreplicates: 1\n"
                    "add: {kind: nursing_beds, districts: [Nansha], from: 2020-03-01, max: 5000, resolution: 500}\n"
                    "target: {series: nursing_beds_per_100, at_least: 4.0, from_year: 2021}\n")
    out = tmp_path / "plan.h5"
    proc = subprocess.run([str(BINARY), "plan", str(plan), "--out", str(out), "--set", "simulation.end=2021-12-31",
                           "-q"], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    ds = open_file(out)
    assert ds["scenario"].values.tolist() == ["nothing-added", "planned"]
    assert "answer" not in ds.data_vars
    assert "<h2>Headline indicators</h2>" in build_report(out)


def test_the_targets_script_draws_every_file(calibration, tmp_path):
    script = RESULTS_DIR / "plot_targets.py"
    png = tmp_path / "targets.png"
    ok = subprocess.run(["/usr/bin/python3", str(script), f"fit={calibration}", f"again={calibration}",
                         "--out", str(png)], capture_output=True, text=True, timeout=300)
    assert ok.returncode == 0, ok.stderr
    assert png.stat().st_size > 10_000
    missing = subprocess.run(["/usr/bin/python3", str(script), f"x={tmp_path / 'none.h5'}", "--out", str(png)],
                             capture_output=True, text=True, timeout=300)
    assert missing.returncode == 2 and "none.h5" in missing.stderr
