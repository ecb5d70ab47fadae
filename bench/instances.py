#!/usr/bin/env python3
"""RunInstances at scale: Kiln vs moto_server, and Kiln's storage work per launch.

Part 1 launches 100 instances (--count) from an 8 GiB image in each server, one
RunInstances call per instance from --workers threads, and reports launches per second,
p50 and p99 and the Kiln/moto ratio. Both images are registered the way each server
allows: in Kiln from a snapshot uploaded through the EBS direct APIs (--data-mib of random
data in an 8 GiB volume), in moto from a volume's snapshot (moto keeps no data).

Part 2 makes a second Kiln image with the same data in a 64 GiB volume and launches
--count instances from each image, measuring what each launch costs the store: bytes
added to the block packs (blocks/), to the metadata (kiln.sqlite and its WAL) and in all.
Copy-on-write means no block is copied at launch, so the per-instance work must be the
same for 8 and 64 GiB, and the block bytes zero. A PASS/FAIL line ends the report.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import boto3
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "e2e"))
from run import Server, free_port, kiln_or_exit, moto_server  # noqa: E402
from kiln_harness import BLOCK_SIZE, linear_checksum, b64_sha256  # noqa: E402

REGION = "us-east-1"
CONFIG = Config(retries={"max_attempts": 0}, max_pool_connections=64)


def client(endpoint: str, service: str):
    return boto3.client(
        service, endpoint_url=endpoint, region_name=REGION, aws_access_key_id="111111111111", aws_secret_access_key="bench", config=CONFIG
    )


def upload(ebs, volume_gib: int, data_mib: int, seed: int) -> str:
    """A completed snapshot of `volume_gib` GiB holding `data_mib` MiB of random blocks."""
    import random

    rng = random.Random(seed)
    snap = ebs.start_snapshot(VolumeSize=volume_gib)["SnapshotId"]
    blocks = {}
    count = data_mib * (1 << 20) // BLOCK_SIZE
    for index in range(count):
        data = rng.randbytes(BLOCK_SIZE)
        blocks[index * 16] = data  # spread over the first part of the volume
        ebs.put_snapshot_block(
            SnapshotId=snap, BlockIndex=index * 16, BlockData=data, DataLength=BLOCK_SIZE, Checksum=b64_sha256(data), ChecksumAlgorithm="SHA256"
        )
    ebs.complete_snapshot(SnapshotId=snap, ChangedBlocksCount=count, Checksum=linear_checksum(blocks), ChecksumAlgorithm="SHA256", ChecksumAggregationMethod="LINEAR")
    return snap


def register(ec2, snapshot_id: str, name: str) -> str:
    return ec2.register_image(
        Name=name,
        RootDeviceName="/dev/xvda",
        Architecture="x86_64",
        VirtualizationType="hvm",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snapshot_id}}],
    )["ImageId"]


def launch_many(ec2, image_id: str, count: int, workers: int) -> tuple[float, list[float]]:
    """Launches `count` instances, one call each; returns wall seconds and per-call latencies."""

    def one(_):
        start = time.perf_counter()
        ec2.run_instances(ImageId=image_id, InstanceType="t3.micro", MinCount=1, MaxCount=1)
        return time.perf_counter() - start

    started = time.perf_counter()
    with cf.ThreadPoolExecutor(workers) as pool:
        latencies = list(pool.map(one, range(count)))
    return time.perf_counter() - started, latencies


def sizes(data_dir: Path) -> dict[str, int]:
    """Bytes in the block packs, and in the metadata database once its write-ahead log is
    folded in (a checkpoint from a second connection, as SQLite allows), so that the log's
    own growth and resets are not counted as work."""

    def tree(path: Path) -> int:
        return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0

    import sqlite3

    with sqlite3.connect(data_dir / "kiln.sqlite", timeout=30) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages = db.execute("PRAGMA page_count").fetchone()[0] - db.execute("PRAGMA freelist_count").fetchone()[0]
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
    return {"blocks": tree(data_dir / "blocks"), "metadata": pages * page_size}


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=100, help="instances per image (default 100)")
    ap.add_argument("--workers", type=int, default=8, help="concurrent RunInstances callers (default 8)")
    ap.add_argument("--data-mib", type=int, default=64, help="MiB of data in each image (default 64)")
    ap.add_argument("--kiln-bin", help="kiln binary (default: $KILN_BIN, .build/release/kiln, .build/debug/kiln)")
    ap.add_argument("--no-moto", action="store_true", help="skip moto_server")
    args = ap.parse_args()

    kiln_bin = kiln_or_exit(args.kiln_bin)
    work = Path(tempfile.mkdtemp(prefix="kiln-bench-instances-"))
    data_dir = work / "kiln-data"
    port = free_port()
    kiln = Server(
        "kiln",
        [str(kiln_bin), "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir), "--auth", "dev", "--latency", "instant",
         "--log-level", "warning", "--catalog", "none"],
        port, work / "kiln.log", "/health",
    )
    servers = [kiln]
    results: dict[str, dict] = {}
    try:
        kiln.start()
        ec2, ebs = client(kiln.endpoint, "ec2"), client(kiln.endpoint, "ebs")
        print(f"kiln {kiln_bin}; uploading two images of {args.data_mib} MiB (8 GiB and 64 GiB volumes)...", file=sys.stderr)
        image8 = register(ec2, upload(ebs, 8, args.data_mib, seed=8), "bench-8g")
        image64 = register(ec2, upload(ebs, 64, args.data_mib, seed=8), "bench-64g")

        # Part 2 first, on a quiet store: the bytes each launch adds.
        work_per: dict[int, dict[str, float]] = {}
        for gib, image in ((8, image8), (64, image64)):
            time.sleep(0.5)
            before = sizes(data_dir)
            wall, latencies = launch_many(ec2, image, args.count, args.workers)
            after = sizes(data_dir)
            work_per[gib] = {k: (after[k] - before[k]) / args.count for k in before}
            if gib == 8:
                results["kiln"] = {"wall": wall, "latencies": latencies}

        if not args.no_moto:
            moto = moto_server(work)
            servers.append(moto)
            moto.start()
            mec2 = client(moto.endpoint, "ec2")
            volume = mec2.create_volume(AvailabilityZone="us-east-1a", Size=8)["VolumeId"]
            snap = mec2.create_snapshot(VolumeId=volume)["SnapshotId"]
            mimage = register(mec2, snap, "bench-8g")
            wall, latencies = launch_many(mec2, mimage, args.count, args.workers)
            results["moto"] = {"wall": wall, "latencies": latencies}
    finally:
        for server in servers:
            server.stop()

    print(f"\nRunInstances, {args.count} instances of an 8 GiB image, one call each, {args.workers} callers")
    print(f"{'target':<6} {'launches/s':>11} {'p50 ms':>8} {'p99 ms':>8}")
    rates = {}
    for name, r in results.items():
        rates[name] = args.count / r["wall"]
        print(f"{name:<6} {rates[name]:>11.1f} {pct(r['latencies'], 50) * 1000:>8.1f} {pct(r['latencies'], 99) * 1000:>8.1f}")
    if "moto" in rates:
        print(f"kiln/moto: x{rates['kiln'] / rates['moto']:.1f}")

    print(f"\nKiln storage work per instance launched ({args.count} launches per image)")
    print(f"{'image':<7} {'block bytes':>12} {'metadata bytes':>15}   (database pages in use, after a checkpoint)")
    for gib in (8, 64):
        print(f"{gib:>3} GiB {work_per[gib]['blocks']:>12.0f} {work_per[gib]['metadata']:>15.0f}")
    same = work_per[8]["blocks"] == 0 and work_per[64]["blocks"] == 0
    meta8, meta64 = work_per[8]["metadata"], work_per[64]["metadata"]
    # Pages fill unevenly, so allow a tenth of a page per instance of difference.
    same = same and abs(meta8 - meta64) <= 410
    print(f"{'PASS' if same else 'FAIL'}: no block copied at launch, and the same work for 8 and 64 GiB (copy-on-write)")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
