"""Two kiln processes on one PostgreSQL database: the background work moves to the survivor
when its holder is killed with -9, and what one node made the other serves.

Skipped when PostgreSQL 15 is not installed (scripts/install-deps.sh test installs it).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

import kiln_cluster
from kiln_harness import DEV_ARGS, KilnServer, b64_sha256, linear_checksum, make_client, wait_snapshot_completed

pytestmark = pytest.mark.skipif(
    not os.access("/usr/lib/postgresql/15/bin/initdb", os.X_OK) and not os.environ.get("KILN_TEST_POSTGRES"),
    reason="PostgreSQL 15 is not installed (scripts/install-deps.sh test installs postgresql-15)",
)

LEADER_LINE = "this node now runs the cluster's background work"


def start_nodes(workdir: Path, count: int = 2) -> list[KilnServer]:
    url = kiln_cluster.ScratchPostgres.database()
    shared = workdir / f"cluster-{time.monotonic_ns()}-data"
    shared.mkdir()
    nodes = []
    for index in range(count):
        node = KilnServer(workdir, f"node-{index}-{time.monotonic_ns()}", DEV_ARGS + ["--latency", "realistic"])
        node.cluster = False  # each is one process; together they are the cluster
        node.node_ports = []
        node.data_dir = shared
        node.metadata_url = url
        node.start()
        nodes.append(node)
    return nodes


def leader_of(nodes: list[KilnServer], timeout: float = 10) -> KilnServer:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        leaders = [n for n in nodes if n.running and LEADER_LINE in n.log_text()]
        if leaders:
            return leaders[-1]
        time.sleep(0.2)
    raise AssertionError("no node took the background lock")


def wait_available(ec2, volume_id: str, timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        state = ec2.describe_volumes(VolumeIds=[volume_id])["Volumes"][0]["State"]
        if state == "available":
            return time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError(f"{volume_id} not available after {timeout}s")


def test_background_work_moves_to_the_survivor_of_a_kill_9(workdir):
    nodes = start_nodes(workdir)
    try:
        leader = leader_of(nodes)
        others = [n for n in nodes if n is not leader]
        assert sum(LEADER_LINE in n.log_text() for n in nodes) == 1, "exactly one node leads"
        survivor = others[0]
        ec2 = make_client(survivor.endpoint, "ec2")
        # Realistic latency: the volume becomes available only when the background work runs.
        before = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
        wait_available(ec2, before, 30)
        killed_at = time.monotonic()
        leader.kill9()
        after = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
        took = wait_available(ec2, after, 30)
        assert LEADER_LINE in survivor.log_text(), "the survivor took the lock"
        assert time.monotonic() - killed_at < 20, f"takeover took {time.monotonic() - killed_at:.1f}s"
        print(f"\ntakeover: volume available {took:.1f}s after the leader's kill -9")
    finally:
        for node in nodes:
            node.kill9()


def test_an_upload_spread_over_two_nodes_completes_and_reads_back(workdir):
    nodes = start_nodes(workdir)
    try:
        blocks = {i: bytes([i + 1]) * 512 * 1024 for i in range(4)}
        # The upload starts on one node; its blocks and completion go through the other.
        ebs = [make_client(n.endpoint, "ebs") for n in nodes]
        ec2 = make_client(nodes[1].endpoint, "ec2")
        snapshot = ebs[0].start_snapshot(VolumeSize=1)["SnapshotId"]
        for index, data in blocks.items():
            ebs[index % 2].put_snapshot_block(
                SnapshotId=snapshot, BlockIndex=index, BlockData=data, DataLength=len(data),
                Checksum=b64_sha256(data), ChecksumAlgorithm="SHA256",
            )
        ebs[1].complete_snapshot(
            SnapshotId=snapshot, ChangedBlocksCount=len(blocks), Checksum=linear_checksum(blocks),
            ChecksumAlgorithm="SHA256", ChecksumAggregationMethod="LINEAR",
        )
        wait_snapshot_completed(ec2, snapshot, timeout=30)
        listed = ebs[0].list_snapshot_blocks(SnapshotId=snapshot)["Blocks"]
        assert [b["BlockIndex"] for b in listed] == sorted(blocks)
        for block in listed:
            reply = ebs[(block["BlockIndex"] + 1) % 2].get_snapshot_block(
                SnapshotId=snapshot, BlockIndex=block["BlockIndex"], BlockToken=block["BlockToken"]
            )
            assert reply["BlockData"].read() == blocks[block["BlockIndex"]]
    finally:
        for node in nodes:
            node.kill9()
