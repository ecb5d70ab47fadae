"""Inside the instance, end to end under the QEMU runtime: the guest's network by DHCP, its
instance metadata service (IMDSv2), the key pair's key over SSH through the port its security
group opens, user data, and Packer's SSH communicator with a shell provisioner.

The fixture image is tests/e2e/fixtures/build_boot_disk.py in mode ``cloud``: a busybox
initramfs whose init brings eth0 up with DHCP, reads its instance id and the key pair's public
key from IMDSv2 with a session token, starts dropbear for root, then runs its user data. It
runs under TCG with 256 MiB and one vCPU; every test ends its machines, and the module checks
that no QEMU process outlives the server.

Skipped, with the reason, where QEMU, dropbear, ssh or the fixture's tools are missing
(scripts/install-deps.sh test installs them).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from kiln_harness import DEV_ARGS, KilnServer, make_client, run_kiln
from test_runtime import FIXTURE, MISSING as RUNTIME_MISSING, MIB, RUNTIME_ARGS, console, machines_of, wait_console, wait_state

MISSING = RUNTIME_MISSING + [tool for tool in ["dropbear", "dropbearkey", "ssh", "scp"] if shutil.which(tool) is None]
pytestmark = pytest.mark.skipif(bool(MISSING), reason=f"these tests need {', '.join(MISSING)} (scripts/install-deps.sh test installs them)")

SSH_OPTIONS = ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=10",
               "-o", "BatchMode=yes", "-o", "LogLevel=ERROR"]


@pytest.fixture(scope="module")
def cloud_kiln(workdir, tmp_path_factory):
    disk = tmp_path_factory.mktemp("cloud-disk") / "cloud.raw"
    built = subprocess.run(["python3", str(FIXTURE), str(disk), "--mode", "cloud", "--size-mib", "64"], capture_output=True, text=True, timeout=600)
    if built.returncode != 0:
        pytest.skip(f"could not build the cloud fixture disk: {built.stderr[-500:]}")
    server = KilnServer(workdir, "inside-instance", DEV_ARGS + RUNTIME_ARGS)
    server.start()
    _, server.image = run_kiln(server.endpoint, "image", "import", disk, "--name", "cloud-fixture", "--register").stdout.split()
    yield server
    server.stop(timeout=20)
    time.sleep(0.5)
    assert machines_of(server) == [], "a QEMU process outlived Kiln"


@pytest.fixture
def ec2(cloud_kiln):
    return make_client(cloud_kiln.endpoint, "ec2")


@pytest.fixture
def key(ec2, tmp_path):
    """A new key pair, its private key in a file as ssh wants it."""
    name = f"inside-{time.monotonic_ns()}"
    material = ec2.create_key_pair(KeyName=name, KeyType="ed25519")["KeyMaterial"]
    path = tmp_path / "key.pem"
    path.write_text(material + "\n")
    path.chmod(0o600)
    yield name, path
    ec2.delete_key_pair(KeyName=name)


@pytest.fixture
def ssh_group(ec2):
    """A security group of the default VPC that opens port 22 to everyone."""
    group = ec2.create_security_group(GroupName=f"ssh-{time.monotonic_ns()}", Description="ssh")["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[ssh_rule()])
    return group


def ssh_rule() -> dict:
    return {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}


def ssh(address: str, key_path: Path, command: str, timeout: int = 60) -> subprocess.CompletedProcess:
    """Runs `command` over SSH. The forwarded port accepts as soon as QEMU forwards it, before
    the guest's server listens, so a reset before the key exchange is retried, as Packer does."""
    for _ in range(20):
        result = subprocess.run(["ssh", "-i", str(key_path), *SSH_OPTIONS, f"root@{address}", command], capture_output=True, text=True, timeout=timeout)
        if result.returncode != 255 or "kex_exchange_identification" not in result.stderr:
            return result
        time.sleep(1)
    return result


def port_open(address: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(3)
        return probe.connect_ex((address, port)) == 0


def wait_port(address: str, port: int, is_open: bool, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if port_open(address, port) == is_open:
            return
        time.sleep(0.3)
    raise AssertionError(f"{address}:{port} did not become {'open' if is_open else 'closed'} in {timeout}s")


def launch(ec2, image: str, key_name: str, group: str, **kwargs) -> dict:
    return ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1, KeyName=key_name,
                             SecurityGroupIds=[group], **kwargs)["Instances"][0]


def end(ec2, instance_id: str) -> None:
    ec2.terminate_instances(InstanceIds=[instance_id])
    wait_state(ec2, instance_id, "terminated", timeout=60)


def test_ssh_with_the_key_pair_user_data_and_security_group_ports(cloud_kiln, ec2, key, ssh_group):
    """User data runs on the console; ssh -i with the key pair reaches the guest on its public
    address and reads the instance id the guest got from IMDSv2; an unopened port is refused;
    revoking the rule closes port 22 and authorizing it reopens it; with HttpTokens=required a
    request without a token is answered 401."""
    key_name, key_path = key
    user_data = "#!/bin/sh\necho USER-DATA-RAN as $(cat /etc/instance-id)\n"
    started = time.monotonic()
    instance = launch(ec2, cloud_kiln.image, key_name, ssh_group, UserData=user_data,
                      MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"})
    instance_id = instance["InstanceId"]
    try:
        text = wait_console(ec2, instance_id, "USER-DATA-RAN")
        print(f"\nfrom RunInstances to the user data's output: {time.monotonic() - started:.1f} s")
        assert f"USER-DATA-RAN as {instance_id}" in text
        assert f"KILN-FIXTURE: instance-id={instance_id}" in text and "public key installed" in text
        described = wait_state(ec2, instance_id, "running")
        address = described["PublicIpAddress"]
        assert address.startswith("127."), address
        assert described["MetadataOptions"]["HttpTokens"] == "required"
        wait_port(address, 22, True)

        result = ssh(address, key_path, "cat /etc/instance-id; ip -4 addr show eth0")
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines()[0] == instance_id
        assert described["PrivateIpAddress"] in result.stdout
        dmi = ssh(address, key_path, "cat /sys/class/dmi/id/sys_vendor /sys/class/dmi/id/product_serial /sys/class/dmi/id/product_uuid")
        assert dmi.stdout.startswith("Amazon EC2") and dmi.stdout.split()[-2].startswith("ec2"), dmi.stdout
        assert dmi.stdout.split()[-2].lower() == dmi.stdout.split()[-1].lower(), "cloud-init's EC2 check: serial equals UUID"
        bare = ssh(address, key_path, "printf 'GET /latest/meta-data/instance-id HTTP/1.0\\r\\n\\r\\n' | nc 169.254.169.254 80 | head -n 1")
        assert " 401 " in bare.stdout, bare.stdout + bare.stderr

        assert not port_open(address, 8080), "no rule opens 8080"
        ec2.revoke_security_group_ingress(GroupId=ssh_group, IpPermissions=[ssh_rule()])
        wait_port(address, 22, False)
        ec2.authorize_security_group_ingress(GroupId=ssh_group, IpPermissions=[ssh_rule()])
        wait_port(address, 22, True)
        assert ssh(address, key_path, "true").returncode == 0

        ec2.modify_instance_metadata_options(InstanceId=instance_id, HttpEndpoint="disabled")
        closed = ssh(address, key_path, "printf 'PUT /latest/api/token HTTP/1.0\\r\\nX-aws-ec2-metadata-token-ttl-seconds: 60\\r\\n\\r\\n' | nc 169.254.169.254 80 | head -n 1")
        assert " 403 " in closed.stdout, closed.stdout + closed.stderr
    finally:
        end(ec2, instance_id)


def packer_template(endpoint: str, image: str, marker: str) -> dict:
    write = ("SIZE=$(blockdev --getsize64 /dev/nvme0n1); "
             f"printf '%s %s' '{marker}' \"$(cat /etc/instance-id)\" | dd of=/dev/nvme0n1 bs=1M seek=$((SIZE / 1048576 - 2)) conv=fsync")
    return {
        "builders": [{
            "type": "amazon-ebs", "region": "us-east-1", "custom_endpoint_ec2": endpoint,
            "access_key": "000000000000", "secret_key": "test",
            "skip_metadata_api_check": True, "skip_credential_validation": True,
            "source_ami": image, "instance_type": "t3.micro",
            "communicator": "ssh", "ssh_username": "root", "ssh_interface": "public_ip", "ssh_timeout": "5m",
            "ami_name": "kiln-packer-provisioned",
        }],
        "provisioners": [{"type": "shell", "inline": [write, "sync"]}],
    }


def test_packer_shell_provisioner_makes_a_golden_image(cloud_kiln, ec2, key, ssh_group, tmp_path):
    """packer build with the SSH communicator and a shell provisioner exits 0; the AMI it made
    holds the provisioner's bytes when exported, and a new instance of it shows them over SSH."""
    marker = "PACKER-PROVISIONED"
    path = tmp_path / "golden.json"
    path.write_text(json.dumps(packer_template(cloud_kiln.endpoint, cloud_kiln.image, marker), indent=2))
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(CHECKPOINT_DISABLE="1", PACKER_CONFIG_DIR=str(tmp_path), HOME=str(tmp_path), PACKER_LOG="1",
               PACKER_LOG_PATH=str(tmp_path / "packer.log"), PACKER_CACHE_DIR=str(tmp_path / "packer_cache"))
    started = time.monotonic()
    built = subprocess.run(["packer", "build", "-machine-readable", str(path)], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=900)
    log = (tmp_path / "packer.log").read_text() if (tmp_path / "packer.log").exists() else ""
    assert built.returncode == 0, f"packer build failed:\n{built.stdout[-5000:]}\n{log[-6000:]}"
    print(f"\npacker build with a shell provisioner: {time.monotonic() - started:.1f} s")
    image = next(line.split(",")[5].split(":")[1] for line in built.stdout.splitlines()
                 if len(line.split(",")) > 5 and line.split(",")[2] == "artifact" and line.split(",")[4] == "id")

    exported = tmp_path / "golden.raw"
    run_kiln(cloud_kiln.endpoint, "image", "export", image, "-o", exported)
    with open(exported, "rb") as handle:
        handle.seek(exported.stat().st_size - 2 * MIB)
        record = handle.read(64).rstrip(b"\0").decode()
    assert record.startswith(marker + " i-"), record

    key_name, key_path = key
    instance_id = launch(ec2, image, key_name, ssh_group)["InstanceId"]
    try:
        wait_console(ec2, instance_id, "ssh server started")
        address = wait_state(ec2, instance_id, "running")["PublicIpAddress"]
        wait_port(address, 22, True)
        shown = ssh(address, key_path, "dd if=/dev/nvme0n1 bs=1M skip=$(($(blockdev --getsize64 /dev/nvme0n1) / 1048576 - 2)) count=1 2>/dev/null | head -c 64")
        assert shown.returncode == 0, shown.stderr
        assert shown.stdout.rstrip("\0") == record
    finally:
        end(ec2, instance_id)


def test_create_image_without_no_reboot_shuts_the_guest_down_cleanly(cloud_kiln, ec2, key, ssh_group, tmp_path):
    """Bytes the guest wrote but did not sync are in the image: CreateImage without NoReboot
    presses the power button, the guest syncs and powers off, the snapshots are taken, and the
    machine boots again (a second boot on the console, SSH back). In a cluster, CreateImage goes
    to each node in turn, so that one of them asks the node that runs the machine."""
    key_name, key_path = key
    instance_id = launch(ec2, cloud_kiln.image, key_name, ssh_group)["InstanceId"]
    try:
        wait_console(ec2, instance_id, "KILN-FIXTURE: ready")
        address = wait_state(ec2, instance_id, "running")["PublicIpAddress"]
        for boot, endpoint in enumerate(cloud_kiln.node_endpoints(), start=1):
            wait_port(address, 22, True, timeout=60)
            marker = f"UNSYNCED-{boot}-{instance_id}"
            wrote = ssh(address, key_path, f"printf '{marker}' | dd of=/dev/nvme0n1 bs=1M seek=$(($(blockdev --getsize64 /dev/nvme0n1) / 1048576 - 3)) 2>/dev/null")
            assert wrote.returncode == 0, wrote.stderr
            image = make_client(endpoint, "ec2").create_image(InstanceId=instance_id, Name=f"rebooted-{boot}-{instance_id}")["ImageId"]
            ec2.get_waiter("image_available").wait(ImageIds=[image], WaiterConfig={"Delay": 1, "MaxAttempts": 120})
            exported = tmp_path / f"rebooted-{boot}.raw"
            run_kiln(cloud_kiln.endpoint, "image", "export", image, "-o", exported)
            with open(exported, "rb") as handle:
                handle.seek(exported.stat().st_size - 3 * MIB)
                assert handle.read(len(marker)).decode() == marker, f"CreateImage through {endpoint}"
            text = wait_console(ec2, instance_id, "KILN-FIXTURE: ready", count=boot + 1)
            assert text.count("KILN-FIXTURE: power button") >= boot
            assert wait_state(ec2, instance_id, "running")["State"]["Name"] == "running"
        wait_port(address, 22, True, timeout=60)
        assert ssh(address, key_path, "cat /etc/instance-id").stdout.strip() == instance_id
    finally:
        end(ec2, instance_id)


WRITER = r"""
cat > /tmp/writer.sh <<'SCRIPT'
LAST=$(($(blockdev --getsize64 /dev/nvme0n1) / 1048576 - 4))
i=0
while true; do
  i=$((i + 1))
  printf 'A%08d' $i | dd of=/dev/nvme0n1 bs=1M seek=$LAST conv=fsync 2>/dev/null
  printf 'B%08d' $i | dd of=/dev/nvme0n1 bs=1M seek=$((LAST + 1)) conv=fsync 2>/dev/null
done
SCRIPT
sh /tmp/writer.sh > /dev/null 2>&1 &
"""


def counters(path: Path) -> tuple[int, int]:
    """The writer's two counters in an exported disk: A is written and flushed before B."""
    with open(path, "rb") as handle:
        size = path.stat().st_size
        handle.seek(size - 4 * MIB)
        a = handle.read(9)
        handle.seek(size - 3 * MIB)
        b = handle.read(9)
    return int(a[1:] or b"0"), int(b[1:] or b"0")


def test_images_of_a_guest_writing_continuously_hold_flushed_states(cloud_kiln, ec2, key, ssh_group, tmp_path):
    """A guest writes a counter to region A, flushes, writes it to region B, flushes, forever.
    Every flushed state has B <= A <= B + 1; CreateImage with NoReboot (while it writes) and
    without (after a clean shutdown) both export such a state."""
    key_name, key_path = key
    instance_id = launch(ec2, cloud_kiln.image, key_name, ssh_group)["InstanceId"]
    try:
        wait_console(ec2, instance_id, "KILN-FIXTURE: ready")
        address = wait_state(ec2, instance_id, "running")["PublicIpAddress"]
        wait_port(address, 22, True)
        assert ssh(address, key_path, WRITER).returncode == 0
        time.sleep(3)
        for no_reboot in (True, False):
            image = ec2.create_image(InstanceId=instance_id, Name=f"writing-{no_reboot}-{instance_id}", NoReboot=no_reboot)["ImageId"]
            ec2.get_waiter("image_available").wait(ImageIds=[image], WaiterConfig={"Delay": 1, "MaxAttempts": 120})
            exported = tmp_path / f"writing-{no_reboot}.raw"
            run_kiln(cloud_kiln.endpoint, "image", "export", image, "-o", exported)
            a, b = counters(exported)
            assert a > 0 and b <= a <= b + 1, f"NoReboot={no_reboot}: A={a} B={b} is not a state the guest flushed"
    finally:
        end(ec2, instance_id)
