"""The model agrees statistically with its recorded reference.

The golden digests (tests/golden) fail on any change of a single draw; this test fails only on a
change of what the model does. For each key output of the small configuration, the mean over 10
replicates of this binary and the mean over 20 replicates recorded in the reference
(tests/reference/evidence-small.json, tools/record_reference.py) differ by less than four
standard errors of the difference (Welch: sqrt(sd_old^2 / n_old + sd_new^2 / n_new)). With the
24 outputs independent and no true difference, a false alarm has a probability of about 0.2%.

The reference is re-recorded when results change on purpose, and the commit says what moved:
tests/reference/pre-rebuild-small.json is the model before the core rebuild (the rebuild agreed
with it); evidence-small.json the model since the baseline of the issue "Evidence" (the census
date, the 2020 supply, the care warm-up, the supply trends, the hospital rework and the
recalibration moved the care and hospital outputs on purpose; docs/validation.md).
"""

import json
import subprocess

import pytest

from conftest import RESULTS_DIR
from eldersim_results.key_outputs import compare, key_outputs

REPO = RESULTS_DIR.parent
BINARY = REPO / "build" / "eldersim"
REFERENCE = REPO / "tests" / "reference" / "evidence-small.json"
REPLICATES = 10
Z_MAX = 4.0

pytestmark = pytest.mark.skipif(not BINARY.is_file(), reason=f"{BINARY} not built")


@pytest.fixture(scope="module")
def replicates(tmp_path_factory):
    out = tmp_path_factory.mktemp("agreement")
    values = []
    for seed in range(1, REPLICATES + 1):
        path = out / f"run-{seed}.h5"
        proc = subprocess.run([str(BINARY), "run", "configs/guangzhou-small.yaml", "--seed", str(seed),
                               "--set", "simulation.end=2030-12-31",
                               "--out", str(path), "-q"],
                              cwd=REPO, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr
        values.append(key_outputs(path))
    return values


def test_key_outputs_agree_with_the_model_before_the_rebuild(replicates):
    reference = json.loads(REFERENCE.read_text())["outputs"]
    result = compare(reference, replicates)
    assert set(result) == set(reference)
    worst = sorted(result.items(), key=lambda kv: -abs(kv[1][2]))
    report = "\n".join(f"{k}: old {old:.5g}, new {new:.5g}, z {z:+.2f}" for k, (old, new, z) in worst)
    assert all(abs(z) < Z_MAX for _, _, z in result.values()), report


def test_the_comparison_can_fail(replicates):
    # Deliberate shifts the tolerance must catch: 15% more deaths in 2020 (at 1% scale the 2020
    # death rate varies by about 5% between replicates), 5% more people in homes in 2030.
    reference = json.loads(REFERENCE.read_text())["outputs"]
    shifted = [dict(r, death_rate_2020=r["death_rate_2020"] * 1.15,
                    share_institution_2030=r["share_institution_2030"] * 1.05) for r in replicates]
    result = compare(reference, shifted)
    assert abs(result["death_rate_2020"][2]) > Z_MAX
    assert abs(result["share_institution_2030"][2]) > Z_MAX
