"""`kiln cost` and GET /kiln/cost: per region and image, orphaned snapshots of deregistered
images with the exact saving of deleting them, unattached volumes, idle and deprecated images."""

import json
import os
from datetime import datetime, timedelta

import pytest

from kiln_harness import BLOCK_SIZE, make_client, run_kiln, signed_request, upload_snapshot

GB_MONTH = 0.05 / 1e9


@pytest.fixture
def server(kiln_factory):
    return kiln_factory()


def write_volume(endpoint: str, volume_id: str, index: int, data: bytes, key: str) -> None:
    reply = signed_request(endpoint, "PUT", f"/kiln/volumes/{volume_id}/data", query={"offset": str(index * BLOCK_SIZE)}, body=data, key=key)
    assert reply.status_code == 200, reply.text


def cost(endpoint: str, key: str, days: int | None = None) -> dict:
    answer = signed_request(endpoint, "GET", "/kiln/cost", query={"days": str(days)} if days is not None else None, key=key)
    assert answer.status_code == 200, answer.text
    return answer.json()


def billable(endpoint: str, key: str) -> int:
    return signed_request(endpoint, "GET", "/kiln/storage", key=key).json()["billableBytes"]


def test_orphans_of_a_deregistered_image_with_exact_savings(server):
    key = "333333333333"
    ec2 = make_client(server.endpoint, "ec2", key=key)
    ebs = make_client(server.endpoint, "ebs", key=key)
    blocks = {i: os.urandom(BLOCK_SIZE) for i in range(8)}
    base_snapshot = upload_snapshot(ebs, blocks, volume_size=1)
    base = ec2.register_image(
        Name="cost-base", RootDeviceName="/dev/xvda", Architecture="x86_64", VirtualizationType="hvm",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": base_snapshot}}],
    )["ImageId"]

    # v1: CreateImage of an instance that changed 3 blocks; v2: of an instance of v1 that changed 2 more.
    def image_of(source: str, name: str, changes: list[int]) -> str:
        inst = ec2.run_instances(ImageId=source, InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][0]
        root = inst["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
        for index in changes:
            write_volume(server.endpoint, root, index, os.urandom(BLOCK_SIZE), key)
        image_id = ec2.create_image(InstanceId=inst["InstanceId"], Name=name, NoReboot=True)["ImageId"]
        ec2.get_waiter("image_available").wait(ImageIds=[image_id], WaiterConfig={"Delay": 1})
        ec2.terminate_instances(InstanceIds=[inst["InstanceId"]])
        return image_id

    v1 = image_of(base, "cost-v1", [0, 1, 2])
    v2 = image_of(v1, "cost-v2", [1, 9])
    snapshot_of = lambda image: ec2.describe_images(ImageIds=[image])["Images"][0]["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
    v1_snapshot, v2_snapshot = snapshot_of(v1), snapshot_of(v2)

    before = cost(server.endpoint, key)
    assert before["orphanedSnapshots"] == []
    images = {i["imageId"]: i for i in before["images"]}
    assert set(images) == {base, v1, v2}
    assert images[v1]["snapshotIds"] == [v1_snapshot]

    ec2.deregister_image(ImageId=v1)
    report = cost(server.endpoint, key)
    orphans = {o["snapshotId"]: o for o in report["orphanedSnapshots"]}
    assert set(orphans) == {v1_snapshot}, report["orphanedSnapshots"]
    orphan = orphans[v1_snapshot]
    assert orphan["imageId"] == v1
    assert orphan["billableBytes"] == 3 * BLOCK_SIZE, "v1 changed three blocks of the base"
    # v2 shares block 0 and 2 with v1 (it changed 1 and 9): deleting v1's snapshot moves them to v2's bill.
    assert orphan["deleteSavingBytes"] == 3 * BLOCK_SIZE - 2 * BLOCK_SIZE
    assert orphan["monthlyUSD"] == pytest.approx(3 * BLOCK_SIZE * GB_MONTH, rel=1e-9)
    assert orphan["fullBytes"] == 8 * BLOCK_SIZE, "v1 holds the base's blocks 0-7"
    assert orphan["archiveMonthlyUSD"] == pytest.approx(orphan["fullBytes"] * 0.0125 / 1e9, rel=1e-9)
    assert orphan["deleteSavingMonthlyUSD"] == pytest.approx(BLOCK_SIZE * GB_MONTH, rel=1e-9)

    total = billable(server.endpoint, key)
    ec2.delete_snapshot(SnapshotId=v1_snapshot)
    assert total - billable(server.endpoint, key) == orphan["deleteSavingBytes"], "the saving is exact"
    assert cost(server.endpoint, key)["orphanedSnapshots"] == []

    # Deleting v2 now saves all it is billed for: it has no children.
    v2_cost = next(i for i in cost(server.endpoint, key)["images"] if i["imageId"] == v2)
    assert v2_cost["deleteSavingBytes"] == v2_cost["billableBytes"] == 4 * BLOCK_SIZE


def test_unattached_volumes_idle_and_deprecated_images(server, tmp_path):
    key = "444444444444"
    ec2 = make_client(server.endpoint, "ec2", key=key)
    ebs = make_client(server.endpoint, "ebs", key=key)
    snapshot = upload_snapshot(ebs, {0: os.urandom(BLOCK_SIZE)}, volume_size=1)
    image = ec2.register_image(
        Name="cost-idle", RootDeviceName="/dev/xvda", Architecture="x86_64", VirtualizationType="hvm",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snapshot}}],
    )["ImageId"]
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=10, VolumeType="gp3")["VolumeId"]
    ec2.get_waiter("volume_available").wait(VolumeIds=[volume], WaiterConfig={"Delay": 1})

    report = cost(server.endpoint, key, days=30)
    assert [(v["volumeId"], v["sizeGiB"], v["monthlyUSD"]) for v in report["unattachedVolumes"]] == [(volume, 10, pytest.approx(0.8))]
    assert report["idleImages"] == [], "created just now"
    assert report["orphanSavingsMonthlyUSD"] == pytest.approx(0.8)

    server.advance_clock(40 * 86_400)
    report = cost(server.endpoint, key, days=30)
    assert report["idleImages"] == [image]
    assert next(i for i in report["images"] if i["imageId"] == image)["idleForDays"] == 40
    assert cost(server.endpoint, key, days=60)["idleImages"] == []

    ec2.disable_image(ImageId=image)
    report = cost(server.endpoint, key)
    assert report["deprecatedOrDisabledImages"] == [image]

    # A deprecated image with snapshots is listed once its deprecation time has passed.
    other = ec2.register_image(
        Name="cost-deprecated", RootDeviceName="/dev/xvda", Architecture="x86_64", VirtualizationType="hvm",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": upload_snapshot(ebs, {0: os.urandom(BLOCK_SIZE)}, volume_size=1)}}],
    )["ImageId"]
    now = datetime.fromisoformat(server.advance_clock(0).replace("Z", "+00:00"))
    ec2.enable_image_deprecation(ImageId=other, DeprecateAt=now + timedelta(days=2))
    assert cost(server.endpoint, key)["deprecatedOrDisabledImages"] == [image]
    server.advance_clock(3 * 86_400)
    assert sorted(cost(server.endpoint, key)["deprecatedOrDisabledImages"]) == sorted([image, other])

    bad = signed_request(server.endpoint, "GET", "/kiln/cost", query={"days": "soon"}, key=key)
    assert bad.status_code == 400 and bad.json()["Code"] == "InvalidParameterValue"

    text = run_kiln(server.endpoint, "cost", key=key).stdout
    assert volume in text and image in text and "unattached volumes" in text
    as_json = json.loads(run_kiln(server.endpoint, "cost", "--json", "--days", "1", key=key).stdout)
    assert as_json["idleImages"] == [other], "the disabled image is not idle, the deprecated one is (3 days)"
    assert as_json["account"] == key
