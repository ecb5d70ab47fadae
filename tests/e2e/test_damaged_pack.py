"""An I/O error on a pack read: a block whose pack was truncated under the running server is
answered as damaged, naming its snapshot; `kiln verify` names the snapshot too; and the server
goes on serving everything else, new uploads included."""

from __future__ import annotations

import random

from botocore.exceptions import ClientError

from kiln_harness import BLOCK_SIZE, get_block, list_all_blocks, make_client, read_snapshot, run_kiln, upload_snapshot


def test_a_truncated_pack_is_reported_with_its_snapshot_and_the_server_stays_up(kiln_factory):
    srv = kiln_factory()
    ebs = make_client(srv.endpoint, "ebs")
    rng = random.Random(19)
    written = {i: rng.randbytes(BLOCK_SIZE) for i in range(4)}
    damaged = upload_snapshot(ebs, written)
    srv.restart()  # every pack finished and indexed
    packs = [p for p in (srv.data_dir / "blocks").rglob("*") if p.is_file() and ".tmp-" not in p.name]
    assert packs, "no pack files"
    for pack in packs:
        with open(pack, "r+b") as f:
            f.truncate(max(0, pack.stat().st_size // 3))

    ebs = make_client(srv.endpoint, "ebs")
    failures = []
    for block in list_all_blocks(ebs, damaged):
        try:
            data, _ = get_block(ebs, damaged, block["BlockIndex"], block["BlockToken"])
            assert data == written[block["BlockIndex"]], "a block of the damaged pack read back wrong"
        except ClientError as e:
            failures.append(e.response)
    assert failures, "no block of the truncated pack failed to read"
    for failure in failures:
        assert failure["Error"]["Code"] == "InternalServerException", failure
        assert failure["ResponseMetadata"]["HTTPStatusCode"] == 500
        assert damaged in failure["Error"]["Message"] and "damaged" in failure["Error"]["Message"], failure

    verify = run_kiln(srv.endpoint, "verify", check=False)
    assert verify.returncode == 1, verify
    assert damaged in verify.stdout, verify

    # Everything else goes on: describe, a new upload, its read-back.
    assert srv.running
    fresh = {i: rng.randbytes(BLOCK_SIZE) for i in range(2)}
    other = upload_snapshot(make_client(srv.endpoint, "ebs"), fresh)
    assert read_snapshot(make_client(srv.endpoint, "ebs"), other) == fresh
    states = {s["SnapshotId"]: s["State"] for s in make_client(srv.endpoint, "ec2").describe_snapshots(OwnerIds=["self"])["Snapshots"]}
    assert states[other] == "completed"
