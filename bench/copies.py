#!/usr/bin/env python3
"""CopyImage across regions: the first copy of a 2 GiB image and an incremental one after a 5%
change, against `cp` of the same file.

Steps, on a release build of Kiln with its own data dir:
  1. import the ext4 image that bench/dataplane.py caches (bench/out/cache/ext4-2G.img; built
     with mke2fs -d when missing) with `kiln image import --register`, in us-east-1;
  2. CopyImage to us-west-2 and wait until it is available: wall time, and the bytes the copy
     moved (its snapshot's changedBytes in /kiln/storage, i.e. blocks the destination lacked);
  3. launch the image in us-east-1, overwrite 5% of its non-zero blocks with random data
     through the volume extension, CreateImage, and copy that image: time and bytes again;
  4. `cp` of the image file to a new file followed by `sync` (the same data made durable
     once more), as the peer.

Targets (the issue's): the first copy within 2x of cp's time; the incremental copy moves at
most 10% of the bytes the first one moved. A PASS/FAIL table ends the report.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3
from botocore.config import Config

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests" / "e2e"))
from run import Server, find_kiln, free_port  # noqa: E402
from kiln_harness import BLOCK_SIZE, signed_request  # noqa: E402

ACCOUNT = "111111111111"
CONFIG = Config(retries={"max_attempts": 0})


def client(endpoint: str, service: str, region: str):
    return boto3.client(service, endpoint_url=endpoint, region_name=region, aws_access_key_id=ACCOUNT, aws_secret_access_key="bench", config=CONFIG)


def cached_image(size_label: str) -> Path:
    image = HERE / "out" / "cache" / f"ext4-{size_label}.img"
    if not image.exists():
        print(f"building {image} with bench/dataplane.py's image builder...", file=sys.stderr)
        import dataplane

        built, _ = dataplane.build_image(dataplane.parse_size(size_label), 0.5, False)
        image = built
    return image


def nonzero_blocks(path: Path) -> list[int]:
    zero = bytes(BLOCK_SIZE)
    found = []
    with open(path, "rb") as f:
        index = 0
        while chunk := f.read(BLOCK_SIZE):
            if chunk != zero[: len(chunk)]:
                found.append(index)
            index += 1
    return found


def wait_available(ec2, image_id: str, timeout: float = 1800) -> None:
    deadline = time.monotonic() + timeout
    while True:
        state = ec2.describe_images(ImageIds=[image_id])["Images"][0]["State"]
        if state == "available":
            return
        if state in ("failed", "error") or time.monotonic() > deadline:
            raise RuntimeError(f"{image_id} ended {state}")
        time.sleep(0.05)


def copied_bytes(endpoint: str, ec2, image_id: str) -> int:
    snapshot = ec2.describe_images(ImageIds=[image_id])["Images"][0]["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
    storage = signed_request(endpoint, "GET", "/kiln/storage", key=ACCOUNT, region="us-west-2").json()
    return next(s["changedBytes"] for s in storage["snapshots"] if s["snapshotId"] == snapshot)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="2G", help="image size label of the cached ext4 image (default 2G)")
    ap.add_argument("--change", type=float, default=5.0, help="percent of the non-zero blocks changed before the second copy (default 5)")
    ap.add_argument("--kiln-bin", help="kiln binary (default: $KILN_BIN, .build/release/kiln, .build/debug/kiln)")
    args = ap.parse_args()

    kiln_bin = find_kiln(args.kiln_bin)
    if kiln_bin is None:
        sys.exit("kiln binary not found: swift build -c release")
    image_path = cached_image(args.size)
    size = image_path.stat().st_size
    work = Path(tempfile.mkdtemp(prefix="kiln-bench-copies-", dir=str(HERE / "out")))
    port = free_port()
    server = Server(
        "kiln",
        [str(kiln_bin), "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(work / "data"), "--auth", "dev", "--latency", "instant",
         "--log-level", "warning", "--catalog", "none"],
        port, work / "kiln.log", "/health",
    )
    env = {**os.environ, "AWS_ACCESS_KEY_ID": ACCOUNT, "AWS_SECRET_ACCESS_KEY": "bench", "AWS_REGION": "us-east-1"}
    rows = []
    try:
        server.start()
        east, west = client(server.endpoint, "ec2", "us-east-1"), client(server.endpoint, "ec2", "us-west-2")
        print(f"importing {image_path} ({size >> 20} MiB)...", file=sys.stderr)
        run = subprocess.run([str(kiln_bin), "image", "import", str(image_path), "--name", "bench-copy", "--register", "--architecture", "x86_64",
                              "--endpoint-url", server.endpoint], env=env, capture_output=True, text=True, check=True)
        image = run.stdout.strip().splitlines()[-1]

        started = time.perf_counter()
        first = west.copy_image(SourceRegion="us-east-1", SourceImageId=image, Name="bench-copy-1")["ImageId"]
        wait_available(west, first)
        first_time = time.perf_counter() - started
        first_bytes = copied_bytes(server.endpoint, west, first)

        # Change a share of the image's blocks through an instance, then image it again.
        blocks = nonzero_blocks(image_path)
        chosen = random.Random(5).sample(blocks, max(1, int(len(blocks) * args.change / 100)))
        inst = east.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][0]
        root = inst["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
        for index in chosen:
            reply = signed_request(server.endpoint, "PUT", f"/kiln/volumes/{root}/data", query={"offset": str(index * BLOCK_SIZE)}, body=os.urandom(BLOCK_SIZE), key=ACCOUNT)
            assert reply.status_code == 200, reply.text
        v2 = east.create_image(InstanceId=inst["InstanceId"], Name="bench-copy-v2", NoReboot=True)["ImageId"]
        wait_available(east, v2)
        started = time.perf_counter()
        second = west.copy_image(SourceRegion="us-east-1", SourceImageId=v2, Name="bench-copy-2")["ImageId"]
        wait_available(west, second)
        second_time = time.perf_counter() - started
        second_bytes = copied_bytes(server.endpoint, west, second)
    finally:
        server.stop()

    target = work / "cp-copy.img"
    started = time.perf_counter()
    subprocess.run(["cp", str(image_path), str(target)], check=True)
    subprocess.run(["sync"], check=True)
    cp_time = time.perf_counter() - started
    target.unlink()

    print(f"\nCopyImage us-east-1 -> us-west-2 of a {size >> 20} MiB ext4 image ({len(blocks)} non-zero blocks)")
    print(f"{'what':<28} {'seconds':>8} {'MB/s':>8} {'bytes moved':>14}")
    print(f"{'cp + sync of the file':<28} {cp_time:>8.2f} {size / cp_time / 1e6:>8.0f} {size:>14}")
    print(f"{'first CopyImage':<28} {first_time:>8.2f} {size / first_time / 1e6:>8.0f} {first_bytes:>14}")
    print(f"{f'CopyImage after {args.change:g}% change':<28} {second_time:>8.2f} {'':>8} {second_bytes:>14}")
    first_ok = first_time <= 2 * cp_time
    incremental_ok = second_bytes <= 0.10 * first_bytes
    print(f"\n{'PASS' if first_ok else 'FAIL'}: first copy {first_time / cp_time:.2f}x cp's time (target: within 2x)")
    print(f"{'PASS' if incremental_ok else 'FAIL'}: incremental copy moved {100 * second_bytes / first_bytes:.1f}% of the first's bytes (target: at most 10%)")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if first_ok and incremental_ok else 1


if __name__ == "__main__":
    sys.exit(main())
