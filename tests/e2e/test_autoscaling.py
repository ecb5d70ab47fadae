"""Auto Scaling through boto3 and the aws CLI: groups from launch templates and launch
configurations spread over zones, replacement of instances lost outside the group, scaling
activities with AWS's failure messages, and instance refreshes that roll a new image out,
including across a restart of the server."""

import os
import time
import uuid

import pytest

from kiln_harness import BLOCK_SIZE, wait_for, make_client, raises, register_ebs_image, run_aws, upload_snapshot


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def group(asg, name: str) -> dict:
    return asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]


def in_service(asg, name: str) -> list[dict]:
    return [i for i in group(asg, name)["Instances"] if i["LifecycleState"] == "InService"]


def make_image(endpoint: str, name: str) -> str:
    ec2 = make_client(endpoint, "ec2")
    snap = upload_snapshot(make_client(endpoint, "ebs"), {0: os.urandom(BLOCK_SIZE)})
    return register_ebs_image(ec2, snap, unique(name))


@pytest.fixture(scope="module")
def golden(kiln):
    return [make_image(kiln, "asg-v1"), make_image(kiln, "asg-v2")]


def make_template(ec2, image_id: str) -> str:
    return ec2.create_launch_template(
        LaunchTemplateName=unique("asg-lt"), LaunchTemplateData={"ImageId": image_id, "InstanceType": "t3.micro"}
    )["LaunchTemplate"]["LaunchTemplateId"]


def test_group_spreads_replaces_and_scales(kiln, golden):
    ec2, asg = make_client(kiln, "ec2"), make_client(kiln, "autoscaling")
    template = make_template(ec2, golden[0])
    name = unique("web")
    asg.create_auto_scaling_group(
        AutoScalingGroupName=name,
        LaunchTemplate={"LaunchTemplateId": template, "Version": "$Latest"},
        MinSize=1,
        MaxSize=5,
        DesiredCapacity=3,
        AvailabilityZones=["us-east-1a", "us-east-1b", "us-east-1c"],
        Tags=[{"Key": "team", "Value": "web", "PropagateAtLaunch": True}, {"Key": "cost", "Value": "x", "PropagateAtLaunch": False}],
    )
    members = wait_for(lambda: len(in_service(asg, name)) == 3 and in_service(asg, name))
    assert {m["AvailabilityZone"] for m in members} == {"us-east-1a", "us-east-1b", "us-east-1c"}
    ids = [m["InstanceId"] for m in members]
    described = ec2.describe_instances(InstanceIds=ids)["Reservations"]
    instances = [i for r in described for i in r["Instances"]]
    assert {i["ImageId"] for i in instances} == {golden[0]}
    for inst in instances:
        tags = {t["Key"]: t["Value"] for t in inst["Tags"]}
        assert tags["aws:autoscaling:groupName"] == name and tags["team"] == "web" and "cost" not in tags
    details = asg.describe_auto_scaling_instances(InstanceIds=ids)["AutoScalingInstances"]
    assert {d["AutoScalingGroupName"] for d in details} == {name} and {d["HealthStatus"] for d in details} == {"HEALTHY"}
    activities = asg.describe_scaling_activities(AutoScalingGroupName=name)["Activities"]
    assert sum(a["Description"].startswith("Launching a new EC2 instance: i-") and a["StatusCode"] == "Successful" for a in activities) == 3

    # An instance terminated by hand is replaced, in the zone it left.
    lost = instances[0]
    ec2.terminate_instances(InstanceIds=[lost["InstanceId"]])
    replaced = wait_for(lambda: (lambda s: len(s) == 3 and lost["InstanceId"] not in {m["InstanceId"] for m in s} and s)(in_service(asg, name)))
    assert {m["AvailabilityZone"] for m in replaced} == {"us-east-1a", "us-east-1b", "us-east-1c"}
    causes = [a["Cause"] for a in asg.describe_scaling_activities(AutoScalingGroupName=name)["Activities"]]
    assert any("terminated or stopped" in c for c in causes)

    # A stopped one too; and one marked unhealthy.
    stopped = replaced[0]["InstanceId"]
    ec2.stop_instances(InstanceIds=[stopped])
    wait_for(lambda: stopped not in {m["InstanceId"] for m in group(asg, name)["Instances"]} and len(in_service(asg, name)) == 3)
    unhealthy = in_service(asg, name)[0]["InstanceId"]
    asg.set_instance_health(InstanceId=unhealthy, HealthStatus="Unhealthy")
    wait_for(lambda: unhealthy not in {m["InstanceId"] for m in group(asg, name)["Instances"]} and len(in_service(asg, name)) == 3)

    # Scaling in and out; terminating with a decrement shrinks the group.
    asg.set_desired_capacity(AutoScalingGroupName=name, DesiredCapacity=5)
    wait_for(lambda: len(in_service(asg, name)) == 5)
    asg.update_auto_scaling_group(AutoScalingGroupName=name, MaxSize=2)
    assert group(asg, name)["DesiredCapacity"] == 2
    wait_for(lambda: len(group(asg, name)["Instances"]) == 2)
    victim = in_service(asg, name)[0]["InstanceId"]
    activity = asg.terminate_instance_in_auto_scaling_group(InstanceId=victim, ShouldDecrementDesiredCapacity=True)["Activity"]
    assert victim in activity["Description"]
    assert group(asg, name)["DesiredCapacity"] == 1
    raises("ValidationError", asg.set_desired_capacity, AutoScalingGroupName=name, DesiredCapacity=9)

    # Deleting needs ForceDelete while instances remain; it then terminates them.
    raises("ResourceInUse", asg.delete_auto_scaling_group, AutoScalingGroupName=name)
    remaining = [m["InstanceId"] for m in group(asg, name)["Instances"]]
    asg.delete_auto_scaling_group(AutoScalingGroupName=name, ForceDelete=True)
    assert asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"] == []
    states = {i["State"]["Name"] for r in ec2.describe_instances(InstanceIds=remaining)["Reservations"] for i in r["Instances"]}
    assert states <= {"shutting-down", "terminated"}


def test_refusals_and_failed_activities(kiln, golden):
    ec2, asg = make_client(kiln, "ec2"), make_client(kiln, "autoscaling")
    zones = ["us-east-1a"]
    missing = ec2.create_launch_template(
        LaunchTemplateName=unique("missing-ami"), LaunchTemplateData={"ImageId": "ami-0123456789abcdef0", "InstanceType": "t3.micro"}
    )["LaunchTemplate"]["LaunchTemplateId"]
    error = raises("ValidationError", asg.create_auto_scaling_group, AutoScalingGroupName=unique("bad"), LaunchTemplate={"LaunchTemplateId": missing},
                   MinSize=1, MaxSize=1, AvailabilityZones=zones)
    assert "ami-0123456789abcdef0" in str(error) and "does not exist" in str(error)
    raises("ValidationError", asg.create_auto_scaling_group, AutoScalingGroupName=unique("bad"), LaunchTemplate={"LaunchTemplateName": "no-such-template"},
           MinSize=1, MaxSize=1, AvailabilityZones=zones)
    raises("ValidationError", asg.create_auto_scaling_group, AutoScalingGroupName=unique("bad"), LaunchTemplate={"LaunchTemplateId": make_template(ec2, golden[0])},
           MinSize=2, MaxSize=1, AvailabilityZones=zones)
    raises("ValidationError", asg.create_auto_scaling_group, AutoScalingGroupName=unique("bad"), LaunchTemplate={"LaunchTemplateId": make_template(ec2, golden[0])},
           MinSize=1, MaxSize=1)

    # An image that becomes disabled shows as failed activities, and the group recovers when it is enabled again.
    image = make_image(kiln, "asg-disabled")
    template = make_template(ec2, image)
    name = unique("fails")
    asg.create_auto_scaling_group(AutoScalingGroupName=name, LaunchTemplate={"LaunchTemplateId": template}, MinSize=0, MaxSize=3, DesiredCapacity=1, AvailabilityZones=zones)
    raises("AlreadyExists", asg.create_auto_scaling_group, AutoScalingGroupName=name, LaunchTemplate={"LaunchTemplateId": template}, MinSize=0, MaxSize=1, AvailabilityZones=zones)
    wait_for(lambda: len(in_service(asg, name)) == 1)
    ec2.disable_image(ImageId=image)
    asg.set_desired_capacity(AutoScalingGroupName=name, DesiredCapacity=2)
    failed = wait_for(lambda: [a for a in asg.describe_scaling_activities(AutoScalingGroupName=name)["Activities"] if a["StatusCode"] == "Failed"])
    assert image in failed[0]["StatusMessage"] and "Launching EC2 instance failed" in failed[0]["StatusMessage"]
    assert len(group(asg, name)["Instances"]) == 1
    ec2.enable_image(ImageId=image)
    wait_for(lambda: len(in_service(asg, name)) == 2, timeout=25)
    asg.delete_auto_scaling_group(AutoScalingGroupName=name, ForceDelete=True)


def test_launch_configurations(kiln, golden):
    asg = make_client(kiln, "autoscaling")
    config = unique("lc")
    asg.create_launch_configuration(LaunchConfigurationName=config, ImageId=golden[1], InstanceType="t3.small")
    raises("AlreadyExists", asg.create_launch_configuration, LaunchConfigurationName=config, ImageId=golden[1], InstanceType="t3.small")
    listed = asg.describe_launch_configurations(LaunchConfigurationNames=[config])["LaunchConfigurations"][0]
    assert listed["ImageId"] == golden[1] and listed["InstanceType"] == "t3.small" and listed["LaunchConfigurationARN"].startswith("arn:aws:autoscaling:")
    name = unique("lc-group")
    asg.create_auto_scaling_group(AutoScalingGroupName=name, LaunchConfigurationName=config, MinSize=2, MaxSize=2, AvailabilityZones=["us-east-1a", "us-east-1b"])
    members = wait_for(lambda: len(in_service(asg, name)) == 2 and in_service(asg, name))
    assert {m["LaunchConfigurationName"] for m in members} == {config} and {m["InstanceType"] for m in members} == {"t3.small"}
    raises("ResourceInUse", asg.delete_launch_configuration, LaunchConfigurationName=config)
    asg.delete_auto_scaling_group(AutoScalingGroupName=name, ForceDelete=True)
    asg.delete_launch_configuration(LaunchConfigurationName=config)
    assert asg.describe_launch_configurations(LaunchConfigurationNames=[config])["LaunchConfigurations"] == []


def test_instance_refresh_rolls_out_a_new_image(kiln, golden):
    ec2, asg = make_client(kiln, "ec2"), make_client(kiln, "autoscaling")
    template = make_template(ec2, golden[0])
    name = unique("rollout")
    asg.create_auto_scaling_group(
        AutoScalingGroupName=name, LaunchTemplate={"LaunchTemplateId": template, "Version": "$Latest"}, MinSize=3, MaxSize=3,
        AvailabilityZones=["us-east-1a", "us-east-1b"],
    )
    wait_for(lambda: len(in_service(asg, name)) == 3)
    ec2.create_launch_template_version(LaunchTemplateId=template, SourceVersion="1", LaunchTemplateData={"ImageId": golden[1]})
    refresh = asg.start_instance_refresh(AutoScalingGroupName=name, Preferences={"MinHealthyPercentage": 66})["InstanceRefreshId"]
    raises("InstanceRefreshInProgress", asg.start_instance_refresh, AutoScalingGroupName=name)
    done = wait_for(lambda: (lambda r: r["Status"] == "Successful" and r)(asg.describe_instance_refreshes(AutoScalingGroupName=name)["InstanceRefreshes"][0]), timeout=30)
    assert done["InstanceRefreshId"] == refresh and done["PercentageComplete"] == 100
    members = in_service(asg, name)
    assert len(members) == 3 and {m["LaunchTemplate"]["Version"] for m in members} == {"2"}
    images = {i["ImageId"] for r in ec2.describe_instances(InstanceIds=[m["InstanceId"] for m in members])["Reservations"] for i in r["Instances"]}
    assert images == {golden[1]}
    raises("ActiveInstanceRefreshNotFound", asg.cancel_instance_refresh, AutoScalingGroupName=name)
    asg.delete_auto_scaling_group(AutoScalingGroupName=name, ForceDelete=True)


def test_aws_cli_creates_and_describes_a_group(kiln, golden):
    ec2 = make_client(kiln, "ec2")
    template = make_template(ec2, golden[0])
    name = unique("cli")
    run_aws(kiln, "autoscaling", "create-auto-scaling-group", "--auto-scaling-group-name", name, "--launch-template", f"LaunchTemplateId={template}",
            "--min-size", "1", "--max-size", "1", "--availability-zones", "us-east-1b")
    groups = run_aws(kiln, "autoscaling", "describe-auto-scaling-groups", "--auto-scaling-group-names", name)["AutoScalingGroups"]
    assert groups[0]["AutoScalingGroupName"] == name and groups[0]["DesiredCapacity"] == 1
    run_aws(kiln, "autoscaling", "delete-auto-scaling-group", "--auto-scaling-group-name", name, "--force-delete")


def test_a_refresh_survives_a_restart(kiln_factory):
    srv = kiln_factory(["--auth", "dev", "--latency", "realistic"], name="asg-restart")
    ec2, asg = make_client(srv.endpoint, "ec2"), make_client(srv.endpoint, "autoscaling")
    first, second = make_image(srv.endpoint, "restart-v1"), make_image(srv.endpoint, "restart-v2")
    wait_for(lambda: all(i["State"] == "available" for i in ec2.describe_images(ImageIds=[first, second])["Images"]))
    template = make_template(ec2, first)
    name = unique("restart")
    asg.create_auto_scaling_group(AutoScalingGroupName=name, LaunchTemplate={"LaunchTemplateId": template, "Version": "$Latest"}, MinSize=3, MaxSize=3,
                                  AvailabilityZones=["us-east-1a", "us-east-1b", "us-east-1c"])
    wait_for(lambda: len(in_service(asg, name)) == 3, timeout=30)
    ec2.create_launch_template_version(LaunchTemplateId=template, SourceVersion="1", LaunchTemplateData={"ImageId": second})
    asg.start_instance_refresh(AutoScalingGroupName=name, Preferences={"MinHealthyPercentage": 66})
    # With realistic latency each replacement takes seconds to boot: restart mid-refresh.
    wait_for(lambda: asg.describe_instance_refreshes(AutoScalingGroupName=name)["InstanceRefreshes"][0]["Status"] == "InProgress")
    srv.crash_and_restart()
    asg = make_client(srv.endpoint, "autoscaling")
    ec2 = make_client(srv.endpoint, "ec2")
    assert asg.describe_instance_refreshes(AutoScalingGroupName=name)["InstanceRefreshes"][0]["Status"] in ("InProgress", "Successful")
    wait_for(lambda: asg.describe_instance_refreshes(AutoScalingGroupName=name)["InstanceRefreshes"][0]["Status"] == "Successful", timeout=60)
    members = in_service(asg, name)
    assert len(members) == 3
    images = {i["ImageId"] for r in ec2.describe_instances(InstanceIds=[m["InstanceId"] for m in members])["Reservations"] for i in r["Instances"]}
    assert images == {second}


def test_standby_and_a_shared_image_that_loses_its_permission(kiln):
    owner_ec2 = make_client(kiln, "ec2", key="777788889999")
    snap = upload_snapshot(make_client(kiln, "ebs", key="777788889999"), {0: os.urandom(BLOCK_SIZE)})
    shared = register_ebs_image(owner_ec2, snap, unique("shared-golden"))
    owner_ec2.modify_image_attribute(ImageId=shared, LaunchPermission={"Add": [{"UserId": "000000000000"}]})
    ec2, asg = make_client(kiln, "ec2"), make_client(kiln, "autoscaling")
    template = make_template(ec2, shared)
    name = unique("standby")
    asg.create_auto_scaling_group(AutoScalingGroupName=name, LaunchTemplate={"LaunchTemplateId": template}, MinSize=0, MaxSize=4, DesiredCapacity=2,
                                  AvailabilityZones=["us-east-1a"])
    members = wait_for(lambda: len(in_service(asg, name)) == 2 and in_service(asg, name))

    # Standby takes an instance out of the counted capacity without replacing it.
    resting = members[0]["InstanceId"]
    entered = asg.enter_standby(AutoScalingGroupName=name, InstanceIds=[resting], ShouldDecrementDesiredCapacity=True)["Activities"]
    assert resting in entered[0]["Description"]
    assert group(asg, name)["DesiredCapacity"] == 1
    states = {i["InstanceId"]: i["LifecycleState"] for i in group(asg, name)["Instances"]}
    assert states[resting] == "Standby" and len(states) == 2
    asg.exit_standby(AutoScalingGroupName=name, InstanceIds=[resting])
    assert group(asg, name)["DesiredCapacity"] == 2 and len(in_service(asg, name)) == 2

    # The owner withdraws the launch permission: the group's next launch fails, visibly.
    owner_ec2.modify_image_attribute(ImageId=shared, LaunchPermission={"Remove": [{"UserId": "000000000000"}]})
    asg.set_desired_capacity(AutoScalingGroupName=name, DesiredCapacity=3)
    failed = wait_for(lambda: [a for a in asg.describe_scaling_activities(AutoScalingGroupName=name)["Activities"] if a["StatusCode"] == "Failed"])
    assert "does not exist" in failed[0]["StatusMessage"] and shared in failed[0]["StatusMessage"]
    assert len(group(asg, name)["Instances"]) == 2
    asg.delete_auto_scaling_group(AutoScalingGroupName=name, ForceDelete=True)
