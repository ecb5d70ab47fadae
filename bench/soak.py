#!/usr/bin/env python3
"""Soak: many concurrent clients run a mixed workload against one Kiln for a fixed time, on
loopback. Every call is timed; any 5xx answer or socket error is a failure (botocore's retries
are off, so none is hidden). Resident memory and open file descriptors of the server are read
at the start, at the peak and after the clients have gone.

Workload, per client, chosen at random each step: describe (snapshots, volumes, images,
instances), create (a volume, then delete it), upload (StartSnapshot, PutSnapshotBlock,
CompleteSnapshot through EBS direct), copy (CopySnapshot of one of its own), launch
(RegisterImage from its snapshot, RunInstances, TerminateInstances, DeregisterImage) and
delete (DeleteSnapshot of its oldest). Answers 4xx are counted but are not failures (a delete
racing a launch may be refused, as on AWS).

    python3 bench/soak.py --clients 200 --seconds 600        # the long run (release build)
    python3 bench/soak.py --clients 20 --seconds 30           # the short one make test runs
    python3 bench/soak.py --endpoint http://127.0.0.1:8787 --pid 1234
    python3 bench/soak.py --accounts 1                        # every client in one account

Without --endpoint it starts `kiln serve` ($KILN_BIN or .build/debug/kiln) on a temporary
data directory. Exit status 1 when there was a 5xx, a socket error, or fd growth over --max-fd-growth.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError, ConnectionError as BotoConnectionError, HTTPClientError  # noqa: E402

from kiln_harness import BLOCK_SIZE, DEV_ARGS, KilnServer, b64_sha256  # noqa: E402

NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=10, read_timeout=60, max_pool_connections=2)


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    status_4xx: dict[str, int] = field(default_factory=dict)
    status_5xx: list[str] = field(default_factory=list)
    socket_errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def call(self, name: str, fn, *args, **kwargs):
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        except ClientError as e:
            status = e.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            with self.lock:
                if status >= 500:
                    self.status_5xx.append(f"{name}: {status} {e.response.get('Error', {}).get('Code')} {e.response.get('Error', {}).get('Message', '')[:200]}")
                else:
                    code = e.response.get("Error", {}).get("Code", str(status))
                    self.status_4xx[f"{name} {code}"] = self.status_4xx.get(f"{name} {code}", 0) + 1
            return None
        except (BotoConnectionError, HTTPClientError, OSError) as e:
            with self.lock:
                self.socket_errors.append(f"{name}: {type(e).__name__}: {e}")
            return None
        finally:
            elapsed = time.perf_counter() - started
            with self.lock:
                self.latencies.setdefault(name, []).append(elapsed)


def process_figures(pid: int) -> dict[str, int]:
    rss_kib = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss_kib = int(line.split()[1])
    return {"rss_mib": rss_kib // 1024, "open_fds": len(os.listdir(f"/proc/{pid}/fd"))}


class Client:
    def __init__(self, endpoint: str, number: int, tally: Tally, accounts: int, region: str = "us-east-1"):
        session = boto3.session.Session()
        # In dev mode a 12-digit access key is the account it acts as.
        key = f"{100000000001 + number % accounts:012d}"
        kw = dict(endpoint_url=endpoint, region_name=region, aws_access_key_id=key, aws_secret_access_key="soak", config=NO_RETRIES)
        self.ec2 = session.client("ec2", **kw)
        self.ebs = session.client("ebs", **kw)
        self.rng = random.Random(number)
        self.tally = tally
        self.snapshots: list[str] = []
        self.block = self.rng.randbytes(BLOCK_SIZE // 2) * 2  # half compressible, as disk blocks are

    def step(self) -> None:
        action = self.rng.choices(["describe", "create", "upload", "copy", "launch", "delete"], weights=[40, 12, 18, 8, 10, 12])[0]
        if action != "upload" and action != "describe" and not self.snapshots:
            action = "upload"
        getattr(self, action)()

    def describe(self) -> None:
        call = self.tally.call
        which = self.rng.randrange(4)
        if which == 0:
            call("DescribeSnapshots", self.ec2.describe_snapshots, OwnerIds=["self"])
        elif which == 1:
            call("DescribeVolumes", self.ec2.describe_volumes)
        elif which == 2:
            call("DescribeImages", self.ec2.describe_images, Owners=["self"])
        else:
            call("DescribeInstances", self.ec2.describe_instances)

    def create(self) -> None:
        volume = self.tally.call("CreateVolume", self.ec2.create_volume, AvailabilityZone="us-east-1a", Size=1)
        if volume:
            self.tally.call("DeleteVolume", self.ec2.delete_volume, VolumeId=volume["VolumeId"])

    def upload(self) -> None:
        call = self.tally.call
        started = call("StartSnapshot", self.ebs.start_snapshot, VolumeSize=1)
        if not started:
            return
        sid = started["SnapshotId"]
        index = self.rng.randrange(2048)
        put = call(
            "PutSnapshotBlock",
            self.ebs.put_snapshot_block,
            SnapshotId=sid,
            BlockIndex=index,
            BlockData=self.block,
            DataLength=BLOCK_SIZE,
            Checksum=b64_sha256(self.block),
            ChecksumAlgorithm="SHA256",
        )
        if put and call("CompleteSnapshot", self.ebs.complete_snapshot, SnapshotId=sid, ChangedBlocksCount=1):
            self.snapshots.append(sid)

    def copy(self) -> None:
        source = self.rng.choice(self.snapshots)
        copied = self.tally.call("CopySnapshot", self.ec2.copy_snapshot, SourceSnapshotId=source, SourceRegion="us-east-1")
        if copied:
            self.snapshots.append(copied["SnapshotId"])

    def launch(self) -> None:
        call = self.tally.call
        snapshot = self.rng.choice(self.snapshots)
        image = call(
            "RegisterImage",
            self.ec2.register_image,
            Name=f"soak-{self.rng.getrandbits(48):012x}",
            Architecture="x86_64",
            RootDeviceName="/dev/xvda",
            VirtualizationType="hvm",
            BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snapshot}}],
        )
        if not image:
            return
        run = call("RunInstances", self.ec2.run_instances, ImageId=image["ImageId"], MinCount=1, MaxCount=1, InstanceType="t3.micro")
        if run:
            call("TerminateInstances", self.ec2.terminate_instances, InstanceIds=[run["Instances"][0]["InstanceId"]])
        call("DeregisterImage", self.ec2.deregister_image, ImageId=image["ImageId"])

    def delete(self) -> None:
        sid = self.snapshots.pop(0)
        self.tally.call("DeleteSnapshot", self.ec2.delete_snapshot, SnapshotId=sid)

    def close(self) -> None:
        self.ec2.close()
        self.ebs.close()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run(endpoint: str, pid: int, clients: int, seconds: float, max_fd_growth: int = 64, accounts: int | None = None) -> dict:
    tally = Tally()
    accounts = accounts or clients
    workers = [Client(endpoint, n, tally, accounts) for n in range(clients)]
    start = process_figures(pid)
    peak = dict(start)
    deadline = time.monotonic() + seconds

    def loop(client: Client) -> None:
        while time.monotonic() < deadline:
            client.step()

    threads = [threading.Thread(target=loop, args=(w,), daemon=True) for w in workers]
    began = time.monotonic()
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        time.sleep(1)
        now = process_figures(pid)
        peak = {k: max(peak[k], now[k]) for k in peak}
    wall = time.monotonic() - began
    for w in workers:
        w.close()
    time.sleep(3)  # the server notices the closed connections
    end = process_figures(pid)
    calls = {
        name: {
            "count": len(values),
            "p50_ms": round(statistics.median(values) * 1000, 2),
            "p99_ms": round(percentile(values, 99) * 1000, 2),
        }
        for name, values in sorted(tally.latencies.items())
    }
    total = sum(c["count"] for c in calls.values())
    result = {
        "clients": clients,
        "accounts": accounts,
        "seconds": round(wall, 1),
        "calls": total,
        "calls_per_second": round(total / wall, 1),
        "status_5xx": len(tally.status_5xx),
        "socket_errors": len(tally.socket_errors),
        "status_4xx": tally.status_4xx,
        "first_failures": (tally.status_5xx + tally.socket_errors)[:10],
        "server_start": start,
        "server_peak": peak,
        "server_end": end,
        "fd_growth": end["open_fds"] - start["open_fds"],
        "per_call": calls,
    }
    result["passed"] = result["status_5xx"] == 0 and result["socket_errors"] == 0 and result["fd_growth"] <= max_fd_growth
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--endpoint")
    parser.add_argument("--pid", type=int, help="the server's pid, with --endpoint")
    parser.add_argument("--accounts", type=int, help="how many accounts the clients share (default: one each)")
    parser.add_argument("--max-fd-growth", type=int, default=64)
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()
    workdir = None
    server = None
    if args.endpoint:
        endpoint, pid = args.endpoint, args.pid
        if pid is None:
            parser.error("--endpoint needs --pid, to read the server's memory and descriptors")
    else:
        workdir = Path(tempfile.mkdtemp(prefix="kiln-soak-"))
        server = KilnServer(workdir, "soak", DEV_ARGS + ["--log-level", "warning"])
        server.start()
        endpoint, pid = server.endpoint, server.proc.pid
    try:
        result = run(endpoint, pid, args.clients, args.seconds, args.max_fd_growth, args.accounts)
    finally:
        if server:
            server.stop()
        if workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
