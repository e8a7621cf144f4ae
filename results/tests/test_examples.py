"""results/examples/compare_policies.py: the command it runs and the files it writes (the
engine replaced by the sweep fixture, the report by a stub: both are tested elsewhere)."""

import importlib.util
import shutil

import pytest

from conftest import RESULTS_DIR

SCRIPT = RESULTS_DIR / "examples" / "compare_policies.py"


@pytest.fixture
def example():
    spec = importlib.util.spec_from_file_location("compare_policies", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sweep_command(example, monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr(example.subprocess, "run", lambda cmd, **kw: calls.append((cmd, kw)))

    class Args:
        scale, end, replicates, jobs, resume = 0.01, "2030-12-31", 4, 2, True
    example.run_sweep(Args, tmp_path / "x.h5")
    cmd, kw = calls[0]
    assert cmd == [str(example.BINARY), "sweep", str(example.SWEEP), "--out", str(tmp_path / "x.h5"),
                   "--force", "--set", "population.scale=0.01", "--set", "simulation.end=2030-12-31",
                   "--replicates", "4", "--jobs", "2", "--resume"]
    assert kw["cwd"] == example.REPO and kw["check"] and example.SWEEP.name == "beds-vs-ltc.yaml"


def test_writes_report_figure_and_table(example, monkeypatch, tmp_path, sweep_file, capsys):
    if not example.BINARY.is_file():
        monkeypatch.setattr(example, "BINARY", sweep_file[0])  # any existing file
    monkeypatch.setattr(example, "run_sweep", lambda args, out: shutil.copy(sweep_file[0], out))
    monkeypatch.setattr(example, "write_report", lambda path, out, year: out.write_text(f"report {year}") or out)
    assert example.main(["--scale", "0.01", "--out-dir", str(tmp_path), "--year", "2021"]) == 0
    out = capsys.readouterr().out
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["beds-vs-ltc-0.01.h5", "beds-vs-ltc-0.01.html", "beds-vs-ltc-0.01_unmet_need.png"]
    assert (tmp_path / "beds-vs-ltc-0.01_unmet_need.png").read_bytes()[:4] == b"\x89PNG"
    assert "2021: mean [95% interval] over 3 replicates" in out and "unmet need (people)" in out
