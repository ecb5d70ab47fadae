"""Networks through boto3 and the aws CLI: each account's default VPC in each region, VPCs,
subnets, security groups and their rules, internet gateways and route tables, and instances
launched into them with addresses from their subnets. Each test acts as an account of its
own, so it sees a default network no other test has touched."""

import os
import random
import uuid

import pytest

from kiln_harness import (
    BLOCK_SIZE,
    make_client,
    raises,
    register_ebs_image,
    run_aws,
    upload_snapshot,
    wait_for,
)

US_EAST_1_ZONES = 6


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def new_account() -> str:
    return "".join(random.choice("123456789") for _ in range(12))


@pytest.fixture
def account(kiln):
    """A fresh account: (account id, ec2 client in us-east-1)."""
    key = new_account()
    return key, make_client(kiln, "ec2", key=key)


def default_vpc(ec2) -> dict:
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    assert len(vpcs) == 1, vpcs
    return vpcs[0]


def image_for(kiln, key: str) -> str:
    ebs, ec2 = make_client(kiln, "ebs", key=key), make_client(kiln, "ec2", key=key)
    snap = upload_snapshot(ebs, {0: os.urandom(BLOCK_SIZE)}, volume_size=1)
    return register_ebs_image(ec2, snap, unique("net-image"))


def only_instance(reservation: dict) -> dict:
    return reservation["Instances"][0]


def described(ec2, instance_id: str) -> dict:
    return ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]


# --------------------------------------------------------------------------
# The default network
# --------------------------------------------------------------------------


def test_default_network_is_laid_out_as_aws_lays_it_out(kiln, account):
    key, ec2 = account
    attributes = {a["AttributeName"]: [v["AttributeValue"] for v in a["AttributeValues"]] for a in ec2.describe_account_attributes()["AccountAttributes"]}
    assert attributes["supported-platforms"] == ["VPC"]
    vpc = default_vpc(ec2)
    assert attributes["default-vpc"] == [vpc["VpcId"]]
    assert vpc["CidrBlock"] == "172.31.0.0/16" and vpc["IsDefault"] and vpc["State"] == "available" and vpc["OwnerId"] == key
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"]
    assert len(subnets) == US_EAST_1_ZONES
    by_zone = {s["AvailabilityZone"]: s for s in subnets}
    assert by_zone["us-east-1a"]["CidrBlock"] == "172.31.0.0/20" and by_zone["us-east-1b"]["CidrBlock"] == "172.31.16.0/20"
    assert all(s["DefaultForAz"] and s["MapPublicIpOnLaunch"] and s["AvailableIpAddressCount"] == 4091 for s in subnets)
    assert len(ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}, {"Name": "availability-zone", "Values": ["us-east-1c"]}])["Subnets"]) == 1
    groups = ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"]
    assert len(groups) == 1 and groups[0]["VpcId"] == vpc["VpcId"]
    egress = groups[0]["IpPermissionsEgress"]
    assert egress == [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}]
    assert groups[0]["IpPermissions"][0]["UserIdGroupPairs"][0]["GroupId"] == groups[0]["GroupId"]
    gateways = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc["VpcId"]]}])["InternetGateways"]
    assert len(gateways) == 1 and gateways[0]["Attachments"] == [{"State": "available", "VpcId": vpc["VpcId"]}]
    tables = ec2.describe_route_tables(Filters=[{"Name": "association.main", "Values": ["true"]}])["RouteTables"]
    assert len(tables) == 1
    routes = {r["DestinationCidrBlock"]: r["GatewayId"] for r in tables[0]["Routes"]}
    assert routes == {"172.31.0.0/16": "local", "0.0.0.0/0": gateways[0]["InternetGatewayId"]}
    # Each region has its own; the same account sees the same ids again.
    west = make_client(kiln, "ec2", key=key, region="eu-west-1")
    assert default_vpc(west)["VpcId"] != vpc["VpcId"]
    assert default_vpc(ec2)["VpcId"] == vpc["VpcId"]
    assert len(west.describe_subnets()["Subnets"]) == 3


def test_default_vpc_through_the_cli(kiln):
    key = new_account()
    out = run_aws(kiln, "ec2", "describe-vpcs", "--filters", "Name=isDefault,Values=true", key=key)
    assert [v["CidrBlock"] for v in out["Vpcs"]] == ["172.31.0.0/16"]
    out = run_aws(kiln, "ec2", "describe-account-attributes", "--attribute-names", "default-vpc", key=key)
    vpcs = run_aws(kiln, "ec2", "describe-vpcs", key=key)["Vpcs"]
    assert out["AccountAttributes"][0]["AttributeValues"][0]["AttributeValue"] == vpcs[0]["VpcId"]


# --------------------------------------------------------------------------
# VPCs and subnets
# --------------------------------------------------------------------------


def test_vpc_and_subnets_with_their_rules(kiln, account):
    _, ec2 = account
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16", TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "lab"}]}])["Vpc"]
    vpc_id = vpc["VpcId"]
    assert vpc["CidrBlock"] == "10.20.0.0/16" and not vpc["IsDefault"] and vpc["Tags"] == [{"Key": "Name", "Value": "lab"}]
    assert [v["VpcId"] for v in ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["lab"]}])["Vpcs"]] == [vpc_id]
    assert len(ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["false"]}])["Vpcs"]) == 1
    # Its own default group and main route table came with it.
    groups = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"]
    assert [g["GroupName"] for g in groups] == ["default"]
    assert ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"][0]["Associations"][0]["Main"]
    for bad, code in [("10.0.0.0/8", "InvalidVpc.Range"), ("10.0.0.0/29", "InvalidVpc.Range"), ("10.0.0.300/16", "InvalidParameterValue"), ("nonsense", "InvalidParameterValue")]:
        raises(code, ec2.create_vpc, CidrBlock=bad)

    a = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.20.1.0/24", AvailabilityZone="us-east-1b")["Subnet"]
    assert a["AvailableIpAddressCount"] == 251 and a["AvailabilityZone"] == "us-east-1b" and not a["DefaultForAz"] and not a["MapPublicIpOnLaunch"]
    b = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.20.2.0/28", AvailabilityZoneId="use1-az2")["Subnet"]
    assert b["AvailabilityZone"] == "us-east-1c" and b["AvailableIpAddressCount"] == 11
    before = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    raises("InvalidSubnet.Conflict", ec2.create_subnet, VpcId=vpc_id, CidrBlock="10.20.1.128/25")
    raises("InvalidSubnet.Conflict", ec2.create_subnet, VpcId=vpc_id, CidrBlock="10.20.0.0/16")
    raises("InvalidSubnet.Range", ec2.create_subnet, VpcId=vpc_id, CidrBlock="10.21.0.0/24")
    raises("InvalidSubnet.Range", ec2.create_subnet, VpcId=vpc_id, CidrBlock="10.20.3.0/29")
    raises("InvalidParameterValue", ec2.create_subnet, VpcId=vpc_id, CidrBlock="10.20.3.0/33")
    raises("InvalidVpcID.NotFound", ec2.create_subnet, VpcId="vpc-0123456789abcdef0", CidrBlock="10.20.3.0/24")
    raises("InvalidParameterValue", ec2.create_subnet, VpcId=vpc_id, CidrBlock="10.20.3.0/24", AvailabilityZone="us-east-1z")
    assert ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"] == before

    ec2.modify_subnet_attribute(SubnetId=a["SubnetId"], MapPublicIpOnLaunch={"Value": True})
    assert ec2.describe_subnets(SubnetIds=[a["SubnetId"]])["Subnets"][0]["MapPublicIpOnLaunch"]
    assert [s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": "cidr-block", "Values": ["10.20.2.0/28"]}])["Subnets"]] == [b["SubnetId"]]
    raises("InvalidSubnetID.NotFound", ec2.describe_subnets, SubnetIds=["subnet-0123456789abcdef0"])

    raises("DependencyViolation", ec2.delete_vpc, VpcId=vpc_id)
    ec2.delete_subnet(SubnetId=a["SubnetId"])
    ec2.delete_subnet(SubnetId=b["SubnetId"])
    raises("InvalidSubnetID.NotFound", ec2.delete_subnet, SubnetId=b["SubnetId"])
    ec2.delete_vpc(VpcId=vpc_id)
    raises("InvalidVpcID.NotFound", ec2.describe_vpcs, VpcIds=[vpc_id])
    assert ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"] == []


def test_vpc_attributes_and_dry_run(kiln, account):
    _, ec2 = account
    vpc_id = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    assert ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsSupport")["EnableDnsSupport"]["Value"]
    assert not ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsHostnames")["EnableDnsHostnames"]["Value"]
    assert not ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableNetworkAddressUsageMetrics")["EnableNetworkAddressUsageMetrics"]["Value"]
    raises("InvalidParameterValue", ec2.describe_vpc_attribute, VpcId=vpc_id, Attribute="enableEverything")
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    assert ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsHostnames")["EnableDnsHostnames"]["Value"]
    raises("DryRunOperation", ec2.create_vpc, CidrBlock="10.10.0.0/16", DryRun=True)
    assert len(ec2.describe_vpcs()["Vpcs"]) == 2


# --------------------------------------------------------------------------
# Security groups
# --------------------------------------------------------------------------


def test_security_groups_and_rules(kiln, account):
    key, ec2 = account
    vpc_id = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    web = ec2.create_security_group(GroupName="web", Description="web tier", VpcId=vpc_id)["GroupId"]
    app = ec2.create_security_group(GroupName="app", Description="app tier", VpcId=vpc_id)["GroupId"]
    raises("InvalidGroup.Duplicate", ec2.create_security_group, GroupName="web", Description="again", VpcId=vpc_id)
    raises("InvalidParameterValue", ec2.create_security_group, GroupName="sg-web", Description="x", VpcId=vpc_id)
    raises("InvalidVpcID.NotFound", ec2.create_security_group, GroupName="x", Description="x", VpcId="vpc-0123456789abcdef0")
    # The same name in another VPC (here the default one) is another group.
    other = ec2.create_security_group(GroupName="web", Description="web in the default VPC")["GroupId"]
    assert other != web

    rules = ec2.authorize_security_group_ingress(
        GroupId=web,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "https"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
        ],
    )["SecurityGroupRules"]
    assert len(rules) == 3 and all(r["SecurityGroupRuleId"].startswith("sgr-") and not r["IsEgress"] for r in rules)
    ec2.authorize_security_group_ingress(GroupId=app, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "UserIdGroupPairs": [{"GroupId": web}]}])
    ec2.authorize_security_group_ingress(GroupId=app, IpPermissions=[{"IpProtocol": "icmp", "FromPort": 8, "ToPort": -1, "IpRanges": [{"CidrIp": "10.30.0.0/16"}]}])
    group = ec2.describe_security_groups(GroupIds=[web])["SecurityGroups"][0]
    https = next(p for p in group["IpPermissions"] if p["FromPort"] == 443)
    assert https["IpRanges"] == [{"CidrIp": "0.0.0.0/0", "Description": "https"}] and https["Ipv6Ranges"] == [{"CidrIpv6": "::/0"}]
    app_group = ec2.describe_security_groups(GroupIds=[app])["SecurityGroups"][0]
    assert app_group["IpPermissions"][0]["UserIdGroupPairs"] == [{"GroupId": web, "UserId": key}]
    assert app_group["IpPermissions"][1]["IpProtocol"] == "icmp" and app_group["IpPermissions"][1]["FromPort"] == 8
    found = ec2.describe_security_groups(Filters=[{"Name": "ip-permission.from-port", "Values": ["22"]}])["SecurityGroups"]
    assert [g["GroupId"] for g in found] == [web]
    assert ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["web"]}, {"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"][0]["GroupId"] == web

    # Bad rules change nothing.
    before = ec2.describe_security_groups(GroupIds=[web])["SecurityGroups"][0]
    raises("InvalidPermission.Duplicate", ec2.authorize_security_group_ingress, GroupId=web,
           IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "1.2.3.0/24"}]},
                          {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    raises("InvalidParameterValue", ec2.authorize_security_group_ingress, GroupId=web, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 90, "ToPort": 80, "IpRanges": [{"CidrIp": "1.2.3.0/24"}]}])
    raises("InvalidParameterValue", ec2.authorize_security_group_ingress, GroupId=web, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 70000, "IpRanges": [{"CidrIp": "1.2.3.0/24"}]}])
    raises("InvalidParameterValue", ec2.authorize_security_group_ingress, GroupId=web, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "1.2.3.4/24"}]}])
    raises("InvalidParameterValue", ec2.authorize_security_group_ingress, GroupId=web, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "1.2.3/24"}]}])
    raises("InvalidParameterValue", ec2.authorize_security_group_ingress, GroupId=web, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "Ipv6Ranges": [{"CidrIpv6": "2001:db8:::/32"}]}])
    raises("InvalidParameterValue", ec2.authorize_security_group_ingress, GroupId=web, IpPermissions=[{"IpProtocol": "bogus", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "1.2.3.0/24"}]}])
    raises("InvalidGroup.NotFound", ec2.authorize_security_group_ingress, GroupId=web, IpPermissions=[{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-0123456789abcdef0"}]}])
    raises("InvalidGroup.NotFound", ec2.authorize_security_group_ingress, GroupId="sg-0123456789abcdef0", IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "1.2.3.0/24"}]}])
    raises("InvalidGroupId.Malformed", ec2.describe_security_groups, GroupIds=["web"])
    assert ec2.describe_security_groups(GroupIds=[web])["SecurityGroups"][0] == before

    # Revoking what is not there: an error in a VPC of one's own, the unknown rules listed in the default VPC.
    raises("InvalidPermission.NotFound", ec2.revoke_security_group_ingress, GroupId=web, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 25, "ToPort": 25, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    unknown = ec2.revoke_security_group_ingress(GroupId=other, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 25, "ToPort": 25, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    assert unknown["UnknownIpPermissions"][0]["FromPort"] == 25
    revoked = ec2.revoke_security_group_ingress(GroupId=web, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    assert revoked["Return"] and revoked["RevokedSecurityGroupRules"][0]["CidrIpv4"] == "10.0.0.0/8"
    ipv6_rule = next(r for r in ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [web]}])["SecurityGroupRules"] if r.get("CidrIpv6"))
    ec2.revoke_security_group_ingress(GroupId=web, SecurityGroupRuleIds=[ipv6_rule["SecurityGroupRuleId"]])
    remaining = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [web]}])["SecurityGroupRules"]
    assert sorted((r["IsEgress"], r["FromPort"], r.get("CidrIpv4")) for r in remaining) == [(False, 443, "0.0.0.0/0"), (True, -1, "0.0.0.0/0")]

    # Egress rules, and the groups that cannot go.
    ec2.revoke_security_group_egress(GroupId=app, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ec2.authorize_security_group_egress(GroupId=app, IpPermissions=[{"IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "IpRanges": [{"CidrIp": "10.30.0.2/32"}]}])
    assert ec2.describe_security_groups(GroupIds=[app])["SecurityGroups"][0]["IpPermissionsEgress"][0]["IpProtocol"] == "udp"
    default_group = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]
    raises("CannotDelete", ec2.delete_security_group, GroupId=default_group["GroupId"])
    raises("DependencyViolation", ec2.delete_security_group, GroupId=web)  # app's rule names it
    ec2.delete_security_group(GroupId=app)
    ec2.delete_security_group(GroupId=web)
    ec2.delete_security_group(GroupName="web")  # by name: the default VPC's
    raises("InvalidGroup.NotFound", ec2.describe_security_groups, GroupIds=[web])
    raises("InvalidGroup.NotFound", ec2.delete_security_group, GroupId=other)


def test_security_group_flat_form_through_the_cli(kiln):
    key = new_account()
    group = run_aws(kiln, "ec2", "create-security-group", "--group-name", "cli", "--description", "from the cli", key=key)["GroupId"]
    run_aws(kiln, "ec2", "authorize-security-group-ingress", "--group-id", group, "--protocol", "tcp", "--port", "8000-8010", "--cidr", "192.168.0.0/16", key=key)
    out = run_aws(kiln, "ec2", "describe-security-groups", "--group-ids", group, key=key)
    permission = out["SecurityGroups"][0]["IpPermissions"][0]
    assert (permission["IpProtocol"], permission["FromPort"], permission["ToPort"], permission["IpRanges"][0]["CidrIp"]) == ("tcp", 8000, 8010, "192.168.0.0/16")
    with pytest.raises(Exception) as error:
        run_aws(kiln, "ec2", "authorize-security-group-ingress", "--group-id", group, "--protocol", "tcp", "--port", "8000-8010", "--cidr", "192.168.0.0/16", key=key)
    assert "InvalidPermission.Duplicate" in str(error.value)
    run_aws(kiln, "ec2", "revoke-security-group-ingress", "--group-name", "cli", "--protocol", "tcp", "--port", "8000-8010", "--cidr", "192.168.0.0/16", key=key)
    assert run_aws(kiln, "ec2", "describe-security-groups", "--group-names", "cli", key=key)["SecurityGroups"][0]["IpPermissions"] == []
    run_aws(kiln, "ec2", "delete-security-group", "--group-id", group, key=key)


# --------------------------------------------------------------------------
# Gateways and route tables
# --------------------------------------------------------------------------


def test_internet_gateways_and_route_tables(kiln, account):
    _, ec2 = account
    vpc_id = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.40.0.0/24")["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway(TagSpecifications=[{"ResourceType": "internet-gateway", "Tags": [{"Key": "Name", "Value": "gw"}]}])["InternetGateway"]
    igw_id = igw["InternetGatewayId"]
    assert igw["Attachments"] == [] and igw["Tags"] == [{"Key": "Name", "Value": "gw"}]
    ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)
    raises("Resource.AlreadyAssociated", ec2.attach_internet_gateway, InternetGatewayId=igw_id, VpcId=vpc_id)
    raises("DependencyViolation", ec2.delete_internet_gateway, InternetGatewayId=igw_id)
    raises("DependencyViolation", ec2.delete_vpc, VpcId=vpc_id)
    raises("InvalidInternetGatewayID.NotFound", ec2.attach_internet_gateway, InternetGatewayId="igw-0123456789abcdef0", VpcId=vpc_id)

    table = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]
    table_id = table["RouteTableId"]
    assert table["Routes"] == [{"DestinationCidrBlock": "10.40.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"}]
    assert ec2.create_route(RouteTableId=table_id, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw_id)["Return"]
    raises("RouteAlreadyExists", ec2.create_route, RouteTableId=table_id, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw_id)
    association = ec2.associate_route_table(RouteTableId=table_id, SubnetId=subnet)["AssociationId"]
    found = ec2.describe_route_tables(Filters=[{"Name": "association.subnet-id", "Values": [subnet]}])["RouteTables"]
    assert [t["RouteTableId"] for t in found] == [table_id]
    assert ec2.describe_route_tables(Filters=[{"Name": "route.gateway-id", "Values": [igw_id]}])["RouteTables"][0]["RouteTableId"] == table_id
    raises("DependencyViolation", ec2.delete_route_table, RouteTableId=table_id)
    ec2.disassociate_route_table(AssociationId=association)
    ec2.delete_route(RouteTableId=table_id, DestinationCidrBlock="0.0.0.0/0")
    raises("InvalidRoute.NotFound", ec2.delete_route, RouteTableId=table_id, DestinationCidrBlock="0.0.0.0/0")
    ec2.delete_route_table(RouteTableId=table_id)
    raises("InvalidRouteTableID.NotFound", ec2.describe_route_tables, RouteTableIds=[table_id])
    ec2.detach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)
    raises("Gateway.NotAttached", ec2.detach_internet_gateway, InternetGatewayId=igw_id, VpcId=vpc_id)
    ec2.delete_internet_gateway(InternetGatewayId=igw_id)
    ec2.delete_subnet(SubnetId=subnet)
    ec2.delete_vpc(VpcId=vpc_id)


# --------------------------------------------------------------------------
# Launching into networks
# --------------------------------------------------------------------------


def test_instances_launch_into_the_default_vpc_with_addresses(kiln, account):
    key, ec2 = account
    image = image_for(kiln, key)
    vpc = default_vpc(ec2)
    reservation = ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=2, MaxCount=2, Placement={"AvailabilityZone": "us-east-1b"})
    ids = [i["InstanceId"] for i in reservation["Instances"]]
    subnet = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}, {"Name": "availability-zone", "Values": ["us-east-1b"]}])["Subnets"][0]
    default_group = ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"][0]["GroupId"]
    addresses = set()
    for instance_id in ids:
        inst = described(ec2, instance_id)
        assert inst["VpcId"] == vpc["VpcId"] and inst["SubnetId"] == subnet["SubnetId"]
        assert inst["SecurityGroups"] == [{"GroupId": default_group, "GroupName": "default"}]
        private = inst["PrivateIpAddress"]
        assert private.startswith("172.31.1") and inst["PrivateDnsName"] == f"ip-{private.replace('.', '-')}.ec2.internal"
        assert inst["PublicIpAddress"].startswith("127.") and inst["PublicDnsName"].endswith(".compute-1.amazonaws.com")
        interface = inst["NetworkInterfaces"][0]
        assert interface["Attachment"]["DeviceIndex"] == 0 and interface["PrivateIpAddress"] == private and interface["SubnetId"] == subnet["SubnetId"]
        addresses.add(private)
    assert len(addresses) == 2
    assert ec2.describe_subnets(SubnetIds=[subnet["SubnetId"]])["Subnets"][0]["AvailableIpAddressCount"] == 4089
    enis = ec2.describe_network_interfaces(Filters=[{"Name": "attachment.instance-id", "Values": ids}])["NetworkInterfaces"]
    assert {e["PrivateIpAddress"] for e in enis} == addresses and all(e["Status"] == "in-use" for e in enis)
    first = sorted(addresses)[0]
    assert len(ec2.describe_instances(Filters=[{"Name": "private-ip-address", "Values": [first]}])["Reservations"]) == 1
    for name, value in [("vpc-id", vpc["VpcId"]), ("subnet-id", subnet["SubnetId"]), ("instance.group-name", "default"), ("instance.group-id", default_group),
                        ("network-interface.network-interface-id", enis[0]["NetworkInterfaceId"])]:
        found = {i["InstanceId"] for r in ec2.describe_instances(Filters=[{"Name": name, "Values": [value]}])["Reservations"] for i in r["Instances"]}
        assert found & set(ids), name
    # A group in use cannot go; termination gives the addresses back.
    group = ec2.create_security_group(GroupName="in-use", Description="x")["GroupId"]
    ec2.modify_instance_attribute(InstanceId=ids[0], Groups=[group, default_group])
    assert {g["GroupName"] for g in described(ec2, ids[0])["SecurityGroups"]} == {"in-use", "default"}
    assert ec2.describe_instance_attribute(InstanceId=ids[0], Attribute="groupSet")["Groups"][0]["GroupId"] == group
    raises("DependencyViolation", ec2.delete_security_group, GroupId=group)
    ec2.terminate_instances(InstanceIds=ids)
    ec2.get_waiter("instance_terminated").wait(InstanceIds=ids, WaiterConfig={"Delay": 1})
    assert ec2.describe_subnets(SubnetIds=[subnet["SubnetId"]])["Subnets"][0]["AvailableIpAddressCount"] == 4091
    assert ec2.describe_network_interfaces(Filters=[{"Name": "attachment.instance-id", "Values": ids}])["NetworkInterfaces"] == []
    ec2.delete_security_group(GroupId=group)


def test_instances_launch_into_own_subnets_and_groups(kiln, account):
    key, ec2 = account
    image = image_for(kiln, key)
    vpc_id = ec2.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.50.7.0/28", AvailabilityZone="us-east-1d")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc_id)["GroupId"]
    default_vpc_group = ec2.create_security_group(GroupName="elsewhere", Description="in the default VPC")["GroupId"]
    inst = only_instance(ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1, SubnetId=subnet, SecurityGroupIds=[group]))
    assert inst["SubnetId"] == subnet and inst["VpcId"] == vpc_id and inst["Placement"]["AvailabilityZone"] == "us-east-1d"
    assert inst["PrivateIpAddress"] == "10.50.7.4" and "PublicIpAddress" not in inst
    second = only_instance(ec2.run_instances(
        ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1,
        NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": subnet, "Groups": [group], "AssociatePublicIpAddress": True, "PrivateIpAddress": "10.50.7.9"}],
    ))
    assert second["PrivateIpAddress"] == "10.50.7.9" and second["PublicIpAddress"].startswith("127.")
    # Refusals that launch nothing.
    count = len(ec2.describe_instances()["Reservations"])
    raises("InvalidSubnetID.NotFound", ec2.run_instances, ImageId=image, MinCount=1, MaxCount=1, SubnetId="subnet-0123456789abcdef0")
    raises("InvalidGroup.NotFound", ec2.run_instances, ImageId=image, MinCount=1, MaxCount=1, SubnetId=subnet, SecurityGroupIds=["sg-0123456789abcdef0"])
    raises("InvalidParameter", ec2.run_instances, ImageId=image, MinCount=1, MaxCount=1, SubnetId=subnet, SecurityGroupIds=[default_vpc_group])
    raises("InvalidIPAddress.InUse", ec2.run_instances, ImageId=image, MinCount=1, MaxCount=1,
           NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": subnet, "PrivateIpAddress": "10.50.7.9"}])
    raises("InvalidParameterValue", ec2.run_instances, ImageId=image, MinCount=1, MaxCount=1,
           NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": subnet, "PrivateIpAddress": "10.50.8.9"}])
    raises("InvalidParameterCombination", ec2.run_instances, ImageId=image, MinCount=1, MaxCount=1, SubnetId=subnet,
           NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": subnet}])
    # A /28 holds 11 addresses: two are taken, so ten more do not fit.
    raises("InsufficientFreeAddressesInSubnet", ec2.run_instances, ImageId=image, MinCount=10, MaxCount=10, SubnetId=subnet)
    assert len(ec2.describe_instances()["Reservations"]) == count
    # Group names work in the default VPC.
    named = only_instance(ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, SecurityGroups=["elsewhere"]))
    assert named["SecurityGroups"] == [{"GroupId": default_vpc_group, "GroupName": "elsewhere"}]
    raises("InvalidGroup.NotFound", ec2.run_instances, ImageId=image, MinCount=1, MaxCount=1, SecurityGroups=["nowhere"])
    raises("InvalidParameter", ec2.modify_instance_attribute, InstanceId=inst["InstanceId"], Groups=[default_vpc_group])
    raises("DependencyViolation", ec2.delete_subnet, SubnetId=subnet)
    ec2.terminate_instances(InstanceIds=[inst["InstanceId"], second["InstanceId"], named["InstanceId"]])
    ec2.get_waiter("instance_terminated").wait(InstanceIds=[inst["InstanceId"], second["InstanceId"]], WaiterConfig={"Delay": 1})
    ec2.delete_subnet(SubnetId=subnet)


def test_private_dns_outside_us_east_1(kiln):
    key = new_account()
    west = make_client(kiln, "ec2", key=key, region="eu-west-1")
    ebs = make_client(kiln, "ebs", key=key, region="eu-west-1")
    image = register_ebs_image(west, upload_snapshot(ebs, {0: os.urandom(BLOCK_SIZE)}), unique("west"))
    inst = only_instance(west.run_instances(ImageId=image, MinCount=1, MaxCount=1))
    assert inst["PrivateDnsName"].endswith(".eu-west-1.compute.internal") and inst["PrivateIpAddress"].startswith("172.31.")
    assert inst["PublicDnsName"].endswith(".eu-west-1.compute.amazonaws.com")


def test_launch_templates_and_auto_scaling_use_subnets(kiln, account):
    key, ec2 = account
    image = image_for(kiln, key)
    asg = make_client(kiln, "autoscaling", key=key)
    vpc_id = ec2.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
    subnet_b = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.60.2.0/24", AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
    subnet_c = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.60.3.0/24", AvailabilityZone="us-east-1c")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="asg", Description="asg", VpcId=vpc_id)["GroupId"]
    template = ec2.create_launch_template(
        LaunchTemplateName=unique("net-lt"),
        LaunchTemplateData={"ImageId": image, "InstanceType": "t3.micro", "NetworkInterfaces": [{"DeviceIndex": 0, "SubnetId": subnet_b, "Groups": [group], "AssociatePublicIpAddress": False}]},
    )["LaunchTemplate"]["LaunchTemplateId"]
    data = ec2.describe_launch_template_versions(LaunchTemplateId=template)["LaunchTemplateVersions"][0]["LaunchTemplateData"]
    assert data["NetworkInterfaces"][0]["SubnetId"] == subnet_b and data["NetworkInterfaces"][0]["Groups"] == [group]
    inst = only_instance(ec2.run_instances(MinCount=1, MaxCount=1, LaunchTemplate={"LaunchTemplateId": template}))
    assert inst["SubnetId"] == subnet_b and inst["SecurityGroups"][0]["GroupId"] == group and inst["PrivateIpAddress"].startswith("10.60.2.")
    again = ec2.get_launch_template_data(InstanceId=inst["InstanceId"])["LaunchTemplateData"]
    assert again["NetworkInterfaces"][0]["SubnetId"] == subnet_b and again["NetworkInterfaces"][0]["Groups"] == [group] and "SecurityGroupIds" not in again

    plain = ec2.create_launch_template(LaunchTemplateName=unique("asg-lt"), LaunchTemplateData={"ImageId": image, "InstanceType": "t3.micro", "SecurityGroupIds": [group]})["LaunchTemplate"]["LaunchTemplateId"]
    error = raises("ValidationError", asg.create_auto_scaling_group, AutoScalingGroupName=unique("bad"), LaunchTemplate={"LaunchTemplateId": plain},
                   MinSize=1, MaxSize=1, VPCZoneIdentifier=f"{subnet_b},subnet-0123456789abcdef0")
    assert "subnet-0123456789abcdef0" in str(error)
    name = unique("net-asg")
    asg.create_auto_scaling_group(AutoScalingGroupName=name, LaunchTemplate={"LaunchTemplateId": plain}, MinSize=2, MaxSize=2, VPCZoneIdentifier=f"{subnet_b},{subnet_c}")
    assert sorted(asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]["AvailabilityZones"]) == ["us-east-1b", "us-east-1c"]
    members = wait_for(lambda: (lambda g: len(g) == 2 and g)(asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]["Instances"]))
    subnets = {described(ec2, m["InstanceId"])["SubnetId"] for m in members}
    assert subnets == {subnet_b, subnet_c}
    asg.delete_auto_scaling_group(AutoScalingGroupName=name, ForceDelete=True)
