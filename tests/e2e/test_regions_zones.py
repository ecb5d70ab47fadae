"""DescribeRegions / DescribeAvailabilityZones through the CLI and boto3."""

import re

import pytest
from botocore.exceptions import ClientError

from kiln_harness import DEFAULT_REGIONS, DISABLED_REGION, client_error

OPTED_IN_STATES = {"opt-in-not-required", "opted-in"}


def _check_enabled_regions(regions):
    names = [r["RegionName"] for r in regions]
    assert sorted(names) == sorted(DEFAULT_REGIONS)
    for r in regions:
        assert r["OptInStatus"] in OPTED_IN_STATES, r
        assert r["RegionName"] in r["Endpoint"], r


@pytest.mark.parametrize("endpoint_style", ["flag", "env"])
def test_cli_describe_regions(aws, endpoint_style):
    out = aws("ec2", "describe-regions", endpoint_style=endpoint_style)
    _check_enabled_regions(out["Regions"])


def test_boto3_describe_regions(ec2):
    resp = ec2.describe_regions()
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert resp["ResponseMetadata"]["RequestId"], "requestId missing from reply"
    _check_enabled_regions(resp["Regions"])


def test_describe_regions_region_name_filter(ec2):
    resp = ec2.describe_regions(Filters=[{"Name": "region-name", "Values": ["eu-west-1"]}])
    assert [r["RegionName"] for r in resp["Regions"]] == ["eu-west-1"]


def test_describe_regions_by_region_names(ec2):
    resp = ec2.describe_regions(RegionNames=["us-west-2", "eu-central-1"])
    assert sorted(r["RegionName"] for r in resp["Regions"]) == ["eu-central-1", "us-west-2"]


def test_describe_regions_filter_no_match_is_empty(ec2):
    resp = ec2.describe_regions(Filters=[{"Name": "region-name", "Values": ["mars-north-1"]}])
    assert resp["Regions"] == []


def test_describe_regions_all_regions(ec2):
    enabled = {r["RegionName"] for r in ec2.describe_regions()["Regions"]}
    every = ec2.describe_regions(AllRegions=True)["Regions"]
    names = {r["RegionName"] for r in every}
    assert enabled < names, "AllRegions should add the regions that are not enabled"
    assert DISABLED_REGION in names
    for r in every:
        if r["RegionName"] in enabled:
            assert r["OptInStatus"] in OPTED_IN_STATES, r
        else:
            assert r["OptInStatus"] == "not-opted-in", r


def test_describe_regions_opt_in_status_filter(ec2):
    resp = ec2.describe_regions(
        AllRegions=True, Filters=[{"Name": "opt-in-status", "Values": ["not-opted-in"]}]
    )
    names = {r["RegionName"] for r in resp["Regions"]}
    assert DISABLED_REGION in names
    assert not names & set(DEFAULT_REGIONS)


def test_cli_describe_availability_zones_eu_west_1(aws):
    out = aws("ec2", "describe-availability-zones", region="eu-west-1")
    zones = out["AvailabilityZones"]
    assert [z["ZoneName"] for z in sorted(zones, key=lambda z: z["ZoneName"])] == [
        "eu-west-1a",
        "eu-west-1b",
        "eu-west-1c",
    ]
    ids = [z["ZoneId"] for z in zones]
    assert all(re.fullmatch(r"euw1-az\d+", i) for i in ids), ids
    assert len(set(ids)) == 3
    for z in zones:
        assert z["State"] == "available"
        assert z["RegionName"] == "eu-west-1"
        assert z["ZoneType"] == "availability-zone"


def test_describe_availability_zones_filters(client):
    ec2 = client("ec2", region="us-west-2")
    by_name = ec2.describe_availability_zones(ZoneNames=["us-west-2b"])["AvailabilityZones"]
    assert [z["ZoneName"] for z in by_name] == ["us-west-2b"]
    zone_id = by_name[0]["ZoneId"]
    assert re.fullmatch(r"usw2-az\d+", zone_id)

    by_id = ec2.describe_availability_zones(ZoneIds=[zone_id])["AvailabilityZones"]
    assert [z["ZoneName"] for z in by_id] == ["us-west-2b"]

    by_id_filter = ec2.describe_availability_zones(
        Filters=[{"Name": "zone-id", "Values": [zone_id]}]
    )["AvailabilityZones"]
    assert [z["ZoneName"] for z in by_id_filter] == ["us-west-2b"]

    group = ec2.describe_availability_zones(
        Filters=[{"Name": "group-name", "Values": ["us-west-2"]}]
    )["AvailabilityZones"]
    assert "us-west-2b" in {z["ZoneName"] for z in group}

    filt = ec2.describe_availability_zones(
        Filters=[{"Name": "zone-name", "Values": ["us-west-2a", "us-west-2c"]}]
    )["AvailabilityZones"]
    assert sorted(z["ZoneName"] for z in filt) == ["us-west-2a", "us-west-2c"]

    every = {z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]}
    assert {"us-west-2a", "us-west-2b", "us-west-2c"} <= every
    state = ec2.describe_availability_zones(
        Filters=[{"Name": "state", "Values": ["available"]}]
    )["AvailabilityZones"]
    assert {z["ZoneName"] for z in state} == every
    typed = ec2.describe_availability_zones(
        Filters=[{"Name": "zone-type", "Values": ["local-zone"]}]
    )["AvailabilityZones"]
    assert typed == []

    none = ec2.describe_availability_zones(
        Filters=[{"Name": "region-name", "Values": ["eu-west-1"]}]
    )["AvailabilityZones"]
    assert none == [], "zones are per region: us-west-2 has no eu-west-1 zones"


def test_describe_availability_zones_all(client):
    zones = client("ec2", region="ap-southeast-2").describe_availability_zones(
        AllAvailabilityZones=True
    )["AvailabilityZones"]
    names = {z["ZoneName"] for z in zones}
    assert {"ap-southeast-2a", "ap-southeast-2b", "ap-southeast-2c"} <= names
    assert all(z["RegionName"] == "ap-southeast-2" for z in zones)


def test_disabled_region_is_auth_failure(client):
    ec2 = client("ec2", region=DISABLED_REGION)
    with pytest.raises(ClientError) as ei:
        ec2.describe_availability_zones()
    assert client_error(ei) == ("AuthFailure", 401)


def test_cli_disabled_region_is_auth_failure(aws):
    from kiln_harness import CliError

    with pytest.raises(CliError) as ei:
        aws("ec2", "describe-regions", region=DISABLED_REGION)
    assert "AuthFailure" in ei.value.stderr
