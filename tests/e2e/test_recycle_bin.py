"""The archive tier (ModifySnapshotTier, RestoreSnapshotTier, DescribeSnapshotTierStatus) and
the Recycle Bin (the rbin service's rules; EC2's ListImagesInRecycleBin,
RestoreImageFromRecycleBin, ListSnapshotsInRecycleBin, RestoreSnapshotFromRecycleBin), through
boto3 and the aws CLI, on a private server whose clock the tests move."""

import os

import pytest
from botocore.exceptions import ClientError

from kiln_harness import BLOCK_SIZE, client_error, make_client, run_aws, signed_request, upload_snapshot

DAY = 86_400


@pytest.fixture
def server(kiln_factory):
    return kiln_factory()


@pytest.fixture
def clients(server):
    key = "555555555555"
    return (
        make_client(server.endpoint, "ec2", key=key),
        make_client(server.endpoint, "ebs", key=key),
        make_client(server.endpoint, "rbin", key=key),
        key,
    )


def register(ec2, snapshot_id: str, name: str) -> str:
    return ec2.register_image(
        Name=name, RootDeviceName="/dev/xvda", Architecture="x86_64", VirtualizationType="hvm",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snapshot_id}}],
    )["ImageId"]


def error_of(call, **kw) -> tuple[str, int]:
    with pytest.raises(ClientError) as excinfo:
        call(**kw)
    return client_error(excinfo)


def collect_garbage(server) -> dict:
    answer = signed_request(server.endpoint, "POST", "/kiln/admin/gc")
    assert answer.status_code == 200, answer.text
    return answer.json()


def tier_status(ec2, snapshot_id: str) -> dict:
    statuses = ec2.describe_snapshot_tier_status(Filters=[{"Name": "snapshot-id", "Values": [snapshot_id]}])["SnapshotTierStatuses"]
    assert len(statuses) == 1
    return statuses[0]


def test_archive_tier_round_trip(server, clients):
    ec2, ebs, _, key = clients
    snapshot = upload_snapshot(ebs, {0: os.urandom(BLOCK_SIZE), 3: os.urandom(BLOCK_SIZE)}, volume_size=1)
    child = upload_snapshot(ebs, {3: os.urandom(BLOCK_SIZE)}, volume_size=1, ParentSnapshotId=snapshot)
    image = register(ec2, snapshot, "archive-me")

    assert error_of(ec2.modify_snapshot_tier, SnapshotId=snapshot, StorageTier="archive")[0] == "IncorrectState", "its image is enabled"
    ec2.disable_image(ImageId=image)
    started = ec2.modify_snapshot_tier(SnapshotId=snapshot, StorageTier="archive")
    assert started["SnapshotId"] == snapshot and started["TieringStartTime"]
    status = tier_status(ec2, snapshot)
    assert (status["StorageTier"], status["LastTieringOperationStatus"]) == ("archive", "archival-completed")
    assert ec2.describe_snapshots(SnapshotIds=[snapshot])["Snapshots"][0]["StorageTier"] == "archive"
    archived = ec2.describe_snapshots(OwnerIds=["self"], Filters=[{"Name": "storage-tier", "Values": ["archive"]}])["Snapshots"]
    assert [s["SnapshotId"] for s in archived] == [snapshot]
    assert error_of(ec2.modify_snapshot_tier, SnapshotId=snapshot)[0] == "IncorrectState", "already archived"

    # While archived it makes neither volumes nor images.
    assert error_of(ec2.create_volume, AvailabilityZone="us-east-1a", SnapshotId=snapshot)[0] == "IncorrectState"
    assert error_of(register, ec2=ec2, snapshot_id=snapshot, name="from-archive")[0] == "IncorrectState"
    cost = signed_request(server.endpoint, "GET", "/kiln/cost", key=key).json()
    region = next(r for r in cost["regions"] if r["region"] == "us-east-1")
    # The child keeps block 0, which it shares with the archived parent, on its standard-tier bill.
    assert (region["snapshotBillableBytes"], region["archivedBytes"]) == (2 * BLOCK_SIZE, 2 * BLOCK_SIZE)
    storage = signed_request(server.endpoint, "GET", "/kiln/storage", key=key).json()
    assert (storage["billableBytes"], storage["archivedBytes"]) == (2 * BLOCK_SIZE, 2 * BLOCK_SIZE), "kiln storage agrees"
    assert {s["snapshotId"]: s["storageTier"] for s in storage["snapshots"]} == {snapshot: "archive", child: "standard"}
    assert child in {s["SnapshotId"] for s in ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]}

    # A temporary restore, then the archive again when it ends.
    restored = ec2.restore_snapshot_tier(SnapshotId=snapshot, TemporaryRestoreDays=2)
    assert restored["RestoreDuration"] == 2 and restored["IsPermanentRestore"] is False
    status = tier_status(ec2, snapshot)
    assert status["LastTieringOperationStatus"] == "temporary-restore-completed" and status["RestoreExpiryTime"]
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", SnapshotId=snapshot)["VolumeId"]
    assert volume.startswith("vol-")
    server.advance_clock(3 * DAY)
    assert tier_status(ec2, snapshot)["LastTieringOperationStatus"] == "archival-completed"
    assert error_of(ec2.create_volume, AvailabilityZone="us-east-1a", SnapshotId=snapshot)[0] == "IncorrectState"

    # A permanent restore brings it back to the standard tier.
    assert error_of(ec2.restore_snapshot_tier, SnapshotId=snapshot, TemporaryRestoreDays=1, PermanentRestore=True)[0] == "InvalidParameterCombination"
    ec2.restore_snapshot_tier(SnapshotId=snapshot, PermanentRestore=True)
    status = tier_status(ec2, snapshot)
    assert (status["StorageTier"], status["LastTieringOperationStatus"]) == ("standard", "permanent-restore-completed")
    ec2.enable_image(ImageId=image)
    assert ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]

    cli = run_aws(server.endpoint, "ec2", "describe-snapshot-tier-status", key=key)
    assert snapshot in {s["SnapshotId"] for s in cli["SnapshotTierStatuses"]}


def test_rules_crud_locks_and_tags(server, clients):
    _, _, rbin, key = clients
    created = rbin.create_rule(
        ResourceType="EC2_IMAGE", RetentionPeriod={"RetentionPeriodValue": 7, "RetentionPeriodUnit": "DAYS"},
        Description="keep images", Tags=[{"Key": "team", "Value": "build"}],
    )
    rule_id, arn = created["Identifier"], created["RuleArn"]
    assert len(rule_id) == 11 and arn.endswith(f":rule/{rule_id}") and created["Status"] == "available"
    got = rbin.get_rule(Identifier=rule_id)
    assert got["RetentionPeriod"] == {"RetentionPeriodValue": 7, "RetentionPeriodUnit": "DAYS"} and got["ResourceType"] == "EC2_IMAGE"
    assert [r["Identifier"] for r in rbin.list_rules(ResourceType="EC2_IMAGE")["Rules"]] == [rule_id]
    assert rbin.list_rules(ResourceType="EBS_SNAPSHOT")["Rules"] == []
    rbin.update_rule(Identifier=rule_id, RetentionPeriod={"RetentionPeriodValue": 10, "RetentionPeriodUnit": "DAYS"})
    assert rbin.get_rule(Identifier=rule_id)["RetentionPeriod"]["RetentionPeriodValue"] == 10

    assert rbin.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "build"}]
    rbin.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "prod"}])
    rbin.untag_resource(ResourceArn=arn, TagKeys=["team"])
    assert rbin.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "env", "Value": "prod"}]

    # Validation: retention range, exclusions only on region-level rules, locks only on them too.
    bad = {"RetentionPeriodValue": 400, "RetentionPeriodUnit": "DAYS"}
    assert error_of(rbin.create_rule, ResourceType="EC2_IMAGE", RetentionPeriod=bad)[0] == "ValidationException"
    tagged = rbin.create_rule(
        ResourceType="EBS_SNAPSHOT", RetentionPeriod={"RetentionPeriodValue": 1, "RetentionPeriodUnit": "DAYS"},
        ResourceTags=[{"ResourceTagKey": "keep", "ResourceTagValue": "yes"}],
    )["Identifier"]
    lock = {"UnlockDelay": {"UnlockDelayValue": 7, "UnlockDelayUnit": "DAYS"}}
    assert error_of(rbin.lock_rule, Identifier=tagged, LockConfiguration=lock)[0] == "ValidationException"
    assert error_of(rbin.get_rule, Identifier="abcdefghijk")[0] == "ResourceNotFoundException"

    # A locked rule holds until its unlock delay has passed.
    assert rbin.lock_rule(Identifier=rule_id, LockConfiguration=lock)["LockState"] == "locked"
    assert error_of(rbin.delete_rule, Identifier=rule_id)[0] == "ConflictException"
    assert error_of(rbin.update_rule, Identifier=rule_id, RetentionPeriod={"RetentionPeriodValue": 1, "RetentionPeriodUnit": "DAYS"})[0] == "ConflictException"
    rbin.update_rule(Identifier=rule_id, Description="still keeps images")
    unlocking = rbin.unlock_rule(Identifier=rule_id)
    assert unlocking["LockState"] == "pending_unlock" and unlocking["LockEndTime"]
    assert error_of(rbin.delete_rule, Identifier=rule_id)[0] == "ConflictException"
    server.advance_clock(8 * DAY)
    assert rbin.get_rule(Identifier=rule_id)["LockState"] == "unlocked"
    rbin.delete_rule(Identifier=rule_id)
    assert [r["Identifier"] for r in run_aws(server.endpoint, "rbin", "list-rules", "--resource-type", "EBS_SNAPSHOT", key=key)["Rules"]] == [tagged]


def test_deregistered_image_is_restorable_until_retention_ends(server, clients):
    ec2, ebs, rbin, key = clients
    days = {"RetentionPeriodValue": 7, "RetentionPeriodUnit": "DAYS"}
    rbin.create_rule(ResourceType="EC2_IMAGE", RetentionPeriod=days)
    rbin.create_rule(ResourceType="EBS_SNAPSHOT", RetentionPeriod=days, ExcludeResourceTags=[{"ResourceTagKey": "scratch"}])

    snapshot = upload_snapshot(ebs, {0: os.urandom(BLOCK_SIZE)}, volume_size=1)
    image = register(ec2, snapshot, "binned")
    ec2.deregister_image(ImageId=image, DeleteAssociatedSnapshots=True)
    assert ec2.describe_images(Owners=["self"])["Images"] == []
    binned = ec2.list_images_in_recycle_bin()["Images"]
    assert [(i["ImageId"], i["Name"]) for i in binned] == [(image, "binned")]
    assert binned[0]["RecycleBinExitTime"] > binned[0]["RecycleBinEnterTime"]
    assert [s["SnapshotId"] for s in ec2.list_snapshots_in_recycle_bin()["Snapshots"]] == [snapshot]
    assert error_of(ec2.describe_snapshots, SnapshotIds=[snapshot])[0] == "InvalidSnapshot.NotFound"
    storage = signed_request(server.endpoint, "GET", "/kiln/storage", key=key).json()
    assert [(s["snapshotId"], s["storageTier"]) for s in storage["snapshots"]] == [(snapshot, "recycle-bin")]
    assert storage["billableBytes"] == BLOCK_SIZE, "a snapshot in the bin is billed"

    # The image waits for its snapshot to leave the bin first.
    assert error_of(ec2.restore_image_from_recycle_bin, ImageId=image)[0] == "IncorrectState"
    restored = ec2.restore_snapshot_from_recycle_bin(SnapshotId=snapshot)
    assert restored["SnapshotId"] == snapshot and restored["State"] == "completed"
    assert ec2.restore_image_from_recycle_bin(ImageId=image)["Return"] is True
    assert ec2.describe_images(ImageIds=[image])["Images"][0]["State"] == "available"
    instance = ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][0]
    assert instance["ImageId"] == image
    ec2.terminate_instances(InstanceIds=[instance["InstanceId"]])

    # Excluded snapshots are deleted at once; retention ends the rest.
    scratch = upload_snapshot(ebs, {1: os.urandom(BLOCK_SIZE)}, volume_size=1, Tags=[{"Key": "scratch", "Value": "1"}])
    ec2.delete_snapshot(SnapshotId=scratch)
    assert [s["SnapshotId"] for s in ec2.list_snapshots_in_recycle_bin()["Snapshots"]] == []
    ec2.deregister_image(ImageId=image, DeleteAssociatedSnapshots=True)
    assert [i["ImageId"] for i in run_aws(server.endpoint, "ec2", "list-images-in-recycle-bin", key=key)["Images"]] == [image]
    server.advance_clock(1 * DAY)
    assert collect_garbage(server)["blocksRemoved"] == 1, "the excluded snapshot's block goes; the binned one's stays"
    server.advance_clock(7 * DAY)
    assert collect_garbage(server)["blocksRemoved"] == 1, "at the end of retention the binned snapshot's block is collectable"
    assert ec2.list_images_in_recycle_bin()["Images"] == []
    assert ec2.list_snapshots_in_recycle_bin()["Snapshots"] == []
    assert error_of(ec2.restore_image_from_recycle_bin, ImageId=image)[0] == "InvalidAMIID.NotFound"
    assert error_of(ec2.restore_snapshot_from_recycle_bin, SnapshotId=snapshot)[0] == "InvalidSnapshot.NotFound"
