"""End to end: a real small Morris screening by the engine (build/eldersim sensitivity, skipped
if not built), read by the package: the tables against the raw /sensitivity datasets, the
ranking, the figure and the report page."""

import subprocess

import h5py
import numpy as np
import pytest

from conftest import RESULTS_DIR
from eldersim_results import build_report, file_kind
from eldersim_results.integrity import LayoutError
from eldersim_results.sensitivity import morris_figure, ranking, read_sensitivity

REPO = RESULTS_DIR.parent
BINARY = REPO / "build" / "eldersim"

pytestmark = pytest.mark.skipif(not BINARY.is_file(), reason=f"{BINARY} not built")

SENSITIVITY = """name: small
baseline: {baseline}
seed: 3
set: [population.scale=0.005, simulation.end=2020-12-31]
design: {{trajectories: 4, levels: 4}}
parameters:
  - {{path: mortality.improvement, distribution: uniform, low: 0.3, high: 0.5, source: a test}}
  - {{path: care.choice.inertia, distribution: triangular, low: 1, mode: 2, high: 3, source: another}}
outputs:
  - {{name: death_rate, series: new_deaths, over_periods: sum, per: {{series: n_alive}}, multiply: 1000, years: 2020}}
  - {{name: institution_share, series: n_institution, per: {{series: n_alive}}, multiply: 100, years: 2020}}
"""


@pytest.fixture(scope="module")
def screening(tmp_path_factory):
    d = tmp_path_factory.mktemp("sensitivity")
    spec = d / "small.yaml"
    spec.write_text(SENSITIVITY.format(baseline=REPO / "configs" / "guangzhou-small.yaml"))
    out = d / "small.sensitivity.h5"
    proc = subprocess.run([str(BINARY), "sensitivity", str(spec), "--out", str(out), "-q"],
                          cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "death_rate" in proc.stdout and "mortality.improvement" in proc.stdout
    return out


def test_the_tables_read_as_stored(screening):
    s = read_sensitivity(screening)
    assert file_kind(screening) == "sensitivity"
    with h5py.File(screening) as f:
        g = f["sensitivity"]
        np.testing.assert_array_equal(s.mu_star.to_numpy(), g["mu_star"][()])
        np.testing.assert_array_equal(s.sigma.to_numpy(), g["sigma"][()])
        assert len(s.design) == g["design_value"].shape[0] == 4 * 3
    assert s.parameters.index.tolist() == ["mortality.improvement", "care.choice.inertia"]
    assert s.parameters.loc["care.choice.inertia", "distribution"].startswith("triangular")
    # Recompute mu* from the design: each point after a trajectory's base moved one parameter.
    d = s.design
    for output in s.outputs.index:
        effects = {p: [] for p in s.parameters.index}
        quantile = (lambda i, p: f["sensitivity/design_quantile"][i, list(s.parameters.index).index(p)])
        with h5py.File(screening) as f:
            for i in range(1, len(d)):
                moved = d["moved"].iloc[i]
                if moved:
                    step = quantile(i, moved) - quantile(i - 1, moved)
                    effects[moved].append((d[output].iloc[i] - d[output].iloc[i - 1]) / step)
        for p, e in effects.items():
            assert len(e) == 4
            np.testing.assert_allclose(s.mu_star.loc[output, p], np.mean(np.abs(e)), rtol=1e-12)


def test_the_ranking_puts_mortality_first_on_the_death_rate(screening):
    s = read_sensitivity(screening)
    r = ranking(s, "death_rate")
    assert r.index[0] == "mortality.improvement"
    assert r["rank"].tolist() == [1, 2] and r["relative"].iloc[0] == 1.0
    morris_figure(s)


def test_the_report_page(screening):
    page = build_report(screening)
    for word in ("Morris screening", "death_rate", "institution_share", "a test", "mortality.improvement"):
        assert word in page


def test_a_file_without_screening_is_refused(tmp_path):
    from conftest import make_run_file
    path = tmp_path / "run.h5"
    make_run_file(path)
    with pytest.raises(LayoutError, match="no /sensitivity"):
        read_sensitivity(path)
