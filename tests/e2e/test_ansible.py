"""Ansible's amazon.aws collection (PyPI's ansible) against Kiln: a playbook makes a VPC, a
subnet and a security group, launches an instance into them and makes an image of it; run
again, it changes nothing; a second playbook removes it all, and run again changes nothing.
Ansible reaches only Kiln on 127.0.0.1: every other address goes to a proxy on a loopback
port that refuses and counts it (none may arrive), and the metadata service is off."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from kiln_harness import BLOCK_SIZE, make_client, register_ebs_image, upload_snapshot
from loopback_trap import LoopbackTrap

ACCOUNT = "333300003333"

pytestmark = pytest.mark.skipif(shutil.which("ansible-playbook") is None, reason="ansible is not installed (scripts/install-deps.sh test installs it)")

COMMON = """
- hosts: localhost
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  module_defaults:
    group/aws:
      endpoint_url: "{{ endpoint }}"
      region: us-east-1
      access_key: "%s"
      secret_key: test
  tasks:
""" % ACCOUNT

BUILD = COMMON + """
    - name: vpc
      amazon.aws.ec2_vpc_net:
        name: kiln-lab
        cidr_block: 10.70.0.0/16
        tags: {Team: images}
      register: vpc
    - name: subnet
      amazon.aws.ec2_vpc_subnet:
        vpc_id: "{{ vpc.vpc.id }}"
        cidr: 10.70.1.0/24
        az: us-east-1b
        tags: {Name: kiln-lab-b}
      register: subnet
    - name: group
      amazon.aws.ec2_security_group:
        name: kiln-lab-web
        description: web hosts
        vpc_id: "{{ vpc.vpc.id }}"
        rules:
          - {proto: tcp, ports: [22], cidr_ip: 10.0.0.0/8, rule_desc: ssh}
          - {proto: tcp, ports: [443], cidr_ip: 0.0.0.0/0}
      register: group
    - name: instance
      amazon.aws.ec2_instance:
        name: kiln-lab-host
        image_id: "{{ image_id }}"
        instance_type: t3.micro
        vpc_subnet_id: "{{ subnet.subnet.id }}"
        security_group: "{{ group.group_id }}"
        network:
          assign_public_ip: true
        wait: true
        state: running
      register: instance
    # ec2_ami is idempotent for an image it is given by id: look it up by name first.
    - name: existing image
      amazon.aws.ec2_ami_info:
        owners: [self]
        filters: {name: kiln-lab-image}
      register: existing
    - name: image
      amazon.aws.ec2_ami:
        image_id: "{{ existing.images[0].image_id if existing.images else omit }}"
        instance_id: "{{ instance.instances[0].instance_id }}"
        name: kiln-lab-image
        wait: true
        tags: {Built: ansible}
      register: image
    - name: report
      ansible.builtin.copy:
        dest: "{{ report }}"
        content: "{{ {'vpc': vpc.vpc.id, 'subnet': subnet.subnet.id, 'group': group.group_id, 'instance': instance.instances[0].instance_id, 'private_ip': instance.instances[0].private_ip_address, 'image': image.image_id} | to_json }}"
"""

CLEAN = COMMON + """
    - name: instance
      amazon.aws.ec2_instance:
        filters: {"tag:Name": kiln-lab-host, "instance-state-name": [pending, running, stopping, stopped]}
        state: absent
        wait: true
    - name: existing image
      amazon.aws.ec2_ami_info:
        owners: [self]
        filters: {name: kiln-lab-image}
      register: existing
    - name: image
      amazon.aws.ec2_ami:
        image_id: "{{ existing.images[0].image_id }}"
        state: absent
        delete_snapshot: true
      when: existing.images | length > 0
    - name: group
      amazon.aws.ec2_security_group:
        name: kiln-lab-web
        vpc_id: "{{ vpc_id }}"
        state: absent
    - name: subnet
      amazon.aws.ec2_vpc_subnet:
        vpc_id: "{{ vpc_id }}"
        cidr: 10.70.1.0/24
        state: absent
    - name: vpc
      amazon.aws.ec2_vpc_net:
        name: kiln-lab
        cidr_block: 10.70.0.0/16
        state: absent
"""


@pytest.fixture
def trap():
    trap = LoopbackTrap()
    yield trap
    trap.close()


def play(tmp_path, name: str, text: str, extra: dict, trap: LoopbackTrap) -> dict[str, bool]:
    """Runs a playbook; returns whether each task changed something."""
    path = tmp_path / f"{name}.yml"
    path.write_text(text)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(trap.env())
    env.update(
        ANSIBLE_STDOUT_CALLBACK="json", ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        ANSIBLE_HOME=str(tmp_path / "ansible-home"), ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-tmp"),
    )
    playbook = shutil.which("ansible-playbook") or os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
    p = subprocess.run([playbook, "-i", "localhost,", str(path), "-e", json.dumps(extra)], env=env, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, f"{name} failed:\n{p.stdout[-8000:]}\n{p.stderr[-3000:]}"
    result = json.loads(p.stdout[p.stdout.index("{"):])
    tasks = result["plays"][0]["tasks"]
    return {task["task"]["name"]: task["hosts"]["localhost"].get("changed", False) for task in tasks}


def test_ansible_builds_a_network_an_instance_and_an_image_idempotently(kiln, tmp_path, trap):
    ec2 = make_client(kiln, "ec2", key=ACCOUNT)
    ebs = make_client(kiln, "ebs", key=ACCOUNT)
    image_id = register_ebs_image(ec2, upload_snapshot(ebs, {0: os.urandom(BLOCK_SIZE)}), "ansible-base")
    report = tmp_path / "report.json"
    extra = {"endpoint": kiln, "image_id": image_id, "report": str(report)}

    first = play(tmp_path, "build", BUILD, extra, trap)
    assert all(first[name] for name in ("vpc", "subnet", "group", "instance", "image")), first
    made = json.loads(report.read_text())
    inst = ec2.describe_instances(InstanceIds=[made["instance"]])["Reservations"][0]["Instances"][0]
    assert inst["SubnetId"] == made["subnet"] and inst["VpcId"] == made["vpc"] and inst["SecurityGroups"][0]["GroupId"] == made["group"]
    assert inst["PrivateIpAddress"] == made["private_ip"] and inst["PrivateIpAddress"].startswith("10.70.1.") and inst["PublicIpAddress"].startswith("127.")
    group = ec2.describe_security_groups(GroupIds=[made["group"]])["SecurityGroups"][0]
    assert sorted(p["FromPort"] for p in group["IpPermissions"]) == [22, 443]
    assert ec2.describe_images(ImageIds=[made["image"]])["Images"][0]["State"] == "available"

    second = play(tmp_path, "build", BUILD, extra, trap)
    assert not any(second[name] for name in ("vpc", "subnet", "group", "instance", "image")), second
    assert json.loads(report.read_text()) == made

    cleaned = play(tmp_path, "clean", CLEAN, {**extra, "vpc_id": made["vpc"]}, trap)
    assert all(cleaned[name] for name in ("instance", "image", "group", "subnet", "vpc")), cleaned
    assert ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [made["vpc"]]}])["Vpcs"] == []
    assert ec2.describe_images(Filters=[{"Name": "image-id", "Values": [made["image"]]}])["Images"] == []
    assert ec2.describe_instances(InstanceIds=[made["instance"]])["Reservations"][0]["Instances"][0]["State"]["Name"] == "terminated"
    again = play(tmp_path, "clean", CLEAN, {**extra, "vpc_id": made["vpc"]}, trap)
    assert not any(again[name] for name in ("instance", "image", "group", "subnet", "vpc")), again
    assert trap.requests == [], f"ansible tried to reach beyond Kiln: {trap.requests}"
