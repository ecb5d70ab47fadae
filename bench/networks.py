#!/usr/bin/env python3
"""DescribeSecurityGroups and DescribeSubnets at scale: Kiln against moto_server in one run.

Each server gets --count security groups (each with two ingress rules) and --count /28
subnets in one region, in VPCs of up to 250 subnets each, made through boto3. Then each
Describe call runs --rounds times, paged by 1,000 as the aws CLI pages, and the report gives
the median and p90 of a full listing on each server and the Kiln/moto ratio (below 1 means
Kiln is faster). Both listings are checked to hold every group and subnet made.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import boto3
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import kiln_or_exit, kiln_server, moto_server  # noqa: E402

REGION = "us-east-1"
CONFIG = Config(retries={"max_attempts": 0}, max_pool_connections=16)


def client(endpoint: str):
    return boto3.client("ec2", endpoint_url=endpoint, region_name=REGION, aws_access_key_id="123456789012",
                        aws_secret_access_key="test", config=CONFIG)


def populate(ec2, count: int) -> tuple[set[str], set[str]]:
    """`count` groups with two rules each and `count` /28 subnets; their ids."""
    groups, subnets = set(), set()
    vpc_id = None
    for index in range(count):
        if index % 250 == 0:
            vpc_id = ec2.create_vpc(CidrBlock=f"10.{index // 250}.0.0/16")["Vpc"]["VpcId"]
        group = ec2.create_security_group(GroupName=f"bench-{index}", Description="bench", VpcId=vpc_id)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        ])
        groups.add(group)
        slot = index % 250
        subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.{index // 250}.{slot}.0/28")["Subnet"]["SubnetId"]
        subnets.add(subnet)
    return groups, subnets


def list_all(ec2, operation: str, key: str) -> list[dict]:
    items, token = [], None
    while True:
        kwargs = {"MaxResults": 1000}
        if token:
            kwargs["NextToken"] = token
        reply = getattr(ec2, operation)(**kwargs)
        items += reply[key]
        token = reply.get("NextToken")
        if not token:
            return items


def measure(ec2, rounds: int, made: dict[str, set[str]]) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {}
    for operation, key, id_key, kind in (
        ("describe_security_groups", "SecurityGroups", "GroupId", "groups"),
        ("describe_subnets", "Subnets", "SubnetId", "subnets"),
    ):
        samples = []
        for _ in range(rounds):
            start = time.perf_counter()
            items = list_all(ec2, operation, key)
            samples.append(time.perf_counter() - start)
            missing = made[kind] - {item[id_key] for item in items}
            assert not missing, f"{operation} lost {len(missing)} of {len(made[kind])}"
        timings[operation] = samples
    return timings


def p90(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=1000, help="groups and subnets each (default 1000)")
    ap.add_argument("--rounds", type=int, default=20, help="listings of each kind per server (default 20)")
    ap.add_argument("--kiln-bin", help="kiln binary (default: $KILN_BIN, .build/release/kiln, .build/debug/kiln)")
    args = ap.parse_args()

    kiln_bin = kiln_or_exit(args.kiln_bin)
    work = Path(tempfile.mkdtemp(prefix="kiln-bench-networks-"))
    kiln = kiln_server(kiln_bin, work)
    moto = moto_server(work)
    results: dict[str, dict[str, list[float]]] = {}
    try:
        for server in (kiln, moto):
            server.start()
            ec2 = client(server.endpoint)
            started = time.perf_counter()
            groups, subnets = populate(ec2, args.count)
            print(f"{server.name}: made {len(groups)} groups and {len(subnets)} subnets in {time.perf_counter() - started:.1f}s", file=sys.stderr)
            results[server.name] = measure(ec2, args.rounds, {"groups": groups, "subnets": subnets})
            server.stop()
    finally:
        for server in (kiln, moto):
            server.stop()

    print(f"\nfull listings of {args.count} items, {args.rounds} rounds each (kiln {kiln_bin})")
    print(f"{'operation':<28} {'kiln p50':>10} {'moto p50':>10} {'kiln p90':>10} {'moto p90':>10} {'kiln/moto p50':>14}")
    for operation in ("describe_security_groups", "describe_subnets"):
        k, m = results["kiln"][operation], results["moto"][operation]
        print(f"{operation:<28} {statistics.median(k) * 1000:>8.1f}ms {statistics.median(m) * 1000:>8.1f}ms "
              f"{p90(k) * 1000:>8.1f}ms {p90(m) * 1000:>8.1f}ms {statistics.median(k) / statistics.median(m):>14.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
