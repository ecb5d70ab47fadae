"""`kiln backup DIR` while writes run: the copy verifies clean offline, a server started on it
serves every snapshot completed before the backup bit-exact, and the master key keeps 0600."""

from __future__ import annotations

import os
import random
import threading
import time

import pytest

from kiln_harness import (
    BLOCK_SIZE,
    DEV_ARGS,
    KilnServer,
    make_client,
    read_snapshot,
    run_kiln,
    upload_snapshot,
)


def blocks_for(seed: int, count: int = 3) -> dict[int, bytes]:
    rng = random.Random(seed)
    return {rng.randrange(0, 2048): rng.randbytes(BLOCK_SIZE) for _ in range(count)}


@pytest.mark.skipif(
    os.environ.get("KILN_CLUSTER") == "postgres",
    reason="single-node only: kiln backup copies one node's data directory (its SQLite database and packs); "
    "a cluster's state is in PostgreSQL and the object store, which are backed up with their own tools",
)
def test_backup_while_writes_run_then_serve_the_copy(kiln_factory, tmp_path, _servers):
    srv = kiln_factory()
    ebs = make_client(srv.endpoint, "ebs")
    before = {upload_snapshot(ebs, blocks): blocks for blocks in (blocks_for(seed) for seed in range(4))}

    stop = threading.Event()
    errors: list[BaseException] = []
    during: dict[str, dict[int, bytes]] = {}

    def writer(worker: int) -> None:
        client = make_client(srv.endpoint, "ebs")
        seed = 1000 * (worker + 1)
        try:
            while not stop.is_set():
                blocks = blocks_for(seed)
                during[upload_snapshot(client, blocks)] = blocks
                seed += 1
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(3)]
    for t in threads:
        t.start()
    try:
        while not during and not errors:  # uploads are running and completing
            time.sleep(0.1)
        copy = tmp_path / "backup"
        run = run_kiln(srv.endpoint, "backup", copy)
        assert '"files"' in run.stdout, run
        done_at_backup = len(during)
        while len(during) <= done_at_backup and not errors:  # and go on after it
            time.sleep(0.1)
    finally:
        stop.set()
        for t in threads:
            t.join(60)
    assert not errors, errors
    assert during, "no write ran during the backup"
    assert oct(os.stat(copy / "master.key").st_mode & 0o777) == oct(0o600)

    # A second backup into the same directory is refused, not mixed in.
    again = run_kiln(srv.endpoint, "backup", copy, check=False)
    assert again.returncode != 0 and "not empty" in again.stderr + again.stdout, again

    verified = run_kiln(None, "verify", "--data-dir", copy)
    report = verified.json()
    assert report["problems"] == [] and report["blocksChecked"] >= 12, report

    restored = KilnServer(tmp_path, "restored", DEV_ARGS)
    restored.data_dir = copy
    _servers.append(restored)
    restored.start()
    ebs_copy = make_client(restored.endpoint, "ebs")
    for snapshot, blocks in before.items():
        assert read_snapshot(ebs_copy, snapshot) == blocks, snapshot
    ec2_copy = make_client(restored.endpoint, "ec2")
    states = {s["SnapshotId"]: s["State"] for s in ec2_copy.describe_snapshots(OwnerIds=["self"])["Snapshots"]}
    for snapshot, blocks in during.items():
        # Each upload of the writers is either whole in the copy or not in it as completed.
        if states.get(snapshot) == "completed":
            assert read_snapshot(ebs_copy, snapshot) == blocks, snapshot
    run_kiln(restored.endpoint, "verify")
    # New writes go into the copy.
    upload_snapshot(ebs_copy, blocks_for(99))
