"""Fixtures for the Kiln end-to-end suite. They run the real binary and talk to it with
boto3, the aws CLI and raw signed HTTP (helpers in kiln_harness.py).

Run from the repo root:
    pytest -q tests/e2e                      # binary: $KILN_BIN or .build/debug/kiln
    KILN_BIN=.build/release/kiln pytest -q tests/e2e
    pytest -q tests/e2e -m "not extra"       # only the features promised so far
    KILN_E2E_KEEP=1 pytest tests/e2e         # keep data dirs and server logs

Every server gets a free loopback port and a fresh temp data dir. The shared servers
(`kiln_server`/`kiln` in dev auth, `strict_server` in strict auth) live for the session;
tests that restart, kill or reset a server start their own via `kiln_factory`, so the
shared ones are never disturbed.

Marker `extra`: checks of behaviour beyond what this milestone promises; those tests are
also named test_extra_*.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

from kiln_harness import (
    DEV_ARGS,
    STRICT_CONFIG,
    BinaryMissing,
    KilnServer,
    make_client,
    run_aws,
    server_name,
)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "extra: behaviour beyond the features promised for this milestone"
    )


@pytest.fixture(scope="session")
def workdir() -> Iterator[Path]:
    d = Path(tempfile.mkdtemp(prefix="kiln-e2e-"))
    yield d
    if os.environ.get("KILN_E2E_KEEP"):
        print(f"\nkept e2e workdir {d}")
    else:
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session")
def _servers() -> Iterator[list[KilnServer]]:
    """Every server started in the session, stopped at the end."""
    servers: list[KilnServer] = []
    yield servers
    for s in servers:
        try:
            s.stop(timeout=5)
        except Exception:
            s.kill9()


def _start(servers: list[KilnServer], workdir: Path, name: str, args: list[str]) -> KilnServer:
    try:
        srv = KilnServer(workdir, server_name(name), args)
    except BinaryMissing as e:
        pytest.exit(str(e), returncode=2)
    servers.append(srv)
    srv.start()
    return srv


@pytest.fixture(scope="session")
def kiln_server(_servers, workdir) -> KilnServer:
    """Shared dev-mode server: any signature accepted, instant latency, no test reset."""
    return _start(_servers, workdir, "dev", DEV_ARGS)


@pytest.fixture(scope="session")
def kiln(kiln_server) -> str:
    """Endpoint URL of the shared dev-mode server."""
    return kiln_server.endpoint


@pytest.fixture(scope="session")
def strict_server(_servers, workdir) -> KilnServer:
    """Shared --auth strict server whose config file has two accounts (kiln_harness.STRICT_CONFIG)."""
    cfg = workdir / "strict-config.json"
    cfg.write_text(json.dumps(STRICT_CONFIG, indent=2))
    args = ["--auth", "strict", "--config", str(cfg), "--latency", "instant"]
    return _start(_servers, workdir, "strict", args)


@pytest.fixture
def kiln_factory(_servers, workdir):
    """kiln_factory(extra_args=None, name="private") -> a private, started KilnServer.
    Default args: dev auth, instant latency, --enable-test-reset. The server has
    .restart() (graceful) and .crash_and_restart() (kill -9) on the same data dir.
    The servers a test made are stopped when it ends, so that idle servers (in cluster mode,
    two nodes each) do not pile up over the session."""
    made: list[KilnServer] = []

    def make(extra_args: list[str] | None = None, name: str = "private") -> KilnServer:
        args = DEV_ARGS + ["--enable-test-reset"] if extra_args is None else extra_args
        server = _start(_servers, workdir, name, args)
        made.append(server)
        return server

    yield make
    for server in made:
        _servers.remove(server)
        try:
            server.stop(timeout=5)
        except Exception:
            server.kill9()


@pytest.fixture(scope="session")
def client(kiln):
    """client(service, region=..., key=..., secret=..., validate=True) against the dev server."""

    def make(service, **kw):
        return make_client(kiln, service, **kw)

    return make


@pytest.fixture(scope="session")
def ec2(kiln):
    return make_client(kiln, "ec2")


@pytest.fixture(scope="session")
def sts(kiln):
    return make_client(kiln, "sts")


@pytest.fixture(scope="session")
def aws(kiln):
    """aws(*args, endpoint_style="flag"|"env", region=..., key=..., secret=...) -> parsed JSON
    from the aws CLI run against the dev server. Raises kiln_harness.CliError on failure."""

    def call(*args, **kw):
        return run_aws(kiln, *args, **kw)

    return call
