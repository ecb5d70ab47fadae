"""EC2 error envelope: unknown action, missing parameters, DryRun."""

import pytest
import requests
from botocore.exceptions import ClientError

from kiln_harness import (
    client_error,
    create_volume,
    ec2_params,
    signed_post,
    tags_of,
    wait_volume_available,
)


def _assert_ec2_error_envelope(reply, code, status):
    assert reply.status == status, reply.text
    root = reply.xml()
    assert root.tag == "Response", reply.text
    err = root.find("Errors/Error")
    assert err is not None, reply.text
    assert err.findtext("Code") == code, reply.text
    assert (err.findtext("Message") or "").strip(), "error without a message"
    assert (root.findtext("RequestID") or "").strip(), "error without RequestID"


def test_unknown_action_raw(kiln):
    r = signed_post(kiln, "ec2", ec2_params("DescribeUnicorns"))
    _assert_ec2_error_envelope(r, "InvalidAction", 400)


def test_unknown_action_via_botocore(ec2):
    """Call an operation through botocore's own request path, renamed to a bogus action."""

    def rename(params, **_):
        params["body"]["Action"] = "FrobnicateImages"

    ec2.meta.events.register_first("before-call.ec2.DescribeRegions", rename)
    try:
        with pytest.raises(ClientError) as ei:
            ec2.describe_regions()
    finally:
        ec2.meta.events.unregister("before-call.ec2.DescribeRegions", rename)
    assert client_error(ei) == ("InvalidAction", 400)


def test_missing_action_is_an_error(kiln):
    r = signed_post(kiln, "ec2", {"Version": "2016-11-15"})
    assert r.status == 400, r.text
    assert r.error_code in {"MissingAction", "InvalidAction", "MissingParameter"}, r.text


def test_create_tags_without_tags_raw(kiln, ec2):
    vol = create_volume(ec2)
    r = signed_post(kiln, "ec2", ec2_params("CreateTags", **{"ResourceId.1": vol}))
    _assert_ec2_error_envelope(r, "MissingParameter", 400)
    assert "Tag" in r.find("Message")


def test_create_tags_without_tags_unvalidated_client(client, ec2):
    vol = create_volume(ec2)
    raw = client("ec2", validate=False)
    with pytest.raises(ClientError) as ei:
        raw.create_tags(Resources=[vol])
    assert client_error(ei) == ("MissingParameter", 400)


def test_create_tags_without_resources(client):
    raw = client("ec2", validate=False)
    with pytest.raises(ClientError) as ei:
        raw.create_tags(Tags=[{"Key": "a", "Value": "b"}])
    assert client_error(ei) == ("MissingParameter", 400)


def test_create_volume_without_zone(client):
    raw = client("ec2", validate=False)
    with pytest.raises(ClientError) as ei:
        raw.create_volume(Size=1)
    assert client_error(ei) == ("MissingParameter", 400)


def test_dry_run_describe_regions(ec2):
    with pytest.raises(ClientError) as ei:
        ec2.describe_regions(DryRun=True)
    assert client_error(ei) == ("DryRunOperation", 412)


def test_dry_run_raw_envelope(kiln):
    r = signed_post(kiln, "ec2", ec2_params("DescribeAvailabilityZones", DryRun="true"))
    _assert_ec2_error_envelope(r, "DryRunOperation", 412)


def test_dry_run_false_runs_normally(ec2):
    assert ec2.describe_regions(DryRun=False)["Regions"]


def test_dry_run_create_volume_has_no_effect(ec2):
    before = {v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]}
    with pytest.raises(ClientError) as ei:
        ec2.create_volume(AvailabilityZone="us-east-1a", Size=1, DryRun=True)
    assert client_error(ei) == ("DryRunOperation", 412)
    after = {v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]}
    assert after == before


def test_dry_run_create_tags_has_no_effect(ec2):
    vol = create_volume(ec2)
    wait_volume_available(ec2, vol)
    with pytest.raises(ClientError) as ei:
        ec2.create_tags(Resources=[vol], Tags=[{"Key": "dry", "Value": "run"}], DryRun=True)
    assert client_error(ei) == ("DryRunOperation", 412)
    assert tags_of(ec2, vol) == {}


def test_health(kiln):
    r = requests.get(kiln + "/health", timeout=5)
    assert r.status_code == 200
    assert r.text.strip() == "ok"


@pytest.mark.extra
def test_extra_get_query_string_request(kiln):
    """Older tools send EC2 Query parameters as a GET query string (ami-api.md 4.2)."""
    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    url = kiln + "/?Action=DescribeRegions&Version=2016-11-15&RegionName.1=us-east-1"
    req = AWSRequest(method="GET", url=url)
    botocore.auth.SigV4Auth(Credentials("test", "test"), "ec2", "us-east-1").add_auth(req)
    r = requests.get(url, headers=dict(req.headers.items()), timeout=5)
    assert r.status_code == 200, r.text
    assert "<regionName>us-east-1</regionName>" in r.text
