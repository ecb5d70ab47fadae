"""State on disk: it must survive a graceful restart and a kill -9."""

from kiln_harness import create_volume, make_client, tags_of, wait_volume_available


def _seed(srv):
    """Create state in two regions and two accounts; return what to look for."""
    ec2 = make_client(srv.endpoint, "ec2")
    ec2_eu_other = make_client(srv.endpoint, "ec2", region="eu-west-1", key="123456789012")
    v1 = create_volume(ec2, az="us-east-1b", size=7)
    wait_volume_available(ec2, v1)
    ec2.create_tags(Resources=[v1], Tags=[{"Key": "Name", "Value": "keep"}, {"Key": "gone", "Value": "x"}])
    ec2.delete_tags(Resources=[v1], Tags=[{"Key": "gone"}])
    v2 = create_volume(ec2_eu_other, az="eu-west-1a", size=2)
    wait_volume_available(ec2_eu_other, v2)
    ec2_eu_other.create_tags(Resources=[v2], Tags=[{"Key": "team", "Value": "eu"}])
    return v1, v2


def _check(srv, v1, v2):
    ec2 = make_client(srv.endpoint, "ec2")
    ec2_eu_other = make_client(srv.endpoint, "ec2", region="eu-west-1", key="123456789012")
    got1 = ec2.describe_volumes(VolumeIds=[v1])["Volumes"][0]
    assert (got1["State"], got1["Size"], got1["AvailabilityZone"]) == ("available", 7, "us-east-1b")
    assert tags_of(ec2, v1) == {"Name": "keep"}, "tags (or the tag delete) lost"
    got2 = ec2_eu_other.describe_volumes(VolumeIds=[v2])["Volumes"][0]
    assert (got2["Size"], got2["AvailabilityZone"]) == (2, "eu-west-1a")
    assert tags_of(ec2_eu_other, v2) == {"team": "eu"}
    # still partitioned by region and account after reload
    assert v2 not in {v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]}
    # new ids must not collide with reloaded ones
    v3 = create_volume(ec2)
    assert v3 not in (v1, v2)
    return v3


def test_state_survives_graceful_restart(kiln_factory):
    srv = kiln_factory()
    v1, v2 = _seed(srv)
    rc = srv.restart()
    assert rc == 0, f"SIGTERM should give a clean exit, got {rc}\n{srv.log_tail()}"
    _check(srv, v1, v2)


def test_state_survives_kill_9(kiln_factory):
    srv = kiln_factory()
    v1, v2 = _seed(srv)
    srv.crash_and_restart()  # SIGKILL right after the last acknowledged write
    v3 = _check(srv, v1, v2)
    # and a second crash keeps what was written after the first one
    srv.crash_and_restart()
    ec2 = make_client(srv.endpoint, "ec2")
    ids = {v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]}
    assert {v1, v3} <= ids


def test_restart_twice_same_data_dir(kiln_factory):
    srv = kiln_factory()
    v1, v2 = _seed(srv)
    srv.restart()
    srv.restart()
    _check(srv, v1, v2)
