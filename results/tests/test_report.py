"""The HTML report and the command line (python3 -m eldersim_results report|table)."""

import base64
import re
import struct

import pytest

from conftest import make_run_file, run_module
from eldersim_results import open_sweep, report, wide_table
from eldersim_results.__main__ import _selection, main
from sweep_fixture import DESCRIPTIONS, PARAMETERS, SCENARIOS

PNG = b"\x89PNG\r\n\x1a\n"


def images(text):
    """``(width, height)`` of every embedded PNG, from its IHDR chunk."""
    out = []
    for data in re.findall(r'<img [^>]*src="data:image/png;base64,([A-Za-z0-9+/=]+)"', text):
        raw = base64.b64decode(data, validate=True)
        assert raw[:8] == PNG
        out.append(struct.unpack(">II", raw[16:24]))
    return out


def test_cli_writes_the_report_next_to_the_file(sweep_report):
    html_path, stdout = sweep_report
    assert stdout.strip() == str(html_path) and html_path.is_file()
    text = html_path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    for heading in ("Headline indicators", "Figures", "Scenarios", "Uncertain parameters", "Provenance"):
        assert f"<h2>{heading}</h2>" in text
    shapes = images(text)
    assert len(shapes) == len(report.figures(open_sweep(html_path.with_suffix(".h5")))) == 15
    assert all(w > 300 and h > 200 for w, h in shapes)
    assert 'class="skipped"' not in text


def test_report_is_self_contained(sweep_report):
    text = sweep_report[0].read_text(encoding="utf-8")
    assert "<script" not in text and "<link" not in text and "@import" not in text
    assert not re.search(r'(src|href)="(?!data:)', text)
    assert not re.search(r"https?://", text)
    assert "default-src 'none'; img-src data:" in text


def test_report_content(sweep_report, sweep_file, sweep_table):
    text = sweep_report[0].read_text(encoding="utf-8")
    for name, description in zip(SCENARIOS, DESCRIPTIONS):
        assert name in text and description in text
    for path, distribution, source in PARAMETERS:
        assert path in text and distribution in text and source in text
    assert str(sweep_file[1]["seeds"][0, 2]) in text  # the runs' seeds
    assert "fedcba9876543210" in text and "configs/sweeps/beds-plus.yaml" in text  # provenance
    assert "real population (model at scale 0.1" in text
    wide = wide_table(sweep_table)
    for label, cells in zip(wide.index, wide.values):
        assert f"<th>{label}</th>" in text
        for cell in cells:
            mean, interval = cell.split(" [")
            assert f'<td class="num">{mean}<br><span class="ci">[{interval}</span></td>' in text
    assert "Year 2021." in text and "paired by replicate" in text


def test_cli_out_year_and_skipped_figures(tmp_path):
    """A run file from before the care and hospital systems: --out, --year, and the figures
    its series do not allow listed as skipped, with the reason."""
    out = tmp_path / "sub" / "page.html"
    run = tmp_path / "old.h5"
    make_run_file(run, n_periods=24)
    proc = run_module("report", run, "--out", out, "--year", "2020", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(out)
    text = out.read_text(encoding="utf-8")
    assert "Year 2020." in text and "One run: no intervals." in text
    assert len(images(text)) == 4  # population, age pyramid, deaths and entrants, death rates
    assert text.count('class="skipped"') == 10
    assert "Figure 2, Unmet need and coverage: skipped (series n_unmet not in this run)." in text
    assert "Figure 4, Hospital occupancy and delayed discharge: skipped (series hospital_occupancy_total " \
           "not in this run)." in text


def test_table_cli(sweep_file, sweep_table, capsys):
    path, _ = sweep_file
    assert main(["table", str(path), "--year", "2021"]) == 0
    out = capsys.readouterr().out
    expected = wide_table(sweep_table)
    assert out.splitlines()[0].startswith("beds-plus.h5: 2021, mean [95% interval]")
    for label, cells in zip(expected.index, expected.values):
        line = next(line for line in out.splitlines() if line.startswith(label))
        assert all(cell in line for cell in cells)
    assert main(["table", str(path), "--format", "csv"]) == 0
    csv = capsys.readouterr().out.splitlines()
    assert csv[0] == "indicator,series,unit,scenario,mean,lo,hi,n,diff_mean,diff_lo,diff_hi,diff_n"
    assert len(csv) == 1 + 14 * 2
    unmet = [line for line in csv if line.startswith("unmet need,n_unmet,people,beds-plus,")]
    assert len(unmet) == 1


def test_cli_errors(tmp_path, sweep_file, capsys):
    assert main(["report", str(tmp_path / "nope.h5")]) == 2
    assert "no such file" in capsys.readouterr().err
    text = tmp_path / "notes.h5"
    text.write_text("not hdf5")
    assert main(["table", str(text)]) == 2
    assert "not an HDF5 file" in capsys.readouterr().err
    assert main(["table", str(sweep_file[0]), "--year", "2035"]) == 1
    assert "year 2035 is not in this run" in capsys.readouterr().err
    assert main(["table", str(sweep_file[0]), "--select", "service=hospital"]) == 1
    assert "service has no 'hospital'" in capsys.readouterr().err
    assert main(["table", str(sweep_file[0]), "--select", "service"]) == 1
    assert "--select wants DIM=LABEL" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main(["report"])
    assert usage.value.code == 2 and "usage" in capsys.readouterr().err


def test_select_arguments():
    assert _selection(["district=Yuexiu", "service=home", "service=institution", "replicate=2"]) == \
        {"district": "Yuexiu", "service": ["home", "institution"], "replicate": 2}
    assert _selection(None) == {}
