"""Empty EBS volumes and EC2 tags (CreateTags / DeleteTags / DescribeTags)."""

import re
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from kiln_harness import (
    client_error,
    create_volume,
    make_client,
    tags_of,
    wait_volume_available,
)


def _tag_filter(vol, *extra):
    return [{"Name": "resource-id", "Values": [vol]}, *extra]


@pytest.fixture
def volume(ec2):
    vol = create_volume(ec2)
    wait_volume_available(ec2, vol)
    return vol


# ---------------------------------------------------------------- volumes


def test_create_volume_reply(ec2):
    resp = ec2.create_volume(AvailabilityZone="us-east-1b", Size=3, VolumeType="gp3")
    assert re.fullmatch(r"vol-[0-9a-f]{8,17}", resp["VolumeId"]), resp["VolumeId"]
    assert resp["Size"] == 3
    assert resp["AvailabilityZone"] == "us-east-1b"
    assert resp["VolumeType"] == "gp3"
    assert resp["State"] in ("creating", "available")
    assert resp["CreateTime"].year >= 2024
    assert resp["Encrypted"] is False


def test_volume_becomes_available_and_is_listed(ec2):
    vol = create_volume(ec2, az="us-east-1c", size=5)
    got = wait_volume_available(ec2, vol)
    assert got["Size"] == 5
    assert got["AvailabilityZone"] == "us-east-1c"
    assert got["Attachments"] == []
    listed = {v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]}
    assert vol in listed


def test_volumes_are_per_region(client, ec2):
    vol = create_volume(ec2)
    other = client("ec2", region="eu-west-1")
    assert vol not in {v["VolumeId"] for v in other.describe_volumes()["Volumes"]}


def test_volumes_are_per_account(client, ec2):
    vol = create_volume(ec2)
    other = client("ec2", key="123456789012")
    assert vol not in {v["VolumeId"] for v in other.describe_volumes()["Volumes"]}


def test_delete_volume(ec2):
    vol = create_volume(ec2)
    wait_volume_available(ec2, vol)
    ec2.delete_volume(VolumeId=vol)
    remaining = {
        v["VolumeId"]
        for v in ec2.describe_volumes()["Volumes"]
        if v["State"] not in ("deleting", "deleted")
    }
    assert vol not in remaining


def test_volume_states_with_realistic_latency(kiln_factory):
    srv = kiln_factory(["--auth", "dev", "--latency", "realistic", "--enable-test-reset"], name="realistic")
    ec2 = make_client(srv.endpoint, "ec2")
    resp = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)
    assert resp["State"] == "creating"
    vol = resp["VolumeId"]
    assert ec2.describe_volumes(VolumeIds=[vol])["Volumes"][0]["State"] == "creating", "realistic latency: still creating"
    srv.advance_clock(60)
    assert ec2.describe_volumes(VolumeIds=[vol])["Volumes"][0]["State"] == "available", "a minute later it is available"


# ---------------------------------------------------------------- tags


def test_create_and_describe_tags(ec2, volume):
    ec2.create_tags(
        Resources=[volume],
        Tags=[
            {"Key": "Name", "Value": "data"},
            {"Key": "env", "Value": "prod"},
            {"Key": "team", "Value": ""},
        ],
    )
    tags = ec2.describe_tags(Filters=_tag_filter(volume))["Tags"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [
        ("Name", "data"),
        ("env", "prod"),
        ("team", ""),
    ]
    for t in tags:
        assert t["ResourceId"] == volume
        assert t["ResourceType"] == "volume"

    only_env = ec2.describe_tags(Filters=_tag_filter(volume, {"Name": "key", "Values": ["env"]}))
    assert [(t["Key"], t["Value"]) for t in only_env["Tags"]] == [("env", "prod")]

    vol = ec2.describe_volumes(VolumeIds=[volume])["Volumes"][0]
    assert {t["Key"]: t["Value"] for t in vol.get("Tags", [])} == {
        "Name": "data",
        "env": "prod",
        "team": "",
    }


def test_key_filter_spans_resources(ec2):
    key = f"k-{uuid.uuid4().hex[:10]}"
    v1, v2, v3 = (create_volume(ec2) for _ in range(3))
    ec2.create_tags(Resources=[v1, v2], Tags=[{"Key": key, "Value": "x"}])
    ec2.create_tags(Resources=[v3], Tags=[{"Key": "unrelated", "Value": "x"}])
    tags = ec2.describe_tags(Filters=[{"Name": "key", "Values": [key]}])["Tags"]
    assert sorted(t["ResourceId"] for t in tags) == sorted([v1, v2])


def test_resource_id_filter_with_two_values(ec2):
    v1, v2 = create_volume(ec2), create_volume(ec2)
    ec2.create_tags(Resources=[v1], Tags=[{"Key": "a", "Value": "1"}])
    ec2.create_tags(Resources=[v2], Tags=[{"Key": "b", "Value": "2"}])
    tags = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [v1, v2]}])["Tags"]
    assert sorted((t["ResourceId"], t["Key"]) for t in tags) == sorted([(v1, "a"), (v2, "b")])


def test_create_tags_overwrites_value(ec2, volume):
    ec2.create_tags(Resources=[volume], Tags=[{"Key": "env", "Value": "dev"}])
    ec2.create_tags(Resources=[volume], Tags=[{"Key": "env", "Value": "prod"}])
    assert tags_of(ec2, volume) == {"env": "prod"}


def test_delete_tags_by_key_only(ec2, volume):
    ec2.create_tags(
        Resources=[volume],
        Tags=[{"Key": "env", "Value": "prod"}, {"Key": "keep", "Value": "me"}],
    )
    ec2.delete_tags(Resources=[volume], Tags=[{"Key": "env"}])
    assert tags_of(ec2, volume) == {"keep": "me"}


def test_delete_tags_by_key_and_value(ec2, volume):
    ec2.create_tags(Resources=[volume], Tags=[{"Key": "env", "Value": "prod"}])
    # A value that does not match leaves the tag alone...
    ec2.delete_tags(Resources=[volume], Tags=[{"Key": "env", "Value": "staging"}])
    assert tags_of(ec2, volume) == {"env": "prod"}
    # ...the matching value removes it.
    ec2.delete_tags(Resources=[volume], Tags=[{"Key": "env", "Value": "prod"}])
    assert tags_of(ec2, volume) == {}


def test_delete_tags_empty_value_matches_only_empty(ec2, volume):
    """Value="" is a value, not "any value": it removes the tag only if its value is empty.
    botocore sends it as Tag.1.Value= (present, empty)."""
    ec2.create_tags(
        Resources=[volume], Tags=[{"Key": "full", "Value": "x"}, {"Key": "blank", "Value": ""}]
    )
    ec2.delete_tags(
        Resources=[volume], Tags=[{"Key": "full", "Value": ""}, {"Key": "blank", "Value": ""}]
    )
    assert tags_of(ec2, volume) == {"full": "x"}


def test_delete_tags_several_resources(ec2):
    v1, v2 = create_volume(ec2), create_volume(ec2)
    ec2.create_tags(Resources=[v1, v2], Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    ec2.delete_tags(Resources=[v1, v2], Tags=[{"Key": "a"}])
    assert tags_of(ec2, v1) == {"b": "2"}
    assert tags_of(ec2, v2) == {"b": "2"}


def test_concurrent_creates_and_tags(kiln):
    """Parallel writers: every acknowledged volume and tag is there, ids are unique."""
    from concurrent.futures import ThreadPoolExecutor

    def worker(n):
        c = make_client(kiln, "ec2")
        made = []
        for j in range(5):
            vid = create_volume(c)
            c.create_tags(Resources=[vid], Tags=[{"Key": "w", "Value": f"{n}-{j}"}])
            made.append((vid, f"{n}-{j}"))
        return made

    with ThreadPoolExecutor(6) as pool:
        made = [x for chunk in pool.map(worker, range(6)) for x in chunk]
    ids = [v for v, _ in made]
    assert len(set(ids)) == len(ids) == 30
    ec2 = make_client(kiln, "ec2")
    tags = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": ids}])["Tags"]
    assert sorted((t["ResourceId"], t["Value"]) for t in tags) == sorted(made)


def test_cli_tags_flow(aws, ec2, volume):
    assert (
        aws("ec2", "create-tags", "--resources", volume, "--tags", "Key=a,Value=1", "Key=b,Value=2")
        is None
    )
    out = aws(
        "ec2",
        "describe-tags",
        "--filters",
        f"Name=resource-id,Values={volume}",
        "Name=key,Values=b",
    )
    assert [(t["Key"], t["Value"], t["ResourceId"]) for t in out["Tags"]] == [("b", "2", volume)]
    aws("ec2", "delete-tags", "--resources", volume, "--tags", "Key=a")
    assert tags_of(ec2, volume) == {"b": "2"}


def test_tags_are_per_account(client, ec2, volume):
    ec2.create_tags(Resources=[volume], Tags=[{"Key": "secret", "Value": "1"}])
    other = client("ec2", key="210987654321")
    assert other.describe_tags(Filters=_tag_filter(volume))["Tags"] == []


# ---------------------------------------------------------------- beyond this milestone


@pytest.mark.extra
def test_extra_describe_tags_value_and_resource_type_filters(ec2, volume):
    ec2.create_tags(
        Resources=[volume], Tags=[{"Key": "x", "Value": "match"}, {"Key": "y", "Value": "no"}]
    )
    by_value = ec2.describe_tags(Filters=_tag_filter(volume, {"Name": "value", "Values": ["match"]}))
    assert [t["Key"] for t in by_value["Tags"]] == ["x"]
    by_type = ec2.describe_tags(
        Filters=_tag_filter(volume, {"Name": "resource-type", "Values": ["volume"]})
    )
    assert len(by_type["Tags"]) == 2
    none = ec2.describe_tags(
        Filters=_tag_filter(volume, {"Name": "resource-type", "Values": ["image"]})
    )
    assert none["Tags"] == []


@pytest.mark.extra
def test_extra_describe_deleted_volume_not_found(ec2):
    vol = create_volume(ec2)
    wait_volume_available(ec2, vol)
    ec2.delete_volume(VolumeId=vol)
    deadline = time.monotonic() + 5
    while True:
        try:
            ec2.describe_volumes(VolumeIds=[vol])
        except ClientError as e:
            assert e.response["Error"]["Code"] == "InvalidVolume.NotFound"
            return
        assert time.monotonic() < deadline, "deleted volume still describable by id"
        time.sleep(0.1)


@pytest.mark.extra
def test_extra_create_tags_on_missing_volume(ec2):
    with pytest.raises(ClientError) as ei:
        ec2.create_tags(Resources=["vol-0123456789abcdef0"], Tags=[{"Key": "a", "Value": "b"}])
    assert client_error(ei)[0] == "InvalidVolume.NotFound"


@pytest.mark.extra
def test_extra_reserved_aws_prefix_rejected(ec2, volume):
    with pytest.raises(ClientError) as ei:
        ec2.create_tags(Resources=[volume], Tags=[{"Key": "aws:owner", "Value": "me"}])
    assert client_error(ei)[0] in ("InvalidParameterValue", "InvalidParameter")
    assert tags_of(ec2, volume) == {}


@pytest.mark.extra
def test_extra_tag_limit_is_50(ec2, volume):
    ec2.create_tags(Resources=[volume], Tags=[{"Key": f"t{i}", "Value": "v"} for i in range(50)])
    with pytest.raises(ClientError) as ei:
        ec2.create_tags(Resources=[volume], Tags=[{"Key": "one-more", "Value": "v"}])
    assert client_error(ei) == ("TagLimitExceeded", 400)
    assert len(tags_of(ec2, volume)) == 50


@pytest.mark.extra
def test_extra_describe_tags_max_results_paginates(ec2, volume):
    ec2.create_tags(Resources=[volume], Tags=[{"Key": f"p{i}", "Value": str(i)} for i in range(7)])
    pages = ec2.get_paginator("describe_tags").paginate(
        Filters=_tag_filter(volume), PaginationConfig={"PageSize": 5}
    )
    sizes = [len(p["Tags"]) for p in pages]
    assert sum(sizes) == 7
    assert len(sizes) >= 2
