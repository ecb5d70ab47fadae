"""EBS direct APIs through boto3 and the aws CLI: upload a snapshot block by block, list
its blocks and the blocks changed since its parent, read them back byte for byte."""

import datetime as dt
import os
import random

import pytest
from botocore.exceptions import ClientError

from kiln_harness import (
    make_client,
    BLOCK_SIZE,
    BLOCKS_PER_GIB,
    b64_sha256,
    client_error,
    describe_snapshot,
    get_block,
    linear_checksum,
    list_all_blocks,
    list_all_changed,
    put_block,
    read_snapshot,
    upload_snapshot,
)


@pytest.fixture(scope="module")
def ebs(client):
    return client("ebs")


@pytest.fixture(scope="module")
def ebs_raw(client):
    """An EBS client that sends what it is given, for values boto3 would refuse."""
    return client("ebs", validate=False)


def rand_block(rnd: random.Random | None = None) -> bytes:
    return rnd.randbytes(BLOCK_SIZE) if rnd else os.urandom(BLOCK_SIZE)


def client_error_text(e: ClientError) -> str:
    r = e.response
    return f"{r['Error'].get('Code')} (HTTP {r['ResponseMetadata']['HTTPStatusCode']}): {r['Error'].get('Message')}"


# ---------------------------------------------------------------- round trip


def test_round_trip_random_blocks(ebs, ec2):
    rnd = random.Random(1)
    # first, last and scattered blocks of a 2 GiB volume
    indexes = [0, 1, 7, 1500, 2048, 4095]
    blocks = {i: rand_block(rnd) for i in indexes}
    started = ebs.start_snapshot(
        VolumeSize=2,
        Description="round trip",
        Tags=[{"Key": "suite", "Value": "ebs-round-trip"}],
        Timeout=60,
    )
    sid = started["SnapshotId"]
    assert sid.startswith("snap-")
    assert started["Status"] == "pending"
    assert started["BlockSize"] == BLOCK_SIZE
    assert started["VolumeSize"] == 2
    assert started["SseType"] == "none"
    assert started["Description"] == "round trip"
    assert started["Tags"] == [{"Key": "suite", "Value": "ebs-round-trip"}]

    # put them out of order; the answer echoes the checksum
    for i in reversed(indexes):
        resp = put_block(ebs, sid, i, blocks[i])
        assert resp["Checksum"] == b64_sha256(blocks[i])
        assert resp["ChecksumAlgorithm"] == "SHA256"

    # the client's Progress shows in DescribeSnapshots while the upload is pending
    ebs.put_snapshot_block(
        SnapshotId=sid, BlockIndex=7, BlockData=blocks[7], DataLength=BLOCK_SIZE,
        Checksum=b64_sha256(blocks[7]), ChecksumAlgorithm="SHA256", Progress=42,
    )  # fmt: skip
    pending = describe_snapshot(ec2, sid)
    assert pending["State"] == "pending"
    assert pending["Progress"] == "42%"

    done = ebs.complete_snapshot(
        SnapshotId=sid,
        ChangedBlocksCount=len(blocks),
        Checksum=linear_checksum(blocks),
        ChecksumAlgorithm="SHA256",
        ChecksumAggregationMethod="LINEAR",
    )
    assert done["Status"] == "completed"

    listing = ebs.list_snapshot_blocks(SnapshotId=sid)
    assert [b["BlockIndex"] for b in listing["Blocks"]] == indexes, "ascending, and only the blocks written"
    assert listing["VolumeSize"] == 2
    assert listing["BlockSize"] == BLOCK_SIZE
    assert listing["ExpiryTime"] > dt.datetime.now(dt.timezone.utc)
    assert "NextToken" not in listing

    for b in listing["Blocks"]:
        data, resp = get_block(ebs, sid, b["BlockIndex"], b["BlockToken"])
        assert data == blocks[b["BlockIndex"]], f"block {b['BlockIndex']} read back differs"
        assert resp["DataLength"] == BLOCK_SIZE
        assert resp["Checksum"] == b64_sha256(blocks[b["BlockIndex"]])
        assert resp["ChecksumAlgorithm"] == "SHA256"

    snap = describe_snapshot(ec2, sid)
    assert snap["State"] == "completed"
    assert snap["Progress"] == "100%"
    assert snap["VolumeId"] == "vol-ffffffff"
    assert snap["VolumeSize"] == 2
    assert snap["Encrypted"] is False
    assert snap["Description"] == "round trip"
    assert snap["FullSnapshotSizeInBytes"] == len(blocks) * BLOCK_SIZE
    assert snap["Tags"] == [{"Key": "suite", "Value": "ebs-round-trip"}]


def test_rewriting_a_block_keeps_the_last_write(ebs):
    first, second = rand_block(), rand_block()
    sid = ebs.start_snapshot(VolumeSize=1)["SnapshotId"]
    put_block(ebs, sid, 3, first)
    put_block(ebs, sid, 3, second)
    # one block was written (twice): the count is of blocks, not of requests
    assert ebs.complete_snapshot(SnapshotId=sid, ChangedBlocksCount=1)["Status"] == "completed"
    assert read_snapshot(ebs, sid) == {3: second}


def test_cli_round_trip(aws, tmp_path):
    """The stock aws CLI drives the same calls (streaming body in, outfile out)."""
    data = os.urandom(BLOCK_SIZE)
    (tmp_path / "in.bin").write_bytes(data)
    sid = aws("ebs", "start-snapshot", "--volume-size", "1")["SnapshotId"]
    put = aws(
        "ebs", "put-snapshot-block", "--snapshot-id", sid, "--block-index", "9",
        "--block-data", str(tmp_path / "in.bin"), "--data-length", str(BLOCK_SIZE),
        "--checksum", b64_sha256(data), "--checksum-algorithm", "SHA256",
    )  # fmt: skip
    assert put["Checksum"] == b64_sha256(data)
    assert aws("ebs", "complete-snapshot", "--snapshot-id", sid, "--changed-blocks-count", "1")["Status"] == "completed"
    blocks = aws("ebs", "list-snapshot-blocks", "--snapshot-id", sid)["Blocks"]
    assert [b["BlockIndex"] for b in blocks] == [9]
    got = aws(
        "ebs", "get-snapshot-block", "--snapshot-id", sid, "--block-index", "9",
        "--block-token", blocks[0]["BlockToken"], str(tmp_path / "out.bin"),
    )  # fmt: skip
    assert got["Checksum"] == b64_sha256(data)
    assert (tmp_path / "out.bin").read_bytes() == data


def test_encrypted_upload(kiln, ebs, ec2):
    blocks = {0: rand_block(), 5: rand_block()}
    sid = ebs.start_snapshot(VolumeSize=1, Encrypted=True)["SnapshotId"]
    started = describe_snapshot(ec2, sid)
    assert started["Encrypted"] is True
    assert started["KmsKeyId"].startswith("arn:aws:kms:us-east-1:000000000000:key/")
    for i, d in blocks.items():
        put_block(ebs, sid, i, d)
    ebs.complete_snapshot(SnapshotId=sid, ChangedBlocksCount=2)
    assert read_snapshot(ebs, sid) == blocks

    key = make_client(kiln, "kms").create_key()["KeyMetadata"]["Arn"]
    started = ebs.start_snapshot(VolumeSize=1, Encrypted=True, KmsKeyArn=key)
    assert started["SseType"] == "sse-kms"
    assert started["KmsKeyArn"] == key
    put_block(ebs, started["SnapshotId"], 1, blocks[0])
    ebs.complete_snapshot(SnapshotId=started["SnapshotId"], ChangedBlocksCount=1)
    assert describe_snapshot(ec2, started["SnapshotId"])["KmsKeyId"] == key
    assert read_snapshot(ebs, started["SnapshotId"]) == {1: blocks[0]}


def test_list_snapshot_blocks_pages(ebs):
    """150 blocks listed 100 at a time; StartingBlockIndex skips ahead."""
    rnd = random.Random(7)
    base = rnd.randbytes(BLOCK_SIZE)
    # distinct blocks that compress and deduplicate poorly only in their first bytes
    blocks = {i * 3: i.to_bytes(4, "big") + base[4:] for i in range(150)}
    sid = upload_snapshot(ebs, blocks, volume_size=1, workers=8)
    page1 = ebs.list_snapshot_blocks(SnapshotId=sid, MaxResults=100)
    assert [b["BlockIndex"] for b in page1["Blocks"]] == sorted(blocks)[:100]
    assert page1.get("NextToken")
    page2 = ebs.list_snapshot_blocks(SnapshotId=sid, MaxResults=100, NextToken=page1["NextToken"])
    assert [b["BlockIndex"] for b in page2["Blocks"]] == sorted(blocks)[100:]
    assert not page2.get("NextToken")
    tail = ebs.list_snapshot_blocks(SnapshotId=sid, StartingBlockIndex=400)
    assert [b["BlockIndex"] for b in tail["Blocks"]] == [i for i in sorted(blocks) if i >= 400]
    # a block from the second page reads back right
    b = page2["Blocks"][-1]
    data, _ = get_block(ebs, sid, b["BlockIndex"], b["BlockToken"])
    assert data == blocks[b["BlockIndex"]]

    # ListChangedBlocks pages the same way: a child changing 120 of them and adding 3
    changes = {i * 3: (i + 1000).to_bytes(4, "big") + base[4:] for i in range(120)}
    changes.update({2000 + i: bytes([i + 1]) * BLOCK_SIZE for i in range(3)})
    expected = sorted(changes)
    child = upload_snapshot(ebs, changes, ParentSnapshotId=sid, workers=8)
    pages = []
    token = None
    while True:
        kw = {"NextToken": token} if token else {}
        page = ebs.list_changed_blocks(FirstSnapshotId=sid, SecondSnapshotId=child, MaxResults=100, **kw)
        assert len(page["ChangedBlocks"]) <= 100
        pages.append(page["ChangedBlocks"])
        token = page.get("NextToken")
        if not token:
            break
    assert len(pages) >= 2
    got = [c["BlockIndex"] for p in pages for c in p]
    assert got == expected
    by_index = {c["BlockIndex"]: c for p in pages for c in p}
    last = by_index[expected[-1]]
    assert get_block(ebs, child, last["BlockIndex"], last["SecondBlockToken"])[0] == changes[expected[-1]]


# ---------------------------------------------------------------- refusals


def test_wrong_checksum_refused(ebs):
    good, other = rand_block(), rand_block()
    sid = ebs.start_snapshot(VolumeSize=1)["SnapshotId"]
    with pytest.raises(ClientError) as e:
        put_block(ebs, sid, 0, good, checksum=b64_sha256(other))
    assert client_error(e) == ("ValidationException", 400)
    # one flipped bit in the data, checksum of the original
    flipped = bytearray(good)
    flipped[BLOCK_SIZE // 2] ^= 0x01
    with pytest.raises(ClientError) as e:
        put_block(ebs, sid, 1, bytes(flipped), checksum=b64_sha256(good))
    assert client_error(e) == ("ValidationException", 400)
    # nothing of the refused puts was kept: zero blocks written so far
    with pytest.raises(ClientError) as e:
        ebs.complete_snapshot(SnapshotId=sid, ChangedBlocksCount=1)
    assert client_error(e) == ("ValidationException", 400)
    put_block(ebs, sid, 2, good)
    assert ebs.complete_snapshot(SnapshotId=sid, ChangedBlocksCount=1)["Status"] == "completed"
    assert read_snapshot(ebs, sid) == {2: good}


def test_wrong_checksum_algorithm_refused(ebs_raw):
    data = rand_block()
    sid = ebs_raw.start_snapshot(VolumeSize=1)["SnapshotId"]
    with pytest.raises(ClientError) as e:
        ebs_raw.put_snapshot_block(
            SnapshotId=sid, BlockIndex=0, BlockData=data, DataLength=BLOCK_SIZE,
            Checksum=b64_sha256(data), ChecksumAlgorithm="MD5",
        )  # fmt: skip
    assert client_error(e) == ("ValidationException", 400)


def test_wrong_data_length_refused(ebs):
    sid = ebs.start_snapshot(VolumeSize=1)["SnapshotId"]
    short = os.urandom(4096)
    with pytest.raises(ClientError) as e:
        put_block(ebs, sid, 0, short)  # DataLength 4096, body 4096
    assert client_error(e) == ("ValidationException", 400)
    full = rand_block()
    with pytest.raises(ClientError) as e:  # DataLength says less than the body
        ebs.put_snapshot_block(
            SnapshotId=sid, BlockIndex=0, BlockData=full, DataLength=4096,
            Checksum=b64_sha256(full), ChecksumAlgorithm="SHA256",
        )  # fmt: skip
    assert client_error(e) == ("ValidationException", 400)


def test_block_index_out_of_range_refused(ebs, ebs_raw):
    data = rand_block()
    sid = ebs.start_snapshot(VolumeSize=1)["SnapshotId"]
    for index in (BLOCKS_PER_GIB, BLOCKS_PER_GIB * 5):
        with pytest.raises(ClientError) as e:
            put_block(ebs, sid, index, data)
        assert client_error(e) == ("ValidationException", 400), index
    with pytest.raises(ClientError) as e:
        put_block(ebs_raw, sid, -1, data)
    assert client_error(e)[1] == 400
    put_block(ebs, sid, BLOCKS_PER_GIB - 1, data)  # the last block is fine
    ebs.complete_snapshot(SnapshotId=sid, ChangedBlocksCount=1)
    assert read_snapshot(ebs, sid) == {BLOCKS_PER_GIB - 1: data}


def test_changed_blocks_count_must_match(ebs, ec2):
    blocks = {0: rand_block(), 1: rand_block(), 2: rand_block()}
    sid = ebs.start_snapshot(VolumeSize=1)["SnapshotId"]
    for i, d in blocks.items():
        put_block(ebs, sid, i, d)
    for wrong in (2, 4):
        with pytest.raises(ClientError) as e:
            ebs.complete_snapshot(SnapshotId=sid, ChangedBlocksCount=wrong)
        assert client_error(e) == ("ValidationException", 400)
        assert describe_snapshot(ec2, sid)["State"] == "pending"
    assert ebs.complete_snapshot(SnapshotId=sid, ChangedBlocksCount=3)["Status"] == "completed"
    assert read_snapshot(ebs, sid) == blocks


def test_aggregate_checksum_must_match(ebs, ec2):
    import base64
    import hashlib

    blocks = {0: rand_block(), 4: rand_block(), 9: rand_block()}
    sid = ebs.start_snapshot(VolumeSize=1)["SnapshotId"]
    for i, d in blocks.items():
        put_block(ebs, sid, i, d)
    # digests joined in descending order: right digests, wrong aggregation
    backwards = base64.b64encode(
        hashlib.sha256(b"".join(hashlib.sha256(blocks[i]).digest() for i in sorted(blocks, reverse=True))).digest()
    ).decode()
    wrongs = [backwards, linear_checksum({0: blocks[0], 4: blocks[4]})]
    for wrong in wrongs:
        with pytest.raises(ClientError) as e:
            ebs.complete_snapshot(
                SnapshotId=sid, ChangedBlocksCount=3, Checksum=wrong,
                ChecksumAlgorithm="SHA256", ChecksumAggregationMethod="LINEAR",
            )  # fmt: skip
        assert client_error(e) == ("ValidationException", 400)
        assert describe_snapshot(ec2, sid)["State"] == "pending"
    done = ebs.complete_snapshot(
        SnapshotId=sid, ChangedBlocksCount=3, Checksum=linear_checksum(blocks),
        ChecksumAlgorithm="SHA256", ChecksumAggregationMethod="LINEAR",
    )  # fmt: skip
    assert done["Status"] == "completed"
    assert read_snapshot(ebs, sid) == blocks


def test_no_blocks_after_completion(ebs):
    data = rand_block()
    sid = upload_snapshot(ebs, {0: data})
    with pytest.raises(ClientError) as e:
        put_block(ebs, sid, 1, rand_block())
    assert client_error(e)[1] == 400
    assert read_snapshot(ebs, sid) == {0: data}


@pytest.mark.parametrize("timeout", [9, 4321, 0])
def test_timeout_out_of_range_refused(ebs_raw, timeout):
    with pytest.raises(ClientError) as e:
        ebs_raw.start_snapshot(VolumeSize=1, Timeout=timeout)
    assert client_error(e) == ("ValidationException", 400)


@pytest.mark.parametrize("timeout", [10, 4320])
def test_timeout_bounds_accepted(ebs, timeout):
    assert ebs.start_snapshot(VolumeSize=1, Timeout=timeout)["Status"] == "pending"


def test_kms_key_without_encrypted_refused(ebs):
    with pytest.raises(ClientError) as e:
        ebs.start_snapshot(VolumeSize=1, KmsKeyArn="arn:aws:kms:us-east-1:000000000000:key/abc")
    assert client_error(e) == ("ValidationException", 400)


def test_unknown_snapshot_not_found(ebs):
    ghost = "snap-0123456789abcdef0"
    data = rand_block()
    calls = {
        "ListSnapshotBlocks": lambda: ebs.list_snapshot_blocks(SnapshotId=ghost),
        "PutSnapshotBlock": lambda: put_block(ebs, ghost, 0, data),
        "CompleteSnapshot": lambda: ebs.complete_snapshot(SnapshotId=ghost, ChangedBlocksCount=0),
        "ListChangedBlocks": lambda: ebs.list_changed_blocks(SecondSnapshotId=ghost),
    }
    for name, call in calls.items():
        with pytest.raises(ClientError) as e:
            call()
        assert client_error(e) == ("ResourceNotFoundException", 404), name


def test_other_accounts_snapshot_not_found(ebs, client):
    sid = upload_snapshot(ebs, {0: rand_block()})
    other = client("ebs", key="123412341234")
    with pytest.raises(ClientError) as e:
        other.list_snapshot_blocks(SnapshotId=sid)
    assert client_error(e) == ("ResourceNotFoundException", 404)
    # nor from another region of the same account
    with pytest.raises(ClientError) as e:
        client("ebs", region="eu-west-1").list_snapshot_blocks(SnapshotId=sid)
    assert client_error(e) == ("ResourceNotFoundException", 404)


# ---------------------------------------------------------------- block tokens


def test_block_token_bound_to_snapshot_and_index(ebs):
    a = {0: rand_block(), 1: rand_block()}
    sid = upload_snapshot(ebs, a)
    child = upload_snapshot(ebs, {}, ParentSnapshotId=sid)  # same blocks, other snapshot
    tokens = {b["BlockIndex"]: b["BlockToken"] for b in list_all_blocks(ebs, sid)}

    attempts = {
        "token of block 0 for block 1": (sid, 1, tokens[0]),
        "token of the parent for the child": (child, 0, tokens[0]),
        "one character changed": (sid, 0, tokens[0][:10] + ("A" if tokens[0][10] != "A" else "B") + tokens[0][11:]),
        "not a token": (sid, 0, "hello"),
    }
    for what, (s, i, t) in attempts.items():
        with pytest.raises(ClientError) as e:
            get_block(ebs, s, i, t)
        assert client_error(e) == ("ValidationException", 400), what
    # the genuine tokens still work
    assert get_block(ebs, sid, 1, tokens[1])[0] == a[1]
    child_tokens = {b["BlockIndex"]: b["BlockToken"] for b in list_all_blocks(ebs, child)}
    assert get_block(ebs, child, 0, child_tokens[0])[0] == a[0]


# ---------------------------------------------------------------- lineage, changed blocks


def test_list_changed_blocks_one_block_change(ebs):
    rnd = random.Random(3)
    parent_blocks = {i: rand_block(rnd) for i in range(5)}
    parent = upload_snapshot(ebs, parent_blocks)
    new2 = rand_block(rnd)
    child = upload_snapshot(ebs, {2: new2}, ParentSnapshotId=parent)

    changed = list_all_changed(ebs, parent, child)
    assert [c["BlockIndex"] for c in changed] == [2], changed
    c = changed[0]
    assert get_block(ebs, parent, 2, c["FirstBlockToken"])[0] == parent_blocks[2]
    assert get_block(ebs, child, 2, c["SecondBlockToken"])[0] == new2

    # the child holds the parent's other blocks
    assert read_snapshot(ebs, child) == {**parent_blocks, 2: new2}
    # and the parent is untouched
    assert read_snapshot(ebs, parent) == parent_blocks
    # a snapshot compared with itself has no changes
    assert list_all_changed(ebs, child, child) == []


def test_parent_deleted_while_child_uploads(ebs, ec2):
    """DeleteSnapshot of the parent while the child is still pending: the child completes
    with the parent's blocks, as EC2 keeps any data another snapshot needs."""
    rnd = random.Random(5)
    parent_blocks = {i: rand_block(rnd) for i in range(4)}
    parent = upload_snapshot(ebs, parent_blocks)
    child = ebs.start_snapshot(VolumeSize=1, ParentSnapshotId=parent)["SnapshotId"]
    new1 = rand_block(rnd)
    put_block(ebs, child, 1, new1)
    ec2.delete_snapshot(SnapshotId=parent)
    ebs.complete_snapshot(
        SnapshotId=child, ChangedBlocksCount=1, Checksum=linear_checksum({1: new1}), ChecksumAlgorithm="SHA256",
        ChecksumAggregationMethod="LINEAR",
    )
    assert describe_snapshot(ec2, child)["State"] == "completed"
    assert read_snapshot(ebs, child) == {**parent_blocks, 1: new1}


def test_list_changed_blocks_new_and_removed(ebs):
    rnd = random.Random(4)
    parent_blocks = {0: rand_block(rnd), 1: rand_block(rnd), 2: rand_block(rnd)}
    parent = upload_snapshot(ebs, parent_blocks)
    new5 = rand_block(rnd)
    # block 1 overwritten with zeros (it goes away), block 5 is new
    child = upload_snapshot(ebs, {1: bytes(BLOCK_SIZE), 5: new5}, ParentSnapshotId=parent)

    assert [b["BlockIndex"] for b in list_all_blocks(ebs, child)] == [0, 2, 5], "a zero block is not listed"
    changed = {c["BlockIndex"]: c for c in list_all_changed(ebs, parent, child)}
    assert sorted(changed) == [1, 5], changed
    assert "FirstBlockToken" not in changed[5], "a block new in the second has no first token"
    assert get_block(ebs, child, 5, changed[5]["SecondBlockToken"])[0] == new5
    assert "SecondBlockToken" not in changed[1]
    assert get_block(ebs, parent, 1, changed[1]["FirstBlockToken"])[0] == parent_blocks[1]


def test_list_changed_blocks_across_generations(ebs):
    rnd = random.Random(5)
    g0 = upload_snapshot(ebs, {0: rand_block(rnd), 1: rand_block(rnd)})
    g1 = upload_snapshot(ebs, {1: rand_block(rnd)}, ParentSnapshotId=g0)
    g2 = upload_snapshot(ebs, {3: rand_block(rnd)}, ParentSnapshotId=g1)
    assert [c["BlockIndex"] for c in list_all_changed(ebs, g0, g2)] == [1, 3]
    assert [c["BlockIndex"] for c in list_all_changed(ebs, g1, g2)] == [3]


def test_list_changed_blocks_unrelated_refused(ebs):
    a = upload_snapshot(ebs, {0: rand_block()})
    b = upload_snapshot(ebs, {0: rand_block()})
    with pytest.raises(ClientError) as e:
        ebs.list_changed_blocks(FirstSnapshotId=a, SecondSnapshotId=b)
    assert client_error(e) == ("ValidationException", 400)


def test_child_of_encrypted_parent_is_encrypted(ebs, ec2):
    data = rand_block()
    parent = upload_snapshot(ebs, {0: data}, Encrypted=True)
    child = ebs.start_snapshot(VolumeSize=1, ParentSnapshotId=parent)
    assert child["SseType"] == "sse-kms"
    assert child["KmsKeyArn"] == describe_snapshot(ec2, parent)["KmsKeyId"]
    new = rand_block()
    put_block(ebs, child["SnapshotId"], 1, new)
    ebs.complete_snapshot(SnapshotId=child["SnapshotId"], ChangedBlocksCount=1)
    assert read_snapshot(ebs, child["SnapshotId"]) == {0: data, 1: new}
    assert [c["BlockIndex"] for c in list_all_changed(ebs, parent, child["SnapshotId"])] == [1]


@pytest.mark.parametrize("encrypted", [True, False])
def test_parent_and_encrypted_together_refused(ebs, encrypted):
    """AWS: ParentSnapshotId and Encrypted can't be in the same request (ValidationException);
    an unencrypted parent can't have an encrypted child."""
    parent_data = rand_block()
    parent = upload_snapshot(ebs, {0: parent_data})
    try:
        child = ebs.start_snapshot(VolumeSize=1, ParentSnapshotId=parent, Encrypted=encrypted)
    except ClientError as e:
        assert client_error_text(e).startswith("ValidationException (HTTP 400)"), client_error_text(e)
        return
    # Accepted: at the very least the child must still read its inherited block.
    sid = child["SnapshotId"]
    put_block(ebs, sid, 1, rand_block())
    ebs.complete_snapshot(SnapshotId=sid, ChangedBlocksCount=1)
    tokens = {b["BlockIndex"]: b["BlockToken"] for b in list_all_blocks(ebs, sid)}
    try:
        inherited, _ = get_block(ebs, sid, 0, tokens[0])
    except ClientError as e:
        pytest.fail(
            f"StartSnapshot(ParentSnapshotId=<unencrypted>, Encrypted={encrypted}) was accepted "
            f"(SseType {child.get('SseType')}) instead of ValidationException, and the child's "
            f"inherited block 0 is now unreadable: {client_error_text(e)}"
        )
    assert inherited == parent_data
    pytest.fail(f"StartSnapshot(ParentSnapshotId, Encrypted={encrypted}) should be a ValidationException")



# ---------------------------------------------------------------- idempotency


def test_client_token_same_request_same_snapshot(ebs):
    token = "kiln-e2e-" + os.urandom(8).hex()
    kw = dict(VolumeSize=1, Description="idem", ClientToken=token)
    first = ebs.start_snapshot(**kw)
    again = ebs.start_snapshot(**kw)
    assert again["SnapshotId"] == first["SnapshotId"]
    # still the same snapshot once completed
    put_block(ebs, first["SnapshotId"], 0, rand_block())
    ebs.complete_snapshot(SnapshotId=first["SnapshotId"], ChangedBlocksCount=1)
    assert ebs.start_snapshot(**kw)["SnapshotId"] == first["SnapshotId"]


@pytest.mark.parametrize(
    "change",
    [
        {"VolumeSize": 2},
        {"Description": "something else"},
        {"Encrypted": True},
        {"Timeout": 120},
        {"Tags": [{"Key": "k", "Value": "v"}]},
    ],
    ids=["VolumeSize", "Description", "Encrypted", "Timeout", "Tags"],
)
def test_client_token_other_parameters_conflict(ebs, change):
    """AWS: the same client token with one or more parameters changed -> ConflictException."""
    token = "kiln-e2e-" + os.urandom(8).hex()
    base = dict(VolumeSize=1, Description="idem", ClientToken=token)
    first = ebs.start_snapshot(**base)
    with pytest.raises(ClientError) as e:
        ebs.start_snapshot(**{**base, **change})
    assert client_error(e) == ("ConflictException", 409)
    # the original is unharmed
    assert ebs.start_snapshot(**base)["SnapshotId"] == first["SnapshotId"]
