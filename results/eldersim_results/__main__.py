"""Command line: ``/usr/bin/python3 -m eldersim_results {report,table} FILE.h5 ...``

    report FILE.h5 [--out PATH] [--year YYYY]
        One self-contained HTML page (eldersim_results.report); default PATH is FILE with
        the suffix .html.  Prints the path written.  `eldersim report FILE.h5` runs this.
    table FILE.h5 [--year YYYY] [--select DIM=LABEL ...] [--format text|csv|markdown]
        The headline table of the year with 95% intervals (eldersim_results.table): text
        (``mean [lo, hi]`` per scenario and per difference from the baseline), or csv (the
        long table: one row per indicator and scenario, with mean, lo, hi, n, diff_*).

Exit status: 0 on success, 2 if the file is missing, not an eldersim file, damaged or of a
newer schema version (eldersim_results.integrity.FileError), 1 if the year, a selection or
the data do not allow the table (or the file's datasets do not fit together: LayoutError).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .files import open as open_file
from .integrity import FileError, LayoutError
from .report import write_report
from .table import summary_table, wide_table


def _selection(items: list[str]) -> dict:
    """``["district=Yuexiu", "service=institution"]`` -> dict (a repeated key gives a list)."""
    out: dict = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValueError(f"--select wants DIM=LABEL, not {item!r}")
        value = int(value) if key == "replicate" else value
        out[key] = [*out[key], value] if key in out and isinstance(out[key], list) else \
            [out[key], value] if key in out else value
    return out


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python3 -m eldersim_results", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    report = sub.add_parser("report", help="write a self-contained HTML report of a run or sweep file")
    report.add_argument("file", type=Path, help="eldersim HDF5 run or sweep file")
    report.add_argument("--out", type=Path, help="HTML file to write (default: FILE with suffix .html)")
    report.add_argument("--year", type=int, help="target year of the table (default: the last full year)")
    table = sub.add_parser("table", help="print the headline table of a year with 95%% intervals")
    table.add_argument("file", type=Path, help="eldersim HDF5 run or sweep file")
    table.add_argument("--year", type=int, help="target year (default: the last full year)")
    table.add_argument("--select", action="append", metavar="DIM=LABEL", help="narrow the table (repeatable)")
    table.add_argument("--format", choices=("text", "csv", "markdown"), default="text")
    return parser


def _table(args) -> None:
    ds = open_file(args.file)
    long = summary_table(ds, year=args.year, select=_selection(args.select))
    if args.format == "csv":
        long.to_csv(sys.stdout, index=False)
        return
    wide = wide_table(long)
    year = long.attrs["year"]
    print(f"{args.file.name}: {year}{'' if long.attrs['full_year'] else ' (partial year)'}, "
          f"mean [95% interval] over replicates; differences paired by replicate")
    print(wide.to_markdown() if args.format == "markdown" else wide.to_string())


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    prog = "eldersim_results " + args.command
    if not args.file.is_file():
        print(f"{prog}: error: {args.file}: no such file", file=sys.stderr)
        return 2
    try:
        if args.command == "report":
            print(write_report(args.file, args.out, args.year))
        else:
            _table(args)
    except (OSError, ValueError, KeyError) as err:
        reason = err.args[0] if err.args else err
        print(f"{prog}: error: {reason}", file=sys.stderr)
        not_ours = isinstance(err, OSError) or isinstance(err, FileError) and not isinstance(err, LayoutError)
        return 2 if not_ours else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
