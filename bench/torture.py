#!/usr/bin/env python3
"""kill -9 torture: rounds of mixed load from several clients, each ended by SIGKILL at a
random moment, then a restart and a check of everything the clients were told.

Each round starts Kiln on the same data directory and runs clients that do EBS direct
uploads (some with a parent), `kiln image import`, volume writes, CreateSnapshot of a volume,
CopySnapshot and CopyImage across regions, RegisterImage + RunInstances + CreateImage,
DeleteSnapshot and gc. Every answer that promises durability is written down (as SHA-256
digests of the blocks). After the kill and the restart it checks:

- `kiln verify` is clean;
- every snapshot answered `completed` is still completed and reads back bit-exact;
- every snapshot whose DeleteSnapshot was answered stays deleted;
- every volume write answered 200 reads back;
- every image answered `available` is there and its snapshots exist (no dangling reference);
- gc (with the clock moved past its grace period) leaves everything above intact, a second
  gc finds nothing more to remove, and every block left in the store is referenced.

    python3 bench/torture.py --rounds 200          # KILN_BIN or .build/debug/kiln
    python3 bench/torture.py --rounds 10 --seed 7  # the short version `make test` runs
    python3 bench/torture.py --rounds 200 --fresh-every 20  # `make torture`: a new data directory every 20 rounds

Exit status 1 when a check failed; the findings are printed, and the data directory and
server log are kept for each failing round.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))

from botocore.exceptions import ClientError  # noqa: E402

from kiln_harness import (  # noqa: E402
    BLOCK_SIZE,
    DEV_ARGS,
    KilnServer,
    b64_sha256,
    linear_checksum,
    list_all_blocks,
    get_block,
    kiln_binary,
    make_client,
    put_block,
    run_kiln,
    signed_request,
    write_sparse_image,
)

HOME = "us-east-1"
AWAY = "eu-west-1"
VOLUME_BLOCKS = 2048  # a 1 GiB volume
SNAPSHOT_CAP = 6  # per client: above it, clients prefer deleting


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


ZERO = digest(bytes(BLOCK_SIZE))


class Killed(Exception):
    """The server went away under a client: the round is over for it."""


@dataclass
class Record:
    """What the clients were told, across rounds. Blocks are kept as digests."""

    snapshots: dict[tuple[str, str], dict[int, str]] = field(default_factory=dict)
    deleted: set[tuple[str, str]] = field(default_factory=set)
    # per volume block, the digests it may hold: one once a write is answered, two while a
    # write is unanswered (a kill before the answer may or may not have kept it)
    volumes: dict[str, dict[int, set[str]]] = field(default_factory=dict)
    images: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    # snapshots an image refers to: never deleted by the clients
    pinned: set[tuple[str, str]] = field(default_factory=set)
    owner: dict[tuple[str, str], int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def completed(self, region: str, sid: str, blocks: dict[int, str], client: int) -> None:
        with self.lock:
            self.snapshots[(region, sid)] = dict(blocks)
            self.owner[(region, sid)] = client

    def deletable(self, client: int) -> list[tuple[str, str]]:
        """The client's snapshots that no image or copy in progress holds."""
        with self.lock:
            return [k for k in self.snapshots if self.owner.get(k) == client and k not in self.pinned]

    def mine(self, client: int, region: str | None = None) -> list[tuple[str, str]]:
        with self.lock:
            return [k for k, c in self.owner.items() if c == client and k in self.snapshots and (region is None or k[0] == region)]


def sdk_clients(endpoint: str) -> tuple:
    """The boto3 clients of one client: EC2 at home and away, EBS at home."""
    return make_client(endpoint, "ec2"), make_client(endpoint, "ebs"), make_client(endpoint, "ec2", region=AWAY)


class Client(threading.Thread):
    """One client: a random sequence of operations until the server dies or `stop` is set."""

    def __init__(self, number: int, endpoint: str, record: Record, rnd: random.Random, stop: threading.Event, tmp: Path, sdk: tuple):
        super().__init__(daemon=True)
        self.number, self.endpoint, self.record, self.rnd, self.stop, self.tmp = number, endpoint, record, rnd, stop, tmp
        self.ops: list[str] = []
        # set just before a node of the cluster is killed: a request it held fails with it
        self.dying = threading.Event()
        self.child: subprocess.Popen | None = None  # a `kiln image import` running
        self.unexpected: list[str] = []
        # boto3 clients are slow to make: each client number keeps its own across rounds
        self.ec2, self.ebs, self.ec2_away = sdk

    def run(self) -> None:
        actions = [
            (self.upload, 4),
            (self.import_image, 1),
            (self.volume_writes, 4),
            (self.volume_snapshot, 2),
            (self.copy_snapshot, 2),
            (self.build_image, 1),
            (self.delete_snapshot, 2),
            (self.gc, 1),
        ]
        weights = [w for _, w in actions]
        while not self.stop.is_set():
            action = self.rnd.choices([a for a, _ in actions], weights)[0]
            if len(self.record.deletable(self.number)) > SNAPSHOT_CAP and self.rnd.random() < 0.6:
                action = self.delete_snapshot
            self.ops.append(action.__name__)
            try:
                action()
            except Killed:
                return
            except Exception as error:  # noqa: BLE001 - any failure after the kill ends the client
                if self.ended():
                    return
                self.unexpected.append(f"client {self.number} {action.__name__}: {error!r}")
                return

    def ended(self) -> bool:
        """Whether a failure is the kill's doing: the round is stopping, a node is being
        killed, or the server does not answer."""
        return self.stop.is_set() or self.dying.is_set() or not self.server_alive()

    def server_alive(self) -> bool:
        try:
            import requests

            return requests.get(self.endpoint + "/health", timeout=1).status_code == 200
        except Exception:  # noqa: BLE001
            return False

    # ---- operations

    def blocks(self, count: int) -> dict[int, bytes]:
        indexes = self.rnd.sample(range(VOLUME_BLOCKS), count)
        return {i: self.rnd.randbytes(BLOCK_SIZE) for i in indexes}

    def upload(self) -> None:
        parent = None
        mine = self.record.mine(self.number, HOME)
        if mine and self.rnd.random() < 0.4:
            parent = self.rnd.choice(mine)
        blocks = self.blocks(self.rnd.randint(1, 6))
        kw = {"ParentSnapshotId": parent[1]} if parent else {}
        with self.record.lock:
            base = dict(self.record.snapshots.get(parent, {})) if parent else {}
            if parent and parent not in self.record.snapshots:
                return
        sid = self.ebs.start_snapshot(VolumeSize=1, **kw)["SnapshotId"]
        for index, data in blocks.items():
            put_block(self.ebs, sid, index, data)
        done = self.ebs.complete_snapshot(
            SnapshotId=sid,
            ChangedBlocksCount=len(blocks),
            Checksum=linear_checksum(blocks),
            ChecksumAlgorithm="SHA256",
            ChecksumAggregationMethod="LINEAR",
        )
        if done["Status"] != "completed":
            raise AssertionError(f"CompleteSnapshot answered {done['Status']}")
        expected = {**base, **{i: digest(d) for i, d in blocks.items()}}
        self.record.completed(HOME, sid, expected, self.number)

    def import_image(self) -> None:
        path = self.tmp / f"import-{self.number}-{self.rnd.randrange(1 << 30)}.raw"
        size = self.rnd.choice([2, 3, 5]) << 20
        extents = [(self.rnd.randrange(size - 4096), self.rnd.randint(1, 300_000)) for _ in range(2)]
        extents = [(o, min(n, size - o)) for o, n in extents]
        write_sparse_image(path, size, extents, seed=self.rnd.randrange(1 << 30))
        try:
            self.child = import_process(self.endpoint, path)
            out, err = self.child.communicate(timeout=60)
            if self.child.returncode != 0:
                raise Killed() if self.ended() else AssertionError(err.decode(errors="replace"))
            sid = out.decode().strip()
            data = path.read_bytes()
        finally:
            self.child = None
            path.unlink(missing_ok=True)
        expected = {}
        for i in range(0, len(data), BLOCK_SIZE):
            block = data[i : i + BLOCK_SIZE].ljust(BLOCK_SIZE, b"\0")
            if any(block):
                expected[i // BLOCK_SIZE] = digest(block)
        self.record.completed(HOME, sid, expected, self.number)

    def my_volume(self) -> str:
        with self.record.lock:
            for vol in self.record.volumes:
                if vol.startswith(f"{self.number}:"):
                    return vol
        vid = self.ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
        self.wait(lambda: self.ec2.describe_volumes(VolumeIds=[vid])["Volumes"][0]["State"] == "available")
        key = f"{self.number}:{vid}"
        with self.record.lock:
            self.record.volumes[key] = {}
        return key

    def volume_writes(self) -> None:
        key = self.my_volume()
        vid = key.split(":", 1)[1]
        for _ in range(self.rnd.randint(1, 8)):
            index = self.rnd.randrange(64)  # a small region, so writes overwrite each other
            data = self.rnd.randbytes(BLOCK_SIZE)
            with self.record.lock:
                self.record.volumes[key].setdefault(index, {ZERO}).add(digest(data))
            reply = signed_request(self.endpoint, "PUT", f"/kiln/volumes/{vid}/data", query={"offset": str(index * BLOCK_SIZE)}, body=data)
            if reply.status_code != 200:
                raise AssertionError(f"volume write answered {reply.status_code}: {reply.text[:300]}")
            with self.record.lock:
                self.record.volumes[key][index] = {digest(data)}

    def volume_snapshot(self) -> None:
        key = self.my_volume()
        vid = key.split(":", 1)[1]
        with self.record.lock:
            expected = {i: next(iter(d)) for i, d in self.record.volumes[key].items() if d != {ZERO}}
            if any(len(d) != 1 for d in self.record.volumes[key].values()):
                return
        sid = self.ec2.create_snapshot(VolumeId=vid)["SnapshotId"]
        self.wait_snapshot(self.ec2, sid)
        self.record.completed(HOME, sid, expected, self.number)

    def copy_snapshot(self) -> None:
        mine = self.record.mine(self.number, HOME)
        if not mine:
            return self.upload()
        source = self.rnd.choice(mine)
        with self.record.lock:
            expected = dict(self.record.snapshots.get(source, {}))
            if source not in self.record.snapshots:
                return None
            pinned_before = source in self.record.pinned
            self.record.pinned.add(source)  # not deleted under the copy
        try:
            cid = self.ec2_away.copy_snapshot(SourceRegion=HOME, SourceSnapshotId=source[1])["SnapshotId"]
            self.wait_snapshot(self.ec2_away, cid)
        finally:
            if not pinned_before:
                with self.record.lock:
                    self.record.pinned.discard(source)
        self.record.completed(AWAY, cid, expected, self.number)
        return None

    def build_image(self) -> None:
        """RegisterImage from a snapshot, launch it, change the root disk, CreateImage,
        CopyImage to the other region."""
        mine = self.record.mine(self.number, HOME)
        if not mine:
            return self.upload()
        source = self.rnd.choice(mine)
        with self.record.lock:
            if source not in self.record.snapshots:
                return None
            base = dict(self.record.snapshots[source])
            self.record.pinned.add(source)
        name = f"torture-{self.number}-{self.rnd.randrange(1 << 40):x}"
        ami = self.ec2.register_image(
            Name=name,
            RootDeviceName="/dev/xvda",
            Architecture="x86_64",
            VirtualizationType="hvm",
            BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": source[1]}}],
        )["ImageId"]
        with self.record.lock:
            self.record.images[(HOME, ami)] = [source[1]]
        instance = self.ec2.run_instances(ImageId=ami, InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
        self.wait(lambda: self.ec2.describe_instances(InstanceIds=[instance])["Reservations"][0]["Instances"][0]["State"]["Name"] == "running")
        index, data = self.rnd.randrange(64), self.rnd.randbytes(BLOCK_SIZE)
        reply = signed_request(self.endpoint, "PUT", f"/kiln/volumes/{instance}/data", query={"offset": str(index * BLOCK_SIZE)}, body=data)
        if reply.status_code != 200:
            raise AssertionError(f"root disk write answered {reply.status_code}: {reply.text[:300]}")
        expected = {**base, index: digest(data)}
        new = self.ec2.create_image(InstanceId=instance, Name=name + "-v2", NoReboot=True)["ImageId"]
        snap = self.wait_image(self.ec2, new)
        self.ec2.terminate_instances(InstanceIds=[instance])
        with self.record.lock:
            self.record.images[(HOME, new)] = [snap]
            self.record.pinned.add((HOME, snap))
        self.record.completed(HOME, snap, expected, self.number)
        copy = self.ec2_away.copy_image(SourceRegion=HOME, SourceImageId=new, Name=name + "-away")["ImageId"]
        copied = self.wait_image(self.ec2_away, copy)
        with self.record.lock:
            self.record.images[(AWAY, copy)] = [copied]
            self.record.pinned.add((AWAY, copied))
        self.record.completed(AWAY, copied, expected, self.number)
        return None

    def delete_snapshot(self) -> None:
        """DeleteSnapshot of one of the client's snapshots that nothing holds."""
        candidates = self.record.deletable(self.number)
        if not candidates:
            return self.volume_writes()
        with self.record.lock:
            victim = self.rnd.choice(candidates)
            if victim not in self.record.snapshots or victim in self.record.pinned:
                return None
            # no longer promised from the moment the call is sent
            del self.record.snapshots[victim]
        client = self.ec2 if victim[0] == HOME else self.ec2_away
        client.delete_snapshot(SnapshotId=victim[1])
        with self.record.lock:
            self.record.deleted.add(victim)
        return None

    def gc(self) -> None:
        reply = signed_request(self.endpoint, "POST", "/kiln/admin/gc")
        if reply.status_code == 503 and "deferred" in reply.text:
            return  # a cluster: another node's uploads or copies hold their blocks from gc for now
        if reply.status_code != 200:
            raise AssertionError(f"gc answered {reply.status_code}: {reply.text[:300]}")

    # ---- waiting

    def wait(self, check, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.stop.is_set():
                raise Killed()
            if check():
                return
            time.sleep(0.05)
        raise AssertionError("timed out waiting")

    def wait_snapshot(self, ec2, sid: str) -> None:
        def done() -> bool:
            state = ec2.describe_snapshots(SnapshotIds=[sid])["Snapshots"][0]["State"]
            if state == "error":
                raise AssertionError(f"{sid} went to error while the server was up")
            return state == "completed"

        self.wait(done)

    def wait_image(self, ec2, ami: str) -> str:
        def done() -> bool:
            return ec2.describe_images(ImageIds=[ami])["Images"][0]["State"] == "available"

        self.wait(done)
        image = ec2.describe_images(ImageIds=[ami])["Images"][0]
        return image["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]


def import_process(endpoint: str, image: Path) -> subprocess.Popen:
    """`kiln image import` as a child the round can kill with the server: the command retries
    a server that is gone, and must not finish against the restarted one during the checks."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_REGION=HOME, AWS_DEFAULT_REGION=HOME)
    argv = [str(kiln_binary()), "image", "import", str(image), "--name", "torture", "--endpoint-url", endpoint]
    return subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


# ---------------------------------------------------------------- checks


def read_digests(ebs, sid: str) -> dict[int, str]:
    out = {}
    for b in list_all_blocks(ebs, sid):
        data, resp = get_block(ebs, sid, b["BlockIndex"], b["BlockToken"])
        if resp["Checksum"] != b64_sha256(data):
            raise AssertionError(f"{sid} block {b['BlockIndex']}: checksum header differs from the data")
        out[b["BlockIndex"]] = digest(data)
    return out


CHECKERS: dict[str, dict] = {}


def check_promises(srv: KilnServer, record: Record, stage: str) -> list[str]:
    """Every promise in `record` against the server; returns the findings."""
    ep = srv.endpoint
    found: list[str] = []
    if ep not in CHECKERS:  # made once: boto3 clients are slow to make
        CHECKERS[ep] = {r: (make_client(ep, "ec2", region=r), make_client(ep, "ebs", region=r)) for r in (HOME, AWAY)}
    clients = CHECKERS[ep]
    for (region, sid), expected in sorted(record.snapshots.items()):
        ec2, ebs = clients[region]
        try:
            state = ec2.describe_snapshots(SnapshotIds=[sid])["Snapshots"][0]["State"]
        except ClientError as e:
            found.append(f"{stage}: snapshot {region}/{sid} answered completed is gone: {e}")
            continue
        if state != "completed":
            found.append(f"{stage}: snapshot {region}/{sid} answered completed is {state}")
            continue
        try:
            got = read_digests(ebs, sid)
        except ClientError as e:
            found.append(f"{stage}: snapshot {region}/{sid} answered completed does not read back: {e}")
            continue
        if got != expected:
            diff = sorted(i for i in set(got) | set(expected) if got.get(i) != expected.get(i))
            found.append(f"{stage}: snapshot {region}/{sid} differs from the client's record at blocks {diff[:10]}")
    for region, sid in sorted(record.deleted):
        try:
            clients[region][0].describe_snapshots(SnapshotIds=[sid])
            found.append(f"{stage}: snapshot {region}/{sid} was answered deleted but is back")
        except ClientError:
            pass
    for key, blocks in sorted(record.volumes.items()):
        vid = key.split(":", 1)[1]
        for index, want in sorted(blocks.items()):
            reply = signed_request(ep, "GET", f"/kiln/volumes/{vid}/data", query={"offset": str(index * BLOCK_SIZE), "length": str(BLOCK_SIZE)})
            got = digest(reply.content) if reply.status_code == 200 else None
            if got not in want:
                found.append(f"{stage}: volume {vid} block {index}: an acknowledged write is missing ({reply.status_code})")
            else:
                blocks[index] = {got}  # what an unanswered write left is now known
    for (region, ami), snaps in sorted(record.images.items()):
        ec2 = clients[region][0]
        try:
            image = ec2.describe_images(ImageIds=[ami])["Images"][0]
        except (ClientError, IndexError) as e:
            found.append(f"{stage}: image {region}/{ami} is gone: {e}")
            continue
        for mapping in image.get("BlockDeviceMappings", []):
            sid = mapping.get("Ebs", {}).get("SnapshotId")
            if sid:
                try:
                    ec2.describe_snapshots(SnapshotIds=[sid])
                except ClientError:
                    found.append(f"{stage}: image {region}/{ami} refers to missing snapshot {sid}")
    # every image of the account, not only the recorded ones: no reference dangles
    for region, (ec2, _) in clients.items():
        for image in ec2.describe_images(Owners=["self"])["Images"]:
            for mapping in image.get("BlockDeviceMappings", []):
                sid = mapping.get("Ebs", {}).get("SnapshotId")
                if image["State"] == "available" and sid:
                    try:
                        ec2.describe_snapshots(SnapshotIds=[sid])
                    except ClientError:
                        found.append(f"{stage}: available image {region}/{image['ImageId']} refers to missing snapshot {sid}")
    return found


def verify(srv: KilnServer, stage: str) -> tuple[list[str], dict]:
    run = run_kiln(srv.endpoint, "verify", check=False)
    try:
        report = run.json()
    except ValueError:
        return [f"{stage}: kiln verify gave no report: {run}"], {}
    return [f"{stage}: verify: {p}" for p in report.get("problems", [])], report


def gc(srv: KilnServer) -> dict:
    """A gc; in a cluster it waits while a killed node's lease on its blocks runs out."""
    deadline = time.monotonic() + 30
    reply = signed_request(srv.endpoint, "POST", "/kiln/admin/gc")
    while reply.status_code == 503 and "deferred" in reply.text and time.monotonic() < deadline:
        time.sleep(0.5)
        reply = signed_request(srv.endpoint, "POST", "/kiln/admin/gc")
    if reply.status_code != 200:
        raise AssertionError(f"gc answered {reply.status_code}: {reply.text[:300]}")
    return reply.json()


def check_round(srv: KilnServer, record: Record) -> list[str]:
    found, _ = verify(srv, "after restart")
    found += check_promises(srv, record, "after restart")
    srv.advance_clock(3600)  # past gc's grace period, so gc reclaims what it may
    first = gc(srv)
    second = gc(srv)
    if second["blocksRemoved"] or second["orphanPacksDeleted"]:
        found.append(f"a second gc still found garbage: {second} (first: {first})")
    problems, report = verify(srv, "after gc")
    found += problems
    # gc leaves a dead block in place only in a pack it would not pay to rewrite (under 30% dead)
    if report and not second["liveBlocks"] <= report.get("blocksChecked", 0) <= second["liveBlocks"] / 0.7 + 1:
        found.append(f"after gc the store holds {report.get('blocksChecked')} blocks for {second['liveBlocks']} referenced ones")
    found += check_promises(srv, record, "after gc")
    return found


# ---------------------------------------------------------------- rounds


def run_round(
    srv: KilnServer, record: Record, rnd: random.Random, sdks: list[tuple], tmp: Path, max_kill: float, kill_one: bool = False
) -> tuple[list[str], list[str]]:
    """One round: load, kill -9 (of the server, or with `kill_one` of one node of the
    cluster while the others serve on), a restart, and the checks."""
    srv.start()
    stop, dying = threading.Event(), threading.Event()
    threads = [Client(n, srv.endpoint, record, random.Random(rnd.randrange(1 << 62)), stop, tmp, sdk) for n, sdk in enumerate(sdks)]
    for t in threads:
        t.dying = dying
        t.start()
    time.sleep(rnd.uniform(0.2, max_kill))
    victim = rnd.randrange(len(srv.node_ports)) if kill_one and srv.cluster else None
    dying.set()
    if victim is None:
        srv.kill9()
    else:
        srv.kill9_node(victim)
    stop.set()
    for t in threads:
        child = t.child
        if child is not None and child.poll() is None:
            child.kill()
    for t in threads:
        t.join(timeout=90)
        if t.is_alive():
            raise RuntimeError(f"client {t.number} did not stop after the kill")
    ops = [op for t in threads for op in t.ops]
    unexpected = [u for t in threads for u in t.unexpected]
    if victim is None:
        srv.start()
    else:
        srv.start_node(victim)
    found = unexpected + check_round(srv, record)
    srv.stop()
    return found, ops


def tally(checked: dict[str, int], record: Record) -> None:
    """Adds what `record` promised (and the last round checked) to the campaign's totals."""
    checked["snapshots"] += len(record.snapshots)
    checked["deletions"] += len(record.deleted)
    checked["volume blocks"] += sum(len(v) for v in record.volumes.values())
    checked["images"] += len(record.images)


def torture(
    rounds: int,
    seed: int,
    clients: int = 4,
    max_kill: float = 4.0,
    workdir: Path | None = None,
    log=print,
    kill_one: bool = False,
    fresh_every: int = 0,
) -> list[str]:
    """Runs `rounds` rounds on one data directory; returns every finding (empty: all held).
    With `fresh_every` N, every N rounds the campaign goes on with a new data directory (and a
    new record), so that a round's checks stay as long late in the campaign as early on.
    With KILN_CLUSTER=postgres the server is a cluster of nodes, and `kill_one` kills one
    node a round instead of all."""
    rnd = random.Random(seed)
    own = workdir is None
    workdir = workdir or Path(tempfile.mkdtemp(prefix="kiln-torture-"))
    workdir.mkdir(parents=True, exist_ok=True)
    srv = KilnServer(workdir, "torture", DEV_ARGS + ["--enable-test-reset"])
    record = Record()
    sdks = [sdk_clients(srv.endpoint) for _ in range(clients)]
    findings: list[str] = []
    counts: dict[str, int] = {}
    checked = {"snapshots": 0, "deletions": 0, "volume blocks": 0, "images": 0}
    started = time.monotonic()
    try:
        for number in range(1, rounds + 1):
            if fresh_every and number > 1 and (number - 1) % fresh_every == 0:
                tally(checked, record)
                if not findings:
                    shutil.rmtree(srv.data_dir, ignore_errors=True)
                srv = KilnServer(workdir, f"torture-{number}", DEV_ARGS + ["--enable-test-reset"])
                record = Record()
                sdks = [sdk_clients(srv.endpoint) for _ in range(clients)]
                log(f"round {number}: a new data directory, {srv.data_dir.name}")
            found, ops = run_round(srv, record, rnd, sdks, workdir, max_kill, kill_one)
            for op in ops:
                counts[op] = counts.get(op, 0) + 1
            log(f"round {number}/{rounds}: {len(ops)} operations, {len(record.snapshots)} snapshots, {len(found)} findings")
            if found:
                findings += [f"round {number}: {f}" for f in found]
                kept = workdir / f"failed-round-{number}"
                shutil.copytree(srv.data_dir, kept / "data", dirs_exist_ok=True)
                (kept / "server.log").write_text(srv.log_text())
                log(f"  kept {kept}")
                for f in found[:20]:
                    log("  " + f)
    finally:
        if srv.running:
            srv.kill9()
    tally(checked, record)
    log(f"{rounds} rounds in {time.monotonic() - started:.0f}s; operations started: {dict(sorted(counts.items()))}")
    log(f"promises checked at the end of each data directory: {checked['snapshots']} snapshots, {checked['deletions']} deletions, "
        f"{checked['volume blocks']} volume blocks, {checked['images']} images; {len(findings)} findings")
    if own and not findings:
        shutil.rmtree(workdir, ignore_errors=True)
    return findings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--max-kill", type=float, default=4.0, help="the latest moment of the kill, in seconds after the load starts")
    parser.add_argument(
        "--fresh-every", type=int, default=0, help="go on with a new data directory every N rounds (0: one directory for the whole campaign)"
    )
    parser.add_argument(
        "--cluster",
        action="store_true",
        help="two nodes on a throw-away PostgreSQL (and SeaweedFS when installed), requests alternating; each round kills one node",
    )
    args = parser.parse_args()
    print(f"seed {args.seed}")
    if args.cluster:
        import seaweed

        os.environ["KILN_CLUSTER"] = "postgres"
        if seaweed.available():
            os.environ.setdefault("KILN_BLOCKS", "seaweedfs")
        print(f"cluster: KILN_CLUSTER=postgres KILN_BLOCKS={os.environ.get('KILN_BLOCKS', '(data directory)')}")
    findings = torture(args.rounds, args.seed, args.clients, args.max_kill, kill_one=args.cluster, fresh_every=args.fresh_every)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
