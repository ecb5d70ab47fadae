"""`kiln serve --catalog moto`: moto's preloaded public images, with their ids, in every region,
so that a suite written against moto_server runs unchanged."""

import gzip
import json
import os

import moto
import pytest
import requests

from kiln_harness import make_client, run_aws

MOTO_ACCOUNT = "123456789012"


def moto_images() -> dict[str, dict]:
    path = os.path.join(os.path.dirname(moto.__file__), "ec2", "resources", "amis.json.gz")
    with gzip.open(path) as f:
        return {image["ami_id"]: image for image in json.load(f)}


@pytest.fixture
def moto_style(kiln_factory):
    return kiln_factory(
        ["--auth", "dev", "--latency", "instant", "--catalog", "moto", "--enable-test-reset", "--default-account", MOTO_ACCOUNT],
        name="moto-catalogue",
    )


def moto_client(endpoint, service="ec2", region="us-east-1"):
    # moto's suites sign with keys such as "testing", which name no account.
    return make_client(endpoint, service, region=region, key="testing", secret="testing")


def test_a_moto_suite_launches_resets_and_launches_again(moto_style):
    ec2 = moto_client(moto_style.endpoint)
    first = ec2.run_instances(ImageId="ami-12c6146b", InstanceType="t1.micro", MinCount=1, MaxCount=1)["Instances"][0]
    assert first["ImageId"] == "ami-12c6146b" and first["InstanceType"] == "t1.micro"
    assert first["Platform"] == "windows"
    owner = ec2.describe_instances(InstanceIds=[first["InstanceId"]])["Reservations"][0]["OwnerId"]
    assert owner == MOTO_ACCOUNT

    reply = requests.post(moto_style.endpoint + "/moto-api/reset", timeout=10)
    assert reply.status_code == 200
    assert ec2.describe_instances()["Reservations"] == []
    image = ec2.describe_images(ImageIds=["ami-12c6146b"])["Images"][0]
    assert image["Name"] == "Windows_Server-2008-R2_SP1-English-64Bit-Base-2017.10.13"

    second = ec2.run_instances(ImageId="ami-12c6146b", InstanceType="t1.micro", MinCount=1, MaxCount=1)["Instances"][0]
    assert second["InstanceId"] != first["InstanceId"] and second["ImageId"] == "ami-12c6146b"
    ec2.terminate_instances(InstanceIds=[second["InstanceId"]])


def test_every_region_has_moto_images_with_their_facts(moto_style):
    expected = moto_images()
    snapshots = set()
    for region in ["us-east-1", "ca-central-1", "ap-southeast-1"]:
        ec2 = moto_client(moto_style.endpoint, region=region)
        images = {image["ImageId"]: image for image in ec2.describe_images(Owners=["amazon"])["Images"]}
        for ami_id in ["ami-12c6146b", "ami-03cf127a", "ami-760aaa0f", "ami-8104a4f8", "ami-0e9271c829888680e"]:
            got, want = images[ami_id], expected[ami_id]
            assert got["OwnerId"] == want["owner_id"] and got["Name"] == want["name"]
            assert got["Description"] == want["description"] and got["Architecture"] == want["architecture"]
            assert got["RootDeviceType"] == want["root_device_type"] and got["VirtualizationType"] == want["virtualization_type"]
            assert got["RootDeviceName"] == want["root_device_name"] and got["Public"] is True
            assert got.get("Platform") == ("windows" if want["platform"] == "windows" else None)
            # Each is backed by a snapshot of its own region.
            snapshot_id = got["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
            assert snapshot_id.startswith("snap-") and snapshot_id not in snapshots
            snapshots.add(snapshot_id)
        # Well-formed EBS-backed images all come; the malformed ids and the instance-store one do not.
        assert "ami-ekswin" not in images and "ami-04681a1dbd79675b6" not in images
        assert len(images) == 40


def test_the_same_id_is_a_separate_image_in_each_region(moto_style):
    east = moto_client(moto_style.endpoint, region="us-east-1")
    west = moto_client(moto_style.endpoint, region="eu-west-1")
    east_image = east.describe_images(ImageIds=["ami-760aaa0f"])["Images"][0]
    west_image = west.describe_images(ImageIds=["ami-760aaa0f"])["Images"][0]
    east_snapshot = east_image["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
    west_snapshot = west_image["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
    assert east_snapshot != west_snapshot
    # Launch in both; each instance's root volume comes from its own region's snapshot.
    for ec2, snapshot in [(east, east_snapshot), (west, west_snapshot)]:
        instance = ec2.run_instances(ImageId="ami-760aaa0f", InstanceType="t2.micro", MinCount=1, MaxCount=1)["Instances"][0]
        volume_id = instance["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
        assert ec2.describe_volumes(VolumeIds=[volume_id])["Volumes"][0]["SnapshotId"] == snapshot
    # Tags are per region too: a tag in one region is not on the other region's image.
    east.create_tags(Resources=["ami-760aaa0f"], Tags=[{"Key": "team", "Value": "east"}])
    assert east.describe_images(ImageIds=["ami-760aaa0f"])["Images"][0]["Tags"] == [{"Key": "team", "Value": "east"}]
    assert "Tags" not in west.describe_images(ImageIds=["ami-760aaa0f"])["Images"][0]
    tagged = east.describe_tags(Filters=[{"Name": "resource-id", "Values": ["ami-760aaa0f"]}])["Tags"]
    assert [(t["ResourceId"], t["Key"]) for t in tagged] == [("ami-760aaa0f", "team")]
    assert west.describe_tags(Filters=[{"Name": "resource-id", "Values": ["ami-760aaa0f"]}])["Tags"] == []
    east.delete_tags(Resources=["ami-760aaa0f"], Tags=[{"Key": "team"}])
    assert "Tags" not in east.describe_images(ImageIds=["ami-760aaa0f"])["Images"][0]
    # Paging over ids that sort together in every region gives each image once.
    pages = east.get_paginator("describe_images").paginate(Owners=["amazon"], PaginationConfig={"PageSize": 7})
    ids = [image["ImageId"] for page in pages for image in page["Images"]]
    assert len(ids) == len(set(ids)) == 40
    # A copy of a moto image remembers where it came from.
    copy = west.copy_image(SourceImageId="ami-760aaa0f", SourceRegion="us-east-1", Name="copied")["ImageId"]
    ancestry = west.get_image_ancestry(ImageId=copy)["ImageAncestryEntries"] if hasattr(west, "get_image_ancestry") else None
    if ancestry is not None:
        assert [entry["ImageId"] for entry in ancestry][:2] == [copy, "ami-760aaa0f"]


def test_moto_images_through_the_aws_cli(moto_style):
    out = run_aws(
        moto_style.endpoint,
        "ec2",
        "describe-images",
        "--image-ids",
        "ami-03cf127a",
        region="ap-northeast-3",
        key="testing",
        secret="testing",
    )
    assert out["Images"][0]["Name"] == "Windows_Server-2016-English-Nano-Base-2017.10.13"
