#!/usr/bin/env python3
"""Kiln data-plane benchmark: a real ext4 disk image through Kiln, restic and borg.

One run, side by side on this machine (loopback only, temp dirs cleaned):

  1. image    a realistic ext4 image (mke2fs -d from system folders), cached under
              bench/out/cache/ so reruns skip building it
  2. import   kiln image import  vs  sha256sum, restic backup, borg create
  3. incr     5% of the 512 KiB blocks overwritten with seeded random data:
              Kiln EBS-direct incremental (StartSnapshot with a parent, PutSnapshotBlock
              for the changed blocks only, CompleteSnapshot) and Kiln volume path (a volume
              from the first snapshot, PUT /kiln/volumes/ID/data, CreateSnapshot)
              vs restic backup and borg create of the modified file; each Kiln path, and
              Kiln's full import, runs --repeat times and the ratios use the medians
  4. export   kiln image export (checked with cmp)  vs  restic restore, borg extract,
              cat of the file from the page cache
  5. store    du -sb of Kiln's blocks dir vs the restic and borg repositories

and a final table of the data-plane targets with PASS/FAIL. See bench/README.md.
"""

from __future__ import annotations

import argparse
import base64
import concurrent.futures as cf
import datetime as dt
import hashlib
import json
import os
import random
import re
import resource
import shutil
import stat
import statistics
import subprocess
import threading
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import REPO, OUT_DIR, Server, find_kiln, free_port  # noqa: E402  (the wrk harness)

CACHE_DIR = OUT_DIR / "cache"
BLOCK = 512 * 1024  # the EBS direct API's block size
GIB = 1 << 30
ACCESS_KEY = "test"  # dev auth: any key; not 12 digits -> default account
SECRET_KEY = "test"
REGION = "us-east-1"
PASSWORD = "kiln-bench-pw"  # restic / borg repository password (local throwaway repos)
HEALTH_TIMEOUT = 30.0
POLL_TIMEOUT = 300.0  # waiting for a volume / snapshot state
IMAGE_FORMAT = 2  # bump when the way the cached image is built changes

# Folders the image is filled from, with the share of the fill each may take (unused
# share carries over to the next). The last entry takes whatever is still missing.
IMAGE_SOURCES: list[tuple[str, float]] = [
    ("/usr/bin", 0.15),
    ("/usr/lib/x86_64-linux-gnu", 0.20),
    ("/usr/lib/gcc", 0.08),
    ("/usr/lib/python3", 0.05),
    ("/usr/lib/python3.11", 0.07),
    ("/usr/lib/git-core", 0.03),
    ("/usr/lib/postgresql", 0.05),
    ("/usr/include", 0.05),
    ("/usr/share", 0.27),
    ("/usr/libexec", 0.02),
    ("/usr/sbin", 0.01),
    ("/usr/lib", 0.02),
]


class StepFailed(RuntimeError):
    pass


# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------

_REPORT: list[str] = []


def out(line: str = "") -> None:
    """Prints a report line (also kept for report.txt)."""
    print(line, flush=True)
    _REPORT.append(line)


def note(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def parse_size(text: str) -> int:
    m = re.fullmatch(r"\s*(\d+)\s*([KMGT]?)(i?B?)\s*", text, re.I)
    if not m:
        raise argparse.ArgumentTypeError(f"bad size {text!r} (use e.g. 256M, 2G)")
    mult = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}[m.group(2).upper()]
    return int(m.group(1)) * mult


def size_label(n: int) -> str:
    for unit, mult in (("G", GIB), ("M", 1 << 20), ("K", 1 << 10)):
        if n % mult == 0:
            return f"{n // mult}{unit}"
    return str(n)


def mb(n: float | None) -> str:
    return "-" if n is None else f"{n / 1e6:,.1f} MB"


def secs(s: float | None) -> str:
    return "-" if s is None else f"{s:.2f}"


def rate(nbytes: int, s: float | None) -> float | None:
    return nbytes / s / 1e6 if s else None


def ratio(a, b) -> float | None:
    return a / b if a is not None and b else None


def fmt_x(r: float | None) -> str:
    return "n/a" if r is None else f"x{r:.2f}"


def table(headers: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    fmt = "   " + "  ".join(f"{{:<{w}}}" if i == 0 else f"{{:>{w}}}" for i, w in enumerate(widths))
    out(fmt.format(*headers))
    for r in rows:
        out(fmt.format(*[str(c) for c in r]))


def du_sb(path: Path) -> int:
    p = subprocess.run(["du", "-sb", str(path)], capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        raise StepFailed(f"du -sb {path}: {p.stderr.strip()}")
    return int(p.stdout.split()[0])


def proc_cpu(pid: int) -> float | None:
    """user+sys CPU seconds of a running process (the Kiln server)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def ensure_tools(tools: dict[str, str], allow_install: bool) -> list[str]:
    """Installs missing binaries with apt-get (update first if the install fails).
    Returns the binaries still missing."""
    missing = {b: pkg for b, pkg in tools.items() if not shutil.which(b)}
    if not missing:
        return []
    pkgs = sorted(set(missing.values()))
    if not allow_install or os.geteuid() != 0 or not shutil.which("apt-get"):
        note(f"missing {sorted(missing)}; install with: apt-get install -y {' '.join(pkgs)}")
        return sorted(missing)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    note(f"installing {pkgs} with apt-get")
    cmd = ["apt-get", "install", "-y", "-q", *pkgs]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
    if r.returncode != 0:  # package lists may be missing or stale
        note("  install failed; running apt-get update first")
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, text=True, timeout=600)
        r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
    still = sorted(b for b in missing if not shutil.which(b))
    if still:
        note(f"could not install {still}:\n{r.stdout[-800:]}\n{r.stderr[-800:]}")
    return still


def cpu_flags() -> str:
    """The CPU features that decide hashing/sealing speed (storage.md §3.1 measured without them)."""
    try:
        flags = set(re.search(r"^flags\s*:(.*)$", Path("/proc/cpuinfo").read_text(), re.M).group(1).split())
    except (OSError, AttributeError):
        return "?"
    return " ".join(f"{f}={'yes' if f in flags else 'no'}" for f in ("sha_ni", "aes", "vaes", "avx512f"))


def tool_version(argv: list[str]) -> str:
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        return (p.stdout or p.stderr).strip().splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        return "?"


# --------------------------------------------------------------------------
# Timed steps
# --------------------------------------------------------------------------


@dataclass
class Timed:
    wall: float
    cpu: float  # user+sys of the client process(es)
    server_cpu: float | None = None  # user+sys of the Kiln server during the step
    stdout: str = ""
    stderr: str = ""


class Runner:
    """Runs and times commands, logging their output under the run's out dir."""

    def __init__(self, logs: Path, timeout: float):
        self.logs, self.timeout = logs, timeout
        self.server_pid: int | None = None

    def run(self, name: str, argv: list[str], *, env=None, cwd=None, stdout_to=None,
            server: bool = False, check: bool = True) -> Timed:
        os.sync()  # keep the previous step's write-back out of this one
        s0 = proc_cpu(self.server_pid) if server and self.server_pid else None
        c0 = children_cpu()
        t0 = time.perf_counter()
        try:
            p = subprocess.run(
                argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                stdout=stdout_to if stdout_to is not None else subprocess.PIPE,
                stderr=subprocess.PIPE, timeout=self.timeout,
            )
        except subprocess.TimeoutExpired as e:
            raise StepFailed(f"{name}: timed out after {self.timeout:.0f}s ({' '.join(argv)})") from e
        wall = time.perf_counter() - t0
        cpu = children_cpu() - c0
        s1 = proc_cpu(self.server_pid) if server and self.server_pid else None
        so = p.stdout.decode(errors="replace") if isinstance(p.stdout, bytes) else ""
        se = p.stderr.decode(errors="replace")
        (self.logs / f"{name}.log").write_text(f"$ {' '.join(argv)}\n# rc={p.returncode} wall={wall:.3f}s\n"
                                               f"--- stdout\n{so[-20000:]}\n--- stderr\n{se[-20000:]}\n")
        if check and p.returncode != 0:
            tail = "\n".join(se.strip().splitlines()[-8:])
            raise StepFailed(f"{name}: exit {p.returncode}: {tail}")
        return Timed(wall, cpu, (s1 - s0) if s0 is not None and s1 is not None else None, so, se)

    def timed_py(self, fn, server: bool = True):
        """Times an in-process (boto3 / requests) step."""
        os.sync()
        s0 = proc_cpu(self.server_pid) if server and self.server_pid else None
        c0 = time.process_time()
        t0 = time.perf_counter()
        value = fn()
        wall = time.perf_counter() - t0
        cpu = time.process_time() - c0
        s1 = proc_cpu(self.server_pid) if server and self.server_pid else None
        return Timed(wall, cpu, (s1 - s0) if s0 is not None and s1 is not None else None), value


def cmp_files(a: Path, b: Path) -> bool:
    p = subprocess.run(["cmp", "-s", str(a), str(b)], timeout=900)
    return p.returncode == 0


# --------------------------------------------------------------------------
# 1. The disk image
# --------------------------------------------------------------------------


def _stage_tree(stage: Path, target_bytes: int, max_inodes: int) -> tuple[int, int]:
    """Hard-links (or copies) system files into `stage` until `target_bytes` are there."""
    seen: set[tuple[int, int]] = set()
    total = files = 0
    carry = 0.0
    for i, (root, share) in enumerate(IMAGE_SOURCES):
        last = i == len(IMAGE_SOURCES) - 1
        budget = (target_bytes - total) if last else share * target_bytes + carry
        if not os.path.isdir(root) or budget <= 0:
            carry = max(0.0, budget)
            continue
        dest_root = stage / root.strip("/").replace("/", "_")
        taken = 0
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            if taken >= budget or files >= max_inodes:
                break
            rel = os.path.relpath(dirpath, root)
            ddir = dest_root / rel
            for fn in sorted(filenames):
                if taken >= budget or files >= max_inodes:
                    break
                src = os.path.join(dirpath, fn)
                try:
                    st = os.lstat(src)
                except OSError:
                    continue
                dst = ddir / fn
                if stat.S_ISLNK(st.st_mode):
                    ddir.mkdir(parents=True, exist_ok=True)
                    try:
                        os.symlink(os.readlink(src), dst)
                        files += 1
                    except OSError:
                        pass
                    continue
                if not stat.S_ISREG(st.st_mode) or (st.st_dev, st.st_ino) in seen:
                    continue
                if st.st_size > (budget - taken) + 0.02 * target_bytes:
                    continue  # one huge file would crowd out the rest of the mix
                ddir.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(src, dst)
                except OSError:
                    try:
                        shutil.copy2(src, dst)
                    except OSError:
                        continue
                seen.add((st.st_dev, st.st_ino))
                taken += st.st_size
                total += st.st_size
                files += 1
        carry = max(0.0, budget - taken)
        if total >= target_bytes:
            break
    return total, files


def scan_blocks(path: Path) -> tuple[int, int]:
    """(blocks, non-zero blocks) of a file in 512 KiB blocks."""
    zero = bytes(BLOCK)
    n = nz = 0
    with open(path, "rb") as f:
        while True:
            b = f.read(BLOCK)
            if not b:
                break
            n += 1
            if b != zero[: len(b)]:
                nz += 1
    return n, nz


def nonzero_indexes(path: Path) -> list[int]:
    """The indexes of a file's 512 KiB blocks that are not all zero."""
    zero = bytes(BLOCK)
    found = []
    with open(path, "rb") as f:
        for i, b in enumerate(iter(lambda: f.read(BLOCK), b"")):
            if b != zero[: len(b)]:
                found.append(i)
    return found


def build_image(size: int, fill: float, rebuild: bool) -> tuple[Path, dict]:
    """The cached ext4 image of `size` bytes, built once with mke2fs -d."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    img = CACHE_DIR / f"ext4-{size_label(size)}.img"
    meta_path = img.with_suffix(".json")
    if img.exists() and meta_path.exists() and not rebuild:
        try:
            meta = json.loads(meta_path.read_text())
            if meta.get("size") == size and meta.get("format") == IMAGE_FORMAT and img.stat().st_size == size:
                note(f"image: cached {img}")
                return img, meta
        except (ValueError, OSError):
            pass
    if ensure_tools({"mke2fs": "e2fsprogs"}, True):
        raise StepFailed("mke2fs (e2fsprogs) is needed to build the image")
    target = int(size * fill)
    max_inodes = int(size / 16384 * 0.85)  # mke2fs's default inode ratio, with headroom for dirs
    note(f"image: building {img.name}: staging ~{target / 1e6:.0f} MB of system files, then mke2fs -d")
    stage = Path(tempfile.mkdtemp(prefix="stage-", dir=CACHE_DIR))  # same fs as /usr: hard links
    tmp_img = img.with_name(img.name + ".part")
    try:
        t0 = time.perf_counter()
        staged, files = _stage_tree(stage, target, max_inodes)
        tmp_img.unlink(missing_ok=True)
        p = subprocess.run(["mke2fs", "-q", "-F", "-t", "ext4", "-d", str(stage), str(tmp_img), f"{size // 1024}k"],
                           capture_output=True, text=True, timeout=1800)
        if p.returncode != 0:
            raise StepFailed(f"mke2fs failed: {p.stderr.strip()[-1500:]}")
        if tmp_img.stat().st_size != size:
            os.truncate(tmp_img, size)
        blocks, nonzero = scan_blocks(tmp_img)
        os.replace(tmp_img, img)
        meta = {
            "format": IMAGE_FORMAT, "size": size, "staged_bytes": staged, "files": files,
            "blocks": blocks, "nonzero_blocks": nonzero, "sources": [r for r, _ in IMAGE_SOURCES],
            "built": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "build_seconds": round(time.perf_counter() - t0, 1),
        }
        meta_path.write_text(json.dumps(meta, indent=2))
        note(f"image: {staged / 1e6:.0f} MB in {files} files -> {img} "
             f"({nonzero}/{blocks} non-zero 512 KiB blocks) in {meta['build_seconds']}s")
        return img, meta
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        tmp_img.unlink(missing_ok=True)


def changed_blocks(n_blocks: int, pct: float, seed: int) -> list[int]:
    count = max(1, round(n_blocks * pct / 100))
    return sorted(random.Random(seed).sample(range(n_blocks), count))


def block_payloads(indexes: list[int], seed: int) -> dict[int, bytes]:
    rng = random.Random(seed)
    return {i: rng.randbytes(BLOCK) for i in indexes}


def compressed_size(blocks: list[bytes]) -> tuple[int, str]:
    """zstd -1 size of each 512 KiB block, summed (what a zstd-1 block store would keep)."""
    try:
        import zstandard  # type: ignore

        c = zstandard.ZstdCompressor(level=1)
        return sum(len(c.compress(b)) for b in blocks), "zstd-1 (python)"
    except ImportError:
        pass
    if shutil.which("zstd"):
        total = 0
        for b in blocks:
            p = subprocess.run(["zstd", "-1", "-q", "-c"], input=b, capture_output=True, timeout=60)
            if p.returncode != 0:
                break
            total += len(p.stdout)
        else:
            return total, "zstd -1 per block"
    return sum(len(b) for b in blocks), "raw (no zstd found)"


# --------------------------------------------------------------------------
# Kiln
# --------------------------------------------------------------------------


class Kiln:
    def __init__(self, bin_path: Path, data_dir: Path, logs: Path, runner: Runner, concurrency: int):
        self.bin, self.data_dir, self.runner, self.concurrency = bin_path, data_dir, runner, concurrency
        port = free_port()
        self.server = Server(
            "kiln",
            [str(bin_path), "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir),
             "--auth", "dev", "--latency", "instant", "--log-level", "warning"],
            port, logs / "kiln-server.log", "/health",
        )
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        self.env.update(AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY,
                        AWS_DEFAULT_REGION=REGION, AWS_REGION=REGION)
        self._ec2 = self._ebs = None

    @property
    def endpoint(self) -> str:
        return self.server.endpoint

    def start(self) -> None:
        self.server.start()
        deadline = time.monotonic() + HEALTH_TIMEOUT
        while True:
            try:
                if requests.get(self.endpoint + "/health", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise StepFailed(f"kiln /health not 200 after {HEALTH_TIMEOUT}s:\n{self.server.log_tail()}")
            time.sleep(0.1)
        self.runner.server_pid = self.server.proc.pid
        # Build the boto3 clients (loading their service models takes ~0.1 s) before any timing.
        self.ec2.describe_volumes()
        _ = self.ebs

    def stop(self) -> None:
        self.server.stop()

    def cli(self, name: str, *args: str, **kw) -> Timed:
        return self.runner.run(name, [str(self.bin), *args, "--endpoint-url", self.endpoint],
                               env=self.env, server=True, **kw)

    def blocks_bytes(self) -> int:
        d = self.data_dir / "blocks"
        return du_sb(d) if d.exists() else 0

    def storage(self) -> dict:
        self._storage_calls = getattr(self, "_storage_calls", 0) + 1
        t = self.cli(f"kiln-storage-{self._storage_calls}", "storage")
        return json.loads(t.stdout[t.stdout.index("{"):])

    def stored_changed(self, snapshot_id: str) -> int | None:
        try:
            for s in self.storage().get("snapshots", []):
                if s.get("snapshotId") == snapshot_id:
                    return int(s.get("storedChangedBytes", 0))
        except (StepFailed, ValueError) as e:
            note(f"kiln storage: {e}")
        return None

    def client(self, service: str):
        session = boto3.session.Session(aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
                                        region_name=REGION)
        cfg = Config(max_pool_connections=self.concurrency + 4, retries={"max_attempts": 2, "mode": "standard"},
                     connect_timeout=10, read_timeout=300)
        return session.client(service, endpoint_url=self.endpoint, config=cfg)

    @property
    def ec2(self):
        self._ec2 = self._ec2 or self.client("ec2")
        return self._ec2

    @property
    def ebs(self):
        self._ebs = self._ebs or self.client("ebs")
        return self._ebs

    def wait_snapshot(self, snap_id: str) -> None:
        deadline = time.monotonic() + POLL_TIMEOUT
        while True:
            s = self.ec2.describe_snapshots(SnapshotIds=[snap_id])["Snapshots"][0]
            if s["State"] == "completed":
                return
            if s["State"] == "error":
                raise StepFailed(f"{snap_id} went to error: {s.get('StateMessage', '')}")
            if time.monotonic() > deadline:
                raise StepFailed(f"{snap_id} still {s['State']} after {POLL_TIMEOUT:.0f}s")
            time.sleep(0.02)

    def wait_volume(self, vol_id: str) -> None:
        deadline = time.monotonic() + POLL_TIMEOUT
        while True:
            v = self.ec2.describe_volumes(VolumeIds=[vol_id])["Volumes"][0]
            if v["State"] == "available":
                return
            if time.monotonic() > deadline:
                raise StepFailed(f"{vol_id} still {v['State']} after {POLL_TIMEOUT:.0f}s")
            time.sleep(0.05)

    # --- incremental, EBS direct ---------------------------------------------------
    def ebs_incremental(self, parent: str | None, volume_gib: int, image: Path, indexes: list[int],
                        payloads: dict[int, bytes] | None = None) -> str:
        """Uploads the blocks at `indexes`, read from `image` or taken from `payloads`, into a
        new snapshot: a child of `parent`, or a full snapshot without one."""
        ebs = self.ebs
        lineage = {"ParentSnapshotId": parent} if parent else {}
        snap = ebs.start_snapshot(VolumeSize=volume_gib, ClientToken=str(uuid.uuid4()), Timeout=60,
                                  Description="dataplane bench", **lineage)["SnapshotId"]
        digests: dict[int, bytes] = {}
        fd = os.open(image, os.O_RDONLY)
        try:
            def put(i: int) -> None:
                data = payloads[i] if payloads is not None else os.pread(fd, BLOCK, i * BLOCK)
                data += bytes(BLOCK - len(data))
                d = hashlib.sha256(data).digest()
                ebs.put_snapshot_block(SnapshotId=snap, BlockIndex=i, BlockData=data, DataLength=BLOCK,
                                       Checksum=base64.b64encode(d).decode(), ChecksumAlgorithm="SHA256")
                digests[i] = d

            with cf.ThreadPoolExecutor(self.concurrency) as pool:
                for f in [pool.submit(put, i) for i in indexes]:
                    f.result()
        finally:
            os.close(fd)
        agg = hashlib.sha256(b"".join(digests[i] for i in sorted(digests))).digest()
        ebs.complete_snapshot(SnapshotId=snap, ChangedBlocksCount=len(digests),
                              Checksum=base64.b64encode(agg).decode(), ChecksumAlgorithm="SHA256",
                              ChecksumAggregationMethod="LINEAR")
        self.wait_snapshot(snap)
        return snap

    # --- incremental, volume + CreateSnapshot ---------------------------------------
    def create_volume(self, snapshot: str) -> str:
        vol = self.ec2.create_volume(SnapshotId=snapshot, AvailabilityZone=REGION + "a")["VolumeId"]
        self.wait_volume(vol)
        return vol

    def write_volume(self, vol: str, payloads: dict[int, bytes]) -> None:
        creds = Credentials(ACCESS_KEY, SECRET_KEY)
        path = f"/kiln/volumes/{vol}/data"

        def put(item: tuple[int, bytes]) -> None:
            i, body = item
            url = f"{self.endpoint}{path}?offset={i * BLOCK}"
            req = AWSRequest(method="PUT", url=url, data=body, headers={"Content-Type": "application/octet-stream"})
            SigV4Auth(creds, "ec2", REGION).add_auth(req)
            r = _session().put(req.url, data=body, headers=dict(req.headers.items()), timeout=300)
            if r.status_code != 200:
                raise StepFailed(f"PUT {path}?offset={i * BLOCK}: HTTP {r.status_code} {r.text[:300]}")

        with cf.ThreadPoolExecutor(self.concurrency) as pool:
            for f in [pool.submit(put, it) for it in sorted(payloads.items())]:
                f.result()

    def snapshot_volume(self, vol: str) -> str:
        snap = self.ec2.create_snapshot(VolumeId=vol, Description="dataplane bench: volume incremental")["SnapshotId"]
        self.wait_snapshot(snap)
        return snap


_tls = threading.local()


def _session() -> requests.Session:
    s = getattr(_tls, "session", None)
    if s is None:
        s = _tls.session = requests.Session()
    return s


def check_kiln_binary(path: Path) -> str | None:
    """Why this binary cannot run the benchmark, or None."""
    for sub in (["image", "import", "--help"], ["image", "export", "--help"], ["storage", "--help"]):
        p = subprocess.run([str(path), *sub], capture_output=True, text=True, timeout=30)
        if p.returncode != 0:
            return (f"{path} has no `kiln {' '.join(sub[:-1])}` (an older build without the data plane?); "
                    "build the current sources")
    return None


# --------------------------------------------------------------------------
# restic / borg
# --------------------------------------------------------------------------


class Restic:
    def __init__(self, work: Path, runner: Runner):
        self.repo, self.runner, self.work = work / "restic-repo", runner, work
        self.env = dict(os.environ, RESTIC_PASSWORD=PASSWORD, RESTIC_REPOSITORY=str(self.repo),
                        RESTIC_CACHE_DIR=str(work / "restic-cache"))

    def init(self) -> None:
        self.runner.run("restic-init", ["restic", "init", "--repository-version", "2"], env=self.env)

    def backup(self, name: str, cwd: Path, file: str) -> Timed:
        return self.runner.run(name, ["restic", "backup", "-q", file], env=self.env, cwd=cwd)

    def restore(self, name: str, target: Path) -> Timed:
        return self.runner.run(name, ["restic", "restore", "-q", "latest", "--target", str(target)], env=self.env)


class Borg:
    def __init__(self, work: Path, runner: Runner):
        self.repo, self.runner = work / "borg-repo", runner
        self.env = dict(os.environ, BORG_PASSPHRASE=PASSWORD, BORG_REPO=str(self.repo),
                        BORG_BASE_DIR=str(work / "borg-base"), BORG_DISPLAY_PASSPHRASE="no",
                        BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK="yes", BORG_RELOCATED_REPO_ACCESS_IS_OK="yes")

    def init(self) -> None:
        self.runner.run("borg-init", ["borg", "init", "-e", "repokey"], env=self.env)

    def create(self, name: str, archive: str, cwd: Path, file: str) -> Timed:
        return self.runner.run(name, ["borg", "create", f"::{archive}", file], env=self.env, cwd=cwd)

    def extract(self, name: str, archive: str, cwd: Path) -> Timed:
        return self.runner.run(name, ["borg", "extract", f"::{archive}"], env=self.env, cwd=cwd)


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


@dataclass
class Results:
    meta: dict = field(default_factory=dict)
    image: dict = field(default_factory=dict)
    steps: dict = field(default_factory=dict)  # name -> {wall, cpu, server_cpu, ...} or {error}
    sizes: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)

    def record(self, name: str, t: Timed | None = None, **extra) -> None:
        d = dict(extra)
        if t is not None:
            d.update(wall=round(t.wall, 4), cpu=round(t.cpu, 3),
                     server_cpu=None if t.server_cpu is None else round(t.server_cpu, 3))
        self.steps.setdefault(name, {}).update(d)

    def fail(self, name: str, err: Exception) -> None:
        msg = str(err)[:800]
        self.steps.setdefault(name, {})["error"] = msg
        self.errors.append(f"{name}: {msg}")
        note(f"FAILED {name}: {msg}")

    def wall(self, name: str) -> float | None:
        return self.steps.get(name, {}).get("wall")


def attempt(res: Results, name: str, fn):
    """Runs one step; a failure is recorded and the run goes on."""
    try:
        return fn()
    except (StepFailed, OSError, subprocess.SubprocessError, requests.RequestException) as e:
        res.fail(name, e)
    except Exception as e:  # boto3 ClientError and friends
        if type(e).__module__.startswith(("botocore", "boto3")):
            res.fail(name, e)
        else:
            raise
    return None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=parse_size, default=parse_size("2G"),
                    help="image size (default 2G; e.g. 256M for a quick smoke run)")
    ap.add_argument("--fill", type=float, default=0.58,
                    help="fraction of the image filled with files (default 0.58: ~1.25 GB in 2 GiB)")
    ap.add_argument("--skip", default="", help="comma list of tools to leave out: restic,borg")
    ap.add_argument("--keep", action="store_true", help="keep the temp work dir (repos, kiln data, images)")
    ap.add_argument("--kiln-bin", help="kiln binary (default $KILN_BIN, else .build/release/kiln, "
                    "else .build/debug/kiln)")
    ap.add_argument("--concurrency", type=int, default=8,
                    help="kiln import/export --concurrency and parallel requests of the incrementals (default 8)")
    ap.add_argument("--change-pct", type=float, default=5.0, help="percent of blocks changed (default 5)")
    ap.add_argument("--seed", type=int, default=1, help="seed for the changed blocks and their data (default 1)")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs of Kiln's full import and of each Kiln incremental path; the incremental-to-full "
                         "ratios use the medians (default 3)")
    ap.add_argument("--step-timeout", type=float, default=1800, help="seconds any one step may take (default 1800)")
    ap.add_argument("--rebuild-image", action="store_true", help="rebuild the cached image")
    ap.add_argument("--no-install", action="store_true", help="do not apt-get install restic/borgbackup")
    ap.add_argument("--json", type=Path, help="results JSON (default bench/out/<run>/results.json)")
    args = ap.parse_args(argv)

    if args.size < 64 << 20 or args.size % (1 << 20):
        ap.error("--size must be a whole number of MiB, at least 64M")
    if not 0.05 <= args.fill <= 0.9:
        ap.error("--fill must be between 0.05 and 0.9")
    if not 0 < args.change_pct <= 50:
        ap.error("--change-pct must be in (0, 50]")
    if not 1 <= args.repeat <= 9:
        ap.error("--repeat must be 1..9")
    if not 1 <= args.concurrency <= 64:
        ap.error("--concurrency must be 1..64")
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    if not skip <= {"restic", "borg"}:
        ap.error("--skip takes restic and/or borg")

    kiln_bin = find_kiln(args.kiln_bin)
    if kiln_bin is None:
        sys.exit("kiln binary not found (build it, or pass --kiln-bin / KILN_BIN)")
    why = check_kiln_binary(kiln_bin)
    if why:
        sys.exit(why)
    debug = "/debug/" in str(kiln_bin)
    if debug:
        note(f"WARNING: {kiln_bin} is a debug build: its data-plane numbers mean little "
             "(build with `swift build -c release`)")

    tools = {t: {"restic": "restic", "borg": "borgbackup"}[t] for t in ("restic", "borg") if t not in skip}
    for t in ensure_tools(tools, not args.no_install):
        note(f"skipping {t}: not installed")
        skip.add(t)
    use_restic, use_borg = "restic" not in skip, "borg" not in skip

    run_id = time.strftime("%Y%m%d-%H%M%S") + "-dataplane"
    run_out = OUT_DIR / run_id
    run_out.mkdir(parents=True, exist_ok=True)
    runner = Runner(run_out, args.step_timeout)
    res = Results()
    res.meta = {
        "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "kiln_bin": str(kiln_bin), "debug_build": debug, "cpus": os.cpu_count(),
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
        "cpu_flags": cpu_flags(),
        "size": args.size, "change_pct": args.change_pct, "seed": args.seed, "concurrency": args.concurrency,
        "repeat": args.repeat,
        "restic": tool_version(["restic", "version"]) if use_restic else "skipped",
        "borg": tool_version(["borg", "--version"]) if use_borg else "skipped",
    }

    cached_img, image_meta = build_image(args.size, args.fill, args.rebuild_image)
    res.image = dict(image_meta, path=str(cached_img))
    size = args.size
    n_blocks = (size + BLOCK - 1) // BLOCK
    volume_gib = max(1, (size + GIB - 1) // GIB)

    work = Path(tempfile.mkdtemp(prefix="kiln-dataplane-"))
    kiln = Kiln(kiln_bin, work / "kiln-data", run_out, runner, args.concurrency)
    restic = Restic(work, runner) if use_restic else None
    borg = Borg(work, runner) if use_borg else None
    note(f"work dir {work}; logs in {run_out}")
    try:
        # The file every tool reads: a sparse copy of the cached image, in the page cache.
        img_dir = work / "img"
        img_dir.mkdir()
        img = img_dir / "disk.img"
        subprocess.run(["cp", "--sparse=always", str(cached_img), str(img)], check=True, timeout=900)
        os.sync()
        runner.run("cat-warm", ["cat", str(img)], stdout_to=subprocess.DEVNULL)

        # ---- 2. import (and 5. store after the full) -----------------------------
        note("import: cat, sha256sum, kiln, restic, borg")
        res.record("cat", runner.run("cat", ["cat", str(img)], stdout_to=subprocess.DEVNULL))
        attempt(res, "sha256sum", lambda: res.record("sha256sum", runner.run("sha256sum", ["sha256sum", str(img)])))

        first = None
        try:
            kiln.start()
        except (StepFailed, RuntimeError) as e:
            res.fail("kiln-serve", e)
            return 1

        def kiln_import():
            t = kiln.cli("kiln-import", "image", "import", str(img), "--name", "bench-base",
                         "--concurrency", str(args.concurrency))
            snap = t.stdout.strip().splitlines()[-1].strip()
            if not snap.startswith("snap-"):
                raise StepFailed(f"kiln image import printed no snapshot id: {t.stdout[-300:]!r}")
            summary = next((ln for ln in t.stderr.splitlines() if ln.startswith("imported")), "")
            res.record("kiln-import", t, snapshot=snap, summary=summary.strip())
            return snap

        first = attempt(res, "kiln-import", kiln_import)
        if first:
            res.sizes["kiln-blocks-full"] = kiln.blocks_bytes()
            res.sizes["kiln-data-dir-full"] = du_sb(kiln.data_dir)
            res.record("kiln-import", stored_changed=kiln.stored_changed(first))
            # More full imports, each into a fresh server and store (into the same store they
            # would find every block there already): the incremental ratios divide by the median.
            walls = [res.wall("kiln-import")]
            for r in range(1, args.repeat):
                def kiln_import_again(r=r):
                    other = Kiln(kiln_bin, work / f"kiln-data-{r}", run_out, runner, args.concurrency)
                    other.start()
                    try:
                        t = other.cli(f"kiln-import-{r}", "image", "import", str(img), "--name", "bench-base",
                                      "--concurrency", str(args.concurrency))
                    finally:
                        other.stop()
                        runner.server_pid = kiln.server.proc.pid
                        shutil.rmtree(other.data_dir, ignore_errors=True)
                    walls.append(t.wall)
                attempt(res, "kiln-import", kiln_import_again)
            res.record("kiln-import", walls=[round(w, 4) for w in walls], wall_median=round(statistics.median(walls), 4))

            def kiln_ebs_full():
                # The whole image through the same boto3 client and thread pool as the EBS-direct
                # incremental, into a fresh store: that path's own full import, as restic's and
                # borg's incrementals are set against their own full backups.
                other = Kiln(kiln_bin, work / "kiln-data-boto3", run_out, runner, args.concurrency)
                other.start()
                try:
                    t, snap = runner.timed_py(lambda: other.ebs_incremental(None, volume_gib, img, nonzero_indexes(img)))
                finally:
                    other.stop()
                    runner.server_pid = kiln.server.proc.pid
                    shutil.rmtree(other.data_dir, ignore_errors=True)
                res.record("kiln-ebs-full", t, snapshot=snap)
            attempt(res, "kiln-ebs-full", kiln_ebs_full)

        if restic:
            def restic_full():
                restic.init()
                res.record("restic-backup", restic.backup("restic-backup", img_dir, img.name))
                res.sizes["restic-repo-full"] = du_sb(restic.repo)
            attempt(res, "restic-backup", restic_full)
        if borg:
            def borg_full():
                borg.init()
                res.record("borg-create", borg.create("borg-create", "s1", img_dir, img.name))
                res.sizes["borg-repo-full"] = du_sb(borg.repo)
            attempt(res, "borg-create", borg_full)

        # ---- 4. export -----------------------------------------------------------
        note("export: kiln, restic restore, borg extract")
        if first:
            def kiln_export():
                dst = work / "kiln-export.img"
                t = kiln.cli("kiln-export", "image", "export", first, "-o", str(dst), "--size", str(size),
                             "--concurrency", str(args.concurrency))
                same = cmp_files(cached_img, dst)
                summary = next((ln for ln in t.stderr.splitlines() if ln.startswith("exported")), "")
                res.record("kiln-export", t, bit_exact=same, summary=summary.strip())
                dst.unlink(missing_ok=True)
                if not same:
                    raise StepFailed("kiln export differs from the imported image (cmp)")
            attempt(res, "kiln-export", kiln_export)
        if restic and "error" not in res.steps.get("restic-backup", {}):
            def restic_restore():
                dst = work / "restic-restore"
                t = restic.restore("restic-restore", dst)
                restored = next(dst.rglob(img.name), None)
                same = restored is not None and cmp_files(cached_img, restored)
                res.record("restic-restore", t, bit_exact=same)
                shutil.rmtree(dst, ignore_errors=True)
            attempt(res, "restic-restore", restic_restore)
        if borg and "error" not in res.steps.get("borg-create", {}):
            def borg_extract():
                dst = work / "borg-extract"
                dst.mkdir()
                t = borg.extract("borg-extract", "s1", dst)
                restored = next(dst.rglob(img.name), None)
                same = restored is not None and cmp_files(cached_img, restored)
                res.record("borg-extract", t, bit_exact=same)
                shutil.rmtree(dst, ignore_errors=True)
            attempt(res, "borg-extract", borg_extract)

        # ---- 3. incremental --------------------------------------------------------
        indexes = changed_blocks(n_blocks, args.change_pct, args.seed)
        payload_a = block_payloads(indexes, args.seed)  # into the file: EBS direct, restic, borg
        payload_b = block_payloads(indexes, args.seed + 7919)  # volume path: fresh data, so no dedup
        changed_bytes = len(indexes) * BLOCK
        comp_a, comp_how = compressed_size(list(payload_a.values()))
        comp_b, _ = compressed_size(list(payload_b.values()))
        res.meta.update(changed_blocks=len(indexes), changed_bytes=changed_bytes,
                        changed_compressed=comp_a, changed_compressed_b=comp_b, compressed_how=comp_how)
        fd = os.open(img, os.O_WRONLY)
        try:
            for i, data in payload_a.items():
                os.pwrite(fd, data[: max(0, min(BLOCK, size - i * BLOCK))], i * BLOCK)
            os.fsync(fd)
        finally:
            os.close(fd)
        runner.run("cat-warm-2", ["cat", str(img)], stdout_to=subprocess.DEVNULL)
        note(f"incremental: {len(indexes)} blocks ({changed_bytes / 1e6:.1f} MB) changed, seed {args.seed}")

        if first:
            # Each path runs --repeat times; "wall" is the median, "walls" every run. The first
            # EBS-direct run uploads the changed file's blocks (so the --parent import then finds
            # them stored: time only); the others, and every volume run, write fresh random data.
            def repeated(name: str, runs: list[tuple[Timed, dict]]) -> None:
                walls = [timed.wall for timed, _ in runs]
                middle = sorted(range(len(runs)), key=lambda k: walls[k])[len(runs) // 2]
                res.record(name, runs[middle][0], walls=[round(w, 4) for w in walls], **runs[0][1])

            def kiln_ebs():
                runs = []
                for r in range(args.repeat):
                    payloads = None if r == 0 else block_payloads(indexes, args.seed + 104729 * r)
                    b0 = kiln.blocks_bytes()
                    t, snap = runner.timed_py(lambda: kiln.ebs_incremental(first, volume_gib, img, indexes, payloads))
                    growth = kiln.blocks_bytes() - b0
                    runs.append((t, dict(snapshot=snap, store_growth=growth,
                                         stored_changed=kiln.stored_changed(snap) if r == 0 else None)))
                repeated("kiln-ebs-incr", runs)
            attempt(res, "kiln-ebs-incr", kiln_ebs)

            def kiln_parent():
                # The same changed file re-imported with --parent: the client compares every block
                # with the parent's digests and uploads only the changed ones. Runs after the
                # EBS-direct path, so the store already holds these blocks: time only.
                runs = []
                for r in range(args.repeat):
                    t = kiln.cli(f"kiln-parent-incr-{r}", "image", "import", str(img), "--name", "incr-parent",
                                 "--parent", first, "--concurrency", str(args.concurrency))
                    snap = t.stdout.strip().splitlines()[-1] if t.stdout.strip() else None
                    runs.append((t, dict(snapshot=snap)))
                repeated("kiln-parent-incr", runs)
            attempt(res, "kiln-parent-incr", kiln_parent)

            totals: list[float] = []

            def kiln_volume():
                writes, snaps = [], []
                for r in range(args.repeat):
                    payloads = payload_b if r == 0 else block_payloads(indexes, args.seed + 7919 + 104729 * r)
                    vol = kiln.create_volume(first)
                    b0 = kiln.blocks_bytes()
                    tw, _ = runner.timed_py(lambda: kiln.write_volume(vol, payloads))
                    ts, snap = runner.timed_py(lambda: kiln.snapshot_volume(vol))
                    growth = kiln.blocks_bytes() - b0
                    writes.append((tw, dict(volume=vol)))
                    snaps.append((ts, dict(snapshot=snap, store_growth=growth,
                                           stored_changed=kiln.stored_changed(snap) if r == 0 else None)))
                    totals.append(tw.wall + ts.wall)
                repeated("kiln-volume-write", writes)
                repeated("kiln-volume-snapshot", snaps)
            attempt(res, "kiln-volume-snapshot", kiln_volume)
            if totals:
                res.record("kiln-volume-total", wall=round(statistics.median(totals), 4),
                           walls=[round(w, 4) for w in totals])
        if restic and "error" not in res.steps.get("restic-backup", {}):
            def restic_incr():
                r0 = du_sb(restic.repo)
                t = restic.backup("restic-backup-incr", img_dir, img.name)
                res.record("restic-backup-incr", t, store_growth=du_sb(restic.repo) - r0)
            attempt(res, "restic-backup-incr", restic_incr)
        if borg and "error" not in res.steps.get("borg-create", {}):
            def borg_incr():
                r0 = du_sb(borg.repo)
                t = borg.create("borg-create-incr", "s2", img_dir, img.name)
                res.record("borg-create-incr", t, store_growth=du_sb(borg.repo) - r0)
            attempt(res, "borg-create-incr", borg_incr)
        res.sizes["kiln-blocks-end"] = kiln.blocks_bytes() if first else None
    finally:
        kiln.stop()
        res.meta["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
        if args.keep:
            note(f"kept work dir {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    targets = report(res, args, size)
    path = args.json or run_out / "results.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"meta": res.meta, "image": res.image, "steps": res.steps, "sizes": res.sizes,
                                "targets": targets, "errors": res.errors}, indent=2))
    (run_out / "report.txt").write_text("\n".join(_REPORT) + "\n")
    out(f"\nresults: {path}\n(report, tool output and the kiln server log in {run_out})")
    return 1 if res.errors else 0


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def report(res: Results, args, size: int) -> list[dict]:
    st, sz, meta = res.steps, res.sizes, res.meta
    im = res.image

    def row_for(name: str, label: str, nbytes: int) -> list[str]:
        s = st.get(name)
        if s is None:
            return [label, "skipped", "", "", "", ""]
        if "error" in s:
            return [label, "FAILED", "", "", "", s["error"][:60]]
        return [label, secs(s["wall"]), f"{rate(nbytes, s['wall']):,.1f}", secs(s.get("cpu")),
                secs(s.get("server_cpu")), ""]

    out()
    out(f"Kiln data plane vs restic / borg  ({size_label(size)} ext4 image, {im.get('nonzero_blocks')}/"
        f"{im.get('blocks')} non-zero 512 KiB blocks, {im.get('files')} files)")
    out(f"   kiln: {meta['kiln_bin']}{'  (DEBUG BUILD: numbers mean little)' if meta['debug_build'] else ''}")
    out(f"   {meta['restic']}; {meta['borg']}; {meta['cpus']} CPUs; load avg at start "
        f"{meta['loadavg_start'][0]}, end {meta.get('loadavg_end', ['?'])[0]}; MB = 10^6 bytes; "
        "MB/s over the whole image (zeros included)")
    out(f"   CPU: {meta.get('cpu_flags')}")

    # 2. import
    out("\n== import (full)")
    hdr = ["tool", "wall s", "MB/s", "client CPU-s", "server CPU-s", ""]
    table(hdr, [row_for("cat", "cat (page cache)", size), row_for("sha256sum", "sha256sum", size),
                row_for("kiln-import", "kiln image import", size), row_for("kiln-ebs-full", "EBS direct, boto3", size),
                row_for("restic-backup", "restic backup", size), row_for("borg-create", "borg create", size)])
    ki = rate(size, res.wall("kiln-import"))
    if st.get("kiln-import", {}).get("summary"):
        out(f"   kiln: {st['kiln-import']['summary']}")
    if st.get("kiln-import", {}).get("stored_changed") is not None:
        out(f"   kiln storage: storedChangedBytes {mb(st['kiln-import']['stored_changed'])} "
            f"for {mb((im.get('nonzero_blocks') or 0) * BLOCK)} of non-zero blocks")
    out(f"   kiln/restic {fmt_x(ratio(ki, rate(size, res.wall('restic-backup'))))}   "
        f"kiln/borg {fmt_x(ratio(ki, rate(size, res.wall('borg-create'))))}   "
        f"kiln/sha256sum {fmt_x(ratio(ki, rate(size, res.wall('sha256sum'))))}   (throughput; higher is better)")

    # 3. incremental
    changed, comp = meta.get("changed_bytes"), meta.get("changed_compressed")
    out(f"\n== incremental: {meta.get('changed_blocks')} of {im.get('blocks')} blocks changed "
        f"({mb(changed)}; {meta.get('compressed_how')}: {mb(comp)}), seed {meta['seed']}")
    kiln_full = st.get("kiln-import", {}).get("wall_median") or res.wall("kiln-import")
    runs = len(st.get("kiln-import", {}).get("walls", [])) or 1
    if runs > 1:
        out(f"   medians of {runs} runs; kiln full import {secs(kiln_full)} "
            f"(runs: {', '.join(secs(w) for w in st['kiln-import']['walls'])})")
    rows = []
    own_full = {"restic-backup-incr": "restic-backup", "borg-create-incr": "borg-create", "kiln-ebs-incr": "kiln-ebs-full"}
    for name, label in (("kiln-ebs-incr", "kiln EBS direct (start+put+complete)"),
                        ("kiln-parent-incr", "kiln image import --parent (hash all, send changed)"),
                        ("kiln-volume-write", "kiln volume: PUT data (the VM's writes)"),
                        ("kiln-volume-snapshot", "kiln volume: CreateSnapshot"),
                        ("kiln-volume-total", "kiln volume: writes + CreateSnapshot"),
                        ("restic-backup-incr", "restic backup"), ("borg-create-incr", "borg create")):
        if name == "kiln-volume-total":
            s = st.get("kiln-volume-snapshot", {})
            if "wall" not in st.get(name, {}):
                continue
            wall = st[name]["wall"]
            growth, stored = s.get("store_growth"), s.get("stored_changed")
        else:
            s = st.get(name)
            if s is None:
                rows.append([label, "skipped", "", "", "", "", ""])
                continue
            if "error" in s:
                rows.append([label, "FAILED", "", "", "", "", s["error"][:50]])
                continue
            wall, growth, stored = s["wall"], s.get("store_growth"), s.get("stored_changed")
            if name == "kiln-volume-write":
                growth = stored = None
        base = meta.get("changed_compressed_b") if name.startswith("kiln-volume") else comp
        of_own = ratio(wall, res.wall(own_full[name])) if name in own_full else None
        rows.append([
            label, secs(wall),
            "-" if ratio(wall, kiln_full) is None else f"{100 * wall / kiln_full:.1f}%",
            "-" if of_own is None else f"{100 * of_own:.1f}%",
            mb(growth) if growth is not None else "-",
            fmt_x(ratio(growth, base)) if growth is not None else "-",
            mb(stored) if stored is not None else "",
        ])
    table(["path", "wall s", "of kiln full", "of own full", "store growth", "growth/changed",
           "kiln storedChanged"], rows)
    out("   growth/changed: store growth (du -sb) over the changed blocks' compressed size "
        "(random data: ~ the raw changed bytes)")

    # 4. export
    out("\n== export / restore (to a file)")
    table(hdr, [row_for("kiln-export", "kiln image export", size), row_for("restic-restore", "restic restore", size),
                row_for("borg-extract", "borg extract", size), row_for("cat", "cat (page cache)", size)])
    ke = rate(size, res.wall("kiln-export"))
    for name in ("kiln-export", "restic-restore", "borg-extract"):
        if name in st and "bit_exact" in st[name]:
            out(f"   {name}: {'bit-exact (cmp)' if st[name]['bit_exact'] else 'DIFFERS from the image (cmp)'}")
    out(f"   kiln/restic {fmt_x(ratio(ke, rate(size, res.wall('restic-restore'))))}   "
        f"kiln/borg {fmt_x(ratio(ke, rate(size, res.wall('borg-extract'))))}   "
        f"kiln/cat {fmt_x(ratio(ke, rate(size, res.wall('cat'))))}")

    # 5. store size
    out("\n== store size after the full backup (du -sb)")
    nonzero = (im.get("nonzero_blocks") or 0) * BLOCK
    srows = [["image non-zero blocks", mb(nonzero), ""],
             ["kiln blocks dir", mb(sz.get("kiln-blocks-full")), fmt_x(ratio(sz.get("kiln-blocks-full"), nonzero))],
             ["kiln data dir (+ sqlite)", mb(sz.get("kiln-data-dir-full")),
              fmt_x(ratio(sz.get("kiln-data-dir-full"), nonzero))],
             ["restic repo", mb(sz.get("restic-repo-full")), fmt_x(ratio(sz.get("restic-repo-full"), nonzero))],
             ["borg repo", mb(sz.get("borg-repo-full")), fmt_x(ratio(sz.get("borg-repo-full"), nonzero))]]
    table(["store", "bytes", "of non-zero data"], srows)
    kb = sz.get("kiln-blocks-full")
    out(f"   kiln/restic {fmt_x(ratio(kb, sz.get('restic-repo-full')))}   "
        f"kiln/borg {fmt_x(ratio(kb, sz.get('borg-repo-full')))}   (lower is better)")

    # targets
    targets: list[dict] = []

    def target(name: str, value: float | None, limit: float, higher: bool, shown: str) -> None:
        if value is None:
            verdict = "n/a"
        else:
            verdict = "PASS" if (value >= limit if higher else value <= limit) else "FAIL"
        targets.append({"target": name, "value": value, "limit": limit, "verdict": verdict})
        rows_t.append([name, shown if value is not None else "n/a", verdict])

    rows_t: list[list[str]] = []
    rr = rate(size, res.wall("restic-backup"))
    br = rate(size, res.wall("borg-create"))
    target("import >= 4x restic throughput", ratio(ki, rr), 4.0, True, fmt_x(ratio(ki, rr)))
    target("import >= borg throughput", ratio(ki, br), 1.0, True, fmt_x(ratio(ki, br)))
    for name, label in (("kiln-ebs-incr", "EBS direct"), ("kiln-parent-incr", "import --parent"),
                        ("kiln-volume-snapshot", "CreateSnapshot of the written volume"),
                        ("kiln-volume-total", "volume writes+CreateSnapshot")):
        w = st.get(name, {}).get("wall")
        f = ratio(w, kiln_full)
        target(f"5% incr time <= 10% of import ({label})", f, 0.10, False,
               "-" if f is None else f"{100 * f:.1f}%")
    for name, label, base in (("kiln-ebs-incr", "EBS direct", comp),
                              ("kiln-volume-snapshot", "volume path", meta.get("changed_compressed_b"))):
        g = ratio(st.get(name, {}).get("store_growth"), base)
        target(f"5% incr store growth <= 1.1x changed ({label})", g, 1.1, False, fmt_x(g))
    rx = rate(size, res.wall("restic-restore"))
    target("export >= 4x restic restore", ratio(ke, rx), 4.0, True, fmt_x(ratio(ke, rx)))
    target("kiln store <= 1.15x restic repo", ratio(kb, sz.get("restic-repo-full")), 1.15, False,
           fmt_x(ratio(kb, sz.get("restic-repo-full"))))
    out("\n== targets")
    table(["target", "measured", "verdict"], rows_t)
    if meta["debug_build"]:
        out("   (debug build: the time targets are not meaningful)")
    if res.errors:
        out("\nerrors:")
        for e in res.errors:
            out(f"   {e}")
    return targets


if __name__ == "__main__":
    sys.exit(main())
