"""`kiln image import` / `kiln image export` against the real server: bit-exact round
trips of sparse images (plain and encrypted), SigV4 under strict auth, the server killed
in the middle of an upload, and corruption caught by `kiln verify`."""

import os
import re
import threading
import time
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from kiln_harness import (
    BLOCK_SIZE,
    GIB,
    STRICT_ACCOUNTS,
    allocated_bytes,
    client_error,
    describe_snapshot,
    first_difference,
    kiln_export,
    kiln_import,
    list_all_blocks,
    make_client,
    nonzero_block_indexes,
    put_block,
    read_snapshot,
    run_kiln,
    signed_request,
    upload_snapshot,
    wait_snapshot_completed,
    wait_volume_available,
    write_sparse_image,
)

SNAP_ID = re.compile(r"^snap-[0-9a-f]{17}$")

# Scattered random extents in a 1 GiB image: unaligned offsets and lengths, one at the very
# start, one straddling the middle, one ending at the last byte. About 40 MB in all.
SPARSE_EXTENTS = [
    (0, 4 << 20),
    (100_000_123, 5_000_000),
    ((512 << 20) - 3_000_000, 6_000_000),
    (777_777_777, 4097),
    (900_000_000, 16 << 20),
    (GIB - 7_000_001, 7_000_001),
]


@pytest.fixture(scope="module")
def sparse_image(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("img") / "sparse-1g.raw"
    write_sparse_image(path, GIB, SPARSE_EXTENTS, seed=20261127)
    return path


def assert_same_file(expected: Path, got: Path):
    assert os.path.getsize(got) == os.path.getsize(expected), "exported size differs"
    diff = first_difference(expected, got)
    assert diff is None, f"export differs from the image at byte {diff}"


# ---------------------------------------------------------------- round trips


def test_import_export_1gib_sparse_bit_exact(kiln, ec2, client, sparse_image, tmp_path):
    run = run_kiln(kiln, "image", "import", sparse_image, "--name", "sparse-1g")
    sid = run.stdout.strip()
    assert SNAP_ID.match(sid), f"stdout must be the snapshot id alone: {run.stdout!r}"
    assert sid in run.stderr, "the summary on stderr names the snapshot"

    expected_blocks = nonzero_block_indexes(sparse_image)
    assert 60 < len(expected_blocks) < 120  # sanity of the fixture itself
    snap = describe_snapshot(ec2, sid)
    assert snap["State"] == "completed"
    assert snap["VolumeSize"] == 1
    assert snap["Encrypted"] is False
    assert snap["FullSnapshotSizeInBytes"] == len(expected_blocks) * BLOCK_SIZE
    tags = {t["Key"]: t["Value"] for t in snap["Tags"]}
    assert tags["Name"] == "sparse-1g"
    # only the non-zero blocks were stored
    assert [b["BlockIndex"] for b in list_all_blocks(client("ebs"), sid)] == expected_blocks

    out = tmp_path / "export.raw"
    run = kiln_export(kiln, sid, out, "--verify")
    assert run.stdout.strip() == "", "export writes the file, not stdout"
    assert_same_file(sparse_image, out)
    # holes where the image has zeros: far less allocated than the 1 GiB size
    data_bytes = sum(length for _, length in SPARSE_EXTENTS)
    allocated = allocated_bytes(out)
    assert allocated < GIB // 8, f"export is not sparse: {allocated} bytes allocated"
    assert allocated <= len(expected_blocks) * BLOCK_SIZE + (1 << 20), (allocated, data_bytes)


def test_import_export_encrypted(kiln, ec2, tmp_path):
    size = (48 << 20) + 12345  # not a multiple of the block size, let alone of a GiB
    image = tmp_path / "enc.raw"
    write_sparse_image(image, size, [(1000, 3 << 20), (20 << 20, 1 << 20), (size - 54321, 54321)], seed=5)
    sid = kiln_import(kiln, image, "encrypted-one", "--encrypted", "--concurrency", "3")
    snap = describe_snapshot(ec2, sid)
    assert snap["Encrypted"] is True
    assert snap["KmsKeyId"].startswith("arn:aws:kms:us-east-1:000000000000:")
    assert snap["FullSnapshotSizeInBytes"] == len(nonzero_block_indexes(image)) * BLOCK_SIZE

    out = tmp_path / "enc.out"
    kiln_export(kiln, sid, out, "--size", size, "--verify", "--concurrency", "2")
    assert_same_file(image, out)
    # without --size: the whole 1 GiB volume, the image followed by zeros
    full = tmp_path / "enc-full.out"
    kiln_export(kiln, sid, full)
    assert os.path.getsize(full) == GIB
    with open(full, "rb") as f, open(image, "rb") as g:
        assert f.read(size) == g.read()
        assert f.read(1 << 20) == bytes(1 << 20)


def test_import_with_kms_key(kiln, ec2, tmp_path):
    image = tmp_path / "k.raw"
    write_sparse_image(image, 4 << 20, [(0, 100)], seed=2)
    key = make_client(kiln, "kms").create_key()["KeyMetadata"]["Arn"]
    sid = kiln_import(kiln, image, "with-key", "--kms-key-id", key)
    snap = describe_snapshot(ec2, sid)
    assert (snap["Encrypted"], snap["KmsKeyId"]) == (True, key)
    out = tmp_path / "k.out"
    kiln_export(kiln, sid, out, "--size", 4 << 20)
    assert_same_file(image, out)


def test_import_region_and_endpoint_from_environment(kiln, client, tmp_path):
    image = tmp_path / "eu.raw"
    write_sparse_image(image, 2 << 20, [(BLOCK_SIZE, 1000)], seed=3)
    sid = kiln_import(kiln, image, "eu", endpoint_style="env", region="eu-west-1")
    assert describe_snapshot(client("ec2", region="eu-west-1"), sid)["State"] == "completed"
    with pytest.raises(ClientError) as e:
        client("ec2").describe_snapshots(SnapshotIds=[sid])
    assert client_error(e)[0] == "InvalidSnapshot.NotFound"
    out = tmp_path / "eu.out"
    kiln_export(kiln, sid, out, "--size", 2 << 20, endpoint_style="env", region="eu-west-1")
    assert_same_file(image, out)
    # from us-east-1 the snapshot does not exist
    run = kiln_export(kiln, sid, tmp_path / "nope.out", check=False)
    assert run.returncode != 0, str(run)


def test_import_just_over_a_gib(kiln, ec2, client, tmp_path):
    """One byte past 1 GiB: a 2 GiB volume whose block 2048 holds that single byte."""
    size = GIB + 1
    image = tmp_path / "gib-plus-one.raw"
    write_sparse_image(image, size, [(3, 5), (GIB - 2, 3)], seed=4)
    sid = kiln_import(kiln, image, "gib-plus-one")
    assert describe_snapshot(ec2, sid)["VolumeSize"] == 2
    assert [b["BlockIndex"] for b in list_all_blocks(client("ebs"), sid)] == [0, 2047, 2048]
    out = tmp_path / "gib-plus-one.out"
    kiln_export(kiln, sid, out, "--size", size)
    assert_same_file(image, out)


def test_concurrent_imports(kiln, tmp_path):
    """Two imports at once (sharing some blocks) both come back bit-exact."""
    import concurrent.futures

    images = []
    for n in range(3):
        image = tmp_path / f"c{n}.raw"
        # same seed: every image starts with the same 2 MiB; then data of its own
        write_sparse_image(image, 24 << 20, [(0, 2 << 20), ((4 + n) << 20, 6 << 20)], seed=100)
        with open(image, "r+b") as f:
            f.seek(20 << 20)
            f.write(os.urandom(1 << 20))
        images.append(image)
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        ids = list(pool.map(lambda im: kiln_import(kiln, im, im.stem, "--concurrency", "4"), images))
    assert len(set(ids)) == 3
    for image, sid in zip(images, ids):
        out = tmp_path / (image.stem + ".out")
        kiln_export(kiln, sid, out, "--size", 24 << 20, "--verify")
        assert_same_file(image, out)


def test_import_all_zero_image(kiln, ec2, tmp_path):
    image = tmp_path / "zero.raw"
    write_sparse_image(image, 8 << 20, [], seed=0)
    sid = kiln_import(kiln, image, "zeros")
    snap = describe_snapshot(ec2, sid)
    assert snap["State"] == "completed"
    assert snap["FullSnapshotSizeInBytes"] == 0
    out = tmp_path / "zero.out"
    kiln_export(kiln, sid, out, "--size", 8 << 20)
    assert_same_file(image, out)


def test_export_unknown_snapshot_fails(kiln, tmp_path):
    run = kiln_export(kiln, "snap-0123456789abcdef0", tmp_path / "x.out", check=False)
    assert run.returncode != 0, str(run)
    assert "ResourceNotFound" in run.stderr or "does not exist" in run.stderr, str(run)


def test_import_missing_file_fails(kiln, tmp_path):
    run = run_kiln(kiln, "image", "import", tmp_path / "absent.raw", "--name", "x", check=False)
    assert run.returncode != 0 and run.stdout.strip() == "", str(run)


# ---------------------------------------------------------------- strict auth


KEY_1 = STRICT_ACCOUNTS[0]["accessKeys"][0]
KEY_2 = STRICT_ACCOUNTS[1]["accessKeys"][0]


def test_strict_auth_import_export(strict_server, tmp_path):
    ep = strict_server.endpoint
    image = tmp_path / "strict.raw"
    write_sparse_image(image, 16 << 20, [(0, 2 << 20), (9 << 20, 777_777)], seed=9)
    creds1 = dict(key=KEY_1["accessKeyId"], secret=KEY_1["secretAccessKey"])
    sid = kiln_import(ep, image, "strict", **creds1)
    ec2_1 = make_client(ep, "ec2", key=creds1["key"], secret=creds1["secret"])
    snap = describe_snapshot(ec2_1, sid)
    assert snap["OwnerId"] == STRICT_ACCOUNTS[0]["id"]
    assert snap["State"] == "completed"
    out = tmp_path / "strict.out"
    kiln_export(ep, sid, out, "--size", 16 << 20, "--verify", **creds1)
    assert_same_file(image, out)

    # the other account, correctly signed, does not see it
    ec2_2 = make_client(ep, "ec2", key=KEY_2["accessKeyId"], secret=KEY_2["secretAccessKey"])
    with pytest.raises(ClientError) as e:
        ec2_2.describe_snapshots(SnapshotIds=[sid])
    assert client_error(e)[0] == "InvalidSnapshot.NotFound"
    run = kiln_export(ep, sid, tmp_path / "other.out", "--size", 16 << 20, key=KEY_2["accessKeyId"], secret=KEY_2["secretAccessKey"], check=False)
    assert run.returncode != 0, str(run)

    before = {s["SnapshotId"] for s in ec2_1.describe_snapshots()["Snapshots"]}
    for bad in (
        dict(key=KEY_1["accessKeyId"], secret="not-the-secret"),
        dict(key="AKIANOTCONFIGURED99", secret="whatever"),
    ):
        run = run_kiln(ep, "image", "import", image, "--name", "bad", check=False, **bad)
        assert run.returncode != 0, f"import with {bad['key']}/{bad['secret']} must fail\n{run}"
        assert run.stdout.strip() == "", str(run)
        assert re.search(r"SignatureDoesNotMatch|InvalidClientTokenId|UnrecognizedClient|AuthFailure", run.stderr), str(run)
        for cmd in (("storage",), ("verify",), ("gc",)):
            r = run_kiln(ep, *cmd, check=False, **bad)
            assert r.returncode != 0, f"kiln {cmd[0]} with a bad signature must fail\n{r}"
        run = kiln_export(ep, sid, tmp_path / "bad.out", check=False, **bad)
        assert run.returncode != 0, str(run)
    after = {s["SnapshotId"] for s in ec2_1.describe_snapshots()["Snapshots"]}
    assert after == before, "a refused import must not leave a snapshot behind"

    # the signed client commands work for the right key
    report = run_kiln(ep, "storage", **creds1).json()
    assert report["account"] == STRICT_ACCOUNTS[0]["id"]
    assert sid in {line["snapshotId"] for line in report["snapshots"]}

    # kiln volume write/read: signed requests with a query string and a body
    vol = ec2_1.create_volume(SnapshotId=sid, AvailabilityZone="us-east-1a")["VolumeId"]
    wait_volume_available(ec2_1, vol)
    patch = os.urandom(3000)
    run_kiln(ep, "volume", "write", vol, "-", "--offset", 12345, stdin=patch, **creds1)
    got = tmp_path / "strict-read.bin"
    run_kiln(ep, "volume", "read", vol, "--offset", 12000, "--length", 4000, "-o", got, **creds1)
    with open(image, "rb") as f:
        original = f.read(16000)
    expected = original[12000:12345] + patch + original[12345 + 3000 : 16000]
    assert got.read_bytes() == expected
    bad = dict(key=KEY_1["accessKeyId"], secret="not-the-secret")
    assert run_kiln(ep, "volume", "write", vol, "-", "--offset", 0, stdin=b"x", check=False, **bad).returncode != 0
    assert run_kiln(ep, "volume", "read", vol, "--length", 10, check=False, **bad).returncode != 0
    run_kiln(ep, "volume", "read", vol, "--offset", 0, "--length", 1, "-o", got, **creds1)
    assert got.read_bytes() == original[:1], "a refused write must not have changed the volume"


# ---------------------------------------------------------------- crash in the middle


def test_kill9_during_upload(kiln_factory, tmp_path):
    srv = kiln_factory()
    ep = srv.endpoint
    ebs, ec2 = make_client(ep, "ebs"), make_client(ep, "ec2")

    # a snapshot completed before the crash, imported with the CLI
    image = tmp_path / "done.raw"
    write_sparse_image(image, 24 << 20, [(0, 3 << 20), (10 << 20, 2_500_000), ((24 << 20) - 1, 1)], seed=77)
    done = kiln_import(ep, image, "before-crash")
    # one completed through the API, with a child
    rnd_blocks = {i: os.urandom(BLOCK_SIZE) for i in (0, 5, 6)}
    parent = upload_snapshot(ebs, rnd_blocks)
    child_new = os.urandom(BLOCK_SIZE)
    child = upload_snapshot(ebs, {5: child_new}, ParentSnapshotId=parent)

    # the upload in progress: blocks keep arriving from another thread when the server dies
    pending = ebs.start_snapshot(VolumeSize=1, Description="in flight", Tags=[{"Key": "crash", "Value": "yes"}])["SnapshotId"]
    put = []
    acknowledged: dict[int, bytes] = {}
    stop = threading.Event()

    def uploader():
        c = make_client(ep, "ebs")
        i = 0
        while not stop.is_set():
            try:
                data = os.urandom(BLOCK_SIZE)
                put_block(c, pending, i, data)
                acknowledged[i] = data
                put.append(i)
            except Exception:
                return
            i += 1

    t = threading.Thread(target=uploader, daemon=True)
    t.start()
    deadline = time.monotonic() + 20
    while len(put) < 12 and time.monotonic() < deadline and t.is_alive():
        time.sleep(0.01)
    assert len(put) >= 12, "the uploader did not get going"
    srv.crash_and_restart()
    stop.set()
    t.join(timeout=10)

    if srv.cluster:
        # A cluster keeps the upload session in PostgreSQL and every answered block in the
        # shared store: the upload outlives the nodes, and completes with every answered block.
        snap = describe_snapshot(ec2, pending)
        assert snap["State"] == "pending", snap
        in_flight = len(put)  # the block being sent when the nodes died, sent again
        acknowledged[in_flight] = os.urandom(BLOCK_SIZE)
        put_block(ebs, pending, in_flight, acknowledged[in_flight])
        ebs.complete_snapshot(SnapshotId=pending, ChangedBlocksCount=len(acknowledged))
        wait_snapshot_completed(ec2, pending, timeout=30)
        assert read_snapshot(ebs, pending) == acknowledged
    else:
        # the interrupted upload failed, and says so
        snap = describe_snapshot(ec2, pending)
        assert snap["State"] == "error", snap
        assert snap.get("StateMessage"), "an error snapshot should say why"
        assert {"Key": "crash", "Value": "yes"} in snap["Tags"]
        with pytest.raises(ClientError) as e:
            put_block(ebs, pending, 100, os.urandom(BLOCK_SIZE))
        assert client_error(e)[1] == 400
        with pytest.raises(ClientError) as e:
            ebs.complete_snapshot(SnapshotId=pending, ChangedBlocksCount=len(put))
        assert client_error(e)[1] == 400
        errored = ec2.describe_snapshots(Filters=[{"Name": "status", "Values": ["error"]}])["Snapshots"]
        assert [s["SnapshotId"] for s in errored] == [pending]

    # what was completed before the crash is intact
    for sid in (done, parent, child):
        assert describe_snapshot(ec2, sid)["State"] == "completed"
    out = tmp_path / "done.out"
    kiln_export(ep, done, out, "--size", 24 << 20, "--verify")
    assert_same_file(image, out)
    assert read_snapshot(ebs, parent) == rnd_blocks
    assert read_snapshot(ebs, child) == {**rnd_blocks, 5: child_new}

    report = run_kiln(ep, "verify")
    assert report.json()["problems"] == [], str(report)
    assert report.json()["blocksChecked"] >= len(nonzero_block_indexes(image)) + 4

    # the server takes new uploads, and gc after the crash spares the survivors
    again = upload_snapshot(ebs, {1: child_new})
    assert read_snapshot(ebs, again) == {1: child_new}
    run_kiln(ep, "gc")
    assert run_kiln(ep, "verify").json()["problems"] == []
    kiln_export(ep, done, out, "--size", 24 << 20)
    assert_same_file(image, out)


def test_kill9_during_volume_writes(kiln_factory):
    """Concurrent writes to a volume, kill -9 among them: every write that was answered 200
    survives, and a snapshot taken after the restart holds it."""
    srv = kiln_factory()
    ep = srv.endpoint
    ec2 = make_client(ep, "ec2")
    vol = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    wait_volume_available(ec2, vol)
    acknowledged: dict[int, bytes] = {}
    stop = threading.Event()

    def writer(first: int):
        # Each writer owns every fourth block, so no two writes race for one block.
        index = first
        while not stop.is_set() and index < 2048:
            data = os.urandom(BLOCK_SIZE)
            try:
                reply = signed_request(ep, "PUT", f"/kiln/volumes/{vol}/data", query={"offset": str(index * BLOCK_SIZE)}, body=data)
            except Exception:
                return
            if reply.status_code != 200:
                return
            acknowledged[index] = data
            index += 4

    threads = [threading.Thread(target=writer, args=(i,), daemon=True) for i in range(4)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 20
    while len(acknowledged) < 40 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(acknowledged) >= 40, "the writers did not get going"
    srv.crash_and_restart()
    stop.set()
    for t in threads:
        t.join(timeout=10)

    survived = dict(acknowledged)
    for index, data in survived.items():
        reply = signed_request(ep, "GET", f"/kiln/volumes/{vol}/data", query={"offset": str(index * BLOCK_SIZE), "length": str(BLOCK_SIZE)})
        assert reply.status_code == 200, reply.text
        assert reply.content == data, f"block {index} was acknowledged before the crash but did not survive it"
    snap = ec2.create_snapshot(VolumeId=vol)["SnapshotId"]
    deadline = time.monotonic() + 20
    while describe_snapshot(ec2, snap)["State"] != "completed" and time.monotonic() < deadline:
        time.sleep(0.05)
    stored = read_snapshot(make_client(ep, "ebs"), snap)
    assert {i: stored.get(i) for i in survived} == survived
    assert run_kiln(ep, "verify").json()["problems"] == []


def test_kill9_right_after_complete(kiln_factory, tmp_path):
    """CompleteSnapshot answered => the snapshot is durable, even with no graceful stop."""
    srv = kiln_factory()
    ep = srv.endpoint
    image = tmp_path / "c.raw"
    write_sparse_image(image, 8 << 20, [(0, 1 << 20), (5 << 20, 1 << 20)], seed=8)
    sid = kiln_import(ep, image, "durable")
    srv.crash_and_restart()
    assert describe_snapshot(make_client(ep, "ec2"), sid)["State"] == "completed"
    out = tmp_path / "c.out"
    kiln_export(ep, sid, out, "--size", 8 << 20, "--verify")
    assert_same_file(image, out)


# ---------------------------------------------------------------- corruption


def corrupt_remote_pack(srv):
    """Flips a byte of the first block of a pack in the server's bucket, then restarts the server
    so that its read cache does not still hold the pack's good bytes."""
    from kiln_harness import shared_seaweedfs

    bucket = srv.extra_args[srv.extra_args.index("--blocks") + 1].split("?")[0].removeprefix("s3://")
    s3 = shared_seaweedfs().client()
    key = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="blocks/packs/")["Contents"])[0]
    data = bytearray(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    data[48 + 1000] ^= 0xFF
    s3.put_object(Bucket=bucket, Key=key, Body=bytes(data))
    srv.restart()


def test_verify_detects_a_corrupted_pack(kiln_factory, tmp_path):
    srv = kiln_factory()
    ep = srv.endpoint
    image = tmp_path / "v.raw"
    write_sparse_image(image, 4 << 20, [(0, 4 << 20)], seed=12)
    sid = kiln_import(ep, image, "to-corrupt")
    clean = run_kiln(ep, "verify").json()
    assert clean["problems"] == [] and clean["blocksChecked"] == 8 and clean["packsChecked"] >= 1

    if "--blocks" in srv.extra_args:  # KILN_BLOCKS=seaweedfs: the packs are objects in a bucket
        corrupt_remote_pack(srv)
    else:
        packs = sorted(p for p in (srv.data_dir / "blocks").rglob("*") if p.is_file() and p.stat().st_size > BLOCK_SIZE)
        assert packs, f"no pack files under {srv.data_dir / 'blocks'}"
        victim = packs[0]
        with open(victim, "r+b") as f:
            # well inside the stored bytes of the pack's first block (each entry: 48-byte header, then data)
            f.seek(48 + 1000)
            byte = f.read(1)
            f.seek(-1, os.SEEK_CUR)
            f.write(bytes([byte[0] ^ 0xFF]))

    run = run_kiln(ep, "verify", check=False)
    assert run.returncode == 1, f"verify must exit 1 on a corrupted store\n{run}"
    assert run.json()["problems"], str(run)
    # and the corrupted block is not served as if it were good
    run = kiln_export(ep, sid, tmp_path / "v.out", "--size", 4 << 20, "--verify", check=False)
    if run.returncode == 0:
        assert first_difference(image, tmp_path / "v.out") is None, "corrupt data exported as good"
        pytest.fail("export succeeded although a block of the snapshot is corrupt")


def test_incremental_import_uploads_only_changed_blocks(kiln, tmp_path):
    """`kiln image import --parent` sends only blocks that differ from the parent, clears blocks that became zero, and the child is bit-exact."""
    import os

    ep = kiln
    v1 = tmp_path / "v1.raw"
    with open(v1, "wb") as f:
        f.truncate(16 << 20)
        for index in range(0, 32, 2):
            f.seek(index * 524288)
            f.write(os.urandom(524288))
    data = bytearray(v1.read_bytes())
    data[3 * 524288 : 3 * 524288 + 7] = b"changed"  # a zero block gains data
    data[4 * 524288 : 5 * 524288] = bytes(524288)  # a data block becomes zero
    data[6 * 524288 + 9] ^= 0xFF  # one byte of a data block flips
    v2 = tmp_path / "v2.raw"
    v2.write_bytes(bytes(data))
    parent = kiln_import(ep, v1, "v1")
    child = kiln_import(ep, v2, "v2", "--parent", parent)
    ebs = make_client(ep, "ebs")
    changed = [b["BlockIndex"] for b in ebs.list_changed_blocks(FirstSnapshotId=parent, SecondSnapshotId=child)["ChangedBlocks"]]
    assert changed == [3, 4, 6]
    out = tmp_path / "v2.out"
    kiln_export(ep, child, out, "--size", str(16 << 20))
    assert out.read_bytes() == bytes(data)


def test_store_maintenance_is_for_admin_accounts_under_strict_auth(strict_server):
    """With --auth strict, `kiln verify` and `kiln gc` need an account the config marks admin."""
    ep = strict_server.endpoint
    admin = run_kiln(ep, "verify", key="AKIAEXAMPLE1111", secret="secret1")
    assert admin.json()["problems"] == []
    other = run_kiln(ep, "gc", key="AKIAEXAMPLE2222", secret="secret2", check=False)
    assert other.returncode != 0 and "AccessDenied" in other.stderr + other.stdout
    assert run_kiln(ep, "storage", key="AKIAEXAMPLE2222", secret="secret2").json()["account"] == "222222222222"


def test_import_registers_an_image_and_export_takes_its_id(kiln, tmp_path):
    """`kiln image import --register` makes an EBS-backed AMI from the upload; `kiln image export AMI` writes its root volume back."""
    image = tmp_path / "golden.raw"
    write_sparse_image(image, 8 << 20, [(0, 1 << 20), (5 << 20, 300_000)], seed=41)
    run = run_kiln(kiln, "image", "import", image, "--name", "golden-register-test", "--register", "--architecture", "arm64")
    snapshot, ami = run.stdout.strip().splitlines()
    assert SNAP_ID.match(snapshot) and ami.startswith("ami-")
    described = make_client(kiln, "ec2").describe_images(ImageIds=[ami])["Images"][0]
    assert described["Architecture"] == "arm64" and described["RootDeviceType"] == "ebs"
    assert described["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"] == snapshot
    out = tmp_path / "golden.out"
    kiln_export(kiln, ami, out, "--size", str(8 << 20))
    assert out.read_bytes() == image.read_bytes()
    again = run_kiln(kiln, "image", "import", image, "--name", "golden-register-test", "--register", check=False)
    assert again.returncode != 0 and "InvalidAMIName.Duplicate" in again.stderr
