"""AWS's answers where Kiln used to differ: every documented filter of the Describe calls with
AWS's wildcards, KMS keys in every form, IAM instance profiles, CreateSnapshots,
DescribeInstanceTypeOfferings, and NotFound against Malformed for every id prefix."""

import re
import uuid

import botocore.session
import pytest

from kiln_harness import make_client, raises, run_aws

LINUX = "ami-000c540e28953ace2"  # moto's Amazon Linux minimal HVM x86_64 image
WINDOWS = "ami-12c6146b"
DESCRIBES = {
    "DescribeImages": "describe_images",
    "DescribeSnapshots": "describe_snapshots",
    "DescribeVolumes": "describe_volumes",
    "DescribeInstances": "describe_instances",
    "DescribeLaunchTemplates": "describe_launch_templates",
    "DescribeKeyPairs": "describe_key_pairs",
}


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def documented_filters(operation: str) -> list[str]:
    model = botocore.session.get_session().get_service_model("ec2")
    members = model.operation_model(operation).input_shape.members
    doc = (members.get("Filters") or members.get("Filter")).documentation
    names = re.findall(r"<li>\s*<p>\s*<code>([a-z0-9.:-]+)</code>", doc)
    return sorted({name for name in names if name != "tag"})


@pytest.fixture(scope="module")
def server(_servers, workdir):
    from conftest import _start

    return _start(_servers, workdir, "fidelity", ["--auth", "dev", "--latency", "instant", "--catalog", "moto", "--enable-test-reset"])


@pytest.fixture(scope="module")
def ec2(server):
    return make_client(server.endpoint, "ec2")


def launch(ec2, **kw) -> dict:
    kw.setdefault("ImageId", LINUX)
    kw.setdefault("InstanceType", "t3.micro")
    instance = ec2.run_instances(MinCount=1, MaxCount=1, **kw)["Instances"][0]
    ec2.get_waiter("instance_running").wait(InstanceIds=[instance["InstanceId"]], WaiterConfig={"Delay": 1})
    return instance


def describe_instance(ec2, instance_id: str) -> dict:
    return ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]


# ---------------------------------------------------------------------------- filters


@pytest.mark.parametrize("operation", sorted(DESCRIBES))
def test_every_documented_filter_is_taken_and_an_unknown_one_is_refused(ec2, operation):
    method = getattr(ec2, DESCRIBES[operation])
    names = documented_filters(operation)
    assert names, operation
    for name in names:
        method(Filters=[{"Name": name, "Values": ["kiln-matches-nothing-*"]}])
    error = raises("InvalidParameterValue", method, Filters=[{"Name": "no-such-filter", "Values": ["x"]}])
    assert error.response["Error"]["Message"] == "The filter 'no-such-filter' is invalid"


def test_filters_answer_from_the_resources(ec2, server):
    # owner-alias and wildcards on images: `?` is one character, `*` any run, `\*` a star.
    amazon = ec2.describe_images(Filters=[{"Name": "owner-alias", "Values": ["amazon"]}])["Images"]
    assert {image["ImageId"] for image in amazon} >= {LINUX, WINDOWS}
    named = ec2.describe_images(Filters=[{"Name": "name", "Values": ["Windows_Server-2008-R2_SP1-English-64Bit-Base-2017.10.1?"]}])["Images"]
    assert [image["ImageId"] for image in named] == [WINDOWS]
    assert ec2.describe_images(Filters=[{"Name": "name", "Values": ["Windows_Server-2008\\*"]}])["Images"] == []
    # source-instance-id: an image made from an instance names it.
    instance = launch(ec2, IamInstanceProfile={"Name": "web"})
    image_id = ec2.create_image(InstanceId=instance["InstanceId"], Name=unique("from-instance"))["ImageId"]
    made = ec2.describe_images(Filters=[{"Name": "source-instance-id", "Values": [instance["InstanceId"]]}])["Images"]
    assert [image["ImageId"] for image in made] == [image_id]
    # attachment.* and availability-zone-id on volumes.
    root = instance["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
    attached = ec2.describe_volumes(
        Filters=[
            {"Name": "attachment.instance-id", "Values": [instance["InstanceId"]]},
            {"Name": "attachment.device", "Values": ["/dev/xv*"]},
            {"Name": "attachment.status", "Values": ["attached"]},
            {"Name": "availability-zone-id", "Values": ["use1-az?"]},
        ]
    )["Volumes"]
    assert [volume["VolumeId"] for volume in attached] == [root]
    # start-time on snapshots, with a wildcard over the day.
    snapshot = ec2.create_snapshot(VolumeId=root)
    day = snapshot["StartTime"].strftime("%Y-%m-%d")
    by_day = ec2.describe_snapshots(OwnerIds=["self"], Filters=[{"Name": "start-time", "Values": [day + "*"]}])["Snapshots"]
    assert snapshot["SnapshotId"] in {s["SnapshotId"] for s in by_day}
    assert ec2.describe_snapshots(OwnerIds=["self"], Filters=[{"Name": "start-time", "Values": ["1999-*"]}])["Snapshots"] == []
    # Instances by profile, zone id, tenancy and metadata options.
    for name, value in [
        ("iam-instance-profile.arn", "arn:aws:iam::*:instance-profile/web"),
        ("availability-zone-id", "use1-az*"),
        ("tenancy", "default"),
        ("metadata-options.http-endpoint", "enabled"),
    ]:
        found = ec2.describe_instances(Filters=[{"Name": name, "Values": [value]}])["Reservations"]
        assert instance["InstanceId"] in {i["InstanceId"] for r in found for i in r["Instances"]}, name
    assert ec2.describe_instances(Filters=[{"Name": "tenancy", "Values": ["dedicated"]}])["Reservations"] == []
    strict = launch(ec2, MetadataOptions={"HttpTokens": "required", "HttpPutResponseHopLimit": 3})["InstanceId"]
    for name, value in [("metadata-options.http-tokens", "required"), ("metadata-options.http-put-response-hop-limit", "3")]:
        found = ec2.describe_instances(Filters=[{"Name": name, "Values": [value]}])["Reservations"]
        assert [i["InstanceId"] for r in found for i in r["Instances"]] == [strict], name
    # Launch templates and key pairs.
    template = ec2.create_launch_template(LaunchTemplateName=unique("tpl"), LaunchTemplateData={"ImageId": LINUX})["LaunchTemplate"]
    found = ec2.describe_launch_templates(Filters=[{"Name": "launch-template-name", "Values": [template["LaunchTemplateName"][:6] + "*"]}])
    assert template["LaunchTemplateId"] in {t["LaunchTemplateId"] for t in found["LaunchTemplates"]}
    key = ec2.create_key_pair(KeyName=unique("key"))
    found = ec2.describe_key_pairs(Filters=[{"Name": "fingerprint", "Values": [key["KeyFingerprint"]]}])["KeyPairs"]
    assert [pair["KeyName"] for pair in found] == [key["KeyName"]]


# ---------------------------------------------------------------------------- KMS keys


def test_every_kms_key_parameter_takes_a_key_id_arn_alias_and_alias_arn(server, ec2):
    kms = make_client(server.endpoint, "kms")
    key = kms.create_key()["KeyMetadata"]
    alias = "alias/" + unique("fidelity")
    kms.create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
    alias_arn = key["Arn"].split(":key/")[0] + ":" + alias
    forms = [key["KeyId"], key["Arn"], alias, alias_arn]
    for form in forms:
        volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1, Encrypted=True, KmsKeyId=form)
        assert volume["KmsKeyId"] == key["Arn"], form
        plain = ec2.create_snapshot(VolumeId=ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"])
        ec2.get_waiter("snapshot_completed").wait(SnapshotIds=[plain["SnapshotId"]])
        copy = ec2.copy_snapshot(SourceSnapshotId=plain["SnapshotId"], SourceRegion="us-east-1", Encrypted=True, KmsKeyId=form)
        assert ec2.describe_snapshots(SnapshotIds=[copy["SnapshotId"]])["Snapshots"][0]["KmsKeyId"] == key["Arn"], form
        # The default is kept as given, as an ARN (AWS checks it later); what it encrypts names the key.
        assert ec2.modify_ebs_default_kms_key_id(KmsKeyId=form)["KmsKeyId"] == (alias_arn if "alias/" in form else key["Arn"]), form
        by_default = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1, Encrypted=True)
        assert by_default["KmsKeyId"] == key["Arn"], form
        instance = launch(ec2, BlockDeviceMappings=[{"DeviceName": "/dev/sdf", "Ebs": {"VolumeSize": 1, "Encrypted": True, "KmsKeyId": form}}])
        data = next(m for m in instance["BlockDeviceMappings"] if m["DeviceName"] == "/dev/sdf")
        assert ec2.describe_volumes(VolumeIds=[data["Ebs"]["VolumeId"]])["Volumes"][0]["KmsKeyId"] == key["Arn"], form
        copied = ec2.copy_image(SourceImageId=LINUX, SourceRegion="us-east-1", Name=unique("encrypted"), Encrypted=True, KmsKeyId=form)["ImageId"]
        mapping = ec2.describe_images(ImageIds=[copied])["Images"][0]["BlockDeviceMappings"][0]["Ebs"]
        assert mapping["Encrypted"] is True and mapping["KmsKeyId"] == key["Arn"], form
    ec2.reset_ebs_default_kms_key_id()


# ---------------------------------------------------------------------------- IAM instance profiles


def test_instance_profiles_are_kept_and_returned(server, ec2):
    by_name = launch(ec2, IamInstanceProfile={"Name": "builder"})
    profile = describe_instance(ec2, by_name["InstanceId"])["IamInstanceProfile"]
    assert profile["Arn"] == "arn:aws:iam::000000000000:instance-profile/builder"
    assert re.fullmatch(r"AIPA[A-Z2-7]{17}", profile["Id"])
    arn = "arn:aws:iam::000000000000:instance-profile/team/runner"
    by_arn = launch(ec2, IamInstanceProfile={"Arn": arn})
    assert describe_instance(ec2, by_arn["InstanceId"])["IamInstanceProfile"]["Arn"] == arn
    raises("InvalidParameterCombination", launch, ec2, IamInstanceProfile={"Arn": arn, "Name": "runner"})
    # An empty name is no profile, as Packer sends it.
    assert "IamInstanceProfile" not in describe_instance(ec2, launch(ec2, IamInstanceProfile={"Name": ""})["InstanceId"])
    raises("InvalidParameterValue", launch, ec2, IamInstanceProfile={"Arn": "arn:aws:iam::000000000000:role/runner"})
    # In a launch template, and back from GetLaunchTemplateData.
    template = ec2.create_launch_template(
        LaunchTemplateName=unique("profiled"), LaunchTemplateData={"ImageId": LINUX, "IamInstanceProfile": {"Name": "from-template"}}
    )["LaunchTemplate"]
    version = ec2.describe_launch_template_versions(LaunchTemplateId=template["LaunchTemplateId"])["LaunchTemplateVersions"][0]
    assert version["LaunchTemplateData"]["IamInstanceProfile"] == {"Name": "from-template"}
    launched = ec2.run_instances(MinCount=1, MaxCount=1, LaunchTemplate={"LaunchTemplateId": template["LaunchTemplateId"]})["Instances"][0]
    assert launched["IamInstanceProfile"]["Arn"].endswith(":instance-profile/from-template")
    data = ec2.get_launch_template_data(InstanceId=launched["InstanceId"])["LaunchTemplateData"]
    assert data["IamInstanceProfile"]["Arn"] == launched["IamInstanceProfile"]["Arn"]
    # The aws CLI shows it too.
    out = run_aws(server.endpoint, "ec2", "describe-instances", "--instance-ids", by_name["InstanceId"])
    assert out["Reservations"][0]["Instances"][0]["IamInstanceProfile"]["Arn"] == profile["Arn"]


# ---------------------------------------------------------------------------- CreateSnapshots


def test_create_snapshots_covers_the_instance_at_one_moment(server, ec2):
    instance = launch(ec2, BlockDeviceMappings=[{"DeviceName": "/dev/sdf", "Ebs": {"VolumeSize": 1}}])
    instance_id = instance["InstanceId"]
    devices = {m["DeviceName"]: m["Ebs"]["VolumeId"] for m in describe_instance(ec2, instance_id)["BlockDeviceMappings"]}
    extra = ec2.create_volume(AvailabilityZone=instance["Placement"]["AvailabilityZone"], Size=1)["VolumeId"]
    ec2.get_waiter("volume_available").wait(VolumeIds=[extra])
    ec2.attach_volume(VolumeId=extra, InstanceId=instance_id, Device="/dev/sdg")
    ec2.create_tags(Resources=[extra], Tags=[{"Key": "role", "Value": "logs"}, {"Key": "keep", "Value": "volume"}])

    raises("DryRunOperation", ec2.create_snapshots, InstanceSpecification={"InstanceId": instance_id}, DryRun=True)
    every = ec2.create_snapshots(
        InstanceSpecification={"InstanceId": instance_id},
        Description="all of it",
        CopyTagsFromSource="volume",
        TagSpecifications=[{"ResourceType": "snapshot", "Tags": [{"Key": "keep", "Value": "request"}]}],
    )["Snapshots"]
    assert sorted(s["VolumeId"] for s in every) == sorted(list(devices.values()) + [extra])
    assert len({s["StartTime"] for s in every}) == 1, "one moment for every volume"
    assert all(s["Description"] == "all of it" for s in every)
    logs = next(s for s in every if s["VolumeId"] == extra)
    assert {t["Key"]: t["Value"] for t in logs["Tags"]} == {"role": "logs", "keep": "request"}

    root = devices[instance["RootDeviceName"]]
    data_only = ec2.create_snapshots(InstanceSpecification={"InstanceId": instance_id, "ExcludeBootVolume": True, "ExcludeDataVolumeIds": [extra]})
    assert [s["VolumeId"] for s in data_only["Snapshots"]] == [devices["/dev/sdf"]]
    assert root not in [s["VolumeId"] for s in data_only["Snapshots"]]
    raises("InvalidVolumeID.Malformed", ec2.create_snapshots, InstanceSpecification={"InstanceId": instance_id, "ExcludeDataVolumeIds": ["vol-x"]})
    raises("InvalidInstanceID.NotFound", ec2.create_snapshots, InstanceSpecification={"InstanceId": "i-0123456789abcdef0"})
    out = run_aws(server.endpoint, "ec2", "create-snapshots", "--instance-specification", f"InstanceId={instance_id},ExcludeBootVolume=true")
    assert len(out["Snapshots"]) == 2


# ---------------------------------------------------------------------------- instance type offerings


def test_instance_type_offerings_per_region_and_zone(server, ec2):
    def offered(client, **kw):
        pages = client.get_paginator("describe_instance_type_offerings").paginate(**kw)
        return {(o["InstanceType"], o["Location"]) for page in pages for o in page["InstanceTypeOfferings"]}

    region = offered(ec2)
    assert ("t2.micro", "us-east-1") in region and ("t1.micro", "us-east-1") in region
    zones = offered(ec2, LocationType="availability-zone", Filters=[{"Name": "instance-type", "Values": ["t2.micro"]}])
    assert {location for _, location in zones} >= {"us-east-1a", "us-east-1b"}
    ids = offered(ec2, LocationType="availability-zone-id", Filters=[{"Name": "location", "Values": ["use1-az1"]}])
    assert ("t3.micro", "use1-az1") in ids
    canada = make_client(server.endpoint, "ec2", region="ca-central-1")
    assert ("t1.micro", "ca-central-1") not in offered(canada)
    out = run_aws(
        server.endpoint, "ec2", "describe-instance-type-offerings", "--filters", "Name=instance-type,Values=m5.large", region="eu-west-3"
    )
    assert [o["Location"] for o in out["InstanceTypeOfferings"]] == ["eu-west-3"]


# ---------------------------------------------------------------------------- ids


@pytest.mark.parametrize(
    "method,parameter,prefix,not_found,malformed",
    [
        ("describe_images", "ImageIds", "ami", "InvalidAMIID.NotFound", "InvalidAMIID.Malformed"),
        ("describe_snapshots", "SnapshotIds", "snap", "InvalidSnapshot.NotFound", "InvalidSnapshotID.Malformed"),
        ("describe_volumes", "VolumeIds", "vol", "InvalidVolume.NotFound", "InvalidVolumeID.Malformed"),
        ("describe_instances", "InstanceIds", "i", "InvalidInstanceID.NotFound", "InvalidInstanceID.Malformed"),
        ("describe_launch_templates", "LaunchTemplateIds", "lt", "InvalidLaunchTemplateId.NotFound", "InvalidLaunchTemplateId.Malformed"),
        ("describe_security_groups", "GroupIds", "sg", "InvalidGroup.NotFound", "InvalidGroupId.Malformed"),
        ("describe_subnets", "SubnetIds", "subnet", "InvalidSubnetID.NotFound", "InvalidSubnetID.Malformed"),
        ("describe_vpcs", "VpcIds", "vpc", "InvalidVpcID.NotFound", "InvalidVpcID.Malformed"),
        ("describe_route_tables", "RouteTableIds", "rtb", "InvalidRouteTableID.NotFound", "InvalidRouteTableId.Malformed"),
        ("describe_internet_gateways", "InternetGatewayIds", "igw", "InvalidInternetGatewayID.NotFound", "InvalidInternetGatewayId.Malformed"),
        ("describe_network_interfaces", "NetworkInterfaceIds", "eni", "InvalidNetworkInterfaceID.NotFound", "InvalidNetworkInterfaceId.Malformed"),
    ],
)
def test_well_formed_missing_ids_are_not_found_and_only_bad_ones_malformed(ec2, method, parameter, prefix, not_found, malformed):
    call = getattr(ec2, method)
    for digits in ["1234abcd", "0123456789abcdef0"]:
        raises(not_found, call, **{parameter: [f"{prefix}-{digits}"]})
    for bad in [f"{prefix}-1234", f"{prefix}-123456789", f"{prefix}-zzzzzzzz", f"{prefix}-0123456789abcdef01"]:
        raises(malformed, call, **{parameter: [bad]})


@pytest.mark.parametrize(
    "method,parameter,prefix,not_found,malformed",
    [
        ("delete_volume", "VolumeId", "vol", "InvalidVolume.NotFound", "InvalidVolumeID.Malformed"),
        ("delete_snapshot", "SnapshotId", "snap", "InvalidSnapshot.NotFound", "InvalidSnapshotID.Malformed"),
        ("deregister_image", "ImageId", "ami", "InvalidAMIID.NotFound", "InvalidAMIID.Malformed"),
        ("delete_launch_template", "LaunchTemplateId", "lt", "InvalidLaunchTemplateId.NotFound", "InvalidLaunchTemplateId.Malformed"),
        ("delete_security_group", "GroupId", "sg", "InvalidGroup.NotFound", "InvalidGroupId.Malformed"),
        ("delete_subnet", "SubnetId", "subnet", "InvalidSubnetID.NotFound", "InvalidSubnetID.Malformed"),
        ("delete_vpc", "VpcId", "vpc", "InvalidVpcID.NotFound", "InvalidVpcID.Malformed"),
        ("delete_route_table", "RouteTableId", "rtb", "InvalidRouteTableID.NotFound", "InvalidRouteTableId.Malformed"),
        ("delete_internet_gateway", "InternetGatewayId", "igw", "InvalidInternetGatewayID.NotFound", "InvalidInternetGatewayId.Malformed"),
    ],
)
def test_changing_calls_tell_missing_from_malformed_ids(ec2, method, parameter, prefix, not_found, malformed):
    call = getattr(ec2, method)
    for digits in ["1234abcd", "0123456789abcdef0"]:
        raises(not_found, call, **{parameter: f"{prefix}-{digits}"})
    for bad in [f"{prefix}-zz", f"{prefix}-123456789"]:
        raises(malformed, call, **{parameter: bad})


# ---------------------------------------------------------------------------- AWS's words


def test_error_messages_read_as_aws_writes_them(ec2):
    def message(fn, **kw):
        from botocore.exceptions import ClientError

        with pytest.raises(ClientError) as caught:
            fn(**kw)
        return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]

    assert message(ec2.describe_instances, InstanceIds=["i-1234abcd", "i-1234abce"]) == (
        "InvalidInstanceID.NotFound",
        "The instance IDs 'i-1234abcd, i-1234abce' do not exist",
    )
    assert message(ec2.describe_instances, InstanceIds=["i-1234abcd"])[1] == "The instance ID 'i-1234abcd' does not exist"
    assert message(ec2.describe_instances, InstanceIds=["i-zz"])[1] == 'Invalid id: "i-zz" (expecting "i-...")'
    assert message(ec2.describe_instances, Filters=[{"Name": "public-ip", "Values": ["1.2.3.4"]}]) == (
        "InvalidParameterValue",
        "The filter 'public-ip' is invalid",
    )
    instance = launch(ec2)
    root = instance["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
    assert message(ec2.delete_volume, VolumeId=root) == ("VolumeInUse", f"Volume {root} is currently attached to {instance['InstanceId']}")
    assert message(ec2.detach_volume, VolumeId=root) == (
        "IncorrectState",
        f"Unable to detach root volume '{root}' from instance '{instance['InstanceId']}'",
    )
    code, text = message(ec2.run_instances, ImageId=LINUX, InstanceType="t3.micro", MinCount=1001, MaxCount=1001)
    assert code == "InstanceLimitExceeded" and text.startswith("You have requested more instances (1001) than your current instance limit of")
    assert text.endswith("allows for the specified instance type. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.")
    code, text = message(
        ec2.run_instances,
        ImageId=LINUX,
        InstanceType="t3.micro",
        MinCount=1,
        MaxCount=1,
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 1}}],
    )
    assert code == "InvalidBlockDeviceMapping" and re.fullmatch(r"Volume of size 1GB is smaller than snapshot 'snap-[0-9a-f]+', expect size >= 8GB", text), text


def test_zones_are_named_as_aws_names_them(server):
    def zones(region):
        ec2 = make_client(server.endpoint, "ec2", region=region)
        return [(z["ZoneName"], z["ZoneId"]) for z in ec2.describe_availability_zones()["AvailabilityZones"]]

    assert [name for name, _ in zones("ap-northeast-1")] == ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"]
    assert [name for name, _ in zones("ca-central-1")] == ["ca-central-1a", "ca-central-1b", "ca-central-1d"]
    assert ("us-east-1a", "use1-az6") in zones("us-east-1") and len(zones("us-east-1")) == 6
    # A launch lands in one of them, and its offerings name the same zones.
    ec2 = make_client(server.endpoint, "ec2", region="ap-northeast-1")
    offered = ec2.describe_instance_type_offerings(LocationType="availability-zone", Filters=[{"Name": "instance-type", "Values": ["t3.micro"]}])
    assert {o["Location"] for o in offered["InstanceTypeOfferings"]} <= {"ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"}
    placed = launch(ec2)["Placement"]["AvailabilityZone"]
    assert placed in {"ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"}
