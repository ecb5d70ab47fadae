"""Debian's Packer (1.6.6), amazon-ebs builder with `communicator: none`, against Kiln: a
source image found by `source_ami_filter` among Amazon's, an encrypted copy under a customer
KMS key in the build region and under another in a second region, sharing with another
account, tags on the image, its snapshots and the build instance, and a second build of the
same name that replaces the first. Packer reaches only Kiln on 127.0.0.1: every other address
goes to a proxy on a loopback port that refuses and counts it (none may arrive), and the
metadata service is off."""

import json
import os
import shutil
import subprocess

import pytest

from kiln_harness import make_client
from loopback_trap import LoopbackTrap

BUILDER = "111100001111"
SHARED_WITH = "222200002222"
HOME_REGION = "us-east-1"
COPY_REGION = "us-west-2"
AMI_NAME = "kiln-packer-golden"

pytestmark = pytest.mark.skipif(shutil.which("packer") is None, reason="Debian's packer is not installed (scripts/install-deps.sh test installs it)")


def key_policy(owner: str, other: str) -> str:
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{owner}:root"}, "Action": "kms:*", "Resource": "*"},
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{other}:root"},
             "Action": ["kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant", "kms:ReEncrypt*", "kms:GenerateDataKey*"], "Resource": "*"},
        ],
    })


@pytest.fixture(scope="module")
def packer_kiln(_servers, workdir):
    from conftest import _start

    return _start(_servers, workdir, "packer", ["--auth", "dev", "--latency", "instant", "--catalog", "default"])


def template(endpoint: str, keys: dict[str, str], run: int, force: bool) -> dict:
    builder = {
        "type": "amazon-ebs",
        "region": HOME_REGION,
        "custom_endpoint_ec2": endpoint,
        "access_key": BUILDER,
        "secret_key": "test",
        "skip_metadata_api_check": True,
        "skip_credential_validation": True,
        "source_ami_filter": {
            "filters": {"name": "al2023-ami-*-x86_64", "virtualization-type": "hvm", "root-device-type": "ebs"},
            "owners": ["amazon"],
            "most_recent": True,
        },
        "instance_type": "t3.micro",
        "communicator": "none",
        "ami_name": AMI_NAME,
        "ami_description": f"build {run}",
        "ami_regions": [COPY_REGION],
        "encrypt_boot": True,
        "kms_key_id": keys[HOME_REGION],
        "region_kms_key_ids": {COPY_REGION: keys[COPY_REGION]},
        "ami_users": [SHARED_WITH],
        "snapshot_users": [SHARED_WITH],
        "tags": {"Name": "golden", "Build": str(run)},
        "snapshot_tags": {"Kind": "root-snapshot", "Build": str(run)},
        "run_tags": {"Purpose": "packer-build"},
    }
    if force:
        builder["force_deregister"] = True
        builder["force_delete_snapshot"] = True
    return {"builders": [builder]}


@pytest.fixture
def trap():
    trap = LoopbackTrap()
    yield trap
    trap.close()


def packer_build(tmp_path, endpoint: str, keys: dict[str, str], run: int, force: bool, trap: LoopbackTrap) -> tuple[dict[str, str], str]:
    path = tmp_path / f"build-{run}.json"
    path.write_text(json.dumps(template(endpoint, keys, run, force), indent=2))
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(trap.env())
    env.update(
        CHECKPOINT_DISABLE="1", PACKER_CONFIG_DIR=str(tmp_path), HOME=str(tmp_path), PACKER_LOG="1",
        PACKER_LOG_PATH=str(tmp_path / f"packer-{run}.log"),
    )
    env["PACKER_CACHE_DIR"] = str(tmp_path / "packer_cache")
    p = subprocess.run(["packer", "build", "-machine-readable", str(path)], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    log = (tmp_path / f"packer-{run}.log").read_text() if (tmp_path / f"packer-{run}.log").exists() else ""
    assert p.returncode == 0, f"packer build {run} failed:\n{p.stdout[-6000:]}\n{p.stderr[-3000:]}\n{log[-6000:]}"
    artifacts = {}
    for line in p.stdout.splitlines():
        fields = line.split(",")
        if len(fields) >= 5 and fields[2] == "artifact" and fields[4] == "id":
            for pair in fields[5].split("%!(PACKER_COMMA)"):
                region, image = pair.split(":")
                artifacts[region] = image
    assert set(artifacts) == {HOME_REGION, COPY_REGION}, p.stdout[-3000:]
    return artifacts, p.stdout + log


def test_packer_builds_encrypted_shared_images_in_two_regions(packer_kiln, tmp_path, trap):
    endpoint = packer_kiln.endpoint
    kms = {region: make_client(endpoint, "kms", region=region, key=BUILDER) for region in (HOME_REGION, COPY_REGION)}
    keys = {region: client.create_key(Policy=key_policy(BUILDER, SHARED_WITH))["KeyMetadata"]["KeyId"] for region, client in kms.items()}
    ec2 = {region: make_client(endpoint, "ec2", region=region, key=BUILDER) for region in (HOME_REGION, COPY_REGION)}

    first, output = packer_build(tmp_path, endpoint, keys, run=1, force=False, trap=trap)
    check_build(ec2, first, keys, run=1)
    check_cleaned_up(ec2[HOME_REGION])
    assert trap.requests == [], f"packer tried to reach beyond Kiln: {trap.requests}"
    assert "169.254.169.254" not in output

    # The recipient account launches the shared image in each region.
    for region, image in first.items():
        other = make_client(endpoint, "ec2", region=region, key=SHARED_WITH)
        inst = other.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][0]
        other.get_waiter("instance_running").wait(InstanceIds=[inst["InstanceId"]], WaiterConfig={"Delay": 1})
        other.terminate_instances(InstanceIds=[inst["InstanceId"]])

    # A second build of the same name replaces the first, images and snapshots alike.
    old_snapshots = {region: snapshots_of(ec2[region], image) for region, image in first.items()}
    second, _ = packer_build(tmp_path, endpoint, keys, run=2, force=True, trap=trap)
    check_build(ec2, second, keys, run=2)
    check_cleaned_up(ec2[HOME_REGION])
    for region, image in first.items():
        assert second[region] != image
        assert ec2[region].describe_images(Filters=[{"Name": "image-id", "Values": [image]}])["Images"] == []
        for snapshot in old_snapshots[region]:
            assert ec2[region].describe_snapshots(Filters=[{"Name": "snapshot-id", "Values": [snapshot]}])["Snapshots"] == []
        assert [i["ImageId"] for i in ec2[region].describe_images(Owners=["self"], Filters=[{"Name": "name", "Values": [AMI_NAME]}])["Images"]] == [second[region]]
    assert trap.requests == [], f"packer tried to reach beyond Kiln: {trap.requests}"


def snapshots_of(ec2, image_id: str) -> list[str]:
    image = ec2.describe_images(ImageIds=[image_id])["Images"][0]
    return [m["Ebs"]["SnapshotId"] for m in image["BlockDeviceMappings"] if "Ebs" in m]


def check_build(ec2: dict, artifacts: dict[str, str], keys: dict[str, str], run: int) -> None:
    for region, image_id in artifacts.items():
        client = ec2[region]
        image = client.describe_images(ImageIds=[image_id])["Images"][0]
        assert image["State"] == "available" and image["Name"] == AMI_NAME and image["OwnerId"] == BUILDER
        tags = {t["Key"]: t["Value"] for t in image.get("Tags", [])}
        assert tags["Name"] == "golden" and tags["Build"] == str(run), tags
        launch = client.describe_image_attribute(ImageId=image_id, Attribute="launchPermission")["LaunchPermissions"]
        assert {"UserId": SHARED_WITH} in launch, launch
        for snapshot_id in snapshots_of(client, image_id):
            snapshot = client.describe_snapshots(SnapshotIds=[snapshot_id])["Snapshots"][0]
            assert snapshot["Encrypted"] and snapshot["KmsKeyId"].endswith(keys[region]), (region, snapshot)
            snapshot_tags = {t["Key"]: t["Value"] for t in snapshot.get("Tags", [])}
            assert snapshot_tags["Kind"] == "root-snapshot" and snapshot_tags["Build"] == str(run), snapshot_tags
            permissions = client.describe_snapshot_attribute(SnapshotId=snapshot_id, Attribute="createVolumePermission")["CreateVolumePermissions"]
            assert {"UserId": SHARED_WITH} in permissions, permissions


def check_cleaned_up(ec2) -> None:
    """Packer's temporary key pair and group are gone, and its instance is terminated."""
    assert [k["KeyName"] for k in ec2.describe_key_pairs()["KeyPairs"] if k["KeyName"].startswith("packer")] == []
    groups = ec2.describe_security_groups()["SecurityGroups"]
    assert [g["GroupName"] for g in groups if g["GroupName"] != "default"] == []
    instances = [i for r in ec2.describe_instances(Filters=[{"Name": "tag:Purpose", "Values": ["packer-build"]}])["Reservations"] for i in r["Instances"]]
    assert instances and all(i["State"]["Name"] == "terminated" for i in instances)
