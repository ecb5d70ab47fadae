"""A full disk: the data directory on a small tmpfs fills up during volume writes and an EBS
upload. Writes fail with a retryable AWS-style error that names the cause, nothing committed
refers to an unwritten block, and once space is freed Kiln carries on without a restart.
Needs the right to mount a tmpfs (root); skipped otherwise."""

import os
import subprocess

import pytest
from botocore.exceptions import ClientError

from kiln_harness import BLOCK_SIZE, DEV_ARGS, KilnServer, b64_sha256, linear_checksum, make_client, put_block, read_snapshot, run_kiln, signed_request, wait_volume_available


@pytest.fixture
def small_fs(tmp_path):
    mount = tmp_path / "fs"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", str(mount)], capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def write_block(srv, volume, index, data):
    return signed_request(srv.endpoint, "PUT", f"/kiln/volumes/{volume}/data", query={"offset": str(index * BLOCK_SIZE)}, body=data)


@pytest.mark.skipif(os.environ.get("KILN_BLOCKS") == "seaweedfs", reason="with KILN_BLOCKS=seaweedfs blocks go to the object store, not to the data directory's disk")
def test_full_disk_fails_cleanly_and_recovers(small_fs):
    srv = KilnServer(small_fs, "full", DEV_ARGS)
    srv.start()
    try:
        ec2, ebs = make_client(srv.endpoint, "ec2"), make_client(srv.endpoint, "ebs")
        volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
        wait_volume_available(ec2, volume)
        filler = small_fs / "filler"
        free = os.statvfs(small_fs).f_bavail * os.statvfs(small_fs).f_frsize
        with open(filler, "wb") as f:
            f.write(os.urandom(max(0, free - (12 << 20))))
        acknowledged, refusal = {}, None
        for index in range(100):
            data = os.urandom(BLOCK_SIZE)
            reply = write_block(srv, volume, index, data)
            if reply.status_code != 200:
                refusal = reply
                break
            acknowledged[index] = data
        assert refusal is not None, "the disk never filled up"
        assert acknowledged, "no write fit before the disk filled up"
        assert refusal.status_code == 503 and refusal.json()["Code"] == "ServiceUnavailable", refusal.text
        assert "out of space" in refusal.json()["Message"], refusal.text

        # an upload whose completion cannot be stored stays pending, and can be completed later
        blocks = {0: os.urandom(BLOCK_SIZE), 7: os.urandom(BLOCK_SIZE)}
        sid = ebs.start_snapshot(VolumeSize=1)["SnapshotId"]
        for index, data in blocks.items():
            try:
                put_block(ebs, sid, index, data)
            except ClientError as e:
                assert e.response["Error"]["Code"] in ("ServiceUnavailable", "ServiceUnavailableException"), e
        complete = dict(SnapshotId=sid, ChangedBlocksCount=2, Checksum=linear_checksum(blocks), ChecksumAlgorithm="SHA256", ChecksumAggregationMethod="LINEAR")
        with pytest.raises(ClientError) as e:
            ebs.complete_snapshot(**complete)
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503 and "out of space" in str(e.value)
        assert srv.running, "the server died of a full disk"
        report = run_kiln(srv.endpoint, "verify", check=False).json()
        assert report["problems"] == [], "something committed refers to an unwritten block"

        # space freed: the same server carries on
        filler.unlink()
        pid = srv.proc.pid
        assert write_block(srv, volume, 200, os.urandom(BLOCK_SIZE)).status_code == 200
        for index, data in acknowledged.items():
            reply = signed_request(srv.endpoint, "GET", f"/kiln/volumes/{volume}/data", query={"offset": str(index * BLOCK_SIZE), "length": str(BLOCK_SIZE)})
            assert reply.content == data, f"acknowledged block {index} lost"
        for index, data in blocks.items():  # a block refused while full is sent again
            put_block(ebs, sid, index, data)
        assert ebs.complete_snapshot(**complete)["Status"] == "completed"
        assert {i: b64_sha256(d) for i, d in read_snapshot(ebs, sid).items()} == {i: b64_sha256(d) for i, d in blocks.items()}
        assert run_kiln(srv.endpoint, "verify").json()["problems"] == []
        assert srv.proc.pid == pid
    finally:
        srv.stop()


def fill(path) -> None:
    """Writes `path` until the file system has no byte left."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        for chunk in (1 << 20, 4096, 512, 1):
            try:
                while os.write(fd, b"\0" * chunk) > 0:
                    pass
            except OSError:
                pass
    finally:
        os.close(fd)


@pytest.mark.skipif(
    os.environ.get("KILN_CLUSTER") == "postgres",
    reason="single-node only: with KILN_CLUSTER=postgres the metadata is in PostgreSQL, not in a SQLite file on the data directory's disk",
)
def test_full_metadata_database_fails_cleanly_and_recovers(small_fs):
    srv = KilnServer(small_fs, "fullmeta", DEV_ARGS)
    srv.start()
    try:
        ssm = make_client(srv.endpoint, "ssm")
        filler = small_fs / "filler"
        fill(filler)
        acknowledged, refusal = [], None
        for i in range(5000):
            name = f"/kiln/full/{i}"
            try:
                ssm.put_parameter(Name=name, Value=f"{i}:" + "v" * 4000, Type="String")
            except ClientError as e:
                refusal = e.response
                break
            acknowledged.append(name)
        assert refusal is not None, "the metadata database never ran out of space"
        assert refusal["ResponseMetadata"]["HTTPStatusCode"] == 503, refusal
        assert refusal["Error"]["Code"] == "ServiceUnavailable" and "out of space" in refusal["Error"]["Message"], refusal
        assert srv.running, "the server died of a full metadata database"

        # space freed: the same server carries on, and every acknowledged write is there
        pid = srv.proc.pid
        filler.unlink()
        ssm.put_parameter(Name="/kiln/full/after", Value="after", Type="String")
        for name in acknowledged[-5:] + ["/kiln/full/after"]:
            assert ssm.get_parameter(Name=name)["Parameter"]["Name"] == name
        assert srv.proc.pid == pid
    finally:
        srv.stop()
