"""The short soak: 20 concurrent clients for 30 seconds of mixed describe, create, upload,
copy, launch and delete calls; no 5xx, no socket error, and the server's open descriptors come
back to where they were (bench/soak.py runs the long one)."""

import sys
from pathlib import Path

from kiln_harness import DEV_ARGS

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import soak  # noqa: E402


def test_short_soak(kiln_factory):
    srv = kiln_factory(DEV_ARGS + ["--log-level", "warning"], name="soak")
    result = soak.run(srv.endpoint, srv.proc.pid, clients=20, seconds=30)
    assert result["status_5xx"] == 0, result["first_failures"]
    assert result["socket_errors"] == 0, result["first_failures"]
    assert result["fd_growth"] <= 64, (result["server_start"], result["server_end"])
    assert result["calls"] > 100, result
    assert {"DescribeSnapshots", "PutSnapshotBlock", "CopySnapshot", "RunInstances", "DeleteSnapshot"} <= set(result["per_call"]), result["per_call"]
