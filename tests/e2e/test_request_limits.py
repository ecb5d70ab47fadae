"""Request limits over real sockets: bodies over their operation's limit and blocks for
snapshots that cannot take them are refused from the head alone, idle and slow connections
are closed, and the number of open connections is bounded, each answered AWS-style."""

from __future__ import annotations

import socket
import time

import pytest

from kiln_harness import BLOCK_SIZE, DEV_ARGS, KilnServer, make_client, put_block, server_name

AUTH = "AWS4-HMAC-SHA256 Credential=111111111111/20260101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=00"


def connect(srv, timeout: float = 10) -> socket.socket:
    """A raw connection to the server; in cluster mode to its first node itself, as these
    limits are each process's own and the harness's proxy reads whole requests first."""
    port = srv.node_ports[0] if srv.cluster else srv.port
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.settimeout(timeout)
    return s


def read_reply(s: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 answer: status, headers by lower-cased name, body."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed before an answer: {data!r}")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = s.recv(65536)
        if not chunk:
            break
        body += chunk
    return status, headers, body


def closed_within(s: socket.socket, seconds: float) -> float | None:
    """Seconds until the server closes `s` (reading and dropping anything it sends), or None."""
    started = time.monotonic()
    s.settimeout(0.25)
    while time.monotonic() - started < seconds:
        try:
            if s.recv(65536) == b"":
                return time.monotonic() - started
        except socket.timeout:
            continue
        except ConnectionResetError:
            return time.monotonic() - started
    return None


def block_head(snapshot_id: str, length: int) -> bytes:
    return (
        f"PUT /snapshots/{snapshot_id}/blocks/0 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: {AUTH.format(service='ebs')}\r\nX-Amz-Content-SHA256: UNSIGNED-PAYLOAD\r\n"
        f"x-amz-Data-Length: {BLOCK_SIZE}\r\nx-amz-Checksum: AAAA\r\nx-amz-Checksum-Algorithm: SHA256\r\n"
        f"Content-Type: application/octet-stream\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


@pytest.fixture(scope="module")
def limited(_servers, workdir):
    srv = KilnServer(workdir, server_name("limits"), DEV_ARGS + ["--idle-timeout", "2", "--request-timeout", "3"])
    _servers.append(srv)
    srv.start()
    return srv


def test_a_body_over_its_operations_limit_is_refused_before_it_is_read(limited):
    snapshot = make_client(limited.endpoint, "ebs").start_snapshot(VolumeSize=1)["SnapshotId"]
    s = connect(limited)
    s.sendall(block_head(snapshot, 10 << 30))  # 10 GiB declared, nothing sent
    started = time.monotonic()
    status, headers, body = read_reply(s)
    assert time.monotonic() - started < 2, "the refusal waited for the body"
    assert status == 413 and headers.get("x-amzn-errortype") == "RequestEntityTooLarge", (status, headers, body)
    assert headers.get("connection") == "close"
    assert closed_within(s, 5) is not None, "the connection stays open after a refused body"
    s.close()

    # A query request declared over the default limit gets EC2's XML envelope.
    s = connect(limited)
    s.sendall(
        (
            f"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {AUTH.format(service='ec2')}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 5000000\r\n\r\nAction=Describe"
        ).encode()
    )
    status, _, body = read_reply(s)
    assert status == 413 and b"<Code>RequestEntityTooLarge</Code>" in body, (status, body)
    s.close()


def test_a_block_for_a_missing_snapshot_is_refused_before_its_body(limited):
    s = connect(limited)
    s.sendall(block_head("snap-0123456789abcdef0", BLOCK_SIZE))
    started = time.monotonic()
    status, headers, _ = read_reply(s)
    assert time.monotonic() - started < 2
    assert status == 404 and headers.get("x-amzn-errortype") == "ResourceNotFoundException", (status, headers)
    s.close()
    # The server is unharmed, and a block for an open upload still goes in.
    ebs = make_client(limited.endpoint, "ebs")
    snapshot = ebs.start_snapshot(VolumeSize=1)["SnapshotId"]
    put_block(ebs, snapshot, 0, b"k" * BLOCK_SIZE)
    assert ebs.complete_snapshot(SnapshotId=snapshot, ChangedBlocksCount=1)["Status"] == "completed"
    assert [b["BlockIndex"] for b in ebs.list_snapshot_blocks(SnapshotId=snapshot)["Blocks"]] == [0]


def test_an_idle_connection_is_closed(limited):
    s = connect(limited)
    after = closed_within(s, 8)
    assert after is not None and 1.5 <= after <= 6, after
    s.close()


def test_a_head_sent_slowly_is_cut_off(limited):
    s = connect(limited)
    started = time.monotonic()
    closed = False
    for byte in b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 100:
        try:
            s.sendall(bytes([byte]))
        except (BrokenPipeError, ConnectionResetError):
            closed = True
            break
        if closed_within(s, 0.3) is not None:
            closed = True
            break
    assert closed, "a head trickling in kept the connection open"
    assert time.monotonic() - started < 8
    s.close()


def test_a_body_sent_slowly_is_cut_off(limited):
    s = connect(limited)
    s.sendall(
        (
            f"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {AUTH.format(service='ec2')}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 200\r\n\r\n"
        ).encode()
    )
    started = time.monotonic()
    closed = False
    for _ in range(60):
        try:
            s.sendall(b"A")
        except (BrokenPipeError, ConnectionResetError):
            closed = True
            break
        if closed_within(s, 0.5) is not None:
            closed = True
            break
    elapsed = time.monotonic() - started
    assert closed, "a body trickling in kept the connection open"
    assert 2 <= elapsed < 8, elapsed
    s.close()


def test_connections_over_the_bound_get_503_and_the_server_carries_on(kiln_factory):
    limited = kiln_factory(DEV_ARGS + ["--max-connections", "6"], name="cap")
    time.sleep(0.5)
    # The harness may still hold a connection or two of its own; connections are opened and
    # kept until one is refused, which must happen by the seventh.
    held, refused = [], None
    for _ in range(7):
        s = connect(limited)
        s.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        status, _, body = read_reply(s)
        if status == 503:
            refused = (s, body)
            break
        assert status == 200
        held.append(s)
    assert refused is not None, "seven connections were served with a bound of six"
    assert len(held) >= 4, f"refused after only {len(held)} connections"
    extra, body = refused
    assert b"<Code>ServiceUnavailable</Code>" in body, body
    assert closed_within(extra, 3) is not None
    extra.close()
    again = connect(limited)  # still full
    again.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert read_reply(again)[0] == 503
    again.close()
    for s in held:
        s.close()
    time.sleep(0.5)
    ok = connect(limited)
    ok.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert read_reply(ok)[0] == 200
    ok.close()
    assert make_client(limited.endpoint, "ec2").describe_regions()["Regions"]


def test_strict_auth_checks_a_signed_payload_hash(strict_server):
    """A signed hex X-Amz-Content-SHA256 must be the hash of the body that arrives: a request
    signed for one body and sent with another is refused, as a replay with a changed body."""
    import hashlib

    import botocore.auth
    import requests
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    signed_body = b"Action=DescribeRegions&Version=2016-11-15"
    url = strict_server.endpoint + "/"

    def send(body: bytes) -> requests.Response:
        req = AWSRequest(method="POST", url=url, data=signed_body, headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        req.headers["X-Amz-Content-SHA256"] = hashlib.sha256(signed_body).hexdigest()
        botocore.auth.SigV4Auth(Credentials("AKIAEXAMPLE2222", "secret2"), "ec2", "us-east-1").add_auth(req)
        return requests.post(url, data=body, headers=dict(req.headers.items()), timeout=10)

    assert send(signed_body).status_code == 200
    tampered = send(b"Action=DescribeRegions&Version=2016-11-15&RegionName.1=eu-west-1")
    assert tampered.status_code == 401 and b"<Code>AuthFailure</Code>" in tampered.content, tampered.text
