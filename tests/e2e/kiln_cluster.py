"""Cluster mode for the end-to-end harness: with KILN_CLUSTER=postgres every KilnServer is two
kiln nodes that share one PostgreSQL database (a fresh database on a throw-away server for the
session) and one data directory (the master key; blocks and objects too, unless KILN_BLOCKS=seaweedfs
puts them in a bucket of the session's SeaweedFS, as `make test-cluster` does), behind a small
proxy on the server's own port that sends requests to the nodes in turn.

The tests see one endpoint, as clients of a cluster behind a load balancer do, and every
second request lands on the other node.
"""

from __future__ import annotations

import atexit
import http.client
import itertools
import os
import socket
import subprocess
import tempfile
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRATCH = REPO / "scripts" / "scratch-postgres.sh"
NODES = int(os.environ.get("KILN_CLUSTER_NODES", "2"))


def cluster_mode() -> str:
    return os.environ.get("KILN_CLUSTER", "")


class ScratchPostgres:
    """One throw-away PostgreSQL server for the test process (scripts/scratch-postgres.sh),
    stopped at exit; `database()` makes a new empty database on it."""

    _lock = threading.Lock()
    _url: str | None = None
    _dir: str | None = None

    @classmethod
    def base_url(cls) -> str:
        given = os.environ.get("KILN_TEST_POSTGRES")
        if given:
            return given
        with cls._lock:
            if cls._url is None:
                cls._dir = tempfile.mkdtemp(prefix="kiln-pg-")
                out = subprocess.run(
                    ["bash", str(SCRATCH), "start", cls._dir], check=True, capture_output=True, text=True
                )
                cls._url = out.stdout.strip().splitlines()[-1]
                atexit.register(cls.stop)
            return cls._url

    @classmethod
    def stop(cls) -> None:
        if cls._dir:
            subprocess.run(["bash", str(SCRATCH), "stop", cls._dir], capture_output=True)
            cls._dir = None
            cls._url = None

    @classmethod
    def database(cls) -> str:
        base = cls.base_url()
        name = "e2e_" + uuid.uuid4().hex[:16]
        subprocess.run(["psql", base, "-q", "-c", f"CREATE DATABASE {name}"], check=True, capture_output=True)
        return base.rsplit("/", 1)[0] + "/" + name


HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"}


class RoundRobinProxy:
    """Forwards each request, whole, to the next node that answers; a node that refuses the
    connection (stopped, killed) is skipped."""

    def __init__(self, port: int, node_ports: list[int]):
        self.node_ports = node_ports
        self._turn = itertools.count()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, reason, headers, payload = proxy.send(self.command, self.path, self.headers, body)
                self.send_response_only(status, reason)
                for name, value in headers:
                    if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def send(self, method, path, headers, body):
        first = next(self._turn)
        last_error = None
        for step in range(len(self.node_ports)):
            port = self.node_ports[(first + step) % len(self.node_ports)]
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            try:
                conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
                for name, value in headers.items():
                    if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                        conn.putheader(name, value)
                conn.putheader("Content-Length", str(len(body)))
                conn.endheaders(body)
                reply = conn.getresponse()
                payload = reply.read()
                return reply.status, reply.reason, reply.getheaders(), payload
            except (ConnectionRefusedError, ConnectionResetError) as e:
                last_error = e
                continue
            finally:
                conn.close()
        return 502, "Bad Gateway", [("Content-Type", "text/plain")], f"no node answered: {last_error}\n".encode()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
