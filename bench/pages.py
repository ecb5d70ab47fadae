#!/usr/bin/env python3
"""One page of a Describe call with many resources in the region: Kiln vs moto_server.

For volumes (DescribeVolumes), tags (DescribeTags, two tags on each volume) and security
groups (DescribeSecurityGroups), makes --count resources in one region and 100 in another,
then times a page of MaxResults=100 in each region in turns, so that the machine's load falls
on both alike. Kiln reads a page from the store's index after the previous page's position,
so a page should cost about the same at --count as at 100: PASS when it costs at most 2x.
moto_server gets the same calls in the large region; the last column is Kiln/moto (below 1
is faster).

Usage: KILN_BIN=.build/release/kiln python3 bench/pages.py [--count 2000] [--samples 20]
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
from run import kiln_or_exit, kiln_server, moto_server  # noqa: E402

LARGE, SMALL = "us-east-1", "us-west-2"
CONFIG = Config(retries={"max_attempts": 0}, max_pool_connections=64)
CALLS = {
    "volumes": lambda ec2: ec2.describe_volumes(MaxResults=100),
    "tags": lambda ec2: ec2.describe_tags(MaxResults=100),
    "security-groups": lambda ec2: ec2.describe_security_groups(MaxResults=100),
}


def ec2_client(endpoint: str, region: str):
    session = boto3.session.Session(aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="bench", region_name=region)
    return session.client("ec2", endpoint_url=endpoint, config=CONFIG)


def populate(ec2, region: str, count: int, workers: int) -> None:
    """`count` tagged volumes and `count` security groups in the client's region."""
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]

    def one(index: int) -> None:
        volume = ec2.create_volume(AvailabilityZone=f"{region}a", Size=1)["VolumeId"]
        ec2.create_tags(Resources=[volume], Tags=[{"Key": "Name", "Value": f"v{index}"}, {"Key": "team", "Value": "bench"}])
        ec2.create_security_group(GroupName=f"bench-{index}", Description="bench", VpcId=vpc)

    with cf.ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, range(count)))


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=2000, help="resources of each kind in the large region (default 2000)")
    ap.add_argument("--workers", type=int, default=8, help="threads making them (default 8)")
    ap.add_argument("--samples", type=int, default=20, help="timed pages of each kind (default 20)")
    ap.add_argument("--kiln-bin", help="kiln binary (default: $KILN_BIN, .build/release/kiln, .build/debug/kiln)")
    ap.add_argument("--no-moto", action="store_true", help="skip moto_server")
    args = ap.parse_args()

    kiln_bin = kiln_or_exit(args.kiln_bin)
    work = Path(tempfile.mkdtemp(prefix="kiln-bench-pages-"))
    kiln = kiln_server(kiln_bin, work)
    kiln_ms: dict[str, dict[str, list[float]]] = {"hundred": {}, "full": {}}
    moto_ms: dict[str, list[float]] = {}
    try:
        print(f"kiln: making {args.count} volumes, tags and groups...", file=sys.stderr)
        kiln.start()
        try:
            large, small = ec2_client(kiln.endpoint, LARGE), ec2_client(kiln.endpoint, SMALL)
            populate(large, LARGE, args.count, args.workers)
            populate(small, SMALL, 100, args.workers)
            for name, call in CALLS.items():
                kiln_ms["hundred"][name], kiln_ms["full"][name] = [], []
                for _ in range(args.samples):
                    kiln_ms["hundred"][name].append(timed(lambda: call(small)))
                    kiln_ms["full"][name].append(timed(lambda: call(large)))
        finally:
            kiln.stop()
        if not args.no_moto:
            moto = moto_server(work)
            print(f"moto: making {args.count} volumes, tags and groups...", file=sys.stderr)
            moto.start()
            try:
                large = ec2_client(moto.endpoint, LARGE)
                populate(large, LARGE, args.count, args.workers)
                for name, call in CALLS.items():
                    moto_ms[name] = [timed(lambda: call(large)) for _ in range(args.samples)]
            finally:
                moto.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"\nOne page of 100, milliseconds (median of {args.samples}), kiln {kiln_bin}")
    header = f"{'call':<16} {'kiln 100':>9} {'kiln ' + str(args.count):>10} {'full/100':>9}"
    if moto_ms:
        header += f" {'moto ' + str(args.count):>10} {'kiln/moto':>9}"
    print(header)
    flat = True
    for name in CALLS:
        hundred, full = statistics.median(kiln_ms["hundred"][name]), statistics.median(kiln_ms["full"][name])
        flat = flat and full <= 2 * hundred
        line = f"{name:<16} {hundred:>9.1f} {full:>10.1f} {'x' + format(full / hundred, '.2f'):>9}"
        if moto_ms:
            moto_full = statistics.median(moto_ms[name])
            line += f" {moto_full:>10.1f} {'x' + format(full / moto_full, '.2f'):>9}"
        print(line)
    print(f"{'PASS' if flat else 'FAIL'}: a page of 100 with {args.count} resources costs at most 2x what it costs with 100")
    return 0 if flat else 1


if __name__ == "__main__":
    sys.exit(main())
