"""An I/O error on a pack read: a block whose pack was truncated under the server (a file of
the data directory, or with KILN_BLOCKS=seaweedfs an object of the bucket) is answered as damaged,
naming its snapshot, wherever it is read (EBS GetSnapshotBlock, a volume's bytes, an image's
inspection and its store task); `kiln verify` names the snapshot too; and the server goes on
serving everything else, new uploads included."""

from __future__ import annotations

import random

from botocore.exceptions import ClientError

from kiln_harness import (
    BLOCK_SIZE,
    create_volume,
    get_block,
    list_all_blocks,
    make_client,
    read_snapshot,
    register_ebs_image,
    run_kiln,
    shared_seaweedfs,
    signed_request,
    upload_snapshot,
    wait_volume_available,
)


def truncate_packs(srv) -> None:
    """Cuts every finished pack to a third of its size: the files of the data directory under
    the running server, or with KILN_BLOCKS=seaweedfs the objects of its bucket, after which
    the server restarts so that its read cache forgets what it held."""
    if "--blocks" in srv.extra_args:
        truncate_remote_packs(srv)
        return
    packs = [p for p in (srv.data_dir / "blocks").rglob("*") if p.is_file() and ".tmp-" not in p.name]
    assert packs, "no pack files"
    for pack in packs:
        with open(pack, "r+b") as f:
            f.truncate(max(0, pack.stat().st_size // 3))


def truncate_remote_packs(srv) -> None:
    """Cuts every pack object of the server's bucket to a third, then restarts the server."""
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
    truncate_packs(srv)

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


def test_volume_reads_inspection_and_store_tasks_name_the_damaged_block(kiln_factory):
    srv = kiln_factory()
    ebs, ec2 = make_client(srv.endpoint, "ebs"), make_client(srv.endpoint, "ec2")
    rng = random.Random(1919)
    written = {i: rng.randbytes(BLOCK_SIZE) for i in range(4)}
    snapshot = upload_snapshot(ebs, written)
    image = register_ebs_image(ec2, snapshot, "damaged-pack")
    volume = create_volume(ec2, SnapshotId=snapshot)
    wait_volume_available(ec2, volume)
    srv.restart()  # every pack finished and indexed
    truncate_packs(srv)

    # The volume's bytes: each block it shares with its snapshot reads back whole, or is named.
    named = 0
    for index, data in written.items():
        reply = signed_request(srv.endpoint, "GET", f"/kiln/volumes/{volume}/data", query={"offset": str(index * BLOCK_SIZE), "length": str(BLOCK_SIZE)})
        if reply.status_code == 200:
            assert reply.content == data, f"block {index} of the damaged pack read back wrong"
            continue
        assert reply.status_code == 500 and reply.json()["Code"] == "InternalError", reply.text
        message = reply.json()["Message"]
        assert f"Block {index} of volume {volume}, held by its snapshot {snapshot}," in message and "damaged" in message, message
        named += 1
    assert named, "no block of the truncated pack failed to read"

    # The image's inspection, through Kiln's route.
    reply = signed_request(srv.endpoint, "GET", f"/kiln/images/{image}/inspection")
    assert reply.status_code == 500 and reply.json()["Code"] == "InternalError", reply.text
    assert f"of snapshot {snapshot} (of image {image}) is damaged" in reply.json()["Message"], reply.text

    # The image's export to a bucket: CreateStoreImageTask answers EC2's InternalError, naming the block.
    try:
        ec2.create_store_image_task(ImageId=image, Bucket="damaged-backups")
        raise AssertionError("the store task of a damaged image succeeded")
    except ClientError as e:
        assert e.response["Error"]["Code"] == "InternalError", e.response
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 500
        assert f"of snapshot {snapshot} (of image {image}) is damaged" in e.response["Error"]["Message"], e.response
    assert not ec2.describe_store_image_tasks()["StoreImageTaskResults"], "a failed store task was recorded"

    # The server stays up: describe, a new volume's bytes, a new upload and its read-back.
    assert srv.running
    assert image in {i["ImageId"] for i in ec2.describe_images(Owners=["self"])["Images"]}
    fresh = create_volume(ec2)
    wait_volume_available(ec2, fresh)
    data = rng.randbytes(BLOCK_SIZE)
    assert signed_request(srv.endpoint, "PUT", f"/kiln/volumes/{fresh}/data", query={"offset": "0"}, body=data).status_code == 200
    reply = signed_request(srv.endpoint, "GET", f"/kiln/volumes/{fresh}/data", query={"offset": "0", "length": str(BLOCK_SIZE)})
    assert reply.status_code == 200 and reply.content == data
    other = upload_snapshot(make_client(srv.endpoint, "ebs"), {0: data})
    assert read_snapshot(make_client(srv.endpoint, "ebs"), other) == {0: data}
