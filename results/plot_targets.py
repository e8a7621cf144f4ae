#!/usr/bin/python3
"""Draw every target of the calibration files of `eldersim calibrate --check --out` (or of a
fit) as simulated against published, one colour per file.

    /usr/bin/python3 results/plot_targets.py LABEL=FILE.h5 [LABEL=FILE.h5 ...] --out PNG

For the figure of docs/validation.md:
    build/eldersim calibrate configs/calibration/guangzhou.yaml --check -r 5 -o /tmp/fit.h5
    build/eldersim calibrate configs/calibration/guangzhou-held-out.yaml --check -r 5 -o /tmp/held.h5
    /usr/bin/python3 results/plot_targets.py "calibration target=/tmp/fit.h5" \\
        "held out=/tmp/held.h5" --out docs/validation-targets.png
Exits 2 for a missing or unreadable file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eldersim_results import FileError  # noqa: E402
from eldersim_results.calibration import read_fit, targets_figure  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", help="LABEL=FILE.h5")
    parser.add_argument("--out", required=True, help="PNG to write")
    args = parser.parse_args(argv)
    fits = {}
    for item in args.files:
        label, sep, path = item.partition("=")
        if not sep:
            parser.error(f"expected LABEL=FILE.h5, got {item!r}")
        try:
            fits[label] = read_fit(path)
        except (FileError, OSError) as err:
            print(f"plot_targets: {err}", file=sys.stderr)
            return 2
    targets_figure(fits).savefig(args.out, dpi=80)
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
