#!/usr/bin/python3
"""Fit the care-choice constants so the default run reproduces a target care split.

Runs eldersim on the default scenario (reduced scale, a few years), compares the mean shares of
the 60+ in formal home care, community care and institutions over the last simulated year with
the targets, and moves each alternative's constant by log(target / simulated), damped, until they
agree. Prints the constants as a YAML line for configs/guangzhou.yaml.

Usage: /usr/bin/python3 tools/calibrate_care.py [--iterations 8] [--scale 0.05] [--end 2023-12-31]
"""
import argparse
import math
import pathlib
import subprocess
import sys
import tempfile

import h5py

ROOT = pathlib.Path(__file__).resolve().parent.parent
# Targets: figures.md "Actual care split, Chinese cities": about 1-2% community, 1.5-2.5%
# institution (we take 1.5% and 2.0%); formal home care 2.5% (assumption: no published figure).
TARGETS = {"home": 0.025, "community": 0.015, "institution": 0.020}
SERIES = {"home": "n_home", "community": "n_community", "institution": "n_institution"}


def simulated_shares(binary, config, constants, scale, end, out):
    sets = [f"care.choice.constant={{home: {constants['home']:.4f}, community: {constants['community']:.4f}, "
            f"institution: {constants['institution']:.4f}}}", f"population.scale={scale}", f"simulation.end={end}"]
    cmd = [str(binary), "run", str(config), "--out", str(out), "--force", "-q"]
    for s in sets:
        cmd += ["--set", s]
    subprocess.run(cmd, check=True)
    with h5py.File(out) as f:
        alive = f["series/n_alive"][-12:].sum(axis=1)
        return {m: float((f[f"series/{s}"][-12:].sum(axis=1) / alive).mean()) for m, s in SERIES.items()}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--iterations", type=int, default=8)
    p.add_argument("--scale", type=float, default=0.05)
    p.add_argument("--end", default="2023-12-31")
    p.add_argument("--binary", default=ROOT / "build" / "eldersim")
    p.add_argument("--config", default=ROOT / "configs" / "guangzhou.yaml")
    p.add_argument("--start", nargs=3, type=float, metavar=("HOME", "COMMUNITY", "INSTITUTION"),
                   default=(-1.873, -0.491, 0.899))  # the constants in configs/guangzhou.yaml
    args = p.parse_args()
    constants = dict(zip(("home", "community", "institution"), args.start))
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp) / "calibration.h5"
        for it in range(args.iterations):
            shares = simulated_shares(args.binary, args.config, constants, args.scale, args.end, out)
            print(f"iteration {it}: " + ", ".join(f"{m} {shares[m]:.4f} (target {TARGETS[m]:.4f}, constant {constants[m]:.3f})"
                                                 for m in TARGETS), file=sys.stderr)
            for m in TARGETS:
                constants[m] += 0.8 * math.log(TARGETS[m] / max(shares[m], 1e-6))
    print("    constant: {" + ", ".join(f"{m}: {constants[m]:.3f}" for m in TARGETS) + "}")


if __name__ == "__main__":
    main()
