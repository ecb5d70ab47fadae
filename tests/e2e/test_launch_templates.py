"""Launch templates through boto3: versions, $Latest and $Default, SourceVersion, SSM
resolution of `resolve:ssm:` image ids at launch, and RunInstances with a template."""

import os
import uuid

import pytest

from kiln_harness import BLOCK_SIZE, make_client, raises, register_ebs_image, upload_snapshot


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="module")
def images(kiln):
    ec2 = make_client(kiln, "ec2")
    snap = upload_snapshot(make_client(kiln, "ebs"), {0: os.urandom(BLOCK_SIZE)})
    return [register_ebs_image(ec2, snap, unique(f"golden-v{n}")) for n in (1, 2)]


def launch(ec2, template_id: str, version: str | None = None, **kw) -> dict:
    spec = {"LaunchTemplateId": template_id}
    if version:
        spec["Version"] = version
    return ec2.run_instances(LaunchTemplate=spec, MinCount=1, MaxCount=1, **kw)["Instances"][0]


def test_versions_defaults_and_launches(ec2, images):
    v1, v2 = images
    name = unique("web")
    created = ec2.create_launch_template(
        LaunchTemplateName=name,
        VersionDescription="first",
        LaunchTemplateData={
            "ImageId": v1,
            "InstanceType": "t3.micro",
            "TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "app", "Value": "web"}]}],
            "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 3}}],
        },
        TagSpecifications=[{"ResourceType": "launch-template", "Tags": [{"Key": "team", "Value": "blue"}]}],
    )["LaunchTemplate"]
    template = created["LaunchTemplateId"]
    assert created["DefaultVersionNumber"] == 1 and created["LatestVersionNumber"] == 1 and template.startswith("lt-")
    some = {"InstanceType": "t3.micro"}
    raises("InvalidLaunchTemplateName.AlreadyExistsException", ec2.create_launch_template, LaunchTemplateName=name, LaunchTemplateData=some)
    raises("InvalidLaunchTemplateName.MalformedException", ec2.create_launch_template, LaunchTemplateName="web#1", LaunchTemplateData=some)

    first = launch(ec2, template)
    assert first["ImageId"] == v1 and first["InstanceType"] == "t3.micro"
    assert {t["Key"]: t["Value"] for t in first["Tags"]} == {"app": "web"}
    root = first["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
    assert ec2.describe_volumes(VolumeIds=[root])["Volumes"][0]["Size"] == 3

    # Version 2 changes only the image; the rest comes from version 1.
    version = ec2.create_launch_template_version(LaunchTemplateId=template, SourceVersion="1", VersionDescription="new image", LaunchTemplateData={"ImageId": v2})
    assert version["LaunchTemplateVersion"]["VersionNumber"] == 2 and version["LaunchTemplateVersion"]["DefaultVersion"] is False
    data = version["LaunchTemplateVersion"]["LaunchTemplateData"]
    assert data["ImageId"] == v2 and data["InstanceType"] == "t3.micro"
    assert launch(ec2, template)["ImageId"] == v1, "the default is still version 1"
    latest = launch(ec2, template, "$Latest", InstanceType="t3.small")
    assert latest["ImageId"] == v2 and latest["InstanceType"] == "t3.small", "the call overrides the template"

    ec2.modify_launch_template(LaunchTemplateId=template, DefaultVersion="2")
    described = ec2.describe_launch_template_versions(LaunchTemplateId=template, Versions=["$Default"])["LaunchTemplateVersions"]
    assert [v["VersionNumber"] for v in described] == [2] and described[0]["DefaultVersion"]
    all_versions = ec2.describe_launch_template_versions(LaunchTemplateId=template)["LaunchTemplateVersions"]
    assert [v["VersionNumber"] for v in all_versions] == [2, 1]
    listed = ec2.describe_launch_templates(LaunchTemplateNames=[name])["LaunchTemplates"][0]
    assert listed["DefaultVersionNumber"] == 2 and listed["LatestVersionNumber"] == 2 and listed["Tags"] == [{"Key": "team", "Value": "blue"}]
    assert launch(ec2, template)["ImageId"] == v2

    result = ec2.delete_launch_template_versions(LaunchTemplateId=template, Versions=["2", "1", "9"])
    assert [v["VersionNumber"] for v in result["SuccessfullyDeletedLaunchTemplateVersions"]] == [1]
    failed = {v["VersionNumber"]: v["ResponseError"]["Code"] for v in result["UnsuccessfullyDeletedLaunchTemplateVersions"]}
    assert failed == {2: "unexpectedError", 9: "launchTemplateVersionDoesNotExist"}
    raises("InvalidLaunchTemplateId.VersionNotFound", launch, ec2, template, "1")

    # GetLaunchTemplateData reads an instance back into template data.
    got = ec2.get_launch_template_data(InstanceId=first["InstanceId"])["LaunchTemplateData"]
    assert got["ImageId"] == v1 and got["InstanceType"] == "t3.micro"
    assert got["BlockDeviceMappings"][0]["Ebs"]["VolumeSize"] == 3

    ec2.delete_launch_template(LaunchTemplateId=template)
    raises("InvalidLaunchTemplateId.NotFound", ec2.describe_launch_templates, LaunchTemplateIds=[template])
    raises("InvalidLaunchTemplateName.NotFoundException", ec2.describe_launch_templates, LaunchTemplateNames=[name])
    raises("InvalidLaunchTemplateId.NotFound", launch, ec2, template)


def test_ssm_parameter_picks_the_image_at_launch(kiln, ec2, images):
    v1, v2 = images
    ssm = make_client(kiln, "ssm")
    parameter = f"/golden/{unique('web')}/latest"
    ssm.put_parameter(Name=parameter, Value=v1, Type="String", DataType="aws:ec2:image")
    template = ec2.create_launch_template(
        LaunchTemplateName=unique("ssm"), LaunchTemplateData={"ImageId": f"resolve:ssm:{parameter}", "InstanceType": "t3.micro"}
    )["LaunchTemplate"]["LaunchTemplateId"]
    assert launch(ec2, template)["ImageId"] == v1
    # A pipeline publishes a new "latest"; the next launch picks it up with no template change.
    ssm.put_parameter(Name=parameter, Value=v2, Type="String", DataType="aws:ec2:image", Overwrite=True)
    assert launch(ec2, template)["ImageId"] == v2
    stored = ec2.describe_launch_template_versions(LaunchTemplateId=template)["LaunchTemplateVersions"][0]["LaunchTemplateData"]
    assert stored["ImageId"] == f"resolve:ssm:{parameter}"
    resolved = ec2.describe_launch_template_versions(LaunchTemplateId=template, ResolveAlias=True)["LaunchTemplateVersions"][0]
    assert resolved["LaunchTemplateData"]["ImageId"] == v2
    # RunInstances takes the same alias directly.
    direct = ec2.run_instances(ImageId=f"resolve:ssm:{parameter}", InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][0]
    assert direct["ImageId"] == v2
    missing = ec2.create_launch_template(
        LaunchTemplateName=unique("nossm"), LaunchTemplateData={"ImageId": "resolve:ssm:/no/such/parameter"}
    )["LaunchTemplate"]["LaunchTemplateId"]
    raises("InvalidParameterValue", launch, ec2, missing)


def test_catalogue_image_through_a_public_parameter(kiln_factory):
    srv = kiln_factory(["--auth", "dev", "--latency", "instant", "--catalog", "default"], name="lt-catalogue")
    ec2 = make_client(srv.endpoint, "ec2", region="eu-west-1")
    name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"
    template = ec2.create_launch_template(
        LaunchTemplateName="al2023-arm", LaunchTemplateData={"ImageId": f"resolve:ssm:{name}", "InstanceType": "t4g.micro"}
    )["LaunchTemplate"]["LaunchTemplateId"]
    launched = launch(ec2, template)
    image = ec2.describe_images(ImageIds=[launched["ImageId"]])["Images"][0]
    assert image["OwnerId"] == "137112412989" and image["Architecture"] == "arm64" and launched["Architecture"] == "arm64"
    # the arm64 image refuses an x86_64 type
    raises("InvalidParameterValue", launch, ec2, template, InstanceType="t3.micro")


def test_image_references_find_instances_templates_and_parameters(kiln, ec2, images):
    v1, v2 = images
    ssm = make_client(kiln, "ssm")
    template = ec2.create_launch_template(
        LaunchTemplateName=unique("refs"), LaunchTemplateData={"ImageId": v2, "InstanceType": "t3.micro"}
    )["LaunchTemplate"]["LaunchTemplateId"]
    instance = ec2.run_instances(ImageId=v2, InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    parameter = unique("/golden/refs")
    ssm.put_parameter(Name=parameter, Value=v2, Type="String", DataType="aws:ec2:image")

    found = ec2.describe_image_references(ImageIds=[v2], IncludeAllResourceTypes=True)["ImageReferences"]
    by_type = {(ref["ResourceType"], ref["Arn"].rsplit("/", 1)[-1]) for ref in found}
    assert ("ec2:Instance", instance) in by_type
    assert ("ec2:LaunchTemplate", template) in by_type
    assert any(ref["ResourceType"] == "ssm:Parameter" and ref["Arn"].endswith(parameter) for ref in found)
    assert all(ref["ImageId"] == v2 for ref in found)

    only_instances = ec2.describe_image_references(ImageIds=[v2], ResourceTypes=[{"ResourceType": "ec2:Instance"}])["ImageReferences"]
    assert {ref["ResourceType"] for ref in only_instances} == {"ec2:Instance"}

    ec2.terminate_instances(InstanceIds=[instance])
    after = ec2.describe_image_references(ImageIds=[v2], ResourceTypes=[{"ResourceType": "ec2:Instance"}])["ImageReferences"]
    assert instance not in {ref["Arn"].rsplit("/", 1)[-1] for ref in after}, "a terminated instance no longer uses the image"
