"""End to end: a real small sweep by the engine (build/eldersim sweep, skipped if not built),
read by the package: every dataset, the engine's intervals against Python's, the fixture's
layout against the engine's, the table and a figure."""

import subprocess

import h5py
import numpy as np
import pytest

from conftest import RESULTS_DIR
from eldersim_results import compare, open_summary, open_sweep, summary_table
from eldersim_results.stats import interval, paired_difference
from sweep_fixture import make_sweep_file
from test_sweep_reader import check_every_dataset

REPO = RESULTS_DIR.parent
BINARY = REPO / "build" / "eldersim"
SWEEP = REPO / "configs" / "sweeps" / "test-small.yaml"


def _has_sweep() -> bool:
    if not BINARY.is_file() or not SWEEP.is_file():
        return False
    return subprocess.run([str(BINARY), "sweep", "--help"], capture_output=True, timeout=60).returncode == 0


pytestmark = pytest.mark.skipif(not _has_sweep(), reason=f"{BINARY} sweep not built")


@pytest.fixture(scope="module")
def engine_sweep(tmp_path_factory):
    out = tmp_path_factory.mktemp("engine_sweep") / "small.h5"
    proc = subprocess.run([str(BINARY), "sweep", str(SWEEP), "--set", "population.scale=0.005",
                           "--set", "simulation.end=2021-12-31", "--out", str(out), "-q"],
                          cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return out


def test_every_dataset_is_read(engine_sweep):
    assert check_every_dataset(engine_sweep) > 500
    ds = open_sweep(engine_sweep)
    assert ds["scenario"].values.tolist() == ["baseline", "beds-core-plus20"]
    assert ds["replicate"].values.tolist() == [0, 1, 2] and ds.sizes["district"] == 11
    np.testing.assert_array_equal(ds["run_seed"].values[0], ds["run_seed"].values[1])  # common random numbers


def test_python_intervals_equal_the_engines(engine_sweep):
    ds, summary = open_sweep(engine_sweep), open_summary(engine_sweep)
    assert set(summary.data_vars) == set(ds.data_vars)
    for name in ds.data_vars:
        level, diff = interval(ds[name]), paired_difference(ds[name])
        dims = summary[name].dims[1:]
        for stat in ("mean", "lo", "hi", "n"):
            np.testing.assert_allclose(level[stat].transpose(*dims).values, summary[name].sel(stat=stat).values,
                                       rtol=1e-9, atol=1e-9, err_msg=f"{name} {stat}")
        for stat in ("mean", "lo", "hi"):
            np.testing.assert_allclose(diff[stat].transpose(*dims).values[1:],
                                       summary[name].sel(stat=f"diff_{stat}").values[1:],
                                       rtol=1e-9, atol=1e-9, err_msg=f"{name} diff_{stat}")


def layout(path):
    """``{dataset: (number of axes in its dims attribute, dtype kind, other attribute names)}``
    (a summary dataset's dims from its group), and the type of every /metadata attribute."""
    out = {}

    def visit(name, node):
        if not isinstance(node, h5py.Dataset):
            return
        dims = node.attrs.get("dims", node.parent.attrs.get("dims") if name.startswith("summary/") else None)
        kind = "string" if h5py.check_string_dtype(node.dtype) else node.dtype.kind
        out[name] = (None if dims is None else len(str(dims).split(",")), kind,
                     tuple(sorted(k for k in node.attrs if k != "dims")))

    with h5py.File(path, "r") as f:
        f.visititems(visit)
        out["metadata attributes"] = {k: type(v).__name__ for k, v in f["metadata"].attrs.items()}
        out["summary group attributes"] = sorted(f["summary/series/n_alive"].attrs)
    return out


def test_the_fixture_has_the_engines_layout(engine_sweep, tmp_path):
    """sweep_fixture.make_sweep_file writes the groups, dims attributes, dtypes and /metadata
    attributes (with their types) of the engine's sweep file (the fixture has 3 districts and the
    engine 11, so only the numbers of axes are compared)."""
    ours = tmp_path / "fixture.h5"
    make_sweep_file(ours, n_periods=3)
    real, mine = layout(engine_sweep), layout(ours)
    assert sorted(set(real) ^ set(mine)) == []
    assert {k: (real[k], mine[k]) for k in real if real[k] != mine[k]} == {}


def test_table_and_a_figure(engine_sweep):
    ds = open_sweep(engine_sweep)
    table = summary_table(ds, year=2021)
    unmet = table[(table.indicator == "unmet need") & (table.scenario == "beds-core-plus20")].iloc[0]
    assert unmet.n == 3 and np.isfinite(unmet.diff_lo) and unmet.diff_lo <= unmet.diff_mean <= unmet.diff_hi
    assert "scale 0.005" in compare.unmet_need(ds)._suptitle.get_text()


def test_the_scale_table_reads_a_real_sweep(engine_sweep):
    script = RESULTS_DIR / "examples" / "scale_dependence.py"
    proc = subprocess.run(["/usr/bin/python3", str(script), str(engine_sweep), "--year", "2021"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines[0] == "| indicator (2021) | baseline | beds-core-plus20 |" and len(lines) == 2 + 10
    death = next(line for line in lines if line.startswith("| death rate"))
    rate = float(death.split("|")[2].split()[0])
    assert 15 < rate < 45  # per 1000 60+
