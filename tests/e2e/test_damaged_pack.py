"""An I/O error on a pack read: a block whose pack was truncated under the server (a file of
the data directory, or with KILN_BLOCKS=seaweedfs an object of the bucket) is answered as damaged, naming its snapshot; `kiln verify` names the snapshot too; and the server
goes on serving everything else, new uploads included."""

from __future__ import annotations

import random

from botocore.exceptions import ClientError

from kiln_harness import BLOCK_SIZE, get_block, list_all_blocks, make_client, read_snapshot, run_kiln, shared_seaweedfs, upload_snapshot


def truncate_remote_packs(srv) -> None:
    """Cuts every pack object of the server's bucket to a third, then restarts the server so
    that its read cache forgets what it held."""
    bucket = srv.extra_args[srv.extra_args.index("--blocks") + 1].split("?")[0].removeprefix("s3://")
    s3 = shared_seaweedfs().client()
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="blocks/packs/").get("Contents", [])]
    assert keys, "no pack objects"
    for key in keys:
        data = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        s3.put_object(Bucket=bucket, Key=key, Body=data[: len(data) // 3])
    srv.restart()


def test_a_truncated_pack_is_reported_with_its_snapshot_and_the_server_stays_up(kiln_factory):
    srv = kiln_factory()
    ebs = make_client(srv.endpoint, "ebs")
    rng = random.Random(19)
    written = {i: rng.randbytes(BLOCK_SIZE) for i in range(4)}
    damaged = upload_snapshot(ebs, written)
    srv.restart()  # every pack finished and indexed
    if "--blocks" in srv.extra_args:  # KILN_BLOCKS=seaweedfs: the packs are objects in a bucket
        truncate_remote_packs(srv)
    else:
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
