"""The catalogue every region starts with, and the SSM public parameters that point at it."""

import pytest
from botocore.exceptions import ClientError

from kiln_harness import make_client

AMAZON = "137112412989"
CANONICAL = "099720109477"


@pytest.fixture
def catalogued(kiln_factory):
    return kiln_factory(["--auth", "dev", "--latency", "instant", "--catalog", "default", "--enable-test-reset"], name="catalogue")


def test_amazon_linux_is_found_the_way_terraform_looks_for_it(catalogued):
    ec2 = make_client(catalogued.endpoint, "ec2", region="eu-west-1")
    images = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "name", "Values": ["al2023-ami-2023.*-x86_64"]}])["Images"]
    assert images, "owners=amazon finds Amazon Linux 2023"
    newest = max(images, key=lambda image: image["CreationDate"])
    assert newest["Name"].startswith("al2023-ami-2023.9")
    assert newest["OwnerId"] == AMAZON and newest["ImageOwnerAlias"] == "amazon" and newest["Public"] is True
    assert newest["RootDeviceType"] == "ebs" and newest["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"].startswith("snap-")
    # The oldest version is past its deprecation time: hidden unless asked for.
    everything = ec2.describe_images(
        Owners=["amazon"], IncludeDeprecated=True, Filters=[{"Name": "name", "Values": ["al2023-ami-2023.*-x86_64"]}]
    )["Images"]
    assert len(everything) == len(images) + 1


def test_ssm_public_parameters_name_the_newest_image_of_the_region(catalogued):
    for region in ["us-east-1", "ap-southeast-2"]:
        ssm = make_client(catalogued.endpoint, "ssm", region=region)
        ec2 = make_client(catalogued.endpoint, "ec2", region=region)
        value = ssm.get_parameter(Name="/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64")["Parameter"]["Value"]
        image = ec2.describe_images(ImageIds=[value])["Images"][0]
        assert image["Architecture"] == "arm64" and image["Name"].startswith("al2023-ami-2023.9")
    ssm = make_client(catalogued.endpoint, "ssm")
    names = [p["Name"] for p in ssm.get_parameters_by_path(Path="/aws/service/canonical", Recursive=True)["Parameters"]]
    assert "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id" in names
    got = ssm.get_parameters(Names=["/aws/service/debian/release/12/latest/amd64", "/aws/service/nope"])
    assert got["InvalidParameters"] == ["/aws/service/nope"] and len(got["Parameters"]) == 1
    with pytest.raises(ssm.exceptions.ParameterNotFound):
        ssm.get_parameter(Name="/not/there")


def test_account_parameters_publish_a_golden_image(catalogued):
    ssm = make_client(catalogued.endpoint, "ssm", key="444444444444")
    ubuntu = ssm.get_parameter(Name="/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id")["Parameter"]["Value"]
    assert ssm.put_parameter(Name="/golden/web/latest", Type="String", DataType="aws:ec2:image", Value=ubuntu)["Version"] == 1
    with pytest.raises(ssm.exceptions.ParameterAlreadyExists):
        ssm.put_parameter(Name="/golden/web/latest", Type="String", Value=ubuntu)
    assert ssm.put_parameter(Name="/golden/web/latest", Type="String", Value=ubuntu, Overwrite=True)["Version"] == 2
    with pytest.raises(ssm.exceptions.ClientError):
        ssm.put_parameter(Name="/golden/web/bad", Type="String", DataType="aws:ec2:image", Value="ami-00000000000000000")
    assert ssm.get_parameter(Name="/golden/web/latest")["Parameter"]["Version"] == 2
    other = make_client(catalogued.endpoint, "ssm", key="555555555555")
    with pytest.raises(other.exceptions.ParameterNotFound):
        other.get_parameter(Name="/golden/web/latest")


def test_marketplace_and_community_images(catalogued):
    ec2 = make_client(catalogued.endpoint, "ec2")
    market = ec2.describe_images(Owners=["aws-marketplace"])["Images"]
    assert market and all(image["ProductCodes"][0]["ProductCodeType"] == "marketplace" for image in market)
    community = ec2.describe_images(ExecutableUsers=["all"], Filters=[{"Name": "name", "Values": ["community/*"]}])["Images"]
    assert community and all(image["Public"] and "ImageOwnerAlias" not in image for image in community)
    ubuntu = ec2.describe_images(Owners=[CANONICAL], Filters=[{"Name": "name", "Values": ["ubuntu/images/*noble*"]}])["Images"]
    assert {image["Architecture"] for image in ubuntu} == {"x86_64", "arm64"}
    windows = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "platform", "Values": ["windows"]}])["Images"]
    assert windows and windows[0]["PlatformDetails"] == "Windows" and windows[0]["UsageOperation"] == "RunInstances:0002"

    # Marketplace images launch, but never copy to another account; AWS's own images copy.
    west = make_client(catalogued.endpoint, "ec2", region="us-west-2")
    with pytest.raises(ClientError) as refused:
        west.copy_image(SourceRegion="us-east-1", SourceImageId=market[0]["ImageId"], Name="my-marketplace-copy")
    assert refused.value.response["Error"]["Code"] == "InvalidRequest"
    x86 = next(image for image in market if image["Architecture"] == "x86_64")
    launched = ec2.run_instances(ImageId=x86["ImageId"], InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][0]
    assert launched["ProductCodes"][0]["ProductCodeId"] == x86["ProductCodes"][0]["ProductCodeId"]
    amazon = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "architecture", "Values": ["x86_64"]}])["Images"][0]
    copy = west.copy_image(SourceRegion="us-east-1", SourceImageId=amazon["ImageId"], Name="my-al-copy")["ImageId"]
    west.get_waiter("image_available").wait(ImageIds=[copy], WaiterConfig={"Delay": 1})


def test_the_catalogue_survives_a_reset_and_a_restart(catalogued):
    import requests

    ec2 = make_client(catalogued.endpoint, "ec2")
    before = {image["ImageId"] for image in ec2.describe_images(Owners=["amazon"])["Images"]}
    assert requests.post(catalogued.endpoint + "/moto-api/reset", timeout=10).status_code == 200
    catalogued.restart()
    after = {image["ImageId"] for image in make_client(catalogued.endpoint, "ec2").describe_images(Owners=["amazon"])["Images"]}
    assert before == after, "catalogue ids are stable"
