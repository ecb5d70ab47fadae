"""Instance-store-backed images: `kiln bundle` uploads a disk image, RegisterImage takes its
ImageLocation, instances boot with the bundle's bytes as an ephemeral root, and each refusal
AWS makes for such instances. Also the store and restore image tasks."""

import os
import uuid

import pytest

from kiln_harness import BLOCK_SIZE, make_client, raises, register_ebs_image, run_kiln, signed_request, upload_snapshot


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def read_disk(endpoint: str, target: str, offset: int, length: int):
    return signed_request(endpoint, "GET", f"/kiln/volumes/{target}/data", query={"offset": str(offset), "length": str(length)})


@pytest.fixture(scope="module")
def bundled(kiln, tmp_path_factory):
    """A 3.5 MiB disk image bundled and registered: (image id, its bytes, location)."""
    data = os.urandom(3 * (1 << 20) + (1 << 19) + 12345)
    path = tmp_path_factory.mktemp("bundle") / "disk.img"
    path.write_bytes(data)
    prefix = unique("web")
    run = run_kiln(kiln, "bundle", path, "--prefix", prefix, "--bucket", "team-bundles")
    location = run.stdout.strip()
    assert location == f"team-bundles/{prefix}.manifest.xml", run
    ec2 = make_client(kiln, "ec2")
    image = ec2.register_image(Name=prefix, ImageLocation=location, Architecture="x86_64", VirtualizationType="hvm")["ImageId"]
    return image, data, location


def test_bundle_registers_an_instance_store_image(ec2, bundled):
    image_id, _, location = bundled
    image = ec2.describe_images(ImageIds=[image_id])["Images"][0]
    assert image["RootDeviceType"] == "instance-store" and image["ImageLocation"] == location
    assert image["State"] == "available"


def test_instance_store_instance_boots_from_the_bundle_and_loses_its_disk(kiln, ec2, bundled):
    image_id, data, _ = bundled
    raises("InvalidParameterCombination", ec2.run_instances, ImageId=image_id, InstanceType="t3.micro", MinCount=1, MaxCount=1)
    inst = ec2.run_instances(ImageId=image_id, InstanceType="m5d.large", MinCount=1, MaxCount=1)["Instances"][0]
    iid = inst["InstanceId"]
    assert inst["RootDeviceType"] == "instance-store" and inst["BlockDeviceMappings"] == []
    ec2.get_waiter("instance_running").wait(InstanceIds=[iid], WaiterConfig={"Delay": 1})

    # The root disk holds the bundle's bytes, then zeros.
    reply = read_disk(kiln, iid, 0, len(data) + 4096)
    assert reply.status_code == 200, reply.text
    assert reply.content[: len(data)] == data and reply.content[len(data) :] == bytes(4096)
    # It is the instance's own: not an EBS volume.
    assert not any(v.get("Attachments") and v["Attachments"][0]["InstanceId"] == iid for v in ec2.describe_volumes()["Volumes"])

    raises("UnsupportedOperation", ec2.stop_instances, InstanceIds=[iid])
    raises("UnsupportedOperation", ec2.create_image, InstanceId=iid, Name=unique("nope"))
    ec2.terminate_instances(InstanceIds=[iid])
    ec2.get_waiter("instance_terminated").wait(InstanceIds=[iid], WaiterConfig={"Delay": 1})
    gone = read_disk(kiln, iid, 0, 16)
    assert gone.status_code == 400 and "IncorrectInstanceState" in gone.text
    raises("UnsupportedOperation", ec2.start_instances, InstanceIds=[iid])


def test_missing_or_damaged_bundles_are_refused(kiln, ec2):
    # As on AWS, the manifest is read at registration: a missing one, or one that is not a
    # manifest, is refused there.
    raises("InvalidManifest", ec2.register_image, Name=unique("ghost"), ImageLocation="team-bundles/ghost.manifest.xml", Architecture="x86_64")
    junk = f"{unique('junk')}.manifest.xml"
    assert signed_request(kiln, "PUT", f"/kiln/buckets/team-bundles/{junk}", body=b"not xml").status_code == 200
    raises("InvalidManifest", ec2.register_image, Name=unique("junk"), ImageLocation=f"team-bundles/{junk}", Architecture="x86_64")
    # a manifest whose part was replaced after bundling
    prefix = unique("tampered")
    manifest = f"{prefix}.manifest.xml"
    part = b"x" * 1000
    import hashlib

    xml = (
        f'<manifest><image><name>{prefix}</name><size>1000</size><digest algorithm="SHA256">{hashlib.sha256(part).hexdigest()}</digest>'
        f'<parts count="1"><part index="0"><filename>{prefix}.part.0</filename><digest algorithm="SHA256">{hashlib.sha256(part).hexdigest()}</digest></part></parts></image></manifest>'
    )
    assert signed_request(kiln, "PUT", f"/kiln/buckets/team-bundles/{manifest}", body=xml.encode()).status_code == 200
    missing_part = raises("InvalidManifest", ec2.register_image, Name=prefix, ImageLocation=f"team-bundles/{manifest}", Architecture="x86_64")
    assert "part" in str(missing_part)
    assert signed_request(kiln, "PUT", f"/kiln/buckets/team-bundles/{prefix}.part.0", body=b"y" * 1000).status_code == 200
    tampered = ec2.register_image(Name=prefix, ImageLocation=f"team-bundles/{manifest}", Architecture="x86_64")["ImageId"]
    error = raises("InvalidManifest", ec2.run_instances, ImageId=tampered, InstanceType="c5d.large", MinCount=1, MaxCount=1)
    assert "digest" in str(error)


def test_store_and_restore_an_image(kiln, ec2):
    blocks = {0: os.urandom(BLOCK_SIZE), 7: os.urandom(BLOCK_SIZE)}
    snap = upload_snapshot(make_client(kiln, "ebs"), blocks, volume_size=1)
    image = register_ebs_image(ec2, snap, unique("backed-up"))
    key = ec2.create_store_image_task(ImageId=image, Bucket="ami-backups")["ObjectKey"]
    assert key == f"{image}.bin"
    task = ec2.describe_store_image_tasks(ImageIds=[image])["StoreImageTaskResults"][0]
    assert task["StoreTaskState"] == "Completed" and task["ProgressPercentage"] == 100 and task["Bucket"] == "ami-backups"
    stored = signed_request(kiln, "GET", f"/kiln/buckets/ami-backups/{key}")
    assert stored.status_code == 200 and stored.content.startswith(b"KILNAMI1")

    # The image is deregistered and its snapshot deleted: the object alone brings it back.
    ec2.deregister_image(ImageId=image, DeleteAssociatedSnapshots=True)
    restored = ec2.create_restore_image_task(Bucket="ami-backups", ObjectKey=key, Name=unique("restored"))["ImageId"]
    assert restored != image
    described = ec2.describe_images(ImageIds=[restored])["Images"][0]
    assert described["State"] == "available" and described["RootDeviceName"] == "/dev/xvda"
    inst = ec2.run_instances(ImageId=restored, InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][0]
    root = inst["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
    assert read_disk(kiln, root, 7 * BLOCK_SIZE, BLOCK_SIZE).content == blocks[7]
    assert read_disk(kiln, root, 0, BLOCK_SIZE).content == blocks[0]
    raises("InvalidParameterValue", ec2.create_restore_image_task, Bucket="ami-backups", ObjectKey="missing.bin")


def test_a_bundle_prefix_may_hold_folders(kiln, ec2, tmp_path):
    """Part names are relative to the manifest's folder, as in AWS's bundles, so a prefix with
    folders bundles, registers and boots."""
    data = os.urandom((1 << 20) + 777)
    path = tmp_path / "disk.img"
    path.write_bytes(data)
    prefix = f"images/{unique('nested')}"
    location = run_kiln(kiln, "bundle", path, "--prefix", prefix, "--bucket", "team-bundles").stdout.strip()
    assert location == f"team-bundles/{prefix}.manifest.xml"
    image = ec2.register_image(Name=unique("nested"), ImageLocation=location, Architecture="x86_64", VirtualizationType="hvm")["ImageId"]
    instance = ec2.run_instances(ImageId=image, InstanceType="c5d.large", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    assert read_disk(kiln, instance, 0, len(data)).content == data
    ec2.terminate_instances(InstanceIds=[instance])
