"""The short runtime bench: bench/runtime.py over 8 MiB and 50 random writes, so that the
benchmark itself keeps working (its guest program, its four reference runs, its table) between
the long runs that measure (bench/README.md). Its figures are not judged here: under TCG on a
shared machine an 8 MiB run says nothing about throughput."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from test_runtime import MISSING

BENCH = Path(__file__).resolve().parents[2] / "bench" / "runtime.py"
NEEDED = MISSING + [tool for tool in ["gcc", "qemu-nbd"] if shutil.which(tool) is None]
pytestmark = pytest.mark.skipif(
    bool(NEEDED),
    reason=f"the runtime bench needs {', '.join(NEEDED)} (scripts/install-deps.sh test installs all but gcc, with a static libc)",
)

ROW = re.compile(r"^(sequential write|sequential read|4 KiB random write) \((MiB/s|IOPS)\)\s+(.*)$")


def test_short_runtime_bench():
    run = subprocess.run([sys.executable, str(BENCH), "--seq-mib", "8", "--writes", "50"],
                         capture_output=True, text=True, timeout=900, env=os.environ.copy())
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    rows = {match.group(1): match.group(3).split() for line in run.stdout.splitlines() if (match := ROW.match(line))}
    assert set(rows) == {"sequential write", "sequential read", "4 KiB random write"}, run.stdout
    for name, cells in rows.items():
        # Kiln, then a figure and a ratio for each of the four references, then ceiling/local.
        assert len(cells) == 10, (name, cells)
        assert float(cells[0]) > 0, (name, cells)
        assert all(cell.endswith("x") for cell in cells[2::2]), (name, cells)
    assert re.search(r"boot to marker \(TCG\): [\d.]+ s, [\d.]+ s", run.stdout), run.stdout
    assert re.search(r"Kiln RSS: [\d.]+ MiB idle; [\d.-]+ MiB more per running instance", run.stdout), run.stdout
