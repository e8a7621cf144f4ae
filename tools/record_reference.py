#!/usr/bin/python3
"""Records the key outputs of a model version over replicate seeds, for the statistical
agreement test (results/tests/test_agreement.py).

    tools/record_reference.py BINARY OUT.json [--replicates N] [--config configs/guangzhou-small.yaml]
                              [--end 2030-12-31] [--label TEXT] [--first-seed S]

Runs ``BINARY run CONFIG --seed S --set simulation.end=END`` for seeds 1..N (one thread each),
reads every file with results/eldersim_results/key_outputs.py and writes the mean, standard
deviation and count of each output, with the command and the binary's version, to OUT.json.
The reference of the model before the core rebuild was recorded with the binary built from
commit 13375f9 (tests/reference/pre-rebuild-small.json); the reference of the evidence
baseline (tests/reference/evidence-small.json) with seeds 101..120 of the binary of its commit.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "results"))

from eldersim_results.key_outputs import key_outputs, summarise  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("binary")
    ap.add_argument("out")
    ap.add_argument("--replicates", type=int, default=20)
    ap.add_argument("--config", default=str(ROOT / "configs" / "guangzhou-small.yaml"))
    ap.add_argument("--end", default="2030-12-31")
    ap.add_argument("--label", default="")
    ap.add_argument("--first-seed", type=int, default=1,
                    help="seeds first..first+N-1; the agreement test runs seeds 1..10, so a reference "
                         "of the same binary should start above them (independent replicates)")
    args = ap.parse_args()
    version = subprocess.run([args.binary, "--version"], capture_output=True, text=True).stdout.strip()
    values = []
    with tempfile.TemporaryDirectory() as tmp:
        seeds = range(args.first_seed, args.first_seed + args.replicates)
        for seed in seeds:
            out = Path(tmp) / f"run-{seed}.h5"
            subprocess.run([args.binary, "run", args.config, "--seed", str(seed), "--threads", "1",
                            "--set", f"simulation.end={args.end}", "--out", str(out), "-q"],
                           check=True)
            values.append(key_outputs(out))
            print(f"seed {seed}: done", file=sys.stderr)
    record = {
        "label": args.label,
        "binary_version": version,
        "command": f"{Path(args.binary).name} run {Path(args.config).name} --seed {seeds[0]}..{seeds[-1]} "
                   f"--threads 1 --set simulation.end={args.end}",
        "outputs": summarise(values),
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
