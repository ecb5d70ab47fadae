"""The cross-account leak matrix: account OWNER makes one private resource of every kind, and
the other two accounts call every operation Kiln speaks against it. Each call answers as AWS
does (the resource's NotFound, or AccessDenied / UnauthorizedOperation), never shows the
resource's data, and leaves the resource as it was; no list call shows it.

The matrix is keyed by operation and checked against codegen/operations.json, so an operation
added to Kiln without an entry here fails `test_every_operation_has_an_entry`.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from kiln_harness import (
    BLOCK_SIZE,
    make_client,
    put_block,
    register_ebs_image,
    signed_request,
    upload_snapshot,
    wait_volume_available,
)

OWNER = "101010101010"
STRANGERS = ["202020202020", "303030303030"]
SECRET = "leak-matrix-secret-4f1d"  # in every description, tag and value the owner sets
OPERATIONS = Path(__file__).resolve().parents[2] / "codegen" / "operations.json"

DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthFailure"}


def nf(*codes: str) -> set[str]:
    """The NotFound codes an entry accepts, with the authorization refusals AWS may give instead."""
    return set(codes) | DENIED


VOLUME_NF = nf("InvalidVolume.NotFound")
SNAPSHOT_NF = nf("InvalidSnapshot.NotFound")
IMAGE_NF = nf("InvalidAMIID.NotFound", "InvalidAMIID.Unavailable")
INSTANCE_NF = nf("InvalidInstanceID.NotFound")
TEMPLATE_NF = nf("InvalidLaunchTemplateId.NotFound", "InvalidLaunchTemplateName.NotFoundException", "InvalidLaunchTemplateId.Malformed")
KEYPAIR_NF = nf("InvalidKeyPair.NotFound")
VPC_NF = nf("InvalidVpcID.NotFound")
SUBNET_NF = nf("InvalidSubnetID.NotFound")
GROUP_NF = nf("InvalidGroup.NotFound", "InvalidGroupId.NotFound")
IGW_NF = nf("InvalidInternetGatewayID.NotFound")
RTB_NF = nf("InvalidRouteTableID.NotFound")
ASSOC_NF = nf("InvalidAssociationID.NotFound")
ENI_NF = nf("InvalidNetworkInterfaceID.NotFound")
KMS_NF = nf("NotFoundException", "InvalidCiphertextException", "InvalidGrantTokenException", "InvalidGrantIdException")
SSM_NF = nf("ParameterNotFound")
ASG_NF = nf("ValidationError", "ActiveInstanceRefreshNotFound")
EBS_NF = nf("ResourceNotFoundException", "ValidationException")
RULE_NF = nf("ResourceNotFoundException", "ValidationException")


# ---------------------------------------------------------------- the owner's world


@pytest.fixture(scope="module")
def world(kiln):
    """One private resource of each kind, in OWNER's account, us-east-1."""
    ec2, ebs = make_client(kiln, "ec2", key=OWNER), make_client(kiln, "ebs", key=OWNER)
    kms, ssm = make_client(kiln, "kms", key=OWNER), make_client(kiln, "ssm", key=OWNER)
    asg = make_client(kiln, "autoscaling", key=OWNER)
    w: dict = {}
    w["block"] = os.urandom(BLOCK_SIZE)
    w["snapshot"] = upload_snapshot(ebs, {0: w["block"], 1: w["block"][::-1]}, Description=SECRET)
    w["pending"] = ebs.start_snapshot(VolumeSize=1, Description=SECRET)["SnapshotId"]
    put_block(ebs, w["pending"], 0, w["block"])
    listed = ebs.list_snapshot_blocks(SnapshotId=w["snapshot"])["Blocks"]
    w["block_token"] = listed[0]["BlockToken"]
    w["volume"] = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1, TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": SECRET}]}])["VolumeId"]
    wait_volume_available(ec2, w["volume"])
    reply = signed_request(kiln, "PUT", f"/kiln/volumes/{w['volume']}/data", query={"offset": "0"}, body=SECRET.encode() * 100, key=OWNER)
    assert reply.status_code == 200, reply.text
    w["image"] = register_ebs_image(ec2, w["snapshot"], f"private-{SECRET}", Description=SECRET)
    w["vpc"] = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    w["subnet"] = ec2.create_subnet(VpcId=w["vpc"], CidrBlock="10.7.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    w["group"] = ec2.create_security_group(GroupName=f"group-{SECRET}", Description=SECRET, VpcId=w["vpc"])["GroupId"]
    w["igw"] = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=w["igw"], VpcId=w["vpc"])
    w["rtb"] = ec2.create_route_table(VpcId=w["vpc"])["RouteTable"]["RouteTableId"]
    w["assoc"] = ec2.associate_route_table(RouteTableId=w["rtb"], SubnetId=w["subnet"])["AssociationId"]
    ec2.create_route(RouteTableId=w["rtb"], DestinationCidrBlock="0.0.0.0/0", GatewayId=w["igw"])
    w["key_name"] = "key-leak-matrix"
    ec2.create_key_pair(KeyName=w["key_name"])
    inst = ec2.run_instances(ImageId=w["image"], InstanceType="t3.micro", MinCount=1, MaxCount=1, SubnetId=w["subnet"], KeyName=w["key_name"])
    w["instance"] = inst["Instances"][0]["InstanceId"]
    enis = ec2.describe_network_interfaces()["NetworkInterfaces"]
    w["eni"] = enis[0]["NetworkInterfaceId"] if enis else "eni-0123456789abcdef0"
    w["template"] = ec2.create_launch_template(
        LaunchTemplateName=f"lt-{SECRET}", LaunchTemplateData={"ImageId": w["image"], "InstanceType": "t3.micro", "UserData": base64.b64encode(SECRET.encode()).decode()}
    )["LaunchTemplate"]["LaunchTemplateId"]
    key = kms.create_key(Description=SECRET)["KeyMetadata"]
    w["kms_id"], w["kms_arn"] = key["KeyId"], key["Arn"]
    w["alias"] = "alias/leak-matrix"
    kms.create_alias(AliasName=w["alias"], TargetKeyId=w["kms_id"])
    w["ciphertext"] = kms.encrypt(KeyId=w["kms_id"], Plaintext=SECRET.encode())["CiphertextBlob"]
    grant = kms.create_grant(KeyId=w["kms_id"], GranteePrincipal=f"arn:aws:iam::{OWNER}:root", Operations=["Encrypt"])
    w["grant_id"], w["grant_token"] = grant["GrantId"], grant["GrantToken"]
    w["parameter"] = "/leak-matrix/secret"
    ssm.put_parameter(Name=w["parameter"], Value=SECRET, Type="SecureString")
    w["asg"] = "asg-leak-matrix"
    asg.create_auto_scaling_group(
        AutoScalingGroupName=w["asg"], MinSize=0, MaxSize=1, DesiredCapacity=0, LaunchTemplate={"LaunchTemplateId": w["template"]}, AvailabilityZones=["us-east-1a"]
    )
    w["lc"] = "lc-leak-matrix"
    asg.create_launch_configuration(LaunchConfigurationName=w["lc"], ImageId=w["image"], InstanceType="t3.micro")
    rbin = make_client(kiln, "rbin", key=OWNER)
    rule = rbin.create_rule(ResourceType="EBS_SNAPSHOT", RetentionPeriod={"RetentionPeriodValue": 7, "RetentionPeriodUnit": "DAYS"}, Description=SECRET)
    w["rule"], w["rule_arn"] = rule["Identifier"], rule["RuleArn"]
    w["bucket"] = "leak-matrix-bucket"
    w["object"] = ec2.create_store_image_task(ImageId=w["image"], Bucket=w["bucket"])["ObjectKey"]
    return w


# ---------------------------------------------------------------- the matrix

# Each entry: (kind, call). kind "denied": the call must fail with one of the codes given;
# "hidden": the call may succeed, but its answer must not hold the owner's ids or data;
# "own": the operation takes no id of another account (it acts on the caller's own settings
# or makes something new), so there is nothing to leak; the call still runs, and must not
# show the owner's data.


def denied(codes, fn):
    return ("denied", codes, fn)


def hidden(fn):
    return ("hidden", None, fn)


def own(fn):
    return ("own", None, fn)


MATRIX = {
    # ---- ec2: volumes and snapshots
    "DescribeVolumes": denied(VOLUME_NF, lambda c, w: c.ec2.describe_volumes(VolumeIds=[w["volume"]])),
    "DeleteVolume": denied(VOLUME_NF, lambda c, w: c.ec2.delete_volume(VolumeId=w["volume"])),
    "ModifyVolume": denied(VOLUME_NF, lambda c, w: c.ec2.modify_volume(VolumeId=w["volume"], Size=2)),
    "AttachVolume": denied(VOLUME_NF | INSTANCE_NF, lambda c, w: c.ec2.attach_volume(VolumeId=w["volume"], InstanceId=w["instance"], Device="/dev/sdf")),
    "DetachVolume": denied(VOLUME_NF, lambda c, w: c.ec2.detach_volume(VolumeId=w["volume"])),
    "CreateVolume": denied(SNAPSHOT_NF, lambda c, w: c.ec2.create_volume(AvailabilityZone="us-east-1a", SnapshotId=w["snapshot"])),
    "CreateSnapshot": denied(VOLUME_NF, lambda c, w: c.ec2.create_snapshot(VolumeId=w["volume"])),
    "DescribeSnapshots": denied(SNAPSHOT_NF, lambda c, w: c.ec2.describe_snapshots(SnapshotIds=[w["snapshot"]])),
    "DeleteSnapshot": denied(SNAPSHOT_NF, lambda c, w: c.ec2.delete_snapshot(SnapshotId=w["snapshot"])),
    "CopySnapshot": denied(SNAPSHOT_NF, lambda c, w: c.ec2.copy_snapshot(SourceRegion="us-east-1", SourceSnapshotId=w["snapshot"])),
    "DescribeSnapshotAttribute": denied(SNAPSHOT_NF, lambda c, w: c.ec2.describe_snapshot_attribute(SnapshotId=w["snapshot"], Attribute="createVolumePermission")),
    "ModifySnapshotAttribute": denied(
        SNAPSHOT_NF,
        lambda c, w: c.ec2.modify_snapshot_attribute(SnapshotId=w["snapshot"], Attribute="createVolumePermission", OperationType="add", UserIds=[c.account]),
    ),
    "ResetSnapshotAttribute": denied(SNAPSHOT_NF, lambda c, w: c.ec2.reset_snapshot_attribute(SnapshotId=w["snapshot"], Attribute="createVolumePermission")),
    "EnableEbsEncryptionByDefault": own(lambda c, w: c.ec2.enable_ebs_encryption_by_default()),
    "DisableEbsEncryptionByDefault": own(lambda c, w: c.ec2.disable_ebs_encryption_by_default()),
    "GetEbsEncryptionByDefault": own(lambda c, w: c.ec2.get_ebs_encryption_by_default()),
    "GetEbsDefaultKmsKeyId": own(lambda c, w: c.ec2.get_ebs_default_kms_key_id()),
    # AWS checks the key when a volume is encrypted with it, not here; the caller's setting names
    # a key id in its own account, which shows nothing of the owner's key.
    "ModifyEbsDefaultKmsKeyId": ("echo", None, lambda c, w: c.ec2.modify_ebs_default_kms_key_id(KmsKeyId=w["kms_id"])),
    "ResetEbsDefaultKmsKeyId": own(lambda c, w: c.ec2.reset_ebs_default_kms_key_id()),
    # ---- ec2: images
    "RegisterImage": denied(SNAPSHOT_NF, lambda c, w: register_ebs_image(c.ec2, w["snapshot"], "stolen-snapshot")),
    "DescribeImages": denied(IMAGE_NF, lambda c, w: c.ec2.describe_images(ImageIds=[w["image"]])),
    "DeregisterImage": denied(IMAGE_NF, lambda c, w: c.ec2.deregister_image(ImageId=w["image"])),
    "DescribeImageAttribute": denied(IMAGE_NF, lambda c, w: c.ec2.describe_image_attribute(ImageId=w["image"], Attribute="description")),
    "ModifyImageAttribute": denied(IMAGE_NF, lambda c, w: c.ec2.modify_image_attribute(ImageId=w["image"], LaunchPermission={"Add": [{"UserId": c.account}]})),
    "ResetImageAttribute": denied(IMAGE_NF, lambda c, w: c.ec2.reset_image_attribute(ImageId=w["image"], Attribute="launchPermission")),
    "CancelImageLaunchPermission": denied(IMAGE_NF, lambda c, w: c.ec2.cancel_image_launch_permission(ImageId=w["image"])),
    "EnableImageDeprecation": denied(IMAGE_NF, lambda c, w: c.ec2.enable_image_deprecation(ImageId=w["image"], DeprecateAt="2030-01-01T00:00:00Z")),
    "DisableImageDeprecation": denied(IMAGE_NF, lambda c, w: c.ec2.disable_image_deprecation(ImageId=w["image"])),
    "DisableImage": denied(IMAGE_NF, lambda c, w: c.ec2.disable_image(ImageId=w["image"])),
    "EnableImage": denied(IMAGE_NF, lambda c, w: c.ec2.enable_image(ImageId=w["image"])),
    "EnableImageDeregistrationProtection": denied(IMAGE_NF, lambda c, w: c.ec2.enable_image_deregistration_protection(ImageId=w["image"])),
    "DisableImageDeregistrationProtection": denied(IMAGE_NF, lambda c, w: c.ec2.disable_image_deregistration_protection(ImageId=w["image"])),
    "GetImageBlockPublicAccessState": own(lambda c, w: c.ec2.get_image_block_public_access_state()),
    "EnableImageBlockPublicAccess": own(lambda c, w: c.ec2.enable_image_block_public_access(ImageBlockPublicAccessState="block-new-sharing")),
    "DisableImageBlockPublicAccess": own(lambda c, w: c.ec2.disable_image_block_public_access()),
    "GetImageAncestry": denied(IMAGE_NF, lambda c, w: c.ec2.get_image_ancestry(ImageId=w["image"])),
    "DescribeImageReferences": denied(IMAGE_NF, lambda c, w: c.ec2.describe_image_references(ImageIds=[w["image"]], IncludeAllResourceTypes=True)),
    "CopyImage": denied(IMAGE_NF, lambda c, w: c.ec2.copy_image(SourceRegion="us-east-1", SourceImageId=w["image"], Name="stolen")),
    "CreateStoreImageTask": denied(IMAGE_NF, lambda c, w: c.ec2.create_store_image_task(ImageId=w["image"], Bucket=w["bucket"])),
    "CreateRestoreImageTask": denied(
        nf("InvalidParameterValue", "NoSuchKey", "NoSuchBucket"), lambda c, w: c.ec2.create_restore_image_task(Bucket=w["bucket"], ObjectKey=w["object"], Name="stolen")
    ),
    "DescribeStoreImageTasks": hidden(lambda c, w: c.ec2.describe_store_image_tasks()),
    # ---- ec2: archive tier and the Recycle Bin's EC2 calls
    "ModifySnapshotTier": denied(SNAPSHOT_NF, lambda c, w: c.ec2.modify_snapshot_tier(SnapshotId=w["snapshot"], StorageTier="archive")),
    "RestoreSnapshotTier": denied(SNAPSHOT_NF, lambda c, w: c.ec2.restore_snapshot_tier(SnapshotId=w["snapshot"], PermanentRestore=True)),
    "DescribeSnapshotTierStatus": hidden(lambda c, w: c.ec2.describe_snapshot_tier_status()),
    "ListImagesInRecycleBin": hidden(lambda c, w: c.ec2.list_images_in_recycle_bin()),
    "ListSnapshotsInRecycleBin": hidden(lambda c, w: c.ec2.list_snapshots_in_recycle_bin()),
    "RestoreImageFromRecycleBin": denied(IMAGE_NF, lambda c, w: c.ec2.restore_image_from_recycle_bin(ImageId=w["image"])),
    "RestoreSnapshotFromRecycleBin": denied(SNAPSHOT_NF, lambda c, w: c.ec2.restore_snapshot_from_recycle_bin(SnapshotId=w["snapshot"])),
    # ---- rbin: rules are the account's own
    "CreateRule": own(lambda c, w: c.rbin.delete_rule(Identifier=c.rbin.create_rule(
        ResourceType="EBS_SNAPSHOT", RetentionPeriod={"RetentionPeriodValue": 1, "RetentionPeriodUnit": "DAYS"})["Identifier"])),
    "ListRules": hidden(lambda c, w: c.rbin.list_rules(ResourceType="EBS_SNAPSHOT")),
    "GetRule": denied(RULE_NF, lambda c, w: c.rbin.get_rule(Identifier=w["rule"])),
    "UpdateRule": denied(RULE_NF, lambda c, w: c.rbin.update_rule(Identifier=w["rule"], Description="stolen")),
    "DeleteRule": denied(RULE_NF, lambda c, w: c.rbin.delete_rule(Identifier=w["rule"])),
    "LockRule": denied(RULE_NF, lambda c, w: c.rbin.lock_rule(Identifier=w["rule"], LockConfiguration={
        "UnlockDelay": {"UnlockDelayValue": 7, "UnlockDelayUnit": "DAYS"}})),
    "UnlockRule": denied(RULE_NF, lambda c, w: c.rbin.unlock_rule(Identifier=w["rule"])),
    "ListTagsForResource": denied(RULE_NF, lambda c, w: c.rbin.list_tags_for_resource(ResourceArn=w["rule_arn"])),
    "TagResource": denied(RULE_NF, lambda c, w: c.rbin.tag_resource(ResourceArn=w["rule_arn"], Tags=[{"Key": "stolen", "Value": "yes"}])),
    "UntagResource": denied(RULE_NF, lambda c, w: c.rbin.untag_resource(ResourceArn=w["rule_arn"], TagKeys=["stolen"])),
    # ---- ec2: instances
    "RunInstances": denied(IMAGE_NF, lambda c, w: c.ec2.run_instances(ImageId=w["image"], InstanceType="t3.micro", MinCount=1, MaxCount=1)),
    "DescribeInstances": denied(INSTANCE_NF, lambda c, w: c.ec2.describe_instances(InstanceIds=[w["instance"]])),
    "StopInstances": denied(INSTANCE_NF, lambda c, w: c.ec2.stop_instances(InstanceIds=[w["instance"]])),
    "StartInstances": denied(INSTANCE_NF, lambda c, w: c.ec2.start_instances(InstanceIds=[w["instance"]])),
    "RebootInstances": denied(INSTANCE_NF, lambda c, w: c.ec2.reboot_instances(InstanceIds=[w["instance"]])),
    "TerminateInstances": denied(INSTANCE_NF, lambda c, w: c.ec2.terminate_instances(InstanceIds=[w["instance"]])),
    "ModifyInstanceMetadataOptions": denied(INSTANCE_NF, lambda c, w: c.ec2.modify_instance_metadata_options(InstanceId=w["instance"], HttpEndpoint="disabled")),
    "GetConsoleScreenshot": denied(INSTANCE_NF, lambda c, w: c.ec2.get_console_screenshot(InstanceId=w["instance"])),
    "CreateSnapshots": denied(INSTANCE_NF, lambda c, w: c.ec2.create_snapshots(InstanceSpecification={"InstanceId": w["instance"]})),
    "DescribeInstanceTypeOfferings": own(lambda c, w: c.ec2.describe_instance_type_offerings(LocationType="availability-zone")),
    "DescribeInstanceStatus": denied(INSTANCE_NF, lambda c, w: c.ec2.describe_instance_status(InstanceIds=[w["instance"]], IncludeAllInstances=True)),
    "DescribeInstanceAttribute": denied(INSTANCE_NF, lambda c, w: c.ec2.describe_instance_attribute(InstanceId=w["instance"], Attribute="userData")),
    "ModifyInstanceAttribute": denied(INSTANCE_NF, lambda c, w: c.ec2.modify_instance_attribute(InstanceId=w["instance"], DisableApiTermination={"Value": True})),
    "GetConsoleOutput": denied(INSTANCE_NF, lambda c, w: c.ec2.get_console_output(InstanceId=w["instance"])),
    "DescribeInstanceTypes": own(lambda c, w: c.ec2.describe_instance_types(InstanceTypes=["t3.micro"])),
    "CreateImage": denied(INSTANCE_NF, lambda c, w: c.ec2.create_image(InstanceId=w["instance"], Name="stolen", NoReboot=True)),
    "GetLaunchTemplateData": denied(INSTANCE_NF, lambda c, w: c.ec2.get_launch_template_data(InstanceId=w["instance"])),
    # ---- ec2: key pairs
    "CreateKeyPair": own(lambda c, w: c.ec2.delete_key_pair(KeyName=c.ec2.create_key_pair(KeyName=w["key_name"])["KeyName"])),
    "ImportKeyPair": own(lambda c, w: c.ec2.delete_key_pair(KeyName=c.ec2.import_key_pair(KeyName=w["key_name"], PublicKeyMaterial=PUBLIC_KEY)["KeyName"])),
    "DescribeKeyPairs": denied(KEYPAIR_NF, lambda c, w: c.ec2.describe_key_pairs(KeyNames=[w["key_name"]])),
    # AWS answers DeleteKeyPair of a name the caller does not have with success: the owner's key must stay.
    "DeleteKeyPair": hidden(lambda c, w: c.ec2.delete_key_pair(KeyName=w["key_name"])),
    # ---- ec2: launch templates
    "CreateLaunchTemplate": own(
        lambda c, w: c.ec2.delete_launch_template(
            LaunchTemplateId=c.ec2.create_launch_template(LaunchTemplateName="lt-mine", LaunchTemplateData={})["LaunchTemplate"]["LaunchTemplateId"]
        )
    ),
    "CreateLaunchTemplateVersion": denied(TEMPLATE_NF, lambda c, w: c.ec2.create_launch_template_version(LaunchTemplateId=w["template"], LaunchTemplateData={"InstanceType": "t3.small"})),
    "DescribeLaunchTemplates": denied(TEMPLATE_NF, lambda c, w: c.ec2.describe_launch_templates(LaunchTemplateIds=[w["template"]])),
    "DescribeLaunchTemplateVersions": denied(TEMPLATE_NF, lambda c, w: c.ec2.describe_launch_template_versions(LaunchTemplateId=w["template"])),
    "ModifyLaunchTemplate": denied(TEMPLATE_NF, lambda c, w: c.ec2.modify_launch_template(LaunchTemplateId=w["template"], DefaultVersion="1")),
    "DeleteLaunchTemplate": denied(TEMPLATE_NF, lambda c, w: c.ec2.delete_launch_template(LaunchTemplateId=w["template"])),
    "DeleteLaunchTemplateVersions": denied(TEMPLATE_NF, lambda c, w: c.ec2.delete_launch_template_versions(LaunchTemplateId=w["template"], Versions=["1"])),
    # ---- ec2: tags, regions, account
    "CreateTags": denied(VOLUME_NF | nf("InvalidID"), lambda c, w: c.ec2.create_tags(Resources=[w["volume"]], Tags=[{"Key": "Name", "Value": "stolen"}])),
    "DeleteTags": denied(VOLUME_NF | nf("InvalidID"), lambda c, w: c.ec2.delete_tags(Resources=[w["volume"]], Tags=[{"Key": "Name"}])),
    "DescribeTags": hidden(lambda c, w: c.ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [w["volume"]]}])),
    "DescribeRegions": own(lambda c, w: c.ec2.describe_regions()),
    "DescribeAvailabilityZones": own(lambda c, w: c.ec2.describe_availability_zones()),
    "DescribeAccountAttributes": own(lambda c, w: c.ec2.describe_account_attributes()),
    # ---- ec2: networks
    "CreateVpc": own(lambda c, w: c.ec2.delete_vpc(VpcId=c.ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"])),
    "DescribeVpcs": denied(VPC_NF, lambda c, w: c.ec2.describe_vpcs(VpcIds=[w["vpc"]])),
    "DeleteVpc": denied(VPC_NF, lambda c, w: c.ec2.delete_vpc(VpcId=w["vpc"])),
    "ModifyVpcAttribute": denied(VPC_NF, lambda c, w: c.ec2.modify_vpc_attribute(VpcId=w["vpc"], EnableDnsSupport={"Value": False})),
    "DescribeVpcAttribute": denied(VPC_NF, lambda c, w: c.ec2.describe_vpc_attribute(VpcId=w["vpc"], Attribute="enableDnsSupport")),
    "CreateSubnet": denied(VPC_NF, lambda c, w: c.ec2.create_subnet(VpcId=w["vpc"], CidrBlock="10.7.9.0/24")),
    "DescribeSubnets": denied(SUBNET_NF, lambda c, w: c.ec2.describe_subnets(SubnetIds=[w["subnet"]])),
    "DeleteSubnet": denied(SUBNET_NF, lambda c, w: c.ec2.delete_subnet(SubnetId=w["subnet"])),
    "ModifySubnetAttribute": denied(SUBNET_NF, lambda c, w: c.ec2.modify_subnet_attribute(SubnetId=w["subnet"], MapPublicIpOnLaunch={"Value": True})),
    "CreateSecurityGroup": denied(VPC_NF, lambda c, w: c.ec2.create_security_group(GroupName="stolen", Description="x", VpcId=w["vpc"])),
    "DescribeSecurityGroups": denied(GROUP_NF, lambda c, w: c.ec2.describe_security_groups(GroupIds=[w["group"]])),
    "DeleteSecurityGroup": denied(GROUP_NF, lambda c, w: c.ec2.delete_security_group(GroupId=w["group"])),
    "DescribeSecurityGroupRules": hidden(lambda c, w: c.ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [w["group"]]}])),
    "AuthorizeSecurityGroupIngress": denied(GROUP_NF, lambda c, w: c.ec2.authorize_security_group_ingress(GroupId=w["group"], IpPermissions=[PERMISSION])),
    "AuthorizeSecurityGroupEgress": denied(GROUP_NF, lambda c, w: c.ec2.authorize_security_group_egress(GroupId=w["group"], IpPermissions=[PERMISSION])),
    "RevokeSecurityGroupIngress": denied(GROUP_NF, lambda c, w: c.ec2.revoke_security_group_ingress(GroupId=w["group"], IpPermissions=[PERMISSION])),
    "RevokeSecurityGroupEgress": denied(GROUP_NF, lambda c, w: c.ec2.revoke_security_group_egress(GroupId=w["group"], IpPermissions=[EGRESS_ALL])),
    "CreateInternetGateway": own(lambda c, w: c.ec2.delete_internet_gateway(InternetGatewayId=c.ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"])),
    "AttachInternetGateway": denied(IGW_NF | VPC_NF, lambda c, w: c.ec2.attach_internet_gateway(InternetGatewayId=w["igw"], VpcId=w["vpc"])),
    "DetachInternetGateway": denied(IGW_NF | VPC_NF, lambda c, w: c.ec2.detach_internet_gateway(InternetGatewayId=w["igw"], VpcId=w["vpc"])),
    "DeleteInternetGateway": denied(IGW_NF, lambda c, w: c.ec2.delete_internet_gateway(InternetGatewayId=w["igw"])),
    "DescribeInternetGateways": denied(IGW_NF, lambda c, w: c.ec2.describe_internet_gateways(InternetGatewayIds=[w["igw"]])),
    "DescribeRouteTables": denied(RTB_NF, lambda c, w: c.ec2.describe_route_tables(RouteTableIds=[w["rtb"]])),
    "CreateRouteTable": denied(VPC_NF, lambda c, w: c.ec2.create_route_table(VpcId=w["vpc"])),
    "DeleteRouteTable": denied(RTB_NF, lambda c, w: c.ec2.delete_route_table(RouteTableId=w["rtb"])),
    "AssociateRouteTable": denied(RTB_NF | SUBNET_NF, lambda c, w: c.ec2.associate_route_table(RouteTableId=w["rtb"], SubnetId=w["subnet"])),
    "DisassociateRouteTable": denied(ASSOC_NF, lambda c, w: c.ec2.disassociate_route_table(AssociationId=w["assoc"])),
    "CreateRoute": denied(RTB_NF, lambda c, w: c.ec2.create_route(RouteTableId=w["rtb"], DestinationCidrBlock="192.168.0.0/16", GatewayId=w["igw"])),
    "DeleteRoute": denied(RTB_NF, lambda c, w: c.ec2.delete_route(RouteTableId=w["rtb"], DestinationCidrBlock="0.0.0.0/0")),
    "DescribeNetworkInterfaces": denied(ENI_NF, lambda c, w: c.ec2.describe_network_interfaces(NetworkInterfaceIds=[w["eni"]])),
    # ---- sts
    "GetCallerIdentity": own(lambda c, w: c.sts.get_caller_identity()),
    # ---- autoscaling (names are per account: the owner's names do not exist for the others)
    "DescribeAutoScalingGroups": hidden(lambda c, w: c.asg.describe_auto_scaling_groups(AutoScalingGroupNames=[w["asg"]])),
    "CreateAutoScalingGroup": denied(
        ASG_NF | TEMPLATE_NF,
        lambda c, w: c.asg.create_auto_scaling_group(AutoScalingGroupName="stolen", MinSize=0, MaxSize=1, LaunchTemplate={"LaunchTemplateId": w["template"]}, AvailabilityZones=["us-east-1a"]),
    ),
    "UpdateAutoScalingGroup": denied(ASG_NF, lambda c, w: c.asg.update_auto_scaling_group(AutoScalingGroupName=w["asg"], MaxSize=3)),
    "SetDesiredCapacity": denied(ASG_NF, lambda c, w: c.asg.set_desired_capacity(AutoScalingGroupName=w["asg"], DesiredCapacity=1)),
    "DeleteAutoScalingGroup": denied(ASG_NF, lambda c, w: c.asg.delete_auto_scaling_group(AutoScalingGroupName=w["asg"], ForceDelete=True)),
    "DescribeAutoScalingInstances": hidden(lambda c, w: c.asg.describe_auto_scaling_instances(InstanceIds=[w["instance"]])),
    "DescribeScalingActivities": ("either", ASG_NF, lambda c, w: c.asg.describe_scaling_activities(AutoScalingGroupName=w["asg"])),
    "TerminateInstanceInAutoScalingGroup": denied(
        ASG_NF | INSTANCE_NF, lambda c, w: c.asg.terminate_instance_in_auto_scaling_group(InstanceId=w["instance"], ShouldDecrementDesiredCapacity=False)
    ),
    "SetInstanceHealth": denied(ASG_NF | INSTANCE_NF, lambda c, w: c.asg.set_instance_health(InstanceId=w["instance"], HealthStatus="Unhealthy")),
    "EnterStandby": denied(ASG_NF, lambda c, w: c.asg.enter_standby(AutoScalingGroupName=w["asg"], InstanceIds=[w["instance"]], ShouldDecrementDesiredCapacity=False)),
    "ExitStandby": denied(ASG_NF, lambda c, w: c.asg.exit_standby(AutoScalingGroupName=w["asg"], InstanceIds=[w["instance"]])),
    "CreateLaunchConfiguration": denied(ASG_NF | IMAGE_NF, lambda c, w: c.asg.create_launch_configuration(LaunchConfigurationName="stolen", ImageId=w["image"], InstanceType="t3.micro")),
    "DescribeLaunchConfigurations": hidden(lambda c, w: c.asg.describe_launch_configurations(LaunchConfigurationNames=[w["lc"]])),
    "DeleteLaunchConfiguration": denied(ASG_NF, lambda c, w: c.asg.delete_launch_configuration(LaunchConfigurationName=w["lc"])),
    "StartInstanceRefresh": denied(ASG_NF, lambda c, w: c.asg.start_instance_refresh(AutoScalingGroupName=w["asg"])),
    "DescribeInstanceRefreshes": ("either", ASG_NF, lambda c, w: c.asg.describe_instance_refreshes(AutoScalingGroupName=w["asg"])),
    "CancelInstanceRefresh": denied(ASG_NF, lambda c, w: c.asg.cancel_instance_refresh(AutoScalingGroupName=w["asg"])),
    # ---- kms
    "DescribeKey": denied(KMS_NF, lambda c, w: c.kms.describe_key(KeyId=w["kms_arn"])),
    "CreateKey": own(lambda c, w: c.kms.create_key(Description="mine")),
    "ListKeys": hidden(lambda c, w: c.kms.list_keys()),
    "CreateAlias": denied(KMS_NF, lambda c, w: c.kms.create_alias(AliasName="alias/stolen", TargetKeyId=w["kms_arn"])),
    "ListAliases": ("either", KMS_NF, lambda c, w: c.kms.list_aliases(KeyId=w["kms_arn"])),
    "DeleteAlias": denied(KMS_NF, lambda c, w: c.kms.delete_alias(AliasName=w["alias"])),
    "UpdateAlias": denied(KMS_NF, lambda c, w: c.kms.update_alias(AliasName=w["alias"], TargetKeyId=w["kms_arn"])),
    "EnableKey": denied(KMS_NF, lambda c, w: c.kms.enable_key(KeyId=w["kms_arn"])),
    "DisableKey": denied(KMS_NF, lambda c, w: c.kms.disable_key(KeyId=w["kms_arn"])),
    "ScheduleKeyDeletion": denied(KMS_NF, lambda c, w: c.kms.schedule_key_deletion(KeyId=w["kms_arn"], PendingWindowInDays=7)),
    "CancelKeyDeletion": denied(KMS_NF, lambda c, w: c.kms.cancel_key_deletion(KeyId=w["kms_arn"])),
    "GetKeyPolicy": denied(KMS_NF, lambda c, w: c.kms.get_key_policy(KeyId=w["kms_arn"], PolicyName="default")),
    "PutKeyPolicy": denied(KMS_NF, lambda c, w: c.kms.put_key_policy(KeyId=w["kms_arn"], PolicyName="default", Policy=json.dumps({"Version": "2012-10-17", "Statement": []}))),
    "CreateGrant": denied(KMS_NF, lambda c, w: c.kms.create_grant(KeyId=w["kms_arn"], GranteePrincipal=f"arn:aws:iam::{c.account}:root", Operations=["Decrypt"])),
    "ListGrants": denied(KMS_NF, lambda c, w: c.kms.list_grants(KeyId=w["kms_arn"])),
    "RevokeGrant": denied(KMS_NF, lambda c, w: c.kms.revoke_grant(KeyId=w["kms_arn"], GrantId=w["grant_id"])),
    "RetireGrant": denied(KMS_NF, lambda c, w: c.kms.retire_grant(KeyId=w["kms_arn"], GrantId=w["grant_id"])),
    "Encrypt": denied(KMS_NF, lambda c, w: c.kms.encrypt(KeyId=w["kms_arn"], Plaintext=b"x")),
    "Decrypt": denied(KMS_NF, lambda c, w: c.kms.decrypt(CiphertextBlob=w["ciphertext"])),
    "GenerateDataKey": denied(KMS_NF, lambda c, w: c.kms.generate_data_key(KeyId=w["kms_arn"], KeySpec="AES_256")),
    "GenerateDataKeyWithoutPlaintext": denied(KMS_NF, lambda c, w: c.kms.generate_data_key_without_plaintext(KeyId=w["kms_arn"], KeySpec="AES_256")),
    "ReEncrypt": denied(KMS_NF, lambda c, w: c.kms.re_encrypt(CiphertextBlob=w["ciphertext"], DestinationKeyId=c.own_key())),
    # ---- ssm
    "GetParameter": denied(SSM_NF, lambda c, w: c.ssm.get_parameter(Name=w["parameter"], WithDecryption=True)),
    "GetParameters": hidden(lambda c, w: c.ssm.get_parameters(Names=[w["parameter"]], WithDecryption=True)),
    "GetParametersByPath": hidden(lambda c, w: c.ssm.get_parameters_by_path(Path="/leak-matrix", Recursive=True, WithDecryption=True)),
    "PutParameter": own(lambda c, w: c.ssm.delete_parameter(Name=c.ssm.put_parameter(Name=w["parameter"], Value="mine", Type="String") and w["parameter"])),
    "DeleteParameter": denied(SSM_NF, lambda c, w: c.ssm.delete_parameter(Name=w["parameter"])),
    # ---- ebs direct
    "StartSnapshot": denied(EBS_NF, lambda c, w: c.ebs.start_snapshot(VolumeSize=1, ParentSnapshotId=w["snapshot"])),
    "PutSnapshotBlock": denied(EBS_NF, lambda c, w: put_block(c.ebs, w["pending"], 1, w["block"])),
    "GetSnapshotBlock": denied(EBS_NF, lambda c, w: c.ebs.get_snapshot_block(SnapshotId=w["snapshot"], BlockIndex=0, BlockToken=w["block_token"])["BlockData"].read()),
    "ListSnapshotBlocks": denied(EBS_NF, lambda c, w: c.ebs.list_snapshot_blocks(SnapshotId=w["snapshot"])),
    "ListChangedBlocks": denied(EBS_NF, lambda c, w: c.ebs.list_changed_blocks(SecondSnapshotId=w["snapshot"])),
    "CompleteSnapshot": denied(EBS_NF, lambda c, w: c.ebs.complete_snapshot(SnapshotId=w["pending"], ChangedBlocksCount=1)),
}

PERMISSION = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
EGRESS_ALL = {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
PUBLIC_KEY = (
    b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGv0aE7d0p8RqxN2m1G9b6ZyR0b7f6s8cY9dJq3l0Wq1 leak-matrix"
)


class Caller:
    """The clients of one account."""

    def __init__(self, endpoint: str, account: str):
        self.account = account
        self.ec2 = make_client(endpoint, "ec2", key=account)
        self.ebs = make_client(endpoint, "ebs", key=account)
        self.kms = make_client(endpoint, "kms", key=account)
        self.ssm = make_client(endpoint, "ssm", key=account)
        self.sts = make_client(endpoint, "sts", key=account)
        self.asg = make_client(endpoint, "autoscaling", key=account)
        self.rbin = make_client(endpoint, "rbin", key=account)
        self._key = None

    def own_key(self) -> str:
        if self._key is None:
            self._key = self.kms.create_key(Description="mine")["KeyMetadata"]["KeyId"]
        return self._key


@pytest.fixture(scope="module")
def callers(kiln):
    return {account: Caller(kiln, account) for account in STRANGERS}


def operations() -> list[str]:
    services = json.loads(OPERATIONS.read_text())["services"]
    return sorted(op for svc in services.values() for op in svc["operations"])


def leaks(answer, w, ids: bool = True) -> list[str]:
    """The owner's data, and with `ids` its resource ids, that `answer` shows. An error message
    may repeat the id the caller sent, as AWS's do; it must show nothing else."""
    text = json.dumps(answer, default=str) if not isinstance(answer, str) else answer
    secrets = {SECRET, base64.b64encode(SECRET.encode()).decode()}
    if ids:
        secrets |= {w["snapshot"], w["volume"], w["image"], w["instance"], w["kms_id"], w["template"], w["vpc"], w["group"]}
    return sorted(s for s in secrets if s in text)


def strip_request_echo(answer: dict) -> dict:
    answer = dict(answer)
    answer.pop("ResponseMetadata", None)
    return answer


def test_every_operation_has_an_entry():
    missing = [op for op in operations() if op not in MATRIX]
    assert not missing, f"operations with no leak-matrix entry: {missing}"
    stray = sorted(set(MATRIX) - set(operations()))
    assert not stray, f"entries for operations Kiln does not speak: {stray}"


@pytest.mark.parametrize("stranger", STRANGERS)
@pytest.mark.parametrize("operation", operations())
def test_stranger_cannot_reach_owner_resources(world, callers, stranger, operation):
    kind, codes, call = MATRIX[operation]
    caller = callers[stranger]
    try:
        answer = strip_request_echo(call(caller, world) or {})
    except ClientError as e:
        code = e.response["Error"]["Code"]
        status = e.response["ResponseMetadata"]["HTTPStatusCode"]
        assert 400 <= status < 500, f"{operation}: {code} with HTTP {status}"
        if kind in ("denied", "either"):
            assert code in codes, f"{operation}: answered {code} ({e}), expected one of {sorted(codes)}"
        message = e.response["Error"].get("Message", "")
        assert not leaks(message, world, ids=False), f"{operation}: the error shows the owner's data: {message}"
        return
    assert kind != "denied", f"{operation}: account {stranger} acted on account {OWNER}'s resource: {answer}"
    shown = leaks(answer, world, ids=kind != "echo")
    assert not shown, f"{operation}: the answer shows the owner's {shown}: {answer}"


def test_owner_resources_are_intact(kiln, world, callers, request):
    """After the strangers' attempts (run first in this file), everything of the owner is as it was."""
    ec2, ebs = make_client(kiln, "ec2", key=OWNER), make_client(kiln, "ebs", key=OWNER)
    kms, ssm = make_client(kiln, "kms", key=OWNER), make_client(kiln, "ssm", key=OWNER)
    asg = make_client(kiln, "autoscaling", key=OWNER)
    assert ec2.describe_snapshots(SnapshotIds=[world["snapshot"]])["Snapshots"][0]["State"] == "completed"
    snap = ec2.describe_snapshot_attribute(SnapshotId=world["snapshot"], Attribute="createVolumePermission")
    assert snap["CreateVolumePermissions"] == []
    volume = ec2.describe_volumes(VolumeIds=[world["volume"]])["Volumes"][0]
    assert volume["Size"] == 1 and {t["Key"]: t["Value"] for t in volume["Tags"]} == {"Name": SECRET}
    image = ec2.describe_images(ImageIds=[world["image"]])["Images"][0]
    assert image["State"] == "available" and image["Public"] is False
    perms = ec2.describe_image_attribute(ImageId=world["image"], Attribute="launchPermission")["LaunchPermissions"]
    assert perms == []
    assert ec2.describe_instances(InstanceIds=[world["instance"]])["Reservations"][0]["Instances"][0]["State"]["Name"] in ("pending", "running")
    assert ec2.describe_key_pairs(KeyNames=[world["key_name"]])["KeyPairs"]
    assert ec2.describe_launch_templates(LaunchTemplateIds=[world["template"]])["LaunchTemplates"]
    assert ec2.describe_vpcs(VpcIds=[world["vpc"]])["Vpcs"] and ec2.describe_subnets(SubnetIds=[world["subnet"]])["Subnets"]
    group = ec2.describe_security_groups(GroupIds=[world["group"]])["SecurityGroups"][0]
    assert group["IpPermissions"] == []
    assert kms.describe_key(KeyId=world["kms_id"])["KeyMetadata"]["KeyState"] == "Enabled"
    assert ssm.get_parameter(Name=world["parameter"], WithDecryption=True)["Parameter"]["Value"] == SECRET
    assert asg.describe_auto_scaling_groups(AutoScalingGroupNames=[world["asg"]])["AutoScalingGroups"][0]["MaxSize"] == 1
    assert {b["BlockIndex"] for b in ebs.list_snapshot_blocks(SnapshotId=world["snapshot"])["Blocks"]} == {0, 1}


@pytest.mark.parametrize("stranger", STRANGERS)
def test_list_calls_show_nothing_of_the_owner(world, callers, stranger):
    c = callers[stranger]
    answers = {
        "DescribeVolumes": c.ec2.describe_volumes(),
        "DescribeSnapshots": c.ec2.describe_snapshots(),
        "DescribeSnapshots(all owners)": c.ec2.describe_snapshots(OwnerIds=[OWNER]),
        "DescribeImages": c.ec2.describe_images(),
        "DescribeImages(owner)": c.ec2.describe_images(Owners=[OWNER]),
        "DescribeImages(executable)": c.ec2.describe_images(ExecutableUsers=["self"]),
        "DescribeInstances": c.ec2.describe_instances(),
        "DescribeKeyPairs": c.ec2.describe_key_pairs(),
        "DescribeLaunchTemplates": c.ec2.describe_launch_templates(),
        "DescribeTags": c.ec2.describe_tags(),
        "DescribeVpcs": c.ec2.describe_vpcs(),
        "DescribeSubnets": c.ec2.describe_subnets(),
        "DescribeSecurityGroups": c.ec2.describe_security_groups(),
        "DescribeSecurityGroupRules": c.ec2.describe_security_group_rules(),
        "DescribeInternetGateways": c.ec2.describe_internet_gateways(),
        "DescribeRouteTables": c.ec2.describe_route_tables(),
        "DescribeNetworkInterfaces": c.ec2.describe_network_interfaces(),
        "DescribeStoreImageTasks": c.ec2.describe_store_image_tasks(),
        "ListKeys": c.kms.list_keys(),
        "ListAliases": c.kms.list_aliases(),
        "GetParametersByPath": c.ssm.get_parameters_by_path(Path="/", Recursive=True),
        "DescribeAutoScalingGroups": c.asg.describe_auto_scaling_groups(),
        "DescribeLaunchConfigurations": c.asg.describe_launch_configurations(),
        "DescribeAutoScalingInstances": c.asg.describe_auto_scaling_instances(),
    }
    shown = {name: leaks(strip_request_echo(a), world) for name, a in answers.items()}
    assert {k: v for k, v in shown.items() if v} == {}


@pytest.mark.parametrize("stranger", STRANGERS)
def test_kiln_extension_routes_refuse_strangers(kiln, world, stranger):
    """The volume-bytes extension and the store-image objects: no bytes of the owner's."""
    for target in (world["volume"], world["instance"]):
        read = signed_request(kiln, "GET", f"/kiln/volumes/{target}/data", query={"offset": "0", "length": "4096"}, key=stranger)
        assert read.status_code in (400, 403, 404) and "NotFound" in read.text, (target, read.status_code, read.text[:200])
        assert SECRET.encode() not in read.content
        write = signed_request(kiln, "PUT", f"/kiln/volumes/{target}/data", query={"offset": "0"}, body=b"stolen", key=stranger)
        assert write.status_code in (400, 403, 404) and "NotFound" in write.text, (target, write.status_code, write.text[:200])
    stored = signed_request(kiln, "GET", f"/kiln/buckets/{world['bucket']}/{world['object']}", key=stranger)
    assert stored.status_code == 403 and "AccessDenied" in stored.text, (stored.status_code, stored.text[:200])
    assert SECRET.encode() not in stored.content
    put = signed_request(kiln, "PUT", f"/kiln/buckets/{world['bucket']}/{world['object']}", body=b"overwritten", key=stranger)
    assert put.status_code == 403 and "AccessDenied" in put.text, (put.status_code, put.text[:200])
    owner_read = signed_request(kiln, "GET", f"/kiln/volumes/{world['volume']}/data", query={"offset": "0", "length": "6"}, key=OWNER)
    assert owner_read.content == SECRET.encode()[:6], "a stranger's write reached the owner's volume"
