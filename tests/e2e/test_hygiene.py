"""Image hygiene: `kiln image inspect` and GET /kiln/images/ID/inspection read an imported
image's volumes from the block store (partition table, ext4) and find what should not ship."""

import json
import os
import time
import shutil
import subprocess
from pathlib import Path

import pytest

from botocore.exceptions import ClientError

from kiln_harness import BLOCK_SIZE, DEV_ARGS, client_error, kiln_import, make_client, run_kiln, signed_request

MKFS = shutil.which("mkfs.ext4") or "/usr/sbin/mkfs.ext4"
SFDISK = shutil.which("sfdisk") or "/usr/sbin/sfdisk"

PEM = (
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
    "-----END OPENSSH PRIVATE KEY-----\n"
)
CREDENTIALS = (
    "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
)

DIRTY = {
    "root/.ssh/id_ed25519": PEM,
    "home/packer/.aws/credentials": CREDENTIALS,
    "etc/ssh/ssh_host_ed25519_key": PEM,
    "home/packer/.bash_history": "aws s3 ls\nsudo reboot\n",
    "home/packer/.ssh/authorized_keys": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFIXTURE packer\n",
    "etc/machine-id": "0123456789abcdef0123456789abcdef\n",
    "var/lib/cloud/instances/i-0abc/user-data.txt": "#cloud-config\n",
    "var/cache/apt/archives/big.deb": "x" * 300_000,
    "var/log/cloud-init.log": "boot\n" * 2000,
    "etc/hostname": "builder\n",
}
CLEAN = {"etc/hostname": "localhost\n", "etc/machine-id": "", "home/packer/.profile": "umask 022\n"}

EXPECTED_DIRTY = {
    ("private-key", "/root/.ssh/id_ed25519"),
    ("aws-access-key", "/home/packer/.aws/credentials"),
    ("cloud-credentials", "/home/packer/.aws/credentials"),
    ("ssh-host-key", "/etc/ssh/ssh_host_ed25519_key"),
    ("shell-history", "/home/packer/.bash_history"),
    ("authorized-keys", "/home/packer/.ssh/authorized_keys"),
    ("machine-id", "/etc/machine-id"),
    ("cloud-init-instance", "/var/lib/cloud/instances/i-0abc"),
    ("package-cache", "/var/cache/apt"),
    ("log", "/var/log/cloud-init.log"),
}


def make_tree(root: Path, files: dict[str, str]) -> Path:
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    root.mkdir(parents=True, exist_ok=True)
    return root


def gpt_disk(path: Path, tree: Path, megabytes: int = 96) -> Path:
    """A GPT disk: a 1 MiB BIOS boot partition, then an ext4 root made from `tree`."""
    with open(path, "wb") as f:
        f.truncate(megabytes << 20)
    script = (
        "label: gpt\n"
        "start=2048, size=2048, type=21686148-6449-6E6F-744E-656564454649\n"
        "start=4096, type=0FC63DAF-8483-4772-8E79-3D69E4C47DE4, name=root\n"
    )
    subprocess.run([SFDISK, "-q", str(path)], input=script.encode(), check=True, capture_output=True)
    size_kib = (megabytes << 10) - 4096 // 2 - 1024
    subprocess.run(
        [MKFS, "-q", "-F", "-d", str(tree), "-E", f"offset={4096 * 512}", str(path), str(size_kib)],
        check=True,
        capture_output=True,
    )
    return path


def import_image(kiln: str, path: Path, name: str, *extra) -> tuple[str, str]:
    run = run_kiln(kiln, "image", "import", path, "--name", name, "--register", *extra)
    snapshot_id, image_id = run.stdout.split()
    return snapshot_id, image_id


def inspect_json(kiln: str, resource_id: str) -> dict:
    return json.loads(run_kiln(kiln, "image", "inspect", resource_id, "--json").stdout)


def finding_set(report: dict) -> set[tuple[str, str]]:
    found = set()
    for volume in report["volumes"]:
        findings = [f for fs in volume["layout"]["fileSystems"] for f in fs["findings"]] + volume["rawFindings"]
        found |= {(f["kind"], f.get("path") or f"@{f.get('offset')}") for f in findings}
    return found


@pytest.fixture(scope="module")
def dirty_image(kiln, tmp_path_factory):
    base = tmp_path_factory.mktemp("hygiene")
    disk = gpt_disk(base / "dirty.raw", make_tree(base / "dirty", DIRTY))
    snapshot_id, image_id = import_image(kiln, disk, "hygiene-dirty")
    return snapshot_id, image_id, disk


def test_inspect_finds_every_planted_secret_with_its_path(kiln, dirty_image, aws):
    snapshot_id, image_id, _ = dirty_image
    report = inspect_json(kiln, image_id)
    assert report["id"] == image_id and report["name"] == "hygiene-dirty"
    assert finding_set(report) == EXPECTED_DIRTY
    assert report["highestSeverity"] == "high"
    volume = report["volumes"][0]
    assert volume["deviceName"] == "/dev/xvda" and volume["snapshotId"] == snapshot_id
    layout = volume["layout"]
    assert layout["partitionTable"]["scheme"] == "gpt"
    assert [p["number"] for p in layout["partitionTable"]["partitions"]] == [1, 2]
    assert [p["number"] for p in layout["unreadable"]] == [1]
    fs = layout["fileSystems"][0]
    assert (fs["type"], fs["partition"], fs["offset"]) == ("ext4", 2, 4096 * 512)
    access_key = next(f for f in fs["findings"] if f["kind"] == "aws-access-key")
    assert "secret access key" in access_key["detail"]
    assert "AKIAIOSFODNN7EXAMPLE" not in json.dumps(report), "the key id is masked"
    assert fs["reclaimableBytes"] >= 300_000 + 10_000
    assert report["reclaimableBytes"] == fs["reclaimableBytes"]

    # Sizes: the volume is 1 GiB; only the blocks mkfs wrote are mapped, fewer bytes are non-zero.
    assert volume["logicalBytes"] == 1 << 30
    assert 0 < volume["nonZeroBytes"] <= volume["mappedBytes"] < 96 << 20
    assert volume["mappedBytes"] % BLOCK_SIZE == 0
    assert 0 < volume["compressedBytes"] < volume["mappedBytes"], "ext4 metadata compresses"
    sharing = volume["sharing"]
    assert sharing["blocks"] * BLOCK_SIZE == volume["mappedBytes"]
    assert sharing["sharedWithParent"] == 0 and sharing.get("parentSnapshotId") is None

    # The aws CLI sees the same image; its root snapshot inspects the same.
    described = aws("ec2", "describe-images", "--image-ids", image_id)["Images"][0]
    assert described["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"] == snapshot_id
    assert finding_set(inspect_json(kiln, snapshot_id)) == EXPECTED_DIRTY


def test_readable_report_names_each_path(kiln, dirty_image):
    _, image_id, _ = dirty_image
    text = run_kiln(kiln, "image", "inspect", image_id).stdout
    for kind, path in EXPECTED_DIRTY:
        assert f"{kind} {path}" in text, text
    assert "[high] ssh-host-key /etc/ssh/ssh_host_ed25519_key" in text
    assert "partitions: gpt" in text and "ext4 on partition 2" in text
    failing = run_kiln(kiln, "image", "inspect", image_id, "--fail-on", "high", check=False)
    assert failing.returncode == 1


def test_http_route_and_errors(kiln, dirty_image, ec2):
    _, image_id, _ = dirty_image
    answer = signed_request(kiln, "GET", f"/kiln/images/{image_id}/inspection")
    assert answer.status_code == 200
    assert finding_set(answer.json()) == EXPECTED_DIRTY

    bad = signed_request(kiln, "GET", "/kiln/images/vol-0123456789abcdef0/inspection")
    assert bad.status_code == 400 and bad.json()["Code"] == "InvalidParameterValue"
    missing = signed_request(kiln, "GET", "/kiln/images/ami-0123456789abcdef0/inspection")
    assert missing.status_code == 400 and missing.json()["Code"] == "InvalidAMIID.NotFound"
    other = signed_request(kiln, "GET", f"/kiln/images/{image_id}/inspection", key="222222222222")
    assert other.status_code == 400 and other.json()["Code"] == "InvalidAMIID.NotFound", "only the owner reads an image"


def test_clean_image_shows_nothing(kiln, tmp_path):
    disk = gpt_disk(tmp_path / "clean.raw", make_tree(tmp_path / "clean", CLEAN))
    _, image_id = import_image(kiln, disk, "hygiene-clean")
    report = inspect_json(kiln, image_id)
    assert finding_set(report) == set()
    assert report.get("highestSeverity") is None
    assert report["reclaimableBytes"] == 0
    assert report["volumes"][0]["layout"]["fileSystems"][0]["files"] == 3
    ok = run_kiln(kiln, "image", "inspect", image_id, "--fail-on", "low", check=False)
    assert ok.returncode == 0, ok


def test_blocks_shared_with_the_parent_and_other_images(kiln, dirty_image, tmp_path):
    dirty_snapshot, dirty_image_id, dirty_disk = dirty_image
    child = tmp_path / "child.raw"
    shutil.copyfile(dirty_disk, child)
    data = bytearray(child.read_bytes())
    nonzero = [i for i in range(len(data) // BLOCK_SIZE) if any(data[i * BLOCK_SIZE:(i + 1) * BLOCK_SIZE])]
    changed = nonzero[len(nonzero) // 2]
    data[changed * BLOCK_SIZE + 7] ^= 0xFF
    child.write_bytes(bytes(data))
    _, image_id = import_image(kiln, child, "hygiene-child", "--parent", dirty_snapshot)
    sharing = inspect_json(kiln, image_id)["volumes"][0]["sharing"]
    assert sharing["parentSnapshotId"] == dirty_snapshot
    assert sharing["blocks"] == len(nonzero)
    assert (sharing["uniqueBlocks"], sharing["uniqueBytes"]) == (1, BLOCK_SIZE), "only the changed block is the child's own"
    assert sharing["sharedWithParent"] == len(nonzero) - 1
    assert sharing["sharedWithOtherImages"] == len(nonzero) - 1, "the parent is another image's root"
    parent_sharing = inspect_json(kiln, dirty_image_id)["volumes"][0]["sharing"]
    assert parent_sharing["sharedWithOtherImages"] == len(nonzero) - 1, "seen from the parent, the child shares all but one"


def test_secrets_outside_any_file_system_are_reported_by_offset(kiln, tmp_path):
    disk = tmp_path / "raw.img"
    with open(disk, "wb") as f:
        f.truncate(8 << 20)
        f.seek(3 * BLOCK_SIZE + 1234)
        f.write(PEM.encode())
    snapshot_id = kiln_import(kiln, disk, "hygiene-raw")
    report = inspect_json(kiln, snapshot_id)
    volume = report["volumes"][0]
    assert volume["layout"]["partitionTable"]["scheme"] == "none"
    assert volume["layout"]["fileSystems"] == []
    assert [(f["kind"], f["offset"]) for f in volume["rawFindings"]] == [("private-key", 3 * BLOCK_SIZE + 1234)]
    assert volume["nonZeroBytes"] == 4096


def test_scan_is_not_slower_than_an_export(kiln, tmp_path):
    """The small version of bench/inspection.py: a scan reads each block once from the store, so
    it takes no longer than an export of the same image (with room for a busy machine)."""
    tree = make_tree(tmp_path / "bulk", {f"srv/data/file-{i}.bin": os.urandom(1 << 20).hex()[: 1 << 20] for i in range(24)})
    disk = gpt_disk(tmp_path / "bulk.raw", tree, megabytes=96)
    _, image_id = import_image(kiln, disk, "hygiene-speed")
    started = time.perf_counter()
    report = inspect_json(kiln, image_id)
    inspect_seconds = time.perf_counter() - started
    started = time.perf_counter()
    run_kiln(kiln, "image", "export", image_id, "-o", tmp_path / "out.raw")
    export_seconds = time.perf_counter() - started
    assert report["volumes"][0]["mappedBytes"] >= 24 << 20
    assert inspect_seconds <= 3 * export_seconds + 2, (inspect_seconds, export_seconds)


@pytest.mark.parametrize("mode", ["refuse", "warn"])
def test_hygiene_check_on_sharing(kiln_factory, tmp_path, mode):
    server = kiln_factory(DEV_ARGS + ["--hygiene-check", mode], name=f"hygiene-{mode}")
    ec2 = make_client(server.endpoint, "ec2")
    dirty = gpt_disk(tmp_path / "dirty.raw", make_tree(tmp_path / "dirty", DIRTY))
    clean = gpt_disk(tmp_path / "clean.raw", make_tree(tmp_path / "clean", CLEAN))
    _, dirty_image = import_image(server.endpoint, dirty, "share-dirty")
    _, clean_image = import_image(server.endpoint, clean, "share-clean")
    share = {"LaunchPermission": {"Add": [{"UserId": "222222222222"}]}}

    ec2.modify_image_attribute(ImageId=clean_image, **share)
    if mode == "refuse":
        with pytest.raises(ClientError) as excinfo:
            ec2.modify_image_attribute(ImageId=dirty_image, **share)
        assert client_error(excinfo) == ("OperationNotPermitted", 400)
        message = excinfo.value.response["Error"]["Message"]
        for path in ("/root/.ssh/id_ed25519", "/home/packer/.aws/credentials", "/etc/ssh/ssh_host_ed25519_key"):
            assert path in message, message
        assert "bash_history" not in message, "only high-severity findings refuse"
        assert ec2.describe_image_attribute(ImageId=dirty_image, Attribute="launchPermission")["LaunchPermissions"] == []
    else:
        ec2.modify_image_attribute(ImageId=dirty_image, **share)
        assert ec2.describe_image_attribute(ImageId=dirty_image, Attribute="launchPermission")["LaunchPermissions"] == [{"UserId": "222222222222"}]
        assert "sharing an image with high-severity findings" in server.log_text()
        assert "/etc/ssh/ssh_host_ed25519_key" in server.log_text()
    # Removing a permission never reads the image.
    ec2.modify_image_attribute(ImageId=dirty_image, LaunchPermission={"Remove": [{"UserId": "222222222222"}]})


def test_encrypted_snapshot_is_read_through_its_key(kiln, dirty_image):
    """An encrypted snapshot's blocks are sealed in the store; the scan opens them with the
    account's key, and finds what the plain one holds."""
    _, _, disk = dirty_image
    snapshot_id = kiln_import(kiln, disk, "hygiene-encrypted", "--encrypted")
    report = inspect_json(kiln, snapshot_id)
    assert finding_set(report) == EXPECTED_DIRTY
    assert report["volumes"][0]["compressedBytes"] > 0
