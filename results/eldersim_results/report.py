"""One self-contained static HTML page for a run or a sweep file.

The page has the provenance (the /metadata attributes, the configuration texts), the
headline table of a target year with 95% intervals (:mod:`eldersim_results.table`), every
figure of :mod:`eldersim_results.compare` (and the single-run figures of
:mod:`eldersim_results.plots` and :mod:`eldersim_results.hospitals`, of the run or of the
sweep's baseline), the scenario definitions, the uncertain parameters and the seeds.
Figures are embedded as base64 PNG; the page loads nothing else (its Content-Security-
Policy forbids it) and runs no script.  A figure whose series the file lacks is listed as
skipped, with the reason.

>>> write_report("beds-vs-ltc.h5")              # writes beds-vs-ltc.html next to it
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
from pathlib import Path

import xarray as xr

from . import compare, hospitals, plots
from .calibration import fit_figure, read_fit
from .sensitivity import morris_figure, ranking, read_sensitivity
from ._shared import _pick_year
from .aggregate import as_sweep
from .files import open as open_file
from .scale import population_scale, scale_note
from .table import summary_table, wide_table

__all__ = ["build_report", "write_report", "figures"]

#: /metadata attributes shown in <details> blocks rather than in the provenance table
LONG_TEXTS = ("config_text", "config_resolved", "sweep_text", "plan_text", "calibration_text",
              "sensitivity_text")
#: the provenance attributes shown first, in this order, when present
FIRST = ("file_kind", "sweep_name", "sweep_description", "scenario_name", "description", "city",
         "eldersim_version", "git_commit", "command_line", "sweep_file", "config_file", "root_seed", "seed",
         "replicates", "population_mode", "parameter_draws", "interval_method", "scale", "start_time",
         "end_time", "wall_seconds", "host", "threads", "jobs", "ranks")
CSS = """
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1300px;padding:0 1em;color:#222}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;font-size:.9em;margin:.5em 0}
td,th{border:1px solid #ddd;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.num{text-align:right;white-space:nowrap}
table.headline th{white-space:nowrap}.ci{font-size:.85em;color:#555}
caption{text-align:left;font-weight:bold;padding:.3em 0}
div.wide{overflow-x:auto}
figure{margin:1.5em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:.9em;color:#555}pre{background:#f7f7f7;padding:.6em;overflow:auto;max-height:30em}
.skipped{color:#a40}.note{color:#555;font-size:.9em}
"""
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def figures(ds: xr.Dataset, year=None) -> list[tuple[str, object]]:
    """``(caption, function returning a Figure)`` for every figure of the report."""
    sweep = as_sweep(ds)
    several = sweep.sizes["scenario"] > 1
    out = [
        ("Care shares against the 9064 targets, by district", lambda: compare.care_shares_9064(ds, year=year)),
        ("Unmet need and coverage", lambda: compare.unmet_need(ds)),
        ("Waits for care, each service separately", lambda: compare.waits(ds)),
        ("Hospital occupancy and delayed discharge", lambda: compare.hospital_pressure(ds)),
        ("Care spending by payer", lambda: compare.spending_by_payer(ds)),
        ("Coverage in every district", lambda: compare.district_multiples(ds, "coverage")),
    ]
    if several:
        out.append(("Unmet need in every district: difference from the baseline",
                    lambda: compare.district_multiples(ds, "n_unmet", difference=True)))
    one = ds.isel(scenario=0) if "scenario" in ds.dims else ds
    who = f"baseline ({sweep['scenario'].values[0]}), mean over replicates" if "scenario" in ds.dims else "this run"
    singles = [("Population by district", plots.population_by_district), ("Age pyramid", plots.age_pyramid),
               ("Deaths and entrants", plots.deaths_and_entrants), ("Death rate by age", plots.death_rate_by_age),
               ("Care shares over time", plots.care_shares_over_time),
               ("Occupancy and waiting lists", plots.capacity_and_waits),
               ("Hospital occupancy and bed-blocking by district", hospitals.occupancy_and_bed_blocking),
               ("Hospital admissions by origin and destination",
                lambda d: hospitals.admissions_matrix_heatmap(d, year=year))]
    out += [(f"{caption}: {who} (model agents)", (lambda f=f: f(one))) for caption, f in singles]
    return out


def _e(value) -> str:
    return html.escape(str(value))


def _table(rows, header=None) -> str:
    head = "<tr>" + "".join(f"<th>{_e(h)}</th>" for h in header) + "</tr>" if header else ""
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table>{head}{body}</table>"


def _provenance(ds: xr.Dataset) -> str:
    attrs = ds.attrs
    keys = [k for k in FIRST if k in attrs] + sorted(k for k in attrs if k not in FIRST and k not in LONG_TEXTS)
    parts = [_table([(k, attrs[k]) for k in keys], ("attribute", "value"))]
    for key in LONG_TEXTS:
        if attrs.get(key):
            parts.append(f"<details><summary>{_e(key)}</summary><pre>{_e(attrs[key])}</pre></details>")
    return "".join(parts)


def _cell_html(cell: str) -> str:
    """``mean [lo, hi]`` as the mean over a smaller interval line."""
    mean, sep, rest = cell.partition(" [")
    return f'{_e(mean)}<br><span class="ci">[{_e(rest)}</span>' if sep else _e(cell)


def _html_table(wide, columns, caption: str) -> str:
    head = "<tr><th>indicator (unit)</th>" + "".join(f"<th>{_e(c)}</th>" for c in columns) + "</tr>"
    rows = "".join(f"<tr><th>{_e(i)}</th>" + "".join(f'<td class="num">{_cell_html(v)}</td>' for v in row) +
                   "</tr>" for i, row in zip(wide.index, wide[columns].values))
    return f'<div class="wide"><table class="headline"><caption>{_e(caption)}</caption>{head}{rows}</table></div>'


def _headline(ds: xr.Dataset, year) -> str:
    table = summary_table(ds, year=year)
    wide = wide_table(table)
    when = f"{table.attrs['year']}" + ("" if table.attrs["full_year"] else " (partial year)")
    several = "scenario" in ds.dims
    note = ("Mean over replicates [95% Student t interval]; differences are paired by replicate "
            "(scenario - baseline). " if several else "One run: no intervals. ")
    levels = [c for c in wide.columns if " - " not in c]
    diffs = [c for c in wide.columns if " - " in c]
    parts = [f"<p>Year {_e(when)}. {_e(note)}Counts and money: "
             f"{_e(scale_note(population_scale(as_sweep(ds))))}.</p>",
             _html_table(wide, levels, f"Levels in {when}, by scenario")]
    if diffs:
        parts.append(_html_table(wide, diffs, f"Differences from {levels[0]} in {when}, paired by replicate"))
    return "".join(parts)


def _scenarios(ds: xr.Dataset) -> str:
    if "scenario" not in ds.dims:
        rows = [(ds.attrs.get("scenario_name", ""), ds.attrs.get("description", ""), ds.attrs.get("config_file", ""),
                 "")]
        return _table(rows, ("scenario", "description", "configuration file", "overrides"))
    get = (lambda key, i: str(ds[f"scenario_{key}"].values[i]) if f"scenario_{key}" in ds.coords else "")
    names = ds["scenario"].values
    rows = [(n, get("description", i), get("config_file", i), get("overrides", i)) for i, n in enumerate(names)]
    parts = [_table(rows, ("scenario", "description", "configuration file", "overrides"))]
    for i, name in enumerate(names):
        text = get("config_resolved", i)
        if text:
            parts.append(f"<details><summary>resolved configuration of {_e(name)} (replicate 0)</summary>"
                         f"<pre>{_e(text)}</pre></details>")
    return "".join(parts)


def _parameters(ds: xr.Dataset) -> str:
    if "parameter" not in ds.dims:
        return "<p>No uncertain parameters: every replicate uses the same configuration values.</p>"
    header = ["path", "distribution", "source"] + [f"replicate {r}" for r in ds["replicate"].values]
    rows = []
    for j, path in enumerate(ds["parameter"].values):
        values = ds["parameter_value"].values[:, j] if "parameter_value" in ds.coords else []
        rows.append([path, *(str(ds[f"parameter_{k}"].values[j]) if f"parameter_{k}" in ds.coords else ""
                             for k in ("distribution", "source")), *(f"{v:.6g}" for v in values)])
    return _table(rows, header)


def _runs(ds: xr.Dataset) -> str:
    names = [c for c in ("run_seed", "run_population_seed", "run_seconds", "run_person_steps") if c in ds.coords]
    if not names:
        return ""
    rows = [(s, r, *(ds[c].values[i, j] for c in names)) for i, s in enumerate(ds["scenario"].values)
            for j, r in enumerate(ds["replicate"].values)]
    header = ("scenario", "replicate", *(c.removeprefix("run_") for c in names))
    return f"<details><summary>seeds and costs of the {len(rows)} runs</summary>{_table(rows, header)}</details>"


def _calibration(path) -> str:
    """The fit of a calibration file: parameters, targets with their verdicts, the figure."""
    fit = read_fit(path, check=False)
    p = fit.parameters
    params = _table([(path_, f"{r.low:g}", f"{r.high:g}", f"{r.start:.6g}", f"{r.fitted:.6g}")
                     for path_, r in p.iterrows()], ("parameter", "low", "high", "start", "fitted"))
    t = fit.targets
    rows = [(name, r.quantity, f"{r.value:.4g}", f"{r.tolerance:.3g}", f"{r.weight:g}", f"{r.start:.4g}",
             f"{r.fitted:.4g} [{r.fitted_lo:.4g}, {r.fitted_hi:.4g}]", "met" if r.met else "NOT MET", r.source)
            for name, r in t.iterrows()]
    targets = _table(rows, ("target", "quantity", "published", "tolerance", "weight", "start",
                            "fitted [95% interval]", "verdict", "source"))
    note = (f'<p class="note">{_e(fit.attrs.get("method", ""))}; {len(fit.search)} evaluations; objective '
            f'{fit.attrs.get("objective_at_start", float("nan")):.4g} at the start, '
            f'{fit.attrs.get("objective", float("nan")):.4g} at the fit; '
            f'{_e(fit.attrs.get("stopped_because", ""))}.</p>')
    figure = (f'<figure><img alt="calibration fit" src="data:image/png;base64,{_png(fit_figure(fit))}">'
              "<figcaption>Simulated against published targets, and the objective of every "
              "evaluation.</figcaption></figure>")
    return note + params + targets + figure


def _figures_html(ds: xr.Dataset, year) -> str:
    parts = []
    for i, (caption, draw) in enumerate(figures(ds, year), start=1):
        try:
            fig = draw()
        except (KeyError, ValueError) as err:
            reason = err.args[0] if err.args else err
            parts.append(f'<p class="skipped">Figure {i}, {_e(caption)}: skipped ({_e(reason)}).</p>')
            continue
        title = fig._suptitle.get_text() if fig._suptitle else (fig.axes[0].get_title() if fig.axes else "")
        parts.append(f'<figure><img alt="{_e(caption)}" src="data:image/png;base64,{_png(fig)}">'
                     f"<figcaption>Figure {i}. {_e(caption)}. {_e(title)}</figcaption></figure>")
    return "".join(parts)


def _page(name: str, intro: str, sections) -> str:
    body = "".join(f"<h2>{_e(title)}</h2>{content}" for title, content in sections)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>eldersim report: {_e(name)}</title><style>{CSS}</style></head>"
            f"<body><h1>eldersim report: {_e(name)}</h1>{intro}{body}</body></html>\n")


def _sensitivity_report(path) -> str:
    """The page of a sensitivity file: the heat map, a ranking per output, the parameters."""
    s = read_sensitivity(path, check=False)
    figure = (f'<figure><img alt="Morris screening" src="data:image/png;base64,{_png(morris_figure(s))}">'
              "<figcaption>mu* of every parameter, as a share of the largest for each output."
              "</figcaption></figure>")
    rankings = []
    for output, row in s.outputs.iterrows():
        r = ranking(s, output)
        rankings.append(_table([(k, p, f"{v.mu_star:.4g}", f"{v.mu:.4g}", f"{v.sigma:.4g}", f"{v.relative:.2f}")
                                for k, (p, v) in enumerate(r.iterrows(), start=1)],
                               ("rank", "parameter", "mu*", "mu", "sigma", "mu* / largest")).replace(
            "<table>", f"<table><caption>{_e(output)}: {_e(row.quantity)}</caption>", 1))
    params = _table([(p, r.distribution, r.source) for p, r in s.parameters.iterrows()],
                    ("parameter", "distribution", "source"))
    a = s.attrs
    intro = (f'<p class="note">Morris elementary effects: {a.get("trajectories")} trajectories, '
             f'{a.get("levels")} levels, {a.get("replicates")} replicate(s) per point, {a.get("runs")} runs. '
             "Effects are changes of the output per unit of the parameter's quantile (docs/sensitivity.md).</p>")
    meta = xr.Dataset(attrs=a)
    return _page(a.get("sensitivity_name") or Path(path).stem, intro,
                 [("What drives each output", figure), ("Rankings", "".join(rankings)),
                  ("Parameters", params), ("Provenance", _provenance(meta))])


def build_report(path, year=None) -> str:
    """The HTML page (a string) for the run or sweep file at ``path`` (module doc); ``year``
    is the target year of the table and the yearly figures (default the last full year)."""
    from .reader import file_kind
    if file_kind(path) == "sensitivity":
        return _sensitivity_report(path)
    ds = open_file(path, check=False)
    year, _ = _pick_year(ds, year)
    kind = "sweep" if "scenario" in ds.dims else "run"
    name = (ds.attrs.get("sweep_name") or ds.attrs.get("calibration_name") or ds.attrs.get("plan_name")
            or ds.attrs.get("scenario_name") or Path(path).stem)
    made = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    scenario_count = ds.sizes.get("scenario", 1)
    sections = [("Calibration", _calibration(path))] if ds.attrs.get("file_kind") == "calibration" else []
    sections += [
        ("Headline indicators", _headline(ds, year)),
        ("Figures", _figures_html(ds, year)),
        ("Scenarios", _scenarios(ds)),
        ("Uncertain parameters", _parameters(ds) if kind == "sweep" else "<p>A single run.</p>"),
        ("Provenance", _provenance(ds) + (_runs(ds) if kind == "sweep" else "")),
    ]
    intro = (f'<p class="note">{_e(kind)} file {_e(Path(path).name)}: {scenario_count} scenario(s), '
             f'{ds.sizes.get("replicate", 1)} replicate(s), periods {_e(str(ds["period"].values[0])[:10])} to '
             f'{_e(str(ds["period_end"].values[-1])[:10] if "period_end" in ds.coords else "")}. '
             f"Report written {made}.</p>")
    return _page(name, intro, sections)


def write_report(path, out=None, year=None) -> Path:
    """Write :func:`build_report` of ``path`` to ``out`` (default: ``path`` with suffix .html);
    return the path written."""
    out = Path(out) if out is not None else Path(path).with_suffix(".html")
    text = build_report(path, year)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)
    return out
