#!/usr/bin/env python3
"""Snapshot calls with many snapshots in the region: Kiln vs moto_server.

Makes --count snapshots in each server through the EBS direct APIs (StartSnapshot then
CompleteSnapshot with no block; boto3 sends a ClientToken with each StartSnapshot), from
--workers threads, then times --samples calls of each kind one after another and prints the
median and p90 in milliseconds with the Kiln/moto ratio of the medians (below 1 is faster):

  start          StartSnapshot (a new ClientToken each time: the token lookup must not scan)
  describe-id    DescribeSnapshots with one SnapshotId (what waiters poll)
  describe-page  DescribeSnapshots OwnerIds=self, MaxResults=100 (one page of the caller's own)
  visible-page   DescribeSnapshots MaxResults=100 (one page of all the caller may use: own, shared, public)
  delete         DeleteSnapshot of a completed snapshot

PASS/FAIL lines check that a call naming its snapshot costs about the same with --count
snapshots as with none (describe-id and start at most 2x their cost in an empty region), and
that a page of 100 costs about the same with --count snapshots as with 100 (describe-page and
visible-page at most 2x, timed in turns against a second region that holds 100): pages are
read from the store's index, not from a scan of the region.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import boto3
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import Server, free_port, kiln_or_exit, moto_server  # noqa: E402

REGION = "us-east-1"
SMALL_REGION = "us-west-2"
CONFIG = Config(retries={"max_attempts": 0}, max_pool_connections=64)


def client(endpoint: str, service: str, region: str = REGION):
    session = boto3.session.Session(aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="bench", region_name=region)
    return session.client(service, endpoint_url=endpoint, config=CONFIG)


def make_snapshot(ebs) -> str:
    snapshot = ebs.start_snapshot(VolumeSize=1)["SnapshotId"]
    ebs.complete_snapshot(SnapshotId=snapshot, ChangedBlocksCount=0)
    return snapshot


def timings(call, samples: int) -> list[float]:
    """Milliseconds of `samples` calls in a row."""
    out = []
    for _ in range(samples):
        started = time.perf_counter()
        call()
        out.append((time.perf_counter() - started) * 1000)
    return out


def measure(endpoint: str, count: int, workers: int, samples: int) -> dict[str, dict[str, list[float]]]:
    """Each call's timings in an empty region, then with `count` snapshots in it."""
    ebs, ec2 = client(endpoint, "ebs"), client(endpoint, "ec2")
    results: dict[str, dict[str, list[float]]] = {}
    made: list[str] = []
    for label, target in (("empty", 0), ("full", count)):
        with cf.ThreadPoolExecutor(workers) as pool:
            made += list(pool.map(lambda _: make_snapshot(ebs), range(target - len(made))))
        spare = [make_snapshot(ebs) for _ in range(samples)]  # deleted by the delete timings
        one = made[len(made) // 2] if made else spare[0]
        results[label] = {
            "start": timings(lambda: ebs.start_snapshot(VolumeSize=1), samples),
            "describe-id": timings(lambda: ec2.describe_snapshots(SnapshotIds=[one]), samples),
            "describe-page": timings(lambda: ec2.describe_snapshots(OwnerIds=["self"], MaxResults=100), samples),
            "visible-page": timings(lambda: ec2.describe_snapshots(MaxResults=100), samples),
            "delete": timings(lambda: ec2.delete_snapshot(SnapshotId=spare.pop()), samples),
        }
    return results


def interleaved_pages(endpoint: str, count: int, workers: int, samples: int) -> dict[str, dict[str, list[float]]]:
    """A page of 100 in a region of 100 snapshots and in a region of `count`, in one server,
    the two timed in turns so that the machine's load falls on both alike."""
    small, large = client(endpoint, "ec2", SMALL_REGION), client(endpoint, "ec2", REGION)
    ebs_small = client(endpoint, "ebs", SMALL_REGION)
    with cf.ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda _: make_snapshot(ebs_small), range(100)))
    results: dict[str, dict[str, list[float]]] = {"hundred": {}, "full": {}}
    for call, kwargs in (("describe-page", {"OwnerIds": ["self"], "MaxResults": 100}), ("visible-page", {"MaxResults": 100})):
        results["hundred"][call], results["full"][call] = [], []
        for _ in range(samples):
            results["hundred"][call] += timings(lambda: small.describe_snapshots(**kwargs), 1)
            results["full"][call] += timings(lambda: large.describe_snapshots(**kwargs), 1)
    return results


def median(values: list[float]) -> float:
    return statistics.median(values)


def p90(values: list[float]) -> float:
    return sorted(values)[int(0.9 * (len(values) - 1))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=3000, help="snapshots in the region (default 3000)")
    ap.add_argument("--workers", type=int, default=8, help="threads making them (default 8)")
    ap.add_argument("--samples", type=int, default=20, help="timed calls of each kind (default 20)")
    ap.add_argument("--kiln-bin", help="kiln binary (default: $KILN_BIN, .build/release/kiln, .build/debug/kiln)")
    ap.add_argument("--no-moto", action="store_true", help="skip moto_server")
    args = ap.parse_args()

    kiln_bin = kiln_or_exit(args.kiln_bin)
    work = Path(tempfile.mkdtemp(prefix="kiln-bench-snapshots-"))
    port = free_port()
    servers = {
        "kiln": Server(
            "kiln",
            [str(kiln_bin), "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(work / "kiln-data"), "--auth", "dev",
             "--latency", "instant", "--log-level", "warning", "--catalog", "none"],
            port, work / "kiln.log", "/health",
        )
    }
    if not args.no_moto:
        servers["moto"] = moto_server(work)

    results: dict[str, dict[str, dict[str, list[float]]]] = {}
    try:
        for name, server in servers.items():
            print(f"{name}: making {args.count} snapshots...", file=sys.stderr)
            server.start()
            try:
                results[name] = measure(server.endpoint, args.count, args.workers, args.samples)
                if name == "kiln":
                    pages = interleaved_pages(server.endpoint, args.count, args.workers, args.samples)
                    results[name]["hundred"] = {**results[name]["empty"], **pages["hundred"]}
                    results[name]["full"].update(pages["full"])
            finally:
                server.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    calls = ["start", "describe-id", "describe-page", "visible-page", "delete"]
    print(f"\nSnapshot calls, milliseconds per call ({args.samples} calls each), kiln {kiln_bin}")
    header = f"{'call':<14} {'kiln empty':>10} {'kiln 100':>10} {'kiln ' + str(args.count):>10} {'kiln p90':>9}"
    if "moto" in results:
        header += f" {'moto ' + str(args.count):>10} {'kiln/moto':>9}"
    print(header)
    for call in calls:
        kiln_full = results["kiln"]["full"][call]
        line = (
            f"{call:<14} {median(results['kiln']['empty'][call]):>10.1f} {median(results['kiln']['hundred'][call]):>10.1f}"
            f" {median(kiln_full):>10.1f} {p90(kiln_full):>9.1f}"
        )
        if "moto" in results:
            moto_full = median(results["moto"]["full"][call])
            line += f" {moto_full:>10.1f} {'x' + format(median(kiln_full) / moto_full, '.2f'):>9}"
        print(line)
    flat = all(
        median(results["kiln"]["full"][call]) <= 2 * median(results["kiln"]["empty"][call]) for call in ("start", "describe-id")
    )
    print(f"{'PASS' if flat else 'FAIL'}: start and describe-id with {args.count} snapshots cost at most 2x what they cost with none")
    flat_pages = all(
        median(results["kiln"]["full"][call]) <= 2 * median(results["kiln"]["hundred"][call]) for call in ("describe-page", "visible-page")
    )
    print(f"{'PASS' if flat_pages else 'FAIL'}: a page of 100 with {args.count} snapshots costs at most 2x what it costs with 100")
    return 0 if flat and flat_pages else 1


if __name__ == "__main__":
    sys.exit(main())
