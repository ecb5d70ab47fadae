"""KMS through boto3, encrypted sharing across accounts, and CopyImage / CopySnapshot across
regions with their bytes checked and their storage accounted.

Accounts (dev auth: a 12-digit access key acts as that account): OWNER makes the images,
RECIPIENT has launch permission (and, when the test says so, key access), STRANGER has nothing."""

import json
import os
import time
import uuid

import pytest

from kiln_harness import BLOCK_SIZE, wait_for, make_client, raises, register_ebs_image, signed_request, upload_snapshot

OWNER = "121212121212"
RECIPIENT = "343434343434"
STRANGER = "565656565656"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def read_disk(endpoint, volume, offset, length, key):
    reply = signed_request(endpoint, "GET", f"/kiln/volumes/{volume}/data", query={"offset": str(offset), "length": str(length)}, key=key)
    assert reply.status_code == 200, reply.text
    return reply.content


def image_state(ec2, image_id):
    return ec2.describe_images(ImageIds=[image_id])["Images"][0]


def sharing_policy(owner: str, *accounts: str) -> str:
    statements = [{"Sid": "owner", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{owner}:root"}, "Action": "kms:*", "Resource": "*"}]
    for account in accounts:
        statements.append(
            {
                "Sid": f"use-{account}",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                "Action": ["kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
                "Resource": "*",
            }
        )
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def test_kms_keys_aliases_policies_grants_and_cryptography(kiln):
    kms = make_client(kiln, "kms", key=OWNER)
    key = kms.create_key(Description="golden images")["KeyMetadata"]
    assert key["KeyState"] == "Enabled" and key["KeyManager"] == "CUSTOMER" and key["Arn"].startswith(f"arn:aws:kms:us-east-1:{OWNER}:key/")
    alias = f"alias/{unique('golden')}"
    kms.create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
    raises("AlreadyExistsException", kms.create_alias, AliasName=alias, TargetKeyId=key["KeyId"])
    raises("NotAuthorizedException", kms.create_alias, AliasName="alias/aws/mine", TargetKeyId=key["KeyId"])
    assert kms.describe_key(KeyId=alias)["KeyMetadata"]["KeyId"] == key["KeyId"]
    assert kms.describe_key(KeyId=key["Arn"])["KeyMetadata"]["KeyId"] == key["KeyId"]
    names = {a["AliasName"]: a.get("TargetKeyId") for a in kms.list_aliases()["Aliases"]}
    assert names[alias] == key["KeyId"] and "alias/aws/ebs" in names
    ebs_key = kms.describe_key(KeyId="alias/aws/ebs")["KeyMetadata"]
    assert ebs_key["KeyManager"] == "AWS" and ebs_key["Arn"] == make_client(kiln, "ec2", key=OWNER).get_ebs_default_kms_key_id()["KmsKeyId"]
    assert key["KeyId"] in {k["KeyId"] for k in kms.list_keys()["Keys"]}
    raises("NotFoundException", kms.describe_key, KeyId="alias/none-such")

    # Encrypt, decrypt, data keys, re-encryption, and the encryption context.
    blob = kms.encrypt(KeyId=alias, Plaintext=b"secret", EncryptionContext={"app": "web"})["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext={"app": "web"})["Plaintext"] == b"secret"
    raises("InvalidCiphertextException", kms.decrypt, CiphertextBlob=blob)
    data_key = kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256")
    assert len(data_key["Plaintext"]) == 32 and kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"])["Plaintext"] == data_key["Plaintext"]
    assert "Plaintext" not in kms.generate_data_key_without_plaintext(KeyId=key["KeyId"], NumberOfBytes=16)
    other = kms.create_key()["KeyMetadata"]
    moved = kms.re_encrypt(CiphertextBlob=blob, SourceEncryptionContext={"app": "web"}, DestinationKeyId=other["KeyId"])
    assert moved["KeyId"] == other["Arn"] and kms.decrypt(CiphertextBlob=moved["CiphertextBlob"])["Plaintext"] == b"secret"

    # Another account: nothing without the policy; with a grant, what the grant says.
    stranger = make_client(kiln, "kms", key=STRANGER)
    raises("AccessDeniedException", stranger.decrypt, CiphertextBlob=data_key["CiphertextBlob"])
    grant = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=f"arn:aws:iam::{STRANGER}:root", Operations=["Decrypt"])
    assert stranger.decrypt(CiphertextBlob=data_key["CiphertextBlob"])["Plaintext"] == data_key["Plaintext"]
    assert [g["GrantId"] for g in kms.list_grants(KeyId=key["KeyId"])["Grants"]] == [grant["GrantId"]]
    kms.revoke_grant(KeyId=key["KeyId"], GrantId=grant["GrantId"])
    raises("AccessDeniedException", stranger.decrypt, CiphertextBlob=data_key["CiphertextBlob"])
    kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=sharing_policy(OWNER, STRANGER))
    assert STRANGER in kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"]
    assert stranger.decrypt(CiphertextBlob=data_key["CiphertextBlob"])["Plaintext"] == data_key["Plaintext"]
    raises("MalformedPolicyDocumentException", kms.put_key_policy, KeyId=key["KeyId"], PolicyName="default", Policy="{}")

    # States: disabled keys refuse to work; deletion waits and can be cancelled.
    kms.disable_key(KeyId=key["KeyId"])
    raises("DisabledException", kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x")
    kms.enable_key(KeyId=key["KeyId"])
    scheduled = kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    assert scheduled["KeyState"] == "PendingDeletion" and scheduled["PendingWindowInDays"] == 7
    raises("KMSInvalidStateException", kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x")
    raises("ValidationException", kms.schedule_key_deletion, KeyId=other["KeyId"], PendingWindowInDays=3)
    kms.cancel_key_deletion(KeyId=key["KeyId"])
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Disabled"
    raises("UnsupportedOperationException", kms.disable_key, KeyId="alias/aws/ebs")
    kms.delete_alias(AliasName=alias)
    raises("NotFoundException", kms.describe_key, KeyId=alias)


@pytest.fixture(scope="module")
def encrypted_images(kiln):
    """OWNER's images: one under a customer key shared with RECIPIENT by policy, one under a
    customer key nobody else may use, both shared with RECIPIENT and STRANGER; and one under
    aws/ebs, which cannot be shared at all."""
    kms = make_client(kiln, "kms", key=OWNER)
    ec2 = make_client(kiln, "ec2", key=OWNER)
    ebs = make_client(kiln, "ebs", key=OWNER)
    shared_key = kms.create_key(Policy=sharing_policy(OWNER, RECIPIENT))["KeyMetadata"]["Arn"]
    private_key = kms.create_key()["KeyMetadata"]["Arn"]
    block = os.urandom(BLOCK_SIZE)
    images = {}
    for label, key in (("shared-key", shared_key), ("private-key", private_key), ("default-key", None)):
        kw = {"Encrypted": True}
        if key:
            kw["KmsKeyArn"] = key
        snap = upload_snapshot(ebs, {2: block}, **kw)
        image = register_ebs_image(ec2, snap, unique(label))
        images[label] = {"image": image, "snapshot": snap}
        if key is None:
            continue
        ec2.modify_image_attribute(ImageId=image, LaunchPermission={"Add": [{"UserId": RECIPIENT}, {"UserId": STRANGER}]})
        ec2.modify_snapshot_attribute(SnapshotId=snap, Attribute="createVolumePermission", OperationType="add", UserIds=[RECIPIENT])
    images["block"] = block
    images["shared_key"] = shared_key
    return images


def launch(ec2, image):
    return ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]


def final_state(ec2, instance_id):
    return ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]


def test_sharing_matrix_with_encryption(kiln, encrypted_images):
    owner, recipient, stranger = (make_client(kiln, "ec2", key=a) for a in (OWNER, RECIPIENT, STRANGER))
    shared, private, default = (encrypted_images[k]["image"] for k in ("shared-key", "private-key", "default-key"))

    # The owner launches all three.
    for image in (shared, private, default):
        assert final_state(owner, launch(owner, image))["State"]["Name"] == "running"

    # The recipient may use the shared key: its instance runs and reads the bytes.
    ok = final_state(recipient, launch(recipient, shared))
    assert ok["State"]["Name"] == "running"
    root = ok["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
    assert read_disk(kiln, root, 2 * BLOCK_SIZE, BLOCK_SIZE, key=RECIPIENT) == encrypted_images["block"]

    # aws/ebs-encrypted images cannot be shared at all; the recipient never sees this one.
    raises("InvalidParameter", owner.modify_image_attribute, ImageId=default, LaunchPermission={"Add": [{"UserId": RECIPIENT}]})
    raises("InvalidAMIID.NotFound", recipient.run_instances, ImageId=default, InstanceType="t3.micro", MinCount=1, MaxCount=1)

    # Without key access the launch is accepted, then the instance terminates, as on AWS.
    for viewer, client, image in ((RECIPIENT, recipient, private), (STRANGER, stranger, shared)):
        failed = final_state(client, launch(client, image))
        assert failed["State"]["Name"] == "terminated", (viewer, image)
        assert failed["StateReason"]["Code"] == "Client.InternalError", failed["StateReason"]
        assert failed["StateReason"]["Message"] == "Client.InternalError: Client error on launch"

    # CreateVolume from a shared encrypted snapshot: the recipient's volume appears with key
    # access, and vanishes without it (AWS's behaviour for an unusable key).
    good = recipient.create_volume(AvailabilityZone="us-east-1a", SnapshotId=encrypted_images["shared-key"]["snapshot"])["VolumeId"]
    assert recipient.describe_volumes(VolumeIds=[good])["Volumes"][0]["State"] == "available"
    gone = recipient.create_volume(AvailabilityZone="us-east-1a", SnapshotId=encrypted_images["private-key"]["snapshot"])["VolumeId"]
    raises("InvalidVolume.NotFound", recipient.describe_volumes, VolumeIds=[gone])

    # A key the owner disables stops its own launches too, with AWS's reason.
    kms = make_client(kiln, "kms", key=OWNER)
    kms.disable_key(KeyId=encrypted_images["shared_key"])
    try:
        stopped = final_state(owner, launch(owner, shared))
        assert stopped["State"]["Name"] == "terminated" and stopped["StateReason"]["Code"] == "Client.InvalidKMSKey.InvalidState"
    finally:
        kms.enable_key(KeyId=encrypted_images["shared_key"])


def test_copy_image_across_regions_moves_bytes_once(kiln):
    east = make_client(kiln, "ec2", key=OWNER)
    west = make_client(kiln, "ec2", key=OWNER, region="us-west-2")
    ebs = make_client(kiln, "ebs", key=OWNER)
    blocks = {i: os.urandom(BLOCK_SIZE) for i in range(0, 40, 2)}
    snap = upload_snapshot(ebs, blocks, volume_size=1)
    image = register_ebs_image(east, snap, unique("copy-me"), TagSpecifications=[{"ResourceType": "image", "Tags": [{"Key": "tier", "Value": "gold"}]}])
    copy = west.copy_image(SourceRegion="us-east-1", SourceImageId=image, Name=unique("copied"), CopyImageTags=True, ClientToken="copy-1")["ImageId"]
    assert west.copy_image(SourceRegion="us-east-1", SourceImageId=image, Name=unique("again"), ClientToken="copy-1")["ImageId"] == copy
    west.get_waiter("image_available").wait(ImageIds=[copy], WaiterConfig={"Delay": 1})
    copied = image_state(west, copy)
    assert copied["SourceImageId"] == image and copied["SourceImageRegion"] == "us-east-1"
    assert {t["Key"]: t["Value"] for t in copied["Tags"]} == {"tier": "gold"}
    new_snap = copied["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
    assert new_snap != snap and west.describe_snapshots(SnapshotIds=[new_snap])["Snapshots"][0]["State"] == "completed"
    raises("InvalidAMIID.NotFound", east.describe_images, ImageIds=[copy])

    # The copy's bytes are real: an instance in the destination reads them.
    inst = west.run_instances(ImageId=copy, InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][0]
    root = inst["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
    reply = signed_request(kiln, "GET", f"/kiln/volumes/{root}/data", query={"offset": str(4 * BLOCK_SIZE), "length": str(BLOCK_SIZE)}, key=OWNER, region="us-west-2")
    assert reply.content == blocks[4]

    # After a small change, a second copy moves only the changed block.
    east_inst = east.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][0]
    east_root = east_inst["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
    assert signed_request(kiln, "PUT", f"/kiln/volumes/{east_root}/data", query={"offset": str(6 * BLOCK_SIZE)}, body=os.urandom(BLOCK_SIZE), key=OWNER).status_code == 200
    v2 = east.create_image(InstanceId=east_inst["InstanceId"], Name=unique("copy-me-v2"), NoReboot=True)["ImageId"]
    east.get_waiter("image_available").wait(ImageIds=[v2], WaiterConfig={"Delay": 1})
    copy2 = west.copy_image(SourceRegion="us-east-1", SourceImageId=v2, Name=unique("copied-v2"))["ImageId"]
    west.get_waiter("image_available").wait(ImageIds=[copy2], WaiterConfig={"Delay": 1})
    storage = signed_request(kiln, "GET", "/kiln/storage", key=OWNER, region="us-west-2").json()
    snaps = {s["snapshotId"]: s for s in storage["snapshots"]}
    first_id = new_snap
    second_id = image_state(west, copy2)["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
    assert snaps[first_id]["changedBytes"] == len(blocks) * BLOCK_SIZE, "the first copy moves every block"
    assert snaps[second_id]["changedBytes"] == BLOCK_SIZE, ("the second moves only the changed block", snaps[second_id])


def test_copy_refusals_and_key_failures(kiln, encrypted_images):
    recipient = make_client(kiln, "ec2", key=RECIPIENT, region="us-west-2")
    stranger = make_client(kiln, "ec2", key=STRANGER, region="us-west-2")
    owner = make_client(kiln, "ec2", key=OWNER, region="us-west-2")
    shared = encrypted_images["shared-key"]["image"]

    # KmsKeyId without Encrypted; a copy from another account needs the snapshots' permission.
    raises("InvalidParameterDependency", owner.copy_image, SourceRegion="us-east-1", SourceImageId=shared, Name=unique("x"), KmsKeyId="alias/aws/ebs")
    error = raises("InvalidRequest", stranger.copy_image, SourceRegion="us-east-1", SourceImageId=shared, Name=unique("x"))
    assert "permission to access the storage" in str(error)
    raises("InvalidAMIID.NotFound", stranger.copy_image, SourceRegion="us-east-1", SourceImageId="ami-0123456789abcdef0", Name=unique("x"))

    # The recipient copies the shared-key image into its own region, re-encrypted under its default key.
    copy = recipient.copy_image(SourceRegion="us-east-1", SourceImageId=shared, Name=unique("mine"), Encrypted=True)["ImageId"]
    recipient.get_waiter("image_available").wait(ImageIds=[copy], WaiterConfig={"Delay": 1})
    mapping = image_state(recipient, copy)["BlockDeviceMappings"][0]["Ebs"]
    assert mapping["Encrypted"] is True and mapping["KmsKeyId"] == recipient.get_ebs_default_kms_key_id()["KmsKeyId"]

    # A destination key that does not exist: 200, then the image fails with a StateReason.
    failed = owner.copy_image(
        SourceRegion="us-east-1", SourceImageId=shared, Name=unique("bad-key"), Encrypted=True, KmsKeyId=f"arn:aws:kms:us-west-2:{OWNER}:key/00000000-0000-0000-0000-000000000000"
    )["ImageId"]
    state = wait_for(lambda: (lambda i: i["State"] != "pending" and i)(image_state(owner, failed)))
    assert state["State"] == "failed" and state["StateReason"]["Code"] == "Client.InternalError" and "does not exist" in state["StateReason"]["Message"]

    # Marketplace images never go to another account.
    # (A product code can only come from the catalogue; see test_catalog.py for those images.)


def test_encrypted_copy_snapshot_with_presigned_url_and_customer_key(kiln):
    kms = make_client(kiln, "kms", key=OWNER, region="eu-west-1")
    key = kms.create_key()["KeyMetadata"]["Arn"]
    east = make_client(kiln, "ec2", key=OWNER)
    eu = make_client(kiln, "ec2", key=OWNER, region="eu-west-1")
    snap = upload_snapshot(make_client(kiln, "ebs", key=OWNER), {0: os.urandom(BLOCK_SIZE)})
    copy = eu.copy_snapshot(SourceRegion="us-east-1", SourceSnapshotId=snap, Encrypted=True, KmsKeyId=key)["SnapshotId"]
    done = wait_for(lambda: (lambda s: s["State"] != "pending" and s)(eu.describe_snapshots(SnapshotIds=[copy])["Snapshots"][0]))
    assert done["State"] == "completed" and done["Encrypted"] and done["KmsKeyId"] == key
    kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)
    again = eu.copy_snapshot(SourceRegion="us-east-1", SourceSnapshotId=snap, Encrypted=True, KmsKeyId=key)["SnapshotId"]
    errored = wait_for(lambda: (lambda s: s["State"] != "pending" and s)(eu.describe_snapshots(SnapshotIds=[again])["Snapshots"][0]))
    assert errored["State"] == "error" and "pending deletion" in errored["StateMessage"]
    assert east.describe_snapshots(SnapshotIds=[snap])["Snapshots"][0]["State"] == "completed"


def test_a_group_without_key_access_shows_failed_launches(kiln, encrypted_images):
    """The troubleshooting row: an Auto Scaling group whose image is under a key it may not
    use records Failed activities with Client.InternalError, and launches nothing that stays."""
    ec2, asg = make_client(kiln, "ec2", key=STRANGER), make_client(kiln, "autoscaling", key=STRANGER)
    template = ec2.create_launch_template(
        LaunchTemplateName=unique("no-key"), LaunchTemplateData={"ImageId": encrypted_images["shared-key"]["image"], "InstanceType": "t3.micro"}
    )["LaunchTemplate"]["LaunchTemplateId"]
    name = unique("no-key")
    asg.create_auto_scaling_group(AutoScalingGroupName=name, LaunchTemplate={"LaunchTemplateId": template}, MinSize=1, MaxSize=1, AvailabilityZones=["us-east-1a"])
    failed = wait_for(lambda: [a for a in asg.describe_scaling_activities(AutoScalingGroupName=name)["Activities"] if a["StatusCode"] == "Failed"])
    assert failed[0]["StatusMessage"] == "Client.InternalError: Client error on launch"
    assert asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]["Instances"] == []
    asg.delete_auto_scaling_group(AutoScalingGroupName=name, ForceDelete=True)


def test_copy_image_refuses_a_duplicate_name(kiln):
    east = make_client(kiln, "ec2", key=OWNER)
    west = make_client(kiln, "ec2", key=OWNER, region="us-west-2")
    image = register_ebs_image(east, upload_snapshot(make_client(kiln, "ebs", key=OWNER), {0: os.urandom(BLOCK_SIZE)}), unique("dup"))
    name = unique("dup-copy")
    west.copy_image(SourceRegion="us-east-1", SourceImageId=image, Name=name)
    raises("InvalidAMIName.Duplicate", west.copy_image, SourceRegion="us-east-1", SourceImageId=image, Name=name)
