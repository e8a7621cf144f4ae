#!/usr/bin/python3
"""Compares two records of key outputs (tools/record_reference.py) as a Markdown table.

    tools/compare_reference.py OLD.json NEW.json

For each output: both means and standard deviations, the relative difference of the means and
z = (new - old) / sqrt(sd_old^2 / n_old + sd_new^2 / n_new) (Welch), as in the statistical
agreement test (results/tests/test_agreement.py), which fails at |z| >= 4.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    old, new = (json.loads(Path(p).read_text()) for p in sys.argv[1:])
    print(f"old: {old['label'] or old['binary_version']} ({old['command']})")
    print(f"new: {new['label'] or new['binary_version']} ({new['command']})\n")
    print("| output | old mean (sd) | new mean (sd) | difference | z |")
    print("|---|---|---|---|---|")
    for key in sorted(old["outputs"]):
        a, b = old["outputs"][key], new["outputs"].get(key)
        if b is None:
            print(f"| {key} | {a['mean']:.5g} ({a['sd']:.2g}) | missing | | |")
            continue
        se = math.sqrt(a["sd"] ** 2 / a["n"] + b["sd"] ** 2 / b["n"])
        z = (b["mean"] - a["mean"]) / se if se > 0 else 0.0
        rel = (b["mean"] - a["mean"]) / a["mean"] if a["mean"] else float("nan")
        print(f"| {key} | {a['mean']:.5g} ({a['sd']:.2g}) | {b['mean']:.5g} ({b['sd']:.2g}) "
              f"| {100 * rel:+.1f}% | {z:+.2f} |")


if __name__ == "__main__":
    main()
