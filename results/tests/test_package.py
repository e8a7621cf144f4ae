"""Package structure: no import cycle between the plotting modules, public names in place."""

import ast

import pytest

from conftest import RESULTS_DIR
import eldersim_results
from eldersim_results import hospitals, plots

PACKAGE = RESULTS_DIR / "eldersim_results"


def imported_modules(module: str) -> set[str]:
    """Package modules imported anywhere in ``module`` (function bodies included), by name."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = (node.module or "").removeprefix("eldersim_results").lstrip(".")
            if node.level or (node.module or "").startswith("eldersim_results"):
                names.update([base] if base else [alias.name for alias in node.names])
        elif isinstance(node, ast.Import):
            names.update(a.name.removeprefix("eldersim_results.") for a in node.names
                         if a.name.startswith("eldersim_results"))
    return names


@pytest.mark.parametrize("module, other", [("plots", "hospitals"), ("hospitals", "plots")])
def test_plots_and_hospitals_do_not_import_each_other(module, other):
    assert other not in imported_modules(module)
    assert "_shared" in imported_modules(module)


def test_shared_helpers_import_neither():
    assert imported_modules("_shared") <= {"reader"}


def test_public_functions_stay_where_users_import_them():
    for name in ("capacity_bed_days", "hospital_capacity_bed_days", "admissions_matrix",
                 "occupancy_and_bed_blocking", "tradeoff_table"):
        assert name in hospitals.__all__ and callable(getattr(hospitals, name))
    for name in ("period_days", "citywide", "scenario_comparison", "care_shares_vs_9064"):
        assert name in plots.__all__ and callable(getattr(plots, name))
    assert plots.CJK_FONTS and plots.DAYS_PER_YEAR == 365.25
    assert set(eldersim_results.__all__) >= {"open_run", "metadata", "list_series", "plots", "hospitals"}


def test_no_import_cycle_in_the_package():
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    graph = {m: imported_modules(m) & modules for m in modules}

    def reaches(start, target, seen=()):
        return any(n == target or (n not in seen and reaches(n, target, (*seen, n))) for n in graph[start])

    cycles = [m for m in modules if reaches(m, m)]
    assert cycles == [], cycles
    # one concern per module: the reader modules draw nothing, the plots do not write pages
    for reader in ("reader", "sweep", "files", "stats", "scale", "selection", "tidy", "units"):
        assert not graph[reader] & {"plots", "hospitals", "compare", "report", "table"}, reader
    assert "report" not in graph["compare"] and "compare" not in graph["table"]


def test_sweep_names_are_exported():
    for name in ("open_sweep", "open_summary", "file_kind", "to_frame", "summary_table", "write_report"):
        assert name in eldersim_results.__all__ and callable(getattr(eldersim_results, name))
    assert callable(eldersim_results.open) and "open" not in eldersim_results.__all__
