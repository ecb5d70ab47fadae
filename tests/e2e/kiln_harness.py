"""Helpers for the Kiln end-to-end suite: the server process, boto3 clients,
the aws CLI and raw SigV4-signed HTTP. Fixtures that use them live in conftest.py.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
import urllib.request
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from unittest import mock
from urllib.parse import urlencode

import boto3
import botocore.auth
import requests
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

import kiln_cluster

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BIN = REPO_ROOT / ".build" / "debug" / "kiln"

DEFAULT_ACCOUNT = "000000000000"
DUMMY_KEY = "test"
DUMMY_SECRET = "test"
DEFAULT_REGION = "us-east-1"
EC2_VERSION = "2016-11-15"
STS_VERSION = "2011-06-15"

DEFAULT_REGIONS = [
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1", "eu-west-1", "eu-west-2", "eu-west-3",
    "eu-central-1", "eu-north-1", "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1",
    "ap-southeast-2",
]
DISABLED_REGION = "af-south-1"  # an opt-in region

# Accounts for the strict-auth server's config file.
STRICT_ACCOUNTS = [
    {
        "id": "111111111111",
        "alias": "dev",
        "accessKeys": [{"accessKeyId": "AKIAEXAMPLE1111", "secretAccessKey": "secret1"}],
        "admin": True,
    },
    {
        "id": "222222222222",
        "alias": "prod",
        "accessKeys": [{"accessKeyId": "AKIAEXAMPLE2222", "secretAccessKey": "secret2"}],
    },
]
STRICT_CONFIG = {
    "accounts": STRICT_ACCOUNTS,
    "organizations": [
        {
            "id": "o-exampleorg1",
            "managementAccount": "111111111111",
            "units": [{"id": "ou-root-example1", "name": "prod", "accounts": ["222222222222"]}],
        }
    ],
}

STARTUP_TIMEOUT = float(os.environ.get("KILN_STARTUP_TIMEOUT", "60"))
HTTP_TIMEOUT = 10

DEV_ARGS = ["--auth", "dev", "--latency", "instant", "--log-level", "info"]


class BinaryMissing(Exception):
    pass


def kiln_binary() -> Path:
    path = Path(os.environ.get("KILN_BIN", str(DEFAULT_BIN)))
    if not path.is_file() or not os.access(path, os.X_OK):
        raise BinaryMissing(
            f"kiln binary not found or not executable at {path}; build it first or set KILN_BIN"
        )
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------
# Server process
# --------------------------------------------------------------------------


_seaweedfs = None


def shared_seaweedfs():
    """The session's SeaweedFS (KILN_BLOCKS=seaweedfs), started on first use and stopped at exit."""
    global _seaweedfs
    if _seaweedfs is None:
        import atexit

        from seaweed import SeaweedFS

        _seaweedfs = SeaweedFS().start()
        atexit.register(_seaweedfs.stop)
    return _seaweedfs


# Numbers the session's servers, so that each gets a data directory of its own even after
# earlier ones were stopped and left the session's list.
_server_numbers = itertools.count()


def server_name(prefix: str) -> str:
    """A server name (and so a data directory) that no other server of the session has."""
    return f"{prefix}-{next(_server_numbers)}"


class KilnServer:
    """One kiln process. Keeps its port and data dir across restarts."""

    def __init__(self, workdir: Path, name: str, extra_args: list[str] | None = None):
        self.binary = kiln_binary()
        self.name = name
        self.data_dir = workdir / f"{name}-data"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = workdir / f"{name}.log"
        self.port = free_port()
        self.extra_args = list(extra_args or [])
        self.proc: subprocess.Popen | None = None
        self._log = None
        self.starts = 0
        # KILN_BLOCKS=seaweedfs: blocks, bundles and stored images in a bucket of its own on a
        # SeaweedFS the session shares (tests/e2e/seaweed.py); the bucket outlives restarts.
        self.env_extra: dict[str, str] = {}
        if os.environ.get("KILN_BLOCKS") == "seaweedfs" and "--blocks" not in self.extra_args:
            s3 = shared_seaweedfs()
            self.extra_args += ["--blocks", s3.blocks_url(f"kiln-{uuid.uuid4().hex[:16]}")]
            self.env_extra.update(s3.env)
        # KILN_CLUSTER=postgres: several nodes on one PostgreSQL database behind a proxy on `port`.
        self.cluster = kiln_cluster.cluster_mode() == "postgres"
        self.node_ports = [free_port() for _ in range(kiln_cluster.NODES)] if self.cluster else []
        self.node_procs: list[subprocess.Popen | None] = [None] * len(self.node_ports)
        self.metadata_url: str | None = None
        self.proxy = None
        # How far advance_clock moved the running nodes' clocks since they started.
        self.clock_offset = 0.0

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def node_endpoints(self, running_only: bool = False) -> list[str]:
        """Each node's own endpoint in cluster mode (past the proxy); else the one endpoint."""
        if not self.cluster:
            return [self.endpoint]
        return [f"http://127.0.0.1:{p}" for i, p in enumerate(self.node_ports) if not running_only or self.node_running(i)]

    def argv(self, port: int | None = None) -> list[str]:
        return [
            str(self.binary),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port or self.port),
            "--data-dir",
            str(self.data_dir),
            # a short block lease: gc tests run right after another node wrote blocks
            *(["--metadata", self.metadata_url, "--block-lease", "2"] if self.metadata_url else []),
            # Tests start from an empty world unless they ask for the catalogue.
            *([] if "--catalog" in self.extra_args else ["--catalog", "none"]),
            *self.extra_args,
        ]

    @property
    def running(self) -> bool:
        if self.cluster:
            return any(p is not None and p.poll() is None for p in self.node_procs)
        return self.proc is not None and self.proc.poll() is None

    def node_log_path(self, index: int) -> Path:
        return self.log_path.with_name(f"{self.name}-node{index}.log")

    def start_node(self, index: int) -> None:
        """Cluster mode: starts node `index` (again) and waits for its health check."""
        if self.metadata_url is None:
            self.metadata_url = kiln_cluster.ScratchPostgres.database()
        port = self.node_ports[index]
        log = open(self.node_log_path(index), "ab")
        log.write(f"\n===== start: {' '.join(self.argv(port))}\n".encode())
        log.flush()
        self.node_procs[index] = subprocess.Popen(
            self.argv(port),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **self.env_extra} if self.env_extra else None,
        )
        log.close()
        self.proc = self.node_procs[index]
        self._wait_healthy(f"http://127.0.0.1:{port}")
        # A node started beside running ones catches up with the time the tests moved theirs.
        others_running = any(p is not None and p.poll() is None for i, p in enumerate(self.node_procs) if i != index)
        if others_running and self.clock_offset > 0:
            self._advance_endpoint(f"http://127.0.0.1:{port}", self.clock_offset)

    def kill9_node(self, index: int) -> None:
        """Cluster mode: kill -9 of one node; the others go on serving."""
        proc = self.node_procs[index]
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)

    def start(self) -> None:
        assert not self.running, "already running"
        self.clock_offset = 0.0
        if self.cluster:
            self.starts += 1
            for index in range(len(self.node_ports)):
                self.start_node(index)
            if self.proxy is None:
                self.proxy = kiln_cluster.RoundRobinProxy(self.port, self.node_ports)
            return
        self.starts += 1
        self._log = open(self.log_path, "ab")
        self._log.write(f"\n===== start #{self.starts}: {' '.join(self.argv())}\n".encode())
        self._log.flush()
        self.proc = subprocess.Popen(
            self.argv(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **self.env_extra} if self.env_extra else None,
        )
        self._wait_healthy()

    def _wait_healthy(self, endpoint: str | None = None) -> None:
        endpoint = endpoint or self.endpoint
        deadline = time.monotonic() + STARTUP_TIMEOUT
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"kiln ({self.name}) exited with {self.proc.returncode} during startup\n"
                    + self.log_tail()
                )
            try:
                r = requests.get(endpoint + "/health", timeout=1)
                if r.status_code == 200:
                    return
                last = f"HTTP {r.status_code}: {r.text[:200]}"
            except requests.RequestException as e:  # not listening yet
                last = repr(e)
            time.sleep(0.05)
        self.kill9()
        raise RuntimeError(
            f"kiln ({self.name}) not healthy after {STARTUP_TIMEOUT}s (last: {last})\n"
            + self.log_tail()
        )

    def log_text(self) -> str:
        paths = [self.node_log_path(i) for i in range(len(self.node_ports))] if self.cluster else [self.log_path]
        text = ""
        for path in paths:
            try:
                text += path.read_text(errors="replace")
            except OSError:
                pass
        return text

    def log_tail(self, n: int = 40) -> str:
        return "---- log tail ----\n" + "\n".join(self.log_text().splitlines()[-n:])

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def stop(self, timeout: float = 10) -> int | None:
        """Graceful stop (SIGTERM). Returns the exit code (None if never started)."""
        if self.cluster:
            codes = []
            for proc in self.node_procs:
                if proc is not None and proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            for proc in self.node_procs:
                if proc is not None:
                    try:
                        proc.wait(timeout=timeout)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        raise RuntimeError(f"kiln ({self.name}) ignored SIGTERM for {timeout}s")
                    codes.append(proc.returncode)
            return next((c for c in codes if c), codes[0] if codes else None)
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill9()
                raise RuntimeError(f"kiln ({self.name}) ignored SIGTERM for {timeout}s")
        self._close_log()
        return self.proc.returncode

    def kill9(self) -> None:
        if self.cluster:
            for index in range(len(self.node_ports)):
                self.kill9_node(index)
            return
        if self.running:
            self.proc.kill()  # SIGKILL: no chance to flush anything
            self.proc.wait(timeout=5)
        self._close_log()

    def restart(self) -> int | None:
        """Graceful stop, then start on the same port and data dir. Returns the stop's exit code."""
        rc = self.stop()
        self.start()
        return rc

    def advance_clock(self, seconds: float) -> str:
        """Moves the server's clock forward (a server started with --enable-test-reset) and
        carries out what falls due; returns the server's new time."""
        # Every node keeps its own clock: each running one moves, those stopped when they start.
        now = ""
        for endpoint in self.node_endpoints(running_only=True):
            now = self._advance_endpoint(endpoint, seconds)
        self.clock_offset += seconds
        return now

    def node_running(self, index: int) -> bool:
        proc = self.node_procs[index]
        return proc is not None and proc.poll() is None

    @staticmethod
    def _advance_endpoint(endpoint: str, seconds: float) -> str:
        req = urllib.request.Request(f"{endpoint}/kiln/test/clock?advance={seconds}", method="POST", data=b"")
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read())["now"]

    def crash_and_restart(self) -> None:
        """kill -9, then start on the same port and data dir."""
        self.kill9()
        self.start()


# --------------------------------------------------------------------------
# boto3
# --------------------------------------------------------------------------

BOTO_CONFIG = Config(
    retries={"total_max_attempts": 1, "mode": "standard"},
    connect_timeout=5,
    read_timeout=HTTP_TIMEOUT,
)


def make_client(
    endpoint: str,
    service: str,
    region: str = DEFAULT_REGION,
    key: str = DUMMY_KEY,
    secret: str = DUMMY_SECRET,
    validate: bool = True,
):
    cfg = BOTO_CONFIG if validate else BOTO_CONFIG.merge(Config(parameter_validation=False))
    return boto3.session.Session().client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=cfg,
    )


def client_error(excinfo) -> tuple[str, int]:
    """(error code, HTTP status) from a pytest.raises(ClientError) result."""
    resp = excinfo.value.response
    return resp["Error"]["Code"], resp["ResponseMetadata"]["HTTPStatusCode"]


# --------------------------------------------------------------------------
# aws CLI
# --------------------------------------------------------------------------


class CliError(Exception):
    def __init__(self, argv, returncode, stdout, stderr):
        super().__init__(f"aws {' '.join(argv)} -> exit {returncode}\n{stderr.strip()}")
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr


_AWS_HOME = Path(tempfile.gettempdir()) / "kiln-e2e-awshome"


def run_aws(
    endpoint: str,
    *args: str,
    endpoint_style: str = "flag",
    region: str = DEFAULT_REGION,
    key: str = DUMMY_KEY,
    secret: str = DUMMY_SECRET,
    timeout: float = 30,
):
    """Run the aws CLI against `endpoint`; return parsed JSON output (None if empty).

    endpoint_style="flag" passes --endpoint-url, "env" sets AWS_ENDPOINT_URL instead.
    The user's own AWS config and AWS_* variables are kept out. Raises CliError on
    a non-zero exit.
    """
    if endpoint_style not in ("flag", "env"):
        raise ValueError(endpoint_style)
    _AWS_HOME.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID=key,
        AWS_SECRET_ACCESS_KEY=secret,
        AWS_DEFAULT_REGION=region,
        AWS_CONFIG_FILE=str(_AWS_HOME / "config"),
        AWS_SHARED_CREDENTIALS_FILE=str(_AWS_HOME / "credentials"),
        AWS_MAX_ATTEMPTS="1",
        AWS_RETRY_MODE="standard",
        AWS_PAGER="",
    )
    argv = list(args) + ["--output", "json", "--region", region]
    if endpoint_style == "flag":
        argv += ["--endpoint-url", endpoint]
    else:
        env["AWS_ENDPOINT_URL"] = endpoint
    aws = shutil.which("aws", path=env.get("PATH")) or "aws"
    p = subprocess.run([aws, *argv], env=env, capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        raise CliError(argv, p.returncode, p.stdout, p.stderr)
    out = p.stdout.strip()
    return json.loads(out) if out else None


# --------------------------------------------------------------------------
# Raw signed HTTP (for requests boto3 refuses to build)
# --------------------------------------------------------------------------


@dataclass
class RawReply:
    status: int
    headers: dict
    text: str

    def xml(self) -> ET.Element:
        """Parsed body with namespaces stripped from tags, so paths like 'Errors/Error' work."""
        root = ET.fromstring(self.text)
        for el in root.iter():
            el.tag = el.tag.split("}")[-1]
        return root

    def find(self, local_name: str) -> str | None:
        """Text of the first element with this local name (namespaces ignored)."""
        root = self.xml()
        el = root if root.tag == local_name else root.find(f".//{local_name}")
        return None if el is None else el.text

    @property
    def error_code(self) -> str | None:
        try:
            return self.find("Code")
        except ET.ParseError:
            return None


@contextmanager
def _signing_clock(skew_seconds: float):
    """Make botocore sign as if the clock were `skew_seconds` off."""
    if not skew_seconds:
        yield
        return
    real = botocore.auth.get_current_datetime

    def skewed(*a, **kw):
        return real(*a, **kw) + dt.timedelta(seconds=skew_seconds)

    with mock.patch.object(botocore.auth, "get_current_datetime", skewed):
        yield


def sign_query_request(
    endpoint: str,
    service: str,
    params: dict[str, str],
    region: str = DEFAULT_REGION,
    key: str = DUMMY_KEY,
    secret: str = DUMMY_SECRET,
    skew_seconds: float = 0,
) -> AWSRequest:
    body = urlencode(params)
    req = AWSRequest(
        method="POST",
        url=endpoint.rstrip("/") + "/",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    with _signing_clock(skew_seconds):
        botocore.auth.SigV4Auth(Credentials(key, secret), service, region).add_auth(req)
    return req


def signed_post(endpoint: str, service: str, params: dict[str, str], **kw) -> RawReply:
    """POST a form-encoded Query request signed with SigV4 (clock optionally skewed)."""
    req = sign_query_request(endpoint, service, params, **kw)
    r = requests.post(req.url, data=req.data, headers=dict(req.headers.items()), timeout=HTTP_TIMEOUT)
    return RawReply(r.status_code, dict(r.headers), r.text)


def ec2_params(action: str, **params) -> dict[str, str]:
    return {"Action": action, "Version": EC2_VERSION, **params}


def sts_params(action: str = "GetCallerIdentity", **params) -> dict[str, str]:
    return {"Action": action, "Version": STS_VERSION, **params}


# --------------------------------------------------------------------------
# EC2 helpers
# --------------------------------------------------------------------------


def wait_volume_available(ec2_client, volume_id: str, timeout: float = 10) -> dict:
    """Poll DescribeVolumes until the volume is 'available' (instant latency => quick)."""
    deadline = time.monotonic() + timeout
    vol = None
    while time.monotonic() < deadline:
        vol = ec2_client.describe_volumes(VolumeIds=[volume_id])["Volumes"][0]
        if vol["State"] == "available":
            return vol
        time.sleep(0.1)
    raise AssertionError(f"volume {volume_id} not available after {timeout}s: {vol}")


def tags_of(ec2_client, resource_id: str) -> dict[str, str]:
    resp = ec2_client.describe_tags(Filters=[{"Name": "resource-id", "Values": [resource_id]}])
    return {t["Key"]: t["Value"] for t in resp["Tags"]}


def create_volume(ec2_client, az: str = "us-east-1a", size: int = 1, **kw) -> str:
    resp = ec2_client.create_volume(AvailabilityZone=az, Size=size, VolumeType="gp3", **kw)
    return resp["VolumeId"]


# --------------------------------------------------------------------------
# Data plane: EBS direct blocks, disk images, the `kiln` client commands
# --------------------------------------------------------------------------

BLOCK_SIZE = 524_288  # the EBS direct API's block size
BLOCKS_PER_GIB = (1 << 30) // BLOCK_SIZE
GIB = 1 << 30


def b64_sha256(data: bytes) -> str:
    import base64
    import hashlib

    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def linear_checksum(blocks: dict[int, bytes]) -> str:
    """CompleteSnapshot's LINEAR aggregate: SHA-256 over the blocks' raw digests in index order."""
    import base64
    import hashlib

    joined = b"".join(hashlib.sha256(blocks[i]).digest() for i in sorted(blocks))
    return base64.b64encode(hashlib.sha256(joined).digest()).decode()


def put_block(ebs_client, snapshot_id: str, index: int, data: bytes, checksum: str | None = None) -> dict:
    return ebs_client.put_snapshot_block(
        SnapshotId=snapshot_id,
        BlockIndex=index,
        BlockData=data,
        DataLength=len(data),
        Checksum=checksum or b64_sha256(data),
        ChecksumAlgorithm="SHA256",
    )


def upload_snapshot(ebs_client, blocks: dict[int, bytes], volume_size: int = 1, workers: int = 1, **start_kw) -> str:
    """StartSnapshot, PutSnapshotBlock for each block (`workers` at a time), CompleteSnapshot
    with the LINEAR checksum. Returns the snapshot id; fails the test unless it ends `completed`."""
    snap = ebs_client.start_snapshot(VolumeSize=volume_size, **start_kw)
    sid = snap["SnapshotId"]
    assert snap["Status"] == "pending", snap
    if workers > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(lambda item: put_block(ebs_client, sid, *item), blocks.items()))
    else:
        for index, data in blocks.items():
            put_block(ebs_client, sid, index, data)
    kw = {}
    if blocks:
        kw = dict(
            Checksum=linear_checksum(blocks),
            ChecksumAlgorithm="SHA256",
            ChecksumAggregationMethod="LINEAR",
        )
    done = ebs_client.complete_snapshot(SnapshotId=sid, ChangedBlocksCount=len(blocks), **kw)
    assert done["Status"] == "completed", done
    return sid


def list_all_blocks(ebs_client, snapshot_id: str, **kw) -> list[dict]:
    """Every entry of ListSnapshotBlocks, following NextToken."""
    out: list[dict] = []
    token = None
    while True:
        page = ebs_client.list_snapshot_blocks(
            SnapshotId=snapshot_id, **kw, **({"NextToken": token} if token else {})
        )
        out += page["Blocks"]
        token = page.get("NextToken")
        if not token:
            return out


def list_all_changed(ebs_client, first: str, second: str, **kw) -> list[dict]:
    """Every entry of ListChangedBlocks, following NextToken."""
    out: list[dict] = []
    token = None
    while True:
        page = ebs_client.list_changed_blocks(
            FirstSnapshotId=first, SecondSnapshotId=second, **kw, **({"NextToken": token} if token else {})
        )
        out += page["ChangedBlocks"]
        token = page.get("NextToken")
        if not token:
            return out


def get_block(ebs_client, snapshot_id: str, index: int, token: str) -> tuple[bytes, dict]:
    """(data, response without the stream) of GetSnapshotBlock."""
    resp = ebs_client.get_snapshot_block(SnapshotId=snapshot_id, BlockIndex=index, BlockToken=token)
    data = resp.pop("BlockData").read()
    return data, resp


def read_snapshot(ebs_client, snapshot_id: str) -> dict[int, bytes]:
    """Every listed block of a snapshot, read back and checked against its returned checksum."""
    out = {}
    for b in list_all_blocks(ebs_client, snapshot_id):
        data, resp = get_block(ebs_client, snapshot_id, b["BlockIndex"], b["BlockToken"])
        assert resp["Checksum"] == b64_sha256(data), f"block {b['BlockIndex']}: checksum header lies"
        out[b["BlockIndex"]] = data
    return out


def describe_snapshot(ec2_client, snapshot_id: str) -> dict:
    return ec2_client.describe_snapshots(SnapshotIds=[snapshot_id])["Snapshots"][0]


def wait_snapshot_completed(ec2_client, snapshot_id: str, timeout: float = 10) -> dict:
    deadline = time.monotonic() + timeout
    snap = None
    while time.monotonic() < deadline:
        snap = describe_snapshot(ec2_client, snapshot_id)
        if snap["State"] == "completed":
            return snap
        assert snap["State"] == "pending", snap
        time.sleep(0.05)
    raise AssertionError(f"snapshot {snapshot_id} not completed after {timeout}s: {snap}")


# ---- disk images


def write_sparse_image(path: Path, size: int, extents: list[tuple[int, int]], seed: int = 0) -> None:
    """A sparse file of `size` bytes with random bytes at each (offset, length)."""
    import random

    rnd = random.Random(seed)
    with open(path, "wb") as f:
        f.truncate(size)
        for offset, length in extents:
            f.seek(offset)
            f.write(rnd.randbytes(length))


def nonzero_block_indexes(path: Path) -> list[int]:
    """Indexes of the 512 KiB blocks of a file that are not all zeros (last one zero-padded)."""
    zero = bytes(BLOCK_SIZE)
    out = []
    with open(path, "rb") as f:
        index = 0
        while True:
            chunk = f.read(BLOCK_SIZE)
            if not chunk:
                return out
            if chunk != zero[: len(chunk)]:
                out.append(index)
            index += 1


def file_sha256(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(8 << 20):
            h.update(chunk)
    return h.hexdigest()


def first_difference(a: Path, b: Path, chunk: int = 8 << 20) -> int | None:
    """Offset of the first differing byte of two files (or of the shorter one's end); None if equal."""
    with open(a, "rb") as fa, open(b, "rb") as fb:
        pos = 0
        while True:
            x, y = fa.read(chunk), fb.read(chunk)
            if x != y:
                n = min(len(x), len(y))
                for i in range(n):
                    if x[i] != y[i]:
                        return pos + i
                return pos + n
            if not x:
                return None
            pos += len(x)


def allocated_bytes(path: Path) -> int:
    return os.stat(path).st_blocks * 512


# ---- the `kiln` client commands


@dataclass
class KilnRun:
    argv: list
    returncode: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)

    def __str__(self) -> str:
        return f"kiln {' '.join(map(str, self.argv))} -> exit {self.returncode}\nstdout: {self.stdout[-2000:]}\nstderr: {self.stderr[-2000:]}"


def run_kiln(
    endpoint: str | None,
    *args,
    key: str = DUMMY_KEY,
    secret: str = DUMMY_SECRET,
    region: str = DEFAULT_REGION,
    endpoint_style: str = "flag",
    check: bool = True,
    timeout: float = 120,
    stdin: bytes | None = None,
) -> KilnRun:
    """Run a `kiln` client command (image, volume, verify, gc, storage) against `endpoint`.

    Credentials and region go in through the standard AWS variables; the user's own AWS
    files are kept out. endpoint_style="flag" passes --endpoint-url, "env" sets
    AWS_ENDPOINT_URL. With check=True a non-zero exit fails the test.
    """
    _AWS_HOME.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID=key,
        AWS_SECRET_ACCESS_KEY=secret,
        AWS_REGION=region,
        AWS_DEFAULT_REGION=region,
        AWS_CONFIG_FILE=str(_AWS_HOME / "config"),
        AWS_SHARED_CREDENTIALS_FILE=str(_AWS_HOME / "credentials"),
    )
    argv = [str(a) for a in args]
    if endpoint is not None:
        if endpoint_style == "flag":
            argv += ["--endpoint-url", endpoint]
        else:
            env["AWS_ENDPOINT_URL"] = endpoint
    p = subprocess.run(
        [str(kiln_binary()), *argv],
        env=env,
        input=stdin,
        capture_output=True,
        timeout=timeout,
    )
    run = KilnRun(argv, p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace"))
    if check:
        assert run.returncode == 0, str(run)
    return run


def kiln_import(endpoint: str, image: Path, name: str, *extra, **kw) -> str:
    """`kiln image import`; returns the snapshot id it prints on stdout."""
    run = run_kiln(endpoint, "image", "import", image, "--name", name, *extra, **kw)
    lines = run.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("snap-"), f"stdout should be just the snapshot id\n{run}"
    return lines[0]


def kiln_export(endpoint: str, snapshot_id: str, out: Path, *extra, **kw) -> KilnRun:
    return run_kiln(endpoint, "image", "export", snapshot_id, "-o", out, *extra, **kw)


# ---- Kiln's /kiln/ HTTP extension, signed like AWS


def signed_request(
    endpoint: str,
    method: str,
    path: str,
    query: dict | None = None,
    body: bytes = b"",
    service: str = "ec2",
    region: str = DEFAULT_REGION,
    key: str = DUMMY_KEY,
    secret: str = DUMMY_SECRET,
) -> requests.Response:
    url = endpoint.rstrip("/") + path + (("?" + urlencode(query)) if query else "")
    req = AWSRequest(method=method, url=url, data=body)
    botocore.auth.SigV4Auth(Credentials(key, secret), service, region).add_auth(req)
    return requests.request(method, url, data=body, headers=dict(req.headers.items()), timeout=HTTP_TIMEOUT)


# --------------------------------------------------------------------------
# Images: a server with an organization, and a deprecation scheduled early
# (test_images.py, test_image_sharing.py)
# --------------------------------------------------------------------------

IMAGE_OWNER = "111111111111"  # the organization's management account, owner of the images
IMAGE_RECIPIENT = "222222222222"  # shared with by account id; in no organization
IMAGE_STRANGER = "333333333333"  # nobody shares with it
IMAGE_OU_MEMBER = "444444444444"  # in OU ou-root-exampleou1 ("prod")
IMAGE_ORG_MEMBER = "555555555555"  # in the organization, in the other OU only
IMAGE_ORG_ID = "o-exampleorg1"
IMAGE_OU_ID = "ou-root-exampleou1"
IMAGE_ORG_ARN = f"arn:aws:organizations::{IMAGE_OWNER}:organization/{IMAGE_ORG_ID}"
IMAGE_OU_ARN = f"arn:aws:organizations::{IMAGE_OWNER}:ou/{IMAGE_ORG_ID}/{IMAGE_OU_ID}"
IMAGE_ORG_CONFIG = {
    "organizations": [
        {
            "id": IMAGE_ORG_ID,
            "managementAccount": IMAGE_OWNER,
            "units": [
                {"id": IMAGE_OU_ID, "name": "prod", "accounts": [IMAGE_OU_MEMBER]},
                {"id": "ou-root-exampleou2", "name": "dev", "accounts": [IMAGE_ORG_MEMBER]},
            ],
        }
    ]
}
IMAGE_DEPRECATION_REGION = "us-west-1"


def session_once(config, key: str, factory):
    """factory() the first time `key` is asked for in this pytest session (cached on the pytest
    config object), so that several modules can share one lazily made value."""
    cache = config.__dict__.setdefault("_kiln_session_once", {})
    if key not in cache:
        cache[key] = factory()
    return cache[key]


def start_image_org_server(servers: list, workdir: Path, name: str = "image-org") -> KilnServer:
    """A dev-auth server whose config declares IMAGE_ORG_CONFIG; registered in `servers` (the
    conftest `_servers` list) so that it is stopped at the end of the session."""
    name = server_name(name)
    cfg = workdir / f"{name}-config.json"
    cfg.write_text(json.dumps(IMAGE_ORG_CONFIG, indent=2))
    srv = KilnServer(workdir, name, DEV_ARGS + ["--config", str(cfg), "--enable-test-reset"])
    servers.append(srv)
    srv.start()
    return srv


def image_org_server(config, servers: list, workdir: Path) -> KilnServer:
    """The session's one organization server for image sharing tests."""
    return session_once(config, "image-org-server", lambda: start_image_org_server(servers, workdir))


def put_bundle(endpoint: str, location: str, data: bytes = b"kiln bundle part\n" * 64, key: str = DUMMY_KEY) -> str:
    """A small valid instance-store bundle at `location` (BUCKET/[FOLDER/]NAME.manifest.xml) in
    Kiln's object store, written as the account of `key` (a bucket belongs to the account that
    first writes to it): one part beside its manifest, for RegisterImage, which reads both.
    Returns `location`."""
    import hashlib

    folder, manifest = location.rsplit("/", 1)
    name = manifest.removesuffix(".manifest.xml")
    digest = hashlib.sha256(data).hexdigest()
    xml = (
        f'<manifest><image><name>{name}</name><size>{len(data)}</size><digest algorithm="SHA256">{digest}</digest>'
        f'<parts count="1"><part index="0"><filename>{name}.part.0</filename><digest algorithm="SHA256">{digest}</digest></part>'
        "</parts></image></manifest>"
    )
    for object_key, body in ((f"{folder}/{name}.part.0", data), (location, xml.encode())):
        response = signed_request(endpoint, "PUT", f"/kiln/buckets/{object_key}", body=body, key=key)
        assert response.status_code == 200, response.text
    return location


def register_ebs_image(ec2_client, snapshot_id: str, name: str, **kw) -> str:
    """RegisterImage: an x86_64/hvm image whose root /dev/xvda is `snapshot_id`."""
    resp = ec2_client.register_image(
        Name=name,
        RootDeviceName="/dev/xvda",
        Architecture="x86_64",
        VirtualizationType="hvm",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snapshot_id}}],
        **kw,
    )
    return resp["ImageId"]


def scheduled_image_deprecation(config, servers: list, workdir: Path) -> dict:
    """On the organization server, in IMAGE_DEPRECATION_REGION: one image shared with
    IMAGE_RECIPIENT and the organization, one public, both deprecated at the next whole minute
    (at least 3 s ahead). Made once per session; the test that needs that minute to have
    passed moves the server's clock to it (``KilnServer.advance_clock``).
    Returns {"shared", "public", "at" (aware datetime), "scheduled_at" (monotonic)}."""

    def schedule() -> dict:
        import uuid

        srv = image_org_server(config, servers, workdir)
        region = IMAGE_DEPRECATION_REGION
        owner = make_client(srv.endpoint, "ec2", region=region, key=IMAGE_OWNER)
        snap = upload_snapshot(make_client(srv.endpoint, "ebs", region=region, key=IMAGE_OWNER), {0: os.urandom(BLOCK_SIZE)})
        t = uuid.uuid4().hex[:10]
        shared = register_ebs_image(owner, snap, f"dep-shared-{t}")
        public = register_ebs_image(owner, snap, f"dep-public-{t}")
        owner.modify_image_attribute(ImageId=shared, LaunchPermission={"Add": [{"UserId": IMAGE_RECIPIENT}, {"OrganizationArn": IMAGE_ORG_ARN}]})
        owner.disable_image_block_public_access()
        owner.modify_image_attribute(ImageId=public, LaunchPermission={"Add": [{"Group": "all"}]})
        now = dt.datetime.now(dt.timezone.utc)
        at = now.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
        if (at - now).total_seconds() < 3:
            at += dt.timedelta(minutes=1)
        for image_id in (shared, public):
            owner.enable_image_deprecation(ImageId=image_id, DeprecateAt=at)
        return {"shared": shared, "public": public, "at": at, "scheduled_at": time.monotonic(), "server": srv}

    return session_once(config, "image-deprecation", schedule)


# ---- shared by the image tests


def ids_of(resp) -> set[str]:
    """The image ids of a DescribeImages answer."""
    return {i["ImageId"] for i in resp["Images"]}


def raises(code_or_codes, fn, *args, **kw):
    """Call fn, expect a ClientError with HTTP 4xx and this code (or one of these codes)."""
    import pytest
    from botocore.exceptions import ClientError

    codes = {code_or_codes} if isinstance(code_or_codes, str) else set(code_or_codes)
    with pytest.raises(ClientError) as ei:
        fn(*args, **kw)
    code, status = client_error(ei)
    assert code in codes, f"expected {sorted(codes)}, got {code} ({status}): {ei.value}"
    assert 400 <= status < 500, (code, status)
    return ei.value


def wait_for(check, timeout: float = 20, interval: float = 0.3):
    """Polls `check` until it returns something truthy, and returns that; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s; last: {result!r}")
        time.sleep(interval)
