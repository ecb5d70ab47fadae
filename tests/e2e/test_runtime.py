"""The QEMU runtime end to end: instances that really boot, their disks Kiln volumes served
over NBD, their serial console, and their states driven by the machines.

A fixture builds two small bootable disks from Debian packages (tests/e2e/fixtures/
build_boot_disk.py): one whose init writes a record into its disk's last MiB and powers off,
one that stays up. They are imported and registered with `kiln image import --register` and
run under TCG with 256 MiB and one vCPU. Every test ends its machines; the module checks at
the end that no QEMU process of its server is left.

Skipped, with the reason, where qemu-system-x86_64 or the fixture's tools are missing
(scripts/install-deps.sh test installs them).
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from kiln_harness import DEV_ARGS, KilnServer, make_client, run_kiln

FIXTURE = Path(__file__).parent / "fixtures" / "build_boot_disk.py"
TOOLS = ["qemu-system-x86_64", "syslinux", "mcopy", "mkfs.vfat", "sfdisk", "apt-get", "dpkg-deb"]
MISSING = [tool for tool in TOOLS if shutil.which(tool) is None] + [
    path for path in ["/bin/busybox", "/usr/lib/syslinux/mbr/mbr.bin"] if not os.path.exists(path)
]
pytestmark = pytest.mark.skipif(
    bool(MISSING), reason=f"the QEMU runtime tests need {', '.join(MISSING)} (scripts/install-deps.sh test installs them)"
)

MIB = 1 << 20
BOOT_TIMEOUT = 180
RUNTIME_ARGS = ["--runtime", "qemu", "--runtime-max-memory", "256", "--runtime-max-vcpus", "1",
                "--runtime-memory-budget", "768", "--runtime-stop-timeout", "30"]


def machines_of(server: KilnServer) -> list[int]:
    """Pids of QEMU processes serving this server's instances (their sockets live under its run dir)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(arg.endswith(b"qemu-system-x86_64") for arg in argv) and any(
            str(server.data_dir).encode() in arg for arg in argv
        ):
            pids.append(int(entry.name))
    return pids


@pytest.fixture(scope="module")
def disks(tmp_path_factory):
    directory = tmp_path_factory.mktemp("boot-disks")
    built = {}
    for mode in ("poweroff", "stay"):
        path = directory / f"{mode}.raw"
        result = subprocess.run(["python3", str(FIXTURE), str(path), "--mode", mode], capture_output=True, text=True, timeout=600)
        if result.returncode != 0:
            pytest.skip(f"could not build the boot disk fixture: {result.stderr[-500:]}")
        built[mode] = path
    return built


@pytest.fixture(scope="module")
def qemu_kiln(workdir, disks):
    server = KilnServer(workdir, "qemu-runtime", DEV_ARGS + RUNTIME_ARGS)
    server.start()
    images = {}
    for mode, path in disks.items():
        snapshot, ami = run_kiln(server.endpoint, "image", "import", path, "--name", f"boot-{mode}", "--register").stdout.split()
        images[mode] = ami
    server.images = images
    yield server
    server.stop(timeout=20)
    time.sleep(0.5)
    assert machines_of(server) == [], "a QEMU process outlived Kiln"


@pytest.fixture
def ec2(qemu_kiln):
    return make_client(qemu_kiln.endpoint, "ec2")


@pytest.fixture
def launched(qemu_kiln):
    """Instance ids a test launches; whatever it leaves running is terminated after it."""
    ids: list[str] = []
    yield ids
    client = make_client(qemu_kiln.endpoint, "ec2")
    live = [i for i in ids if state_of(client, i)["State"]["Name"] not in ("terminated",)]
    if live:
        client.terminate_instances(InstanceIds=live)
        for instance_id in live:
            wait_state(client, instance_id, "terminated", timeout=60)


def state_of(ec2, instance_id):
    return ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]


def wait_state(ec2, instance_id, wanted, timeout=BOOT_TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        instance = state_of(ec2, instance_id)
        if instance["State"]["Name"] == wanted:
            return instance
        time.sleep(0.5)
    raise AssertionError(f"{instance_id} not {wanted} after {timeout}s: {instance['State']} {instance.get('StateReason')}")


def console(ec2, instance_id) -> str:
    return ec2.get_console_output(InstanceId=instance_id, Latest=True).get("Output", "")  # botocore decodes the base64


def wait_console(ec2, instance_id, text, count=1, timeout=BOOT_TIMEOUT) -> str:
    deadline = time.monotonic() + timeout
    seen = ""
    while time.monotonic() < deadline:
        seen = console(ec2, instance_id)
        if seen.count(text) >= count:
            return seen
        time.sleep(0.5)
    raise AssertionError(f"{instance_id}: {text!r} x{count} not on the console after {timeout}s\n{seen[-3000:]}")


def run_one(ec2, image, launched, **kw):
    instance = ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1, **kw)["Instances"][0]
    launched.append(instance["InstanceId"])
    return instance


def wait_console_after(ec2, instance_id, text, after, timeout=60) -> str:
    """Waits until `text` is on the console after the last line that holds `after`."""
    deadline = time.monotonic() + timeout
    seen = ""
    while time.monotonic() < deadline:
        seen = console(ec2, instance_id)
        if after in seen and text in seen[seen.rindex(after) + len(after):]:
            return seen
        time.sleep(0.5)
    raise AssertionError(f"{instance_id}: {text!r} not on the console after {after!r} in {timeout}s\n{seen[-2000:]}")


def root_volume(instance):
    return next(m["Ebs"]["VolumeId"] for m in instance["BlockDeviceMappings"] if m["DeviceName"] == instance["RootDeviceName"])


def test_instance_boots_writes_its_disk_and_powers_off(qemu_kiln, ec2, launched, tmp_path):
    """The kernel's own lines and the marker on the console; the guest's power-off stops the
    instance with AWS's StateReason; CreateImage + export shows the bytes the guest wrote;
    a second start sees the first boot's record."""
    started = time.monotonic()
    instance = run_one(ec2, qemu_kiln.images["poweroff"], launched)
    instance_id = instance["InstanceId"]
    assert instance["State"]["Name"] == "pending"
    text = wait_console(ec2, instance_id, "KILN-MARKER-OK")
    print(f"\nboot time from RunInstances to the marker: {time.monotonic() - started:.1f} s")
    assert "Linux version 6.1" in text and "KILN-FIXTURE: wrote boots=1" in text
    stopped = wait_state(ec2, instance_id, "stopped")
    assert stopped["StateReason"]["Code"] == "Client.InstanceInitiatedShutdown"
    assert "KILN-MARKER-OK" in run_kiln(qemu_kiln.endpoint, "instance", "console", instance_id).stdout
    volume_id = root_volume(stopped)
    assert f"root serial={volume_id.replace('-', '')}" in text

    image_id = ec2.create_image(InstanceId=instance_id, Name="after-first-boot")["ImageId"]
    ec2.get_waiter("image_available").wait(ImageIds=[image_id], WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    out = tmp_path / "after.raw"
    run_kiln(qemu_kiln.endpoint, "image", "export", image_id, "-o", out)
    with open(out, "rb") as handle:
        handle.seek(out.stat().st_size - MIB)
        record = handle.read(64)
    assert record.startswith(f"KILN-DATA boots=1 serial={volume_id.replace('-', '')} end".encode()), record

    ec2.start_instances(InstanceIds=[instance_id])
    wait_state(ec2, instance_id, "stopped")
    text = console(ec2, instance_id)
    assert "previous=[KILN-DATA boots=1" in text and "KILN-FIXTURE: wrote boots=2" in text
    ec2.terminate_instances(InstanceIds=[instance_id])
    wait_state(ec2, instance_id, "terminated", timeout=30)


def test_guest_shutdown_terminates_when_the_behaviour_says_so(qemu_kiln, ec2, launched):
    instance = run_one(ec2, qemu_kiln.images["poweroff"], launched, InstanceInitiatedShutdownBehavior="terminate")
    ended = wait_state(ec2, instance["InstanceId"], "terminated")
    assert ended["StateReason"]["Code"] == "Client.InstanceInitiatedShutdown"
    volume = root_volume(instance)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if not ec2.describe_volumes(Filters=[{"Name": "volume-id", "Values": [volume]}])["Volumes"]:
            break
        time.sleep(0.5)
    else:
        raise AssertionError("the DeleteOnTermination root volume was not deleted")


def test_reboot_hotplug_stop_force_and_terminate(qemu_kiln, ec2, launched):
    instance = run_one(ec2, qemu_kiln.images["stay"], launched)
    instance_id = instance["InstanceId"]
    wait_state(ec2, instance_id, "running")
    wait_console(ec2, instance_id, "KILN-FIXTURE: ready")
    assert not machines_of(qemu_kiln) == []

    ec2.reboot_instances(InstanceIds=[instance_id])
    text = wait_console(ec2, instance_id, "KILN-FIXTURE: ready", count=2)
    assert text.count("Linux version 6.1") >= 2 and "previous=[KILN-DATA boots=1" in text
    assert state_of(ec2, instance_id)["State"]["Name"] == "running"

    volume = ec2.create_volume(AvailabilityZone=instance["Placement"]["AvailabilityZone"], Size=1)["VolumeId"]
    ec2.get_waiter("volume_available").wait(VolumeIds=[volume], WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    ec2.attach_volume(VolumeId=volume, InstanceId=instance_id, Device="/dev/sdf")
    serial = volume.replace("-", "")
    wait_console(ec2, instance_id, serial, timeout=60)
    ec2.detach_volume(VolumeId=volume, InstanceId=instance_id)
    ec2.get_waiter("volume_available").wait(VolumeIds=[volume], WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    root_serial = root_volume(instance).replace("-", "")
    wait_console_after(ec2, instance_id, f"disks=[{root_serial} ]", after=serial)

    ec2.stop_instances(InstanceIds=[instance_id])
    wait_state(ec2, instance_id, "stopped", timeout=60)
    assert "KILN-FIXTURE: power button" in console(ec2, instance_id)

    ec2.start_instances(InstanceIds=[instance_id])
    wait_state(ec2, instance_id, "running")
    wait_console(ec2, instance_id, "KILN-FIXTURE: ready", count=3)
    asked = time.monotonic()
    ec2.stop_instances(InstanceIds=[instance_id], Force=True)
    wait_state(ec2, instance_id, "stopped", timeout=30)
    assert time.monotonic() - asked < 15
    assert console(ec2, instance_id).count("KILN-FIXTURE: power button") == 1

    ec2.start_instances(InstanceIds=[instance_id])
    wait_state(ec2, instance_id, "running")
    ec2.terminate_instances(InstanceIds=[instance_id])
    wait_state(ec2, instance_id, "terminated", timeout=30)
    assert machines_of(qemu_kiln) == []
    ec2.delete_volume(VolumeId=volume)


def test_uefi_image_boots_with_ovmf(qemu_kiln, ec2, launched):
    """An image registered with BootMode uefi boots through OVMF: the firmware's shell runs the
    fixture's startup.nsh, which starts the kernel's EFI stub, and the guest runs to power-off."""
    if not any(os.path.exists(path) for path in ("/usr/share/ovmf/OVMF.fd", "/usr/share/qemu/OVMF.fd")):
        pytest.skip("Debian's ovmf is not installed (scripts/install-deps.sh test installs it)")
    source = ec2.describe_images(ImageIds=[qemu_kiln.images["poweroff"]])["Images"][0]
    snapshot = source["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
    image = ec2.register_image(
        Name=f"uefi-{time.monotonic_ns()}", Architecture="x86_64", BootMode="uefi", VirtualizationType="hvm",
        RootDeviceName="/dev/xvda", BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snapshot}}],
    )["ImageId"]
    instance = run_one(ec2, image, launched)
    assert instance["BootMode"] == "uefi"
    text = wait_console(ec2, instance["InstanceId"], "KILN-MARKER-OK")
    assert "UEFI Interactive Shell" in text and "Linux version 6.1" in text
    wait_state(ec2, instance["InstanceId"], "stopped")


def status_of(ec2, instance_id):
    statuses = ec2.describe_instance_status(InstanceIds=[instance_id], IncludeAllInstances=True)["InstanceStatuses"]
    return statuses[0]["SystemStatus"]["Status"], statuses[0]["InstanceStatus"]["Status"]


def test_status_checks_come_from_the_machine_and_a_dead_qemu_fails_them(qemu_kiln, ec2, launched):
    """DescribeInstanceStatus passes both checks once the guest prints; a QEMU killed from
    outside stops the instance with Server.InternalError, and the checks show it impaired."""
    instance_id = run_one(ec2, qemu_kiln.images["stay"], launched)["InstanceId"]
    wait_state(ec2, instance_id, "running")
    wait_console(ec2, instance_id, "KILN-FIXTURE: ready")
    assert status_of(ec2, instance_id) == ("ok", "ok")
    ok = ec2.describe_instance_status(Filters=[{"Name": "instance-status.status", "Values": ["ok"]}])["InstanceStatuses"]
    assert instance_id in [s["InstanceId"] for s in ok]
    shot = base64.b64decode(ec2.get_console_screenshot(InstanceId=instance_id)["ImageData"])
    assert shot.startswith(b"\x89PNG\r\n\x1a\n") and len(shot) > 1000, "a PNG of the VGA display"
    pids = [pid for pid in machines_of(qemu_kiln) if instance_id.encode() in Path(f"/proc/{pid}/cmdline").read_bytes()]
    assert len(pids) == 1
    os.kill(pids[0], 9)
    stopped = wait_state(ec2, instance_id, "stopped", timeout=60)
    assert stopped["StateReason"]["Code"] == "Server.InternalError", stopped["StateReason"]
    assert status_of(ec2, instance_id) == ("impaired", "impaired")
    ec2.terminate_instances(InstanceIds=[instance_id])
    wait_state(ec2, instance_id, "terminated", timeout=30)


def test_launch_beyond_the_host_budget_is_refused(qemu_kiln, ec2):
    with pytest.raises(Exception) as caught:
        ec2.run_instances(ImageId=qemu_kiln.images["stay"], InstanceType="t3.micro", MinCount=4, MaxCount=4)
    assert "InsufficientInstanceCapacity" in str(caught.value)


def test_kill9_with_running_instances_then_recovery(qemu_kiln, ec2, launched):
    reservation = ec2.run_instances(ImageId=qemu_kiln.images["stay"], InstanceType="t3.micro", MinCount=2, MaxCount=2)
    ids = [i["InstanceId"] for i in reservation["Instances"]]
    launched.extend(ids)
    for instance_id in ids:
        wait_console(ec2, instance_id, "KILN-FIXTURE: ready")
    assert len(machines_of(qemu_kiln)) == 2
    qemu_kiln.kill9()
    deadline = time.monotonic() + 10
    while machines_of(qemu_kiln) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert machines_of(qemu_kiln) == [], "QEMU outlived a Kiln killed with -9"
    qemu_kiln.start()
    ec2 = make_client(qemu_kiln.endpoint, "ec2")
    for instance_id in ids:
        assert state_of(ec2, instance_id)["State"]["Name"] == "running"
        text = wait_console(ec2, instance_id, "KILN-FIXTURE: ready", count=2)
        assert "previous=[KILN-DATA boots=1" in text
    ec2.terminate_instances(InstanceIds=ids)
    for instance_id in ids:
        wait_state(ec2, instance_id, "terminated", timeout=30)
