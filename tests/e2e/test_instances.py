"""Instances through boto3 and the aws CLI: the golden-image workflow with its bytes checked
(launch, change the disk, CreateImage, launch the new image, read the change back), the
instance states and their refusals, key pairs, attributes and console output, and a restart."""

import base64
import os
import uuid

import pytest

from kiln_harness import (
    BLOCK_SIZE,
    make_client,
    raises,
    register_ebs_image,
    run_aws,
    signed_request,
    upload_snapshot,
)

ACCOUNT_B = "222233334444"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def read_disk(endpoint: str, volume_or_instance: str, offset: int, length: int, key: str = "test") -> bytes:
    reply = signed_request(endpoint, "GET", f"/kiln/volumes/{volume_or_instance}/data", query={"offset": str(offset), "length": str(length)}, key=key)
    assert reply.status_code == 200, reply.text
    return reply.content


def write_disk(endpoint: str, volume_or_instance: str, offset: int, data: bytes) -> None:
    reply = signed_request(endpoint, "PUT", f"/kiln/volumes/{volume_or_instance}/data", query={"offset": str(offset)}, body=data)
    assert reply.status_code == 200, reply.text


def instance(ec2, instance_id: str) -> dict:
    return ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]


def root_volume(inst: dict) -> str:
    return next(m["Ebs"]["VolumeId"] for m in inst["BlockDeviceMappings"] if m["DeviceName"] == inst["RootDeviceName"])


@pytest.fixture(scope="module")
def base_image(kiln):
    """An x86_64 image whose 2 GiB root holds BLOCK_A at block 0 and BLOCK_B at block 3."""
    ebs = make_client(kiln, "ebs")
    ec2 = make_client(kiln, "ec2")
    blocks = {0: os.urandom(BLOCK_SIZE), 3: os.urandom(BLOCK_SIZE)}
    snap = upload_snapshot(ebs, blocks, volume_size=2)
    image_id = register_ebs_image(ec2, snap, unique("base"))
    return {"id": image_id, "snapshot": snap, "blocks": blocks}


def test_golden_image_workflow_moves_real_bytes(kiln, ec2, base_image):
    key = unique("key")
    ec2.create_key_pair(KeyName=key)
    run = ec2.run_instances(
        ImageId=base_image["id"],
        InstanceType="t3.micro",
        MinCount=1,
        MaxCount=1,
        KeyName=key,
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "builder"}]}],
    )
    first = run["Instances"][0]
    assert first["State"]["Name"] == "pending" and first["ImageId"] == base_image["id"]
    assert first["RootDeviceType"] == "ebs" and first["KeyName"] == key
    ec2.get_waiter("instance_running").wait(InstanceIds=[first["InstanceId"]], WaiterConfig={"Delay": 1})
    builder = instance(ec2, first["InstanceId"])
    assert builder["State"] == {"Code": 16, "Name": "running"}
    assert {t["Key"]: t["Value"] for t in builder["Tags"]} == {"Name": "builder"}

    # The root volume is the image's snapshot, copy-on-write, attached.
    root = root_volume(builder)
    volume = ec2.describe_volumes(VolumeIds=[root])["Volumes"][0]
    assert volume["State"] == "in-use" and volume["SnapshotId"] == base_image["snapshot"] and volume["Size"] == 2
    assert volume["Attachments"][0]["InstanceId"] == builder["InstanceId"] and volume["Attachments"][0]["DeleteOnTermination"]
    assert read_disk(kiln, root, 0, BLOCK_SIZE) == base_image["blocks"][0]
    assert ec2.describe_images(ImageIds=[base_image["id"]])["Images"][0].get("LastLaunchedTime")

    # Change the disk, then make an image of it (with the reboot AWS does without NoReboot).
    change = os.urandom(BLOCK_SIZE)
    write_disk(kiln, root, 5 * BLOCK_SIZE, change)
    write_disk(kiln, root, 3 * BLOCK_SIZE + 100, b"patched")
    name = unique("golden")
    new_image = ec2.create_image(
        InstanceId=builder["InstanceId"],
        Name=name,
        Description="golden v2",
        TagSpecifications=[
            {"ResourceType": "image", "Tags": [{"Key": "version", "Value": "2"}]},
            {"ResourceType": "snapshot", "Tags": [{"Key": "version", "Value": "2"}]},
        ],
    )["ImageId"]
    ec2.get_waiter("image_available").wait(ImageIds=[new_image], WaiterConfig={"Delay": 1})
    image = ec2.describe_images(ImageIds=[new_image])["Images"][0]
    assert image["State"] == "available" and image["Name"] == name and image["SourceInstanceId"] == builder["InstanceId"]
    assert image["RootDeviceName"] == builder["RootDeviceName"] and image["Architecture"] == "x86_64"
    assert {t["Key"]: t["Value"] for t in image["Tags"]} == {"version": "2"}
    new_snapshot = image["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
    snapshot = ec2.describe_snapshots(SnapshotIds=[new_snapshot])["Snapshots"][0]
    assert builder["InstanceId"] in snapshot["Description"] and {t["Key"] for t in snapshot["Tags"]} == {"version"}
    console = ec2.get_console_output(InstanceId=builder["InstanceId"])["Output"]  # botocore decodes the base64
    assert base_image["id"] in console and "Reached target Reboot" in console

    # Launch the new image and read the change back.
    second = ec2.run_instances(ImageId=new_image, InstanceType="t3.small", MinCount=1, MaxCount=1)["Instances"][0]
    root2 = root_volume(instance(ec2, second["InstanceId"]))
    assert root2 != root
    assert read_disk(kiln, root2, 5 * BLOCK_SIZE, BLOCK_SIZE) == change
    assert read_disk(kiln, root2, 0, BLOCK_SIZE) == base_image["blocks"][0]
    patched = bytearray(base_image["blocks"][3])
    patched[100:107] = b"patched"
    assert read_disk(kiln, root2, 3 * BLOCK_SIZE, BLOCK_SIZE) == bytes(patched)
    # The builder's disk and the base image are untouched by the second instance.
    write_disk(kiln, root2, 0, b"only in the second instance")
    assert read_disk(kiln, root, 0, BLOCK_SIZE) == base_image["blocks"][0]
    ec2.terminate_instances(InstanceIds=[builder["InstanceId"], second["InstanceId"]])


def test_states_stop_start_terminate_and_their_refusals(kiln, ec2, base_image):
    run = ec2.run_instances(
        ImageId=base_image["id"],
        InstanceType="t3.micro",
        MinCount=2,
        MaxCount=2,
        BlockDeviceMappings=[
            {"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 4, "VolumeType": "gp3"}},
            {"DeviceName": "/dev/sdf", "Ebs": {"VolumeSize": 1, "DeleteOnTermination": False}},
        ],
    )
    ids = [i["InstanceId"] for i in run["Instances"]]
    assert len(ids) == 2 and {i["AmiLaunchIndex"] for i in run["Instances"]} == {0, 1}
    assert len({i["Placement"]["AvailabilityZone"] for i in run["Instances"]}) == 1
    one = instance(ec2, ids[0])
    devices = {m["DeviceName"]: m["Ebs"]["VolumeId"] for m in one["BlockDeviceMappings"]}
    assert set(devices) == {"/dev/xvda", "/dev/sdf"}
    root = ec2.describe_volumes(VolumeIds=[devices["/dev/xvda"]])["Volumes"][0]
    assert root["Size"] == 4 and root["VolumeType"] == "gp3"

    # Instance type changes only while stopped; the architecture must fit the image.
    raises("IncorrectInstanceState", ec2.modify_instance_attribute, InstanceId=ids[0], InstanceType={"Value": "t3.large"})
    stopping = ec2.stop_instances(InstanceIds=[ids[0]])["StoppingInstances"][0]
    assert stopping["PreviousState"]["Name"] == "running" and stopping["CurrentState"]["Name"] == "stopping"
    ec2.get_waiter("instance_stopped").wait(InstanceIds=[ids[0]], WaiterConfig={"Delay": 1})
    assert ec2.stop_instances(InstanceIds=[ids[0]])["StoppingInstances"][0]["CurrentState"]["Name"] == "stopped"
    raises("InvalidParameterValue", ec2.modify_instance_attribute, InstanceId=ids[0], InstanceType={"Value": "t4g.micro"})
    ec2.modify_instance_attribute(InstanceId=ids[0], InstanceType={"Value": "t3.large"})
    assert ec2.describe_instance_attribute(InstanceId=ids[0], Attribute="instanceType")["InstanceType"]["Value"] == "t3.large"
    started = ec2.start_instances(InstanceIds=[ids[0]])["StartingInstances"][0]
    assert started["CurrentState"]["Name"] == "pending"
    ec2.get_waiter("instance_running").wait(InstanceIds=[ids[0]], WaiterConfig={"Delay": 1})
    status = ec2.describe_instance_status(InstanceIds=[ids[0]])["InstanceStatuses"][0]
    assert status["InstanceStatus"]["Status"] == "ok" and status["InstanceState"]["Name"] == "running"

    # Termination protection, then termination: DeleteOnTermination decides each volume's fate.
    ec2.modify_instance_attribute(InstanceId=ids[0], DisableApiTermination={"Value": True})
    raises("OperationNotPermitted", ec2.terminate_instances, InstanceIds=[ids[0]])
    ec2.modify_instance_attribute(InstanceId=ids[0], DisableApiTermination={"Value": False})
    gone = ec2.terminate_instances(InstanceIds=[ids[0]])["TerminatingInstances"][0]
    assert gone["CurrentState"]["Name"] == "shutting-down"
    ec2.get_waiter("instance_terminated").wait(InstanceIds=[ids[0]], WaiterConfig={"Delay": 1})
    assert instance(ec2, ids[0])["StateReason"]["Code"] == "Client.UserInitiatedShutdown"
    assert ec2.terminate_instances(InstanceIds=[ids[0]])["TerminatingInstances"][0]["CurrentState"]["Name"] == "terminated"
    raises("InvalidVolume.NotFound", ec2.describe_volumes, VolumeIds=[devices["/dev/xvda"]])
    kept = ec2.describe_volumes(VolumeIds=[devices["/dev/sdf"]])["Volumes"][0]
    assert kept["State"] == "available" and kept["Attachments"] == []
    raises("IncorrectInstanceState", ec2.stop_instances, InstanceIds=[ids[0]])
    raises("IncorrectInstanceState", ec2.start_instances, InstanceIds=[ids[0]])
    raises("IncorrectInstanceState", ec2.create_image, InstanceId=ids[0], Name=unique("late"))

    # Filters see both; stop protection holds.
    running = ec2.describe_instances(Filters=[{"Name": "instance-state-name", "Values": ["running"]}, {"Name": "image-id", "Values": [base_image["id"]]}])
    running_ids = {i["InstanceId"] for r in running["Reservations"] for i in r["Instances"]}
    assert ids[1] in running_ids and ids[0] not in running_ids
    ec2.modify_instance_attribute(InstanceId=ids[1], DisableApiStop={"Value": True})
    raises("OperationNotPermitted", ec2.stop_instances, InstanceIds=[ids[1]])
    ec2.modify_instance_attribute(InstanceId=ids[1], DisableApiStop={"Value": False})
    ec2.terminate_instances(InstanceIds=[ids[1]])


def test_volumes_attach_and_detach(ec2, base_image):
    inst = ec2.run_instances(ImageId=base_image["id"], InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][0]
    zone = inst["Placement"]["AvailabilityZone"]
    volume = ec2.create_volume(AvailabilityZone=zone, Size=1)["VolumeId"]
    ec2.get_waiter("volume_available").wait(VolumeIds=[volume], WaiterConfig={"Delay": 1})
    attached = ec2.attach_volume(VolumeId=volume, InstanceId=inst["InstanceId"], Device="/dev/sdh")
    assert attached["State"] == "attaching" and attached["Device"] == "/dev/sdh"
    assert ec2.describe_volumes(VolumeIds=[volume])["Volumes"][0]["State"] == "in-use"
    raises("VolumeInUse", ec2.delete_volume, VolumeId=volume)
    raises("VolumeInUse", ec2.attach_volume, VolumeId=volume, InstanceId=inst["InstanceId"], Device="/dev/sdi")
    devices = {m["DeviceName"] for m in instance(ec2, inst["InstanceId"])["BlockDeviceMappings"]}
    assert "/dev/sdh" in devices
    root = root_volume(instance(ec2, inst["InstanceId"]))
    raises("IncorrectState", ec2.detach_volume, VolumeId=root)  # AWS: "Unable to detach root volume ..."
    assert ec2.detach_volume(VolumeId=volume)["State"] == "detaching"
    assert ec2.describe_volumes(VolumeIds=[volume])["Volumes"][0]["State"] == "available"
    other_zone = ec2.create_volume(AvailabilityZone="us-east-1b" if zone != "us-east-1b" else "us-east-1c", Size=1)["VolumeId"]
    raises("InvalidVolume.ZoneMismatch", ec2.attach_volume, VolumeId=other_zone, InstanceId=inst["InstanceId"], Device="/dev/sdj")
    ec2.terminate_instances(InstanceIds=[inst["InstanceId"]])


def test_launch_refusals(kiln, ec2, base_image):
    image = base_image["id"]
    raises("InvalidAMIID.NotFound", ec2.run_instances, ImageId="ami-0123456789abcdef0", MinCount=1, MaxCount=1)
    raises("InvalidAMIID.Malformed", ec2.run_instances, ImageId="foo-1", MinCount=1, MaxCount=1)
    raises("InvalidParameterValue", ec2.run_instances, ImageId=image, InstanceType="t4g.micro", MinCount=1, MaxCount=1)
    raises("InvalidParameterValue", ec2.run_instances, ImageId=image, InstanceType="t9.huge", MinCount=1, MaxCount=1)
    raises("InvalidParameterValue", ec2.run_instances, ImageId=image, InstanceType="t3.micro", MinCount=3, MaxCount=2)
    raises("InvalidKeyPair.NotFound", ec2.run_instances, ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1, KeyName="no-such-key")
    raises(
        "InvalidBlockDeviceMapping",
        ec2.run_instances,
        ImageId=image,
        InstanceType="t3.micro",
        MinCount=1,
        MaxCount=1,
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 1}}],
    )
    raises("InvalidParameterValue", ec2.run_instances, ImageId=image, MinCount=1, MaxCount=1, Placement={"AvailabilityZone": "us-east-1z"})
    raises("InvalidInstanceID.NotFound", ec2.stop_instances, InstanceIds=["i-0123456789abcdef0"])
    raises("InvalidInstanceID.Malformed", ec2.describe_instances, InstanceIds=["i-nope"])

    # Another account sees nothing until the image is shared; a disabled image never launches.
    other = make_client(kiln, "ec2", key=ACCOUNT_B)
    raises("InvalidAMIID.NotFound", other.run_instances, ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1)
    shared_name = unique("shared")
    shared = register_ebs_image(ec2, base_image["snapshot"], shared_name)
    ec2.modify_image_attribute(ImageId=shared, LaunchPermission={"Add": [{"UserId": ACCOUNT_B}]})
    got = other.run_instances(ImageId=shared, InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][0]
    assert got["ImageId"] == shared
    assert instance(other, got["InstanceId"])["State"]["Name"] == "running"
    raises("InvalidInstanceID.NotFound", ec2.describe_instances, InstanceIds=[got["InstanceId"]])
    ec2.disable_image(ImageId=shared)
    raises(("InvalidAMIID.NotFound", "InvalidAMIID.Unavailable"), other.run_instances, ImageId=shared, MinCount=1, MaxCount=1)
    raises("InvalidAMIID.Unavailable", ec2.run_instances, ImageId=shared, InstanceType="t3.micro", MinCount=1, MaxCount=1)


def test_client_token_makes_run_instances_idempotent(ec2, base_image):
    token = unique("token")
    a = ec2.run_instances(ImageId=base_image["id"], InstanceType="t3.micro", MinCount=2, MaxCount=2, ClientToken=token)
    b = ec2.run_instances(ImageId=base_image["id"], InstanceType="t3.micro", MinCount=2, MaxCount=2, ClientToken=token)
    assert a["ReservationId"] == b["ReservationId"]
    assert [i["InstanceId"] for i in a["Instances"]] == [i["InstanceId"] for i in b["Instances"]]
    found = ec2.describe_instances(Filters=[{"Name": "client-token", "Values": [token]}])
    assert sum(len(r["Instances"]) for r in found["Reservations"]) == 2


def test_key_pairs(ec2):
    rsa_name, ed_name = unique("rsa"), unique("ed")
    rsa = ec2.create_key_pair(KeyName=rsa_name)
    assert rsa["KeyMaterial"].startswith("-----BEGIN RSA PRIVATE KEY-----") and rsa["KeyPairId"].startswith("key-")
    assert len(rsa["KeyFingerprint"].split(":")) == 20
    ed = ec2.create_key_pair(KeyName=ed_name, KeyType="ed25519", TagSpecifications=[{"ResourceType": "key-pair", "Tags": [{"Key": "team", "Value": "a"}]}])
    assert ed["KeyMaterial"].startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    raises("InvalidKeyPair.Duplicate", ec2.create_key_pair, KeyName=rsa_name)
    described = ec2.describe_key_pairs(KeyNames=[ed_name], IncludePublicKey=True)["KeyPairs"][0]
    assert described["KeyType"] == "ed25519" and described["PublicKey"].startswith("ssh-ed25519 ")
    assert described["Tags"] == [{"Key": "team", "Value": "a"}]
    imported = ec2.import_key_pair(KeyName=unique("imported"), PublicKeyMaterial=described["PublicKey"].encode())
    assert imported["KeyFingerprint"] == described["KeyFingerprint"]
    raises("InvalidKey.Format", ec2.import_key_pair, KeyName=unique("bad"), PublicKeyMaterial=b"not a key")
    raises("InvalidKeyPair.NotFound", ec2.describe_key_pairs, KeyNames=["no-such-key"])
    by_type = ec2.describe_key_pairs(Filters=[{"Name": "key-type", "Values": ["ed25519"]}])["KeyPairs"]
    assert ed_name in {k["KeyName"] for k in by_type} and rsa_name not in {k["KeyName"] for k in by_type}
    ec2.delete_key_pair(KeyName=rsa_name)
    ec2.delete_key_pair(KeyName=rsa_name)  # deleting a missing name succeeds, as on AWS
    raises("InvalidKeyPair.NotFound", ec2.describe_key_pairs, KeyNames=[rsa_name])


def test_instance_attributes_and_console(ec2, base_image):
    user_data = base64.b64encode(b"#!/bin/sh\necho hello\n").decode()
    inst = ec2.run_instances(
        ImageId=base_image["id"], InstanceType="t3.micro", MinCount=1, MaxCount=1, UserData="#!/bin/sh\necho hello\n", InstanceInitiatedShutdownBehavior="terminate"
    )["Instances"][0]
    iid = inst["InstanceId"]
    attr = ec2.describe_instance_attribute
    assert attr(InstanceId=iid, Attribute="userData")["UserData"]["Value"] == user_data
    assert attr(InstanceId=iid, Attribute="instanceInitiatedShutdownBehavior")["InstanceInitiatedShutdownBehavior"]["Value"] == "terminate"
    assert attr(InstanceId=iid, Attribute="rootDeviceName")["RootDeviceName"]["Value"] == "/dev/xvda"
    mapping = attr(InstanceId=iid, Attribute="blockDeviceMapping")["BlockDeviceMappings"]
    assert mapping[0]["Ebs"]["DeleteOnTermination"] is True
    ec2.modify_instance_attribute(InstanceId=iid, BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"DeleteOnTermination": False}}])
    assert attr(InstanceId=iid, Attribute="blockDeviceMapping")["BlockDeviceMappings"][0]["Ebs"]["DeleteOnTermination"] is False
    raises("IncorrectInstanceState", ec2.modify_instance_attribute, InstanceId=iid, UserData={"Value": b"new"})
    ec2.reboot_instances(InstanceIds=[iid])
    console = ec2.get_console_output(InstanceId=iid)["Output"]  # botocore decodes the base64
    assert console.count("Kiln: booting image") == 2 and iid in console
    ec2.terminate_instances(InstanceIds=[iid])


def test_aws_cli_runs_and_describes_instances(kiln, base_image):
    run = run_aws(kiln, "ec2", "run-instances", "--image-id", base_image["id"], "--instance-type", "t3.micro", "--count", "1")
    iid = run["Instances"][0]["InstanceId"]
    run_aws(kiln, "ec2", "wait", "instance-running", "--instance-ids", iid)
    described = run_aws(kiln, "ec2", "describe-instances", "--instance-ids", iid, "--query", "Reservations[0].Instances[0].State.Name")
    assert described == "running"
    run_aws(kiln, "ec2", "terminate-instances", "--instance-ids", iid)


def test_instances_survive_a_restart(kiln_factory):
    srv = kiln_factory()
    ec2 = make_client(srv.endpoint, "ec2")
    snap = upload_snapshot(make_client(srv.endpoint, "ebs"), {1: os.urandom(BLOCK_SIZE)})
    image = register_ebs_image(ec2, snap, unique("persist"))
    iid = ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    ec2.stop_instances(InstanceIds=[iid])
    before = instance(ec2, iid)
    srv.crash_and_restart()
    ec2 = make_client(srv.endpoint, "ec2")
    after = instance(ec2, iid)
    assert after["State"]["Name"] == "stopped" and root_volume(after) == root_volume(before)
    ec2.start_instances(InstanceIds=[iid])
    ec2.get_waiter("instance_running").wait(InstanceIds=[iid], WaiterConfig={"Delay": 1})


def test_launch_and_image_mapping_overrides(kiln, ec2, base_image):
    # At launch: NoDevice drops a device the image has, Encrypted encrypts the root.
    snap = upload_snapshot(make_client(kiln, "ebs"), {0: os.urandom(BLOCK_SIZE)})
    two_devices = ec2.register_image(
        Name=unique("two-devices"),
        RootDeviceName="/dev/xvda",
        Architecture="x86_64",
        VirtualizationType="hvm",
        BlockDeviceMappings=[
            {"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": base_image["snapshot"]}},
            {"DeviceName": "/dev/sdb", "Ebs": {"SnapshotId": snap}},
        ],
    )["ImageId"]
    inst = ec2.run_instances(
        ImageId=two_devices,
        InstanceType="t3.micro",
        MinCount=1,
        MaxCount=1,
        BlockDeviceMappings=[{"DeviceName": "/dev/sdb", "NoDevice": ""}, {"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": True}}],
    )["Instances"][0]
    described = instance(ec2, inst["InstanceId"])
    assert [m["DeviceName"] for m in described["BlockDeviceMappings"]] == ["/dev/xvda"]
    root = ec2.describe_volumes(VolumeIds=[root_volume(described)])["Volumes"][0]
    assert root["Encrypted"] and root["KmsKeyId"]
    assert read_disk(kiln, root["VolumeId"], 0, BLOCK_SIZE) == base_image["blocks"][0], "an encrypted copy-on-write root reads its plain source"

    # At CreateImage: resize the root, add an empty device, suppress nothing else.
    image_id = ec2.create_image(
        InstanceId=inst["InstanceId"],
        Name=unique("overrides"),
        NoReboot=True,
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 6}}, {"DeviceName": "/dev/sdc", "Ebs": {"VolumeSize": 2, "VolumeType": "gp3"}}],
    )["ImageId"]
    ec2.get_waiter("image_available").wait(ImageIds=[image_id], WaiterConfig={"Delay": 1})
    mappings = {m["DeviceName"]: m["Ebs"] for m in ec2.describe_images(ImageIds=[image_id])["Images"][0]["BlockDeviceMappings"]}
    assert mappings["/dev/xvda"]["VolumeSize"] == 6 and mappings["/dev/xvda"]["Encrypted"] is True
    assert mappings["/dev/sdc"]["VolumeSize"] == 2 and "SnapshotId" not in mappings["/dev/sdc"]
    raises("InvalidBlockDeviceMapping", ec2.create_image, InstanceId=inst["InstanceId"], Name=unique("no-root"), BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "NoDevice": ""}])
    raises("InvalidAMIName.Duplicate", ec2.create_image, InstanceId=inst["InstanceId"], Name=ec2.describe_images(ImageIds=[image_id])["Images"][0]["Name"])
    ec2.terminate_instances(InstanceIds=[inst["InstanceId"]])


def test_describe_instances_pages_and_filters(ec2, base_image):
    tag = unique("page")
    ec2.run_instances(
        ImageId=base_image["id"], InstanceType="t3.nano", MinCount=7, MaxCount=7,
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "batch", "Value": tag}]}],
    )
    filters = [{"Name": "tag:batch", "Values": [tag]}]
    raises("InvalidParameterCombination", ec2.describe_instances, InstanceIds=["i-0123456789abcdef0"], MaxResults=5)
    seen, pages, token = [], 0, None
    while True:
        kw = {"NextToken": token} if token else {}
        page = ec2.describe_instances(Filters=filters, MaxResults=5, **kw)
        seen += [i["InstanceId"] for r in page["Reservations"] for i in r["Instances"]]
        pages += 1
        token = page.get("NextToken")
        if not token:
            break
    assert pages == 2 and len(seen) == len(set(seen)) == 7
    paginated = [i for p in ec2.get_paginator("describe_instances").paginate(Filters=filters, PaginationConfig={"PageSize": 5}) for r in p["Reservations"] for i in r["Instances"]]
    assert len(paginated) == 7
    by_type = ec2.describe_instances(Filters=filters + [{"Name": "instance-type", "Values": ["t3.nano"]}, {"Name": "root-device-type", "Values": ["ebs"]}])
    assert sum(len(r["Instances"]) for r in by_type["Reservations"]) == 7
    assert len({r["ReservationId"] for r in by_type["Reservations"]}) == 1
    ec2.terminate_instances(InstanceIds=seen)


def test_every_instance_type_of_the_model_launches_and_is_described(ec2, base_image):
    """Every type in botocore's InstanceType enum is accepted; DescribeInstanceTypes gives AWS's
    facts (as moto ships them) for the types whose facts are known."""
    launched = ec2.run_instances(ImageId=base_image["id"], InstanceType="t1.micro", MinCount=1, MaxCount=1)["Instances"][0]
    assert launched["InstanceType"] == "t1.micro"
    ec2.terminate_instances(InstanceIds=[launched["InstanceId"]])

    t1 = ec2.describe_instance_types(InstanceTypes=["t1.micro"])["InstanceTypes"][0]
    assert t1["MemoryInfo"]["SizeInMiB"] == 627
    assert t1["VCpuInfo"]["DefaultVCpus"] == 1
    assert t1["Hypervisor"] == "xen" and t1["CurrentGeneration"] is False
    assert set(t1["ProcessorInfo"]["SupportedArchitectures"]) == {"i386", "x86_64"}

    m5d = ec2.describe_instance_types(InstanceTypes=["m5d.large"])["InstanceTypes"][0]
    assert m5d["InstanceStorageInfo"]["TotalSizeInGB"] == 75 and m5d["CurrentGeneration"] is True

    names = [t["InstanceType"] for page in ec2.get_paginator("describe_instance_types").paginate() for t in page["InstanceTypes"]]
    assert len(names) == len(set(names)) > 800, len(names)
    arm = ec2.describe_instance_types(Filters=[{"Name": "processor-info.supported-architecture", "Values": ["arm64"]}])
    assert all("arm64" in t["ProcessorInfo"]["SupportedArchitectures"] for t in arm["InstanceTypes"])


def test_instance_metadata_options_in_launches_templates_and_modify(kiln, ec2, base_image):
    """MetadataOptions from RunInstances and from a launch template are kept and described;
    ModifyInstanceMetadataOptions changes them; bad values get InvalidParameterValue."""
    defaults = ec2.run_instances(ImageId=base_image["id"], InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][0]
    assert defaults["MetadataOptions"]["HttpTokens"] == "optional" and defaults["MetadataOptions"]["HttpEndpoint"] == "enabled"
    asked = ec2.run_instances(ImageId=base_image["id"], InstanceType="t3.micro", MinCount=1, MaxCount=1,
                              MetadataOptions={"HttpTokens": "required", "HttpPutResponseHopLimit": 3, "InstanceMetadataTags": "enabled"})
    options = instance(ec2, asked["Instances"][0]["InstanceId"])["MetadataOptions"]
    assert (options["HttpTokens"], options["HttpPutResponseHopLimit"], options["InstanceMetadataTags"]) == ("required", 3, "enabled")

    name = unique("imds-template")
    ec2.create_launch_template(LaunchTemplateName=name, LaunchTemplateData={
        "ImageId": base_image["id"], "InstanceType": "t3.micro", "MetadataOptions": {"HttpTokens": "required", "HttpEndpoint": "disabled"}})
    version = ec2.describe_launch_template_versions(LaunchTemplateName=name)["LaunchTemplateVersions"][0]
    assert version["LaunchTemplateData"]["MetadataOptions"]["HttpEndpoint"] == "disabled"
    from_template = ec2.run_instances(LaunchTemplate={"LaunchTemplateName": name}, MinCount=1, MaxCount=1)["Instances"][0]
    assert from_template["MetadataOptions"]["HttpTokens"] == "required" and from_template["MetadataOptions"]["HttpEndpoint"] == "disabled"

    modified = ec2.modify_instance_metadata_options(InstanceId=from_template["InstanceId"], HttpEndpoint="enabled", HttpTokens="optional")
    assert modified["InstanceMetadataOptions"]["HttpEndpoint"] == "enabled"
    assert instance(ec2, from_template["InstanceId"])["MetadataOptions"]["HttpTokens"] == "optional"
    raises("InvalidParameterValue", ec2.modify_instance_metadata_options, InstanceId=from_template["InstanceId"], HttpPutResponseHopLimit=65)
    raises("InvalidInstanceID.NotFound", ec2.modify_instance_metadata_options, InstanceId="i-0123456789abcdef0", HttpTokens="required")
    raises("UnsupportedOperation", ec2.get_console_screenshot, InstanceId=from_template["InstanceId"])  # the simulated runtime has no display
    ec2.terminate_instances(InstanceIds=[defaults["InstanceId"], asked["Instances"][0]["InstanceId"], from_template["InstanceId"]])
