"""EC2 snapshots and volumes over the data plane: snapshots of volumes, volumes from
snapshots (copy-on-write), copies, encryption by default, Kiln's volume-bytes extension,
deletion with garbage collection, and the storage report."""

import os
import random

import pytest
from botocore.exceptions import ClientError

from kiln_harness import (
    BLOCK_SIZE,
    GIB,
    client_error,
    create_volume,
    describe_snapshot,
    first_difference,
    kiln_export,
    kiln_import,
    list_all_blocks,
    list_all_changed,
    make_client,
    read_snapshot,
    run_kiln,
    signed_request,
    upload_snapshot,
    wait_snapshot_completed,
    wait_volume_available,
    write_sparse_image,
)


@pytest.fixture(scope="module")
def ebs(client):
    return client("ebs")


def rand_block(rnd=None) -> bytes:
    return rnd.randbytes(BLOCK_SIZE) if rnd else os.urandom(BLOCK_SIZE)


def read_volume(endpoint, volume_id, offset, length, **kw) -> bytes:
    r = signed_request(endpoint, "GET", f"/kiln/volumes/{volume_id}/data", {"offset": offset, "length": length}, **kw)
    assert r.status_code == 200, f"GET {volume_id} data {offset}+{length}: {r.status_code} {r.text[:300]}"
    assert len(r.content) == length
    return r.content


def write_volume(endpoint, volume_id, offset, data: bytes, **kw):
    r = signed_request(endpoint, "PUT", f"/kiln/volumes/{volume_id}/data", {"offset": offset}, body=data, **kw)
    assert r.status_code == 200, f"PUT {volume_id} data at {offset}: {r.status_code} {r.text[:300]}"
    return r.json()


def volume_from(ec2, snapshot_id, **kw) -> dict:
    vol = ec2.create_volume(SnapshotId=snapshot_id, AvailabilityZone=kw.pop("az", "us-east-1a"), **kw)
    return wait_volume_available(ec2, vol["VolumeId"])


# ---------------------------------------------------------------- describe / filters


def test_describe_snapshots_direct_upload_and_filters(ebs, ec2):
    marker = "f-" + os.urandom(6).hex()
    data = {0: rand_block(), 3: rand_block()}
    done = upload_snapshot(ebs, data, Tags=[{"Key": "suite", "Value": marker}], Description="filters")
    pending = ebs.start_snapshot(VolumeSize=3, Tags=[{"Key": "suite", "Value": marker}])["SnapshotId"]

    snap = describe_snapshot(ec2, done)
    assert snap["VolumeId"] == "vol-ffffffff"
    assert snap["State"] == "completed"
    assert snap["Progress"] == "100%"
    assert snap["FullSnapshotSizeInBytes"] == 2 * BLOCK_SIZE
    assert snap["VolumeSize"] == 1
    assert snap["OwnerId"] == "000000000000"
    assert snap["Description"] == "filters"
    assert snap["Tags"] == [{"Key": "suite", "Value": marker}]
    assert snap["StartTime"] <= snap["CompletionTime"]

    def ids(*filters):
        resp = ec2.describe_snapshots(Filters=[{"Name": "tag:suite", "Values": [marker]}, *filters])
        return {s["SnapshotId"] for s in resp["Snapshots"]}

    assert ids() == {done, pending}
    assert ids({"Name": "status", "Values": ["completed"]}) == {done}
    assert ids({"Name": "status", "Values": ["pending"]}) == {pending}
    assert ids({"Name": "volume-id", "Values": ["vol-ffffffff"]}) == {done, pending}
    assert ids({"Name": "volume-id", "Values": ["vol-0123456789abcdef0"]}) == set()
    assert ids({"Name": "volume-size", "Values": ["3"]}) == {pending}
    assert describe_snapshot(ec2, pending)["State"] == "pending"


def test_delete_snapshot(ebs, ec2):
    sid = upload_snapshot(ebs, {0: rand_block()})
    ec2.delete_snapshot(SnapshotId=sid)
    with pytest.raises(ClientError) as e:
        ec2.describe_snapshots(SnapshotIds=[sid])
    assert client_error(e)[0] == "InvalidSnapshot.NotFound"
    with pytest.raises(ClientError) as e:
        ebs.list_snapshot_blocks(SnapshotId=sid)
    assert client_error(e) == ("ResourceNotFoundException", 404)
    with pytest.raises(ClientError) as e:
        ec2.delete_snapshot(SnapshotId=sid)
    assert client_error(e)[0] == "InvalidSnapshot.NotFound"


# ---------------------------------------------------------------- volumes and their bytes


def test_volume_bytes_http_extension(kiln, ec2):
    vol = create_volume(ec2, size=1)
    wait_volume_available(ec2, vol)
    assert read_volume(kiln, vol, 0, 4096) == bytes(4096), "a new volume reads as zeros"
    payload = os.urandom(700_000)  # spans a block boundary
    offset = BLOCK_SIZE - 1000
    ack = write_volume(kiln, vol, offset, payload)
    assert int(ack["written"]) == len(payload)
    assert read_volume(kiln, vol, offset, len(payload)) == payload
    # the bytes around are still zero
    assert read_volume(kiln, vol, offset - 10, 10) == bytes(10)
    assert read_volume(kiln, vol, offset + len(payload), 10) == bytes(10)
    # the very end of the volume is writable; one byte past it is not
    write_volume(kiln, vol, GIB - 3, b"end")
    assert read_volume(kiln, vol, GIB - 3, 3) == b"end"
    r = signed_request(kiln, "PUT", f"/kiln/volumes/{vol}/data", {"offset": GIB - 2}, body=b"abc")
    assert r.status_code == 400, r.text
    r = signed_request(kiln, "GET", f"/kiln/volumes/{vol}/data", {"offset": GIB - 2, "length": 3})
    assert r.status_code == 400, r.text
    # another account does not see the volume
    r = signed_request(kiln, "GET", f"/kiln/volumes/{vol}/data", {"offset": 0, "length": 1}, key="123412341234")
    assert r.status_code == 400 and "NotFound" in r.text, r.text


def test_create_snapshot_of_volume(kiln, ec2, ebs):
    vol = create_volume(ec2, size=2)
    wait_volume_available(ec2, vol)
    a, b = os.urandom(5000), os.urandom(BLOCK_SIZE)
    write_volume(kiln, vol, 10 * BLOCK_SIZE + 123, a)
    write_volume(kiln, vol, 3000 * BLOCK_SIZE, b)
    snap = ec2.create_snapshot(
        VolumeId=vol,
        Description="of a volume",
        TagSpecifications=[{"ResourceType": "snapshot", "Tags": [{"Key": "k", "Value": "v"}]}],
    )
    assert snap["State"] == "pending"
    assert snap["VolumeId"] == vol
    assert snap["VolumeSize"] == 2
    done = wait_snapshot_completed(ec2, snap["SnapshotId"])
    assert done["Progress"] == "100%"
    assert done["FullSnapshotSizeInBytes"] == 2 * BLOCK_SIZE
    assert done["Tags"] == [{"Key": "k", "Value": "v"}]
    blocks = read_snapshot(ebs, snap["SnapshotId"])
    assert sorted(blocks) == [10, 3000]
    assert blocks[10] == bytes(123) + a + bytes(BLOCK_SIZE - 123 - len(a))
    assert blocks[3000] == b
    # a later write to the volume does not change the snapshot
    write_volume(kiln, vol, 10 * BLOCK_SIZE, os.urandom(100))
    assert read_snapshot(ebs, snap["SnapshotId"]) == blocks
    vol_snaps = ec2.describe_snapshots(Filters=[{"Name": "volume-id", "Values": [vol]}])["Snapshots"]
    assert [s["SnapshotId"] for s in vol_snaps] == [snap["SnapshotId"]]


def test_volume_from_snapshot_size_rules(kiln, ebs, ec2):
    blocks = {0: rand_block(), 2047: rand_block(), 3000: rand_block()}
    sid = upload_snapshot(ebs, blocks, volume_size=2)
    vol = volume_from(ec2, sid)
    assert vol["Size"] == 2, "Size defaults to the snapshot's"
    assert vol["SnapshotId"] == sid
    assert read_volume(kiln, vol["VolumeId"], 0, BLOCK_SIZE) == blocks[0]
    assert read_volume(kiln, vol["VolumeId"], 3000 * BLOCK_SIZE, BLOCK_SIZE) == blocks[3000]
    assert read_volume(kiln, vol["VolumeId"], BLOCK_SIZE, BLOCK_SIZE) == bytes(BLOCK_SIZE)

    with pytest.raises(ClientError) as e:
        ec2.create_volume(SnapshotId=sid, AvailabilityZone="us-east-1a", Size=1)
    assert client_error(e) == ("InvalidParameterValue", 400)

    bigger = volume_from(ec2, sid, Size=5)
    assert bigger["Size"] == 5
    assert read_volume(kiln, bigger["VolumeId"], 2047 * BLOCK_SIZE, BLOCK_SIZE) == blocks[2047]
    write_volume(kiln, bigger["VolumeId"], 4 * GIB + 17, b"beyond the snapshot")
    assert read_volume(kiln, bigger["VolumeId"], 4 * GIB + 17, 19) == b"beyond the snapshot"


def test_modify_volume_grow_only(kiln, ec2):
    vol = create_volume(ec2, size=1)
    wait_volume_available(ec2, vol)
    write_volume(kiln, vol, 100, b"kept")
    mod = ec2.modify_volume(VolumeId=vol, Size=3)["VolumeModification"]
    assert (mod["OriginalSize"], mod["TargetSize"]) == (1, 3)
    assert ec2.describe_volumes(VolumeIds=[vol])["Volumes"][0]["Size"] == 3
    with pytest.raises(ClientError) as e:
        ec2.modify_volume(VolumeId=vol, Size=2)
    assert client_error(e) == ("InvalidParameterValue", 400)
    assert ec2.describe_volumes(VolumeIds=[vol])["Volumes"][0]["Size"] == 3
    # the new space is usable and the old bytes are still there
    write_volume(kiln, vol, 2 * GIB + 5, b"grown")
    assert read_volume(kiln, vol, 2 * GIB + 5, 5) == b"grown"
    assert read_volume(kiln, vol, 100, 4) == b"kept"


# ---------------------------------------------------------------- volume -> write -> snapshot -> diff


def test_volume_write_snapshot_changed_blocks_and_export(kiln, ebs, ec2, tmp_path):
    """The issue's scenario: import an image, make a volume of it, write a range with
    `kiln volume write`, snapshot the volume; ListChangedBlocks names exactly the touched
    block and the new export differs from the original exactly in the written range."""
    image = tmp_path / "base.img"
    size = 32 << 20
    write_sparse_image(image, size, [(0, 2 << 20), (9 << 20, 3_000_001), (size - 1_000_000, 1_000_000)], seed=11)
    base = kiln_import(kiln, image, "cow-base")
    vol = volume_from(ec2, base)
    vid = vol["VolumeId"]
    assert vol["Size"] == 1

    # a write inside block 5 (which was all zeros), through the CLI
    offset, payload = 5 * BLOCK_SIZE + 4321, os.urandom(100_000)
    (tmp_path / "patch.bin").write_bytes(payload)
    run_kiln(kiln, "volume", "write", vid, tmp_path / "patch.bin", "--offset", offset)
    run_kiln(kiln, "volume", "read", vid, "--offset", offset, "--length", len(payload), "-o", tmp_path / "readback.bin")
    assert (tmp_path / "readback.bin").read_bytes() == payload
    # and one that overwrites bytes the image had, in block 1
    offset2, payload2 = BLOCK_SIZE + 10, os.urandom(20_000)
    (tmp_path / "patch2.bin").write_bytes(payload2)
    run_kiln(kiln, "volume", "write", vid, tmp_path / "patch2.bin", "--offset", offset2, endpoint_style="env")

    snap = ec2.create_snapshot(VolumeId=vid)["SnapshotId"]
    wait_snapshot_completed(ec2, snap)
    changed = list_all_changed(ebs, base, snap)
    assert [c["BlockIndex"] for c in changed] == [1, 5], changed
    assert "FirstBlockToken" not in changed[1], "block 5 was empty in the base"

    kiln_export(kiln, base, tmp_path / "base.out", "--size", size)
    kiln_export(kiln, snap, tmp_path / "new.out", "--size", size, "--verify")
    original = image.read_bytes()
    assert (tmp_path / "base.out").read_bytes() == original, "the base snapshot must still export as imported"
    expected = bytearray(original)
    expected[offset : offset + len(payload)] = payload
    expected[offset2 : offset2 + len(payload2)] = payload2
    exported = (tmp_path / "new.out").read_bytes()
    assert len(exported) == size
    if exported != bytes(expected):
        diff = first_difference(tmp_path / "new.out", image)
        pytest.fail(f"the new export is not the original with the written ranges replaced (first difference from the image at {diff})")
    # the whole volume exports as 1 GiB (default size), zeros after the image
    kiln_export(kiln, snap, tmp_path / "full.out")
    assert os.path.getsize(tmp_path / "full.out") == GIB
    with open(tmp_path / "full.out", "rb") as f:
        assert f.read(size) == exported
        assert f.read(8 << 20) == bytes(8 << 20)

    # a second snapshot of the volume, after a write across the block 6/7 boundary
    run_kiln(kiln, "volume", "write", vid, "-", "--offset", 7 * BLOCK_SIZE - 2, stdin=b"\xffacross")
    snap2 = ec2.create_snapshot(VolumeId=vid)["SnapshotId"]
    wait_snapshot_completed(ec2, snap2)
    assert [c["BlockIndex"] for c in list_all_changed(ebs, snap, snap2)] == [6, 7]
    assert [c["BlockIndex"] for c in list_all_changed(ebs, base, snap2)] == [1, 5, 6, 7]


def test_deleting_source_snapshot_keeps_volume_data(kiln, ebs, ec2):
    """On AWS a volume is independent of the snapshot it was created from: deleting the
    snapshot must not change the volume's bytes (nor its later snapshots)."""
    blocks = {0: rand_block(), 9: rand_block()}
    sid = upload_snapshot(ebs, blocks)
    vid = volume_from(ec2, sid)["VolumeId"]
    write_volume(kiln, vid, 4 * BLOCK_SIZE, b"own")
    ec2.delete_snapshot(SnapshotId=sid)
    assert read_volume(kiln, vid, 0, BLOCK_SIZE) == blocks[0], "volume lost the data it had from its deleted source snapshot"
    assert read_volume(kiln, vid, 9 * BLOCK_SIZE, BLOCK_SIZE) == blocks[9]
    later = ec2.create_snapshot(VolumeId=vid)["SnapshotId"]
    wait_snapshot_completed(ec2, later)
    got = read_snapshot(ebs, later)
    assert sorted(got) == [0, 4, 9]
    assert got[0] == blocks[0] and got[9] == blocks[9]


# ---------------------------------------------------------------- copies


def test_copy_snapshot_encrypted_reads_back_equal(kiln, ebs, ec2):
    rnd = random.Random(21)
    blocks = {i: rand_block(rnd) for i in (0, 1, 700, 2047)}
    src = upload_snapshot(ebs, blocks, Description="plain source")
    copy = ec2.copy_snapshot(SourceRegion="us-east-1", SourceSnapshotId=src, Encrypted=True, Description="enc copy")
    cid = copy["SnapshotId"]
    assert cid != src
    snap = wait_snapshot_completed(ec2, cid)
    assert snap["Encrypted"] is True
    assert snap["KmsKeyId"].startswith("arn:aws:kms:us-east-1:000000000000:")
    assert snap["Description"] == "enc copy"
    assert snap["VolumeSize"] == 1
    assert describe_snapshot(ec2, src)["Encrypted"] is False
    assert read_snapshot(ebs, cid) == blocks
    # copy of the encrypted copy, with an explicit key
    key = make_client(kiln, "kms").create_key()["KeyMetadata"]["Arn"]
    cid2 = ec2.copy_snapshot(SourceRegion="us-east-1", SourceSnapshotId=cid, Encrypted=True, KmsKeyId=key)["SnapshotId"]
    assert wait_snapshot_completed(ec2, cid2)["KmsKeyId"] == key
    assert read_snapshot(ebs, cid2) == blocks
    # and the volume of the encrypted copy reads the same bytes
    vol = volume_from(ec2, cid)
    assert vol["Encrypted"] is True
    assert read_volume(kiln, vol["VolumeId"], 700 * BLOCK_SIZE, BLOCK_SIZE) == blocks[700]


def test_cross_region_copy(client, ebs, ec2):
    blocks = {0: rand_block(), 42: rand_block()}
    src = upload_snapshot(ebs, blocks)
    ec2_eu, ebs_eu = client("ec2", region="eu-west-1"), client("ebs", region="eu-west-1")
    cid = ec2_eu.copy_snapshot(SourceRegion="us-east-1", SourceSnapshotId=src)["SnapshotId"]
    snap = wait_snapshot_completed(ec2_eu, cid)
    assert snap["VolumeSize"] == 1
    assert read_snapshot(ebs_eu, cid) == blocks
    # it lives in eu-west-1 only
    with pytest.raises(ClientError) as e:
        ec2.describe_snapshots(SnapshotIds=[cid])
    assert client_error(e)[0] == "InvalidSnapshot.NotFound"
    # encrypted cross-region copy uses a key of the destination region
    ecid = ec2_eu.copy_snapshot(SourceRegion="us-east-1", SourceSnapshotId=src, Encrypted=True)["SnapshotId"]
    esnap = wait_snapshot_completed(ec2_eu, ecid)
    assert esnap["Encrypted"] is True
    assert esnap["KmsKeyId"].startswith("arn:aws:kms:eu-west-1:")
    assert read_snapshot(ebs_eu, ecid) == blocks


# ---------------------------------------------------------------- encryption by default


def test_encryption_by_default(kiln, client):
    account = "555566667777"  # an account of its own: the setting is per account and region
    ec2, ebs = client("ec2", key=account), client("ebs", key=account)
    ec2_eu = client("ec2", key=account, region="eu-west-1")
    assert ec2.get_ebs_encryption_by_default()["EbsEncryptionByDefault"] is False
    default_key = ec2.get_ebs_default_kms_key_id()["KmsKeyId"]
    assert default_key.startswith(f"arn:aws:kms:us-east-1:{account}:")

    plain = upload_snapshot(ebs, {0: rand_block()})
    assert ec2.enable_ebs_encryption_by_default()["EbsEncryptionByDefault"] is True
    assert ec2.get_ebs_encryption_by_default()["EbsEncryptionByDefault"] is True
    assert ec2_eu.get_ebs_encryption_by_default()["EbsEncryptionByDefault"] is False, "per region"

    vol = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)
    assert vol["Encrypted"] is True
    assert vol["KmsKeyId"] == default_key
    started = ebs.start_snapshot(VolumeSize=1)
    assert started["SseType"] == "sse-kms"
    assert started["KmsKeyArn"] == default_key

    # a volume of an unencrypted snapshot is encrypted too, with the same bytes
    data = rand_block()
    restored = ec2.create_volume(AvailabilityZone="us-east-1a", SnapshotId=plain)
    assert restored["Encrypted"] is True
    wait_volume_available(ec2, restored["VolumeId"])
    write_volume(kiln, restored["VolumeId"], BLOCK_SIZE, data, key=account)
    snap = ec2.create_snapshot(VolumeId=restored["VolumeId"])["SnapshotId"]
    assert wait_snapshot_completed(ec2, snap)["Encrypted"] is True
    got = read_snapshot(ebs, snap)
    assert sorted(got) == [0, 1] and got[1] == data
    assert got[0] == read_snapshot(ebs, plain)[0]

    # another default key
    kms = make_client(kiln, "kms")
    if "alias/kiln-e2e" not in {a["AliasName"] for a in kms.list_aliases()["Aliases"]}:
        kms.create_alias(AliasName="alias/kiln-e2e", TargetKeyId=kms.create_key()["KeyMetadata"]["KeyId"])
    mine = ec2.modify_ebs_default_kms_key_id(KmsKeyId="alias/kiln-e2e")["KmsKeyId"]
    assert mine == f"arn:aws:kms:us-east-1:{account}:alias/kiln-e2e"
    assert ec2.get_ebs_default_kms_key_id()["KmsKeyId"] == mine
    assert ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["KmsKeyId"] == mine
    assert ec2.reset_ebs_default_kms_key_id()["KmsKeyId"] == default_key
    assert ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["KmsKeyId"] == default_key

    assert ec2.disable_ebs_encryption_by_default()["EbsEncryptionByDefault"] is False
    assert ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["Encrypted"] is False
    assert ebs.start_snapshot(VolumeSize=1)["SseType"] == "none"


def test_encryption_by_default_refuses_unencrypted_parent(client):
    """AWS: with encryption by default on, StartSnapshot with an unencrypted parent fails with
    ValidationException (the parent must be copied encrypted first)."""
    account = "555566668888"
    ec2, ebs = client("ec2", key=account), client("ebs", key=account)
    parent_data = rand_block()
    parent = upload_snapshot(ebs, {0: parent_data})
    ec2.enable_ebs_encryption_by_default()
    try:
        try:
            child = ebs.start_snapshot(VolumeSize=1, ParentSnapshotId=parent)
        except ClientError as e:
            assert (e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]) == (
                "ValidationException",
                400,
            )
        else:
            # accepted: find out what that leads to before failing
            ebs.complete_snapshot(SnapshotId=child["SnapshotId"], ChangedBlocksCount=0)
            try:
                got = read_snapshot(ebs, child["SnapshotId"])
                outcome = "its inherited block reads back " + ("equal" if got == {0: parent_data} else "DIFFERENT")
            except ClientError as e:
                err = e.response["Error"]
                outcome = f"reading its inherited block fails: {err.get('Code')}: {err.get('Message')}"
            pytest.fail(
                f"StartSnapshot(ParentSnapshotId=<unencrypted>) with encryption by default on was accepted "
                f"(SseType {child.get('SseType')}) instead of ValidationException; {outcome}"
            )
        # the documented way: an encrypted copy as the parent
        enc = ec2.copy_snapshot(SourceRegion="us-east-1", SourceSnapshotId=parent, Encrypted=True)["SnapshotId"]
        wait_snapshot_completed(ec2, enc)
        new = rand_block()
        child = upload_snapshot(ebs, {1: new}, ParentSnapshotId=enc)
        assert read_snapshot(ebs, child) == {0: parent_data, 1: new}
    finally:
        ec2.disable_ebs_encryption_by_default()


# ---------------------------------------------------------------- deletion, gc, verify, storage


def test_delete_then_gc_then_verify(kiln_factory, tmp_path):
    srv = kiln_factory()
    ep = srv.endpoint
    ec2 = make_client(ep, "ec2")
    img_a, img_b = tmp_path / "a.img", tmp_path / "b.img"
    # Same seed: both start with the same 1 MiB, and b's second extent begins with a's
    # (block-aligned), so the two snapshots share blocks in the store.
    write_sparse_image(img_a, 64 << 20, [(0, 1 << 20), (10 << 20, 5 << 20)], seed=1)
    write_sparse_image(img_b, (64 << 20) + 777, [(0, 1 << 20), (40 << 20, (7 << 20) + 12345)], seed=1)
    a = kiln_import(ep, img_a, "a")
    b = kiln_import(ep, img_b, "b")
    before = run_kiln(ep, "verify").json()
    assert before["problems"] == []

    ec2.delete_snapshot(SnapshotId=a)
    gc = run_kiln(ep, "gc").json()
    for key in ("blocksRemoved", "bytesReclaimed", "liveBlocks", "packsDeleted", "packsRewritten", "orphanPacksDeleted"):
        assert isinstance(gc[key], int) and gc[key] >= 0, gc
    b_blocks = len(list_all_blocks(make_client(ep, "ebs"), b))
    assert gc["liveBlocks"] >= b_blocks, gc

    after = run_kiln(ep, "verify")
    assert after.json()["problems"] == [], str(after)
    assert after.json()["blocksChecked"] >= b_blocks

    out = tmp_path / "b.out"
    kiln_export(ep, b, out, "--size", os.path.getsize(img_b), "--verify")
    assert first_difference(img_b, out) is None, "the surviving snapshot no longer exports bit-exact"
    # still true after a restart and a second collection
    srv.restart()
    run_kiln(ep, "gc")
    assert run_kiln(ep, "verify").json()["problems"] == []
    kiln_export(ep, b, out, "--size", os.path.getsize(img_b))
    assert first_difference(img_b, out) is None


def test_storage_report_consistent(kiln_factory):
    srv = kiln_factory()
    ep = srv.endpoint
    ebs, ec2 = make_client(ep, "ebs"), make_client(ep, "ec2")
    rnd = random.Random(31)
    root_blocks = {i: rand_block(rnd) for i in range(4)}
    root_blocks[9] = b"kiln" * (BLOCK_SIZE // 4)  # compresses to almost nothing
    root = upload_snapshot(ebs, root_blocks)
    child = upload_snapshot(ebs, {2: rand_block(rnd), 20: rand_block(rnd)}, ParentSnapshotId=root)
    vol = create_volume(ec2, size=1)
    wait_volume_available(ec2, vol)
    write_volume(ep, vol, 0, os.urandom(3 * BLOCK_SIZE))
    of_volume = ec2.create_snapshot(VolumeId=vol)["SnapshotId"]
    wait_snapshot_completed(ec2, of_volume)
    gone = upload_snapshot(ebs, {0: rand_block(rnd)})
    ec2.delete_snapshot(SnapshotId=gone)
    # another account's snapshot must not show up
    upload_snapshot(make_client(ep, "ebs", key="999900001111"), {0: rand_block(rnd)})

    report = run_kiln(ep, "storage").json()
    assert report["account"] == "000000000000"
    lines = {line["snapshotId"]: line for line in report["snapshots"]}
    assert set(lines) == {root, child, of_volume}, lines

    r, c, v = lines[root], lines[child], lines[of_volume]
    assert (r["logicalBytes"], r["changedBytes"], r["sharedBytes"]) == (5 * BLOCK_SIZE, 5 * BLOCK_SIZE, 0)
    # four incompressible blocks plus one that compresses well
    assert 4 * BLOCK_SIZE <= r["storedChangedBytes"] < 5 * BLOCK_SIZE * 0.9, r
    # child: blocks 0,1,2,3,9 inherited (2 replaced) + 20 new
    assert c["logicalBytes"] == 6 * BLOCK_SIZE
    assert c["changedBytes"] == 2 * BLOCK_SIZE
    assert c["sharedBytes"] == 4 * BLOCK_SIZE
    assert 0 < c["storedChangedBytes"] <= 2 * BLOCK_SIZE + 4096
    assert (v["logicalBytes"], v["changedBytes"]) == (3 * BLOCK_SIZE, 3 * BLOCK_SIZE)
    for line in (r, c, v):
        assert line["state"] == "completed" and line["region"] == "us-east-1"
        full = describe_snapshot(ec2, line["snapshotId"])["FullSnapshotSizeInBytes"]
        assert full == line["logicalBytes"], line

    billable = sum(line["changedBytes"] for line in report["snapshots"])
    assert report["billableBytes"] == billable == 10 * BLOCK_SIZE
    price = report["pricePerGBMonth"]
    assert price > 0
    cost = report["monthlyCostUSD"]
    assert abs(cost - billable / 1e9 * price) < 1e-12 or abs(cost - billable / GIB * price) < 1e-12, report

    # snapshots of other regions are in the same report
    make_client(ep, "ec2", region="eu-west-1").copy_snapshot(SourceRegion="us-east-1", SourceSnapshotId=root)
    report2 = run_kiln(ep, "storage").json()
    regions = {line["region"] for line in report2["snapshots"]}
    assert regions == {"us-east-1", "eu-west-1"}
    assert report2["billableBytes"] == sum(line["changedBytes"] for line in report2["snapshots"])

    # deleting the root moves its blocks that the child still needs onto the child's bill
    ec2.delete_snapshot(SnapshotId=root)
    after = {line["snapshotId"]: line for line in run_kiln(ep, "storage").json()["snapshots"]}
    assert root not in after
    assert (after[child]["changedBytes"], after[child]["sharedBytes"]) == (6 * BLOCK_SIZE, 0), after[child]
    assert after[child]["storedChangedBytes"] > r["storedChangedBytes"], "the child now pays for what it took from the root"
