"""The short kill -9 torture: ten rounds of bench/torture.py (mixed load from three clients,
SIGKILL at a random moment, restart, every promise checked). The long version is
`python3 bench/torture.py --rounds 200`."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from torture import torture  # noqa: E402


def test_kill9_torture_ten_rounds(workdir):
    seed = int(os.environ.get("KILN_TORTURE_SEED", "20261207"))
    lines = []
    findings = torture(rounds=10, seed=seed, clients=3, max_kill=2.0, workdir=workdir / "torture", log=lines.append)
    assert findings == [], "\n".join([f"seed {seed}"] + lines[-40:])
